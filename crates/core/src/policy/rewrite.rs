//! HTML nonce rewriting with `lol_html` (feature `rewrite`): every `<script>` (and
//! `<style>` when asked) gets the response's CSP nonce, existing nonces are replaced so the
//! header and the body agree, and `<meta http-equiv="Content-Security-Policy">` tags are
//! removed when the policy's header CSP replaces the page's own.
//!
//! [`NonceRewriter`] streams (the worker feeds it chunk by chunk); [`rewrite_html`] does a
//! whole body (what `enforce` uses). Only start tags that change are re-serialized; every
//! other byte passes through as it came.
//!
//! A proxy cannot tell the page's own scripts from markup injected into it: with
//! [`NonceScripts::All`] an injected `<script>` gets the nonce too, so the CSP still blocks
//! inline event handlers, `javascript:` URLs, plugins, `<base>` and foreign form targets,
//! but not injected `<script>` elements. [`NonceScripts::Marked`] (`nonce_scripts =
//! "marked"`) only renews nonces the templates already put on their scripts.

#[cfg(feature = "rewrite")]
use std::cell::RefCell;
#[cfg(feature = "rewrite")]
use std::rc::Rc;

#[cfg(feature = "rewrite")]
use lol_html::html_content::Element;
#[cfg(feature = "rewrite")]
use lol_html::{element, HtmlRewriter, MemorySettings, Settings};
use serde::Serialize;
use thiserror::Error;

use super::model::NonceScripts;

/// Most memory `lol_html` may use for one document (it buffers a tag split across
/// chunks); past it, rewriting fails rather than growing.
pub const MAX_REWRITER_MEMORY: usize = 8 * 1024 * 1024;

/// What to do to a page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NonceOptions {
    /// The nonce (base64 characters only); `None` when the policy has none (only the
    /// `<meta>` CSP is removed then).
    pub nonce: Option<String>,
    /// Which `<script>` elements get it (`None`: leave scripts alone).
    pub scripts: Option<NonceScripts>,
    /// Which `<style>` elements get it (`None`: leave styles alone).
    pub styles: Option<NonceScripts>,
    /// Remove `<meta http-equiv="Content-Security-Policy">`.
    pub remove_meta_csp: bool,
    /// Keep nonces the page already has (report-only mode: the site's own enforced CSP
    /// still expects them).
    pub keep_existing: bool,
}

/// What a rewrite did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct RewriteStats {
    /// `<script>` elements given the nonce (added or replaced).
    pub scripts: usize,
    /// `<style>` elements given the nonce.
    pub styles: usize,
    /// `<meta>` CSP tags removed.
    pub meta_csp_removed: usize,
}

impl RewriteStats {
    pub fn changed(&self) -> bool {
        self.scripts + self.styles + self.meta_csp_removed > 0
    }
}

/// Why a page could not be rewritten.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum RewriteError {
    #[error("the HTML rewriter stopped: {0}")]
    Html(String),
}

#[cfg(feature = "rewrite")]
/// A streaming rewriter: `write` chunks as they arrive, `end` once; the rewritten bytes go
/// to `sink` as soon as they are known.
pub struct NonceRewriter<S: FnMut(&[u8])> {
    inner: HtmlRewriter<'static, S>,
    stats: Rc<RefCell<RewriteStats>>,
}

#[cfg(feature = "rewrite")]
impl<S: FnMut(&[u8])> NonceRewriter<S> {
    pub fn new(options: NonceOptions, sink: S) -> Self {
        let stats = Rc::new(RefCell::new(RewriteStats::default()));
        let options = Rc::new(options);
        let (o1, s1) = (Rc::clone(&options), Rc::clone(&stats));
        let (o2, s2) = (Rc::clone(&options), Rc::clone(&stats));
        let (o3, s3) = (Rc::clone(&options), Rc::clone(&stats));
        let settings = Settings::new()
            .with_strict(false)
            .with_memory_settings(
                MemorySettings::new().with_max_allowed_memory_usage(MAX_REWRITER_MEMORY),
            )
            .append_element_content_handler(element!("script", move |el: &mut Element| {
                if set_nonce(el, &o1, o1.scripts)? {
                    s1.borrow_mut().scripts += 1;
                }
                Ok(())
            }))
            .append_element_content_handler(element!("style", move |el: &mut Element| {
                if set_nonce(el, &o2, o2.styles)? {
                    s2.borrow_mut().styles += 1;
                }
                Ok(())
            }))
            .append_element_content_handler(element!(
                "meta[http-equiv]",
                move |el: &mut Element| {
                    if o3.remove_meta_csp
                        && el.get_attribute("http-equiv").is_some_and(|v| {
                            v.trim().eq_ignore_ascii_case("content-security-policy")
                        })
                    {
                        el.remove();
                        s3.borrow_mut().meta_csp_removed += 1;
                    }
                    Ok(())
                }
            ));
        NonceRewriter {
            inner: HtmlRewriter::new(settings, sink),
            stats,
        }
    }

    /// Feeds the next chunk of the body.
    pub fn write(&mut self, chunk: &[u8]) -> Result<(), RewriteError> {
        self.inner
            .write(chunk)
            .map_err(|e| RewriteError::Html(e.to_string()))
    }

    /// Flushes the end of the body; returns what was changed.
    pub fn end(self) -> Result<RewriteStats, RewriteError> {
        self.inner
            .end()
            .map_err(|e| RewriteError::Html(e.to_string()))?;
        let stats = *self.stats.borrow();
        Ok(stats)
    }
}

/// Gives `el` the nonce when `which` asks for it; returns whether it changed.
#[cfg(feature = "rewrite")]
fn set_nonce(
    el: &mut Element<'_, '_>,
    options: &NonceOptions,
    which: Option<NonceScripts>,
) -> Result<bool, Box<dyn std::error::Error + Send + Sync>> {
    let (Some(which), Some(nonce)) = (which, options.nonce.as_deref()) else {
        return Ok(false);
    };
    let change = match el.get_attribute("nonce") {
        Some(existing) => existing != nonce && !options.keep_existing,
        None => which == NonceScripts::All,
    };
    if change {
        el.set_attribute("nonce", nonce)?;
    }
    Ok(change)
}

/// Rewrites a whole body.
#[cfg(feature = "rewrite")]
pub fn rewrite_html(
    body: &[u8],
    options: &NonceOptions,
) -> Result<(Vec<u8>, RewriteStats), RewriteError> {
    let mut out = Vec::with_capacity(body.len() + body.len() / 64 + 64);
    let mut rewriter =
        NonceRewriter::new(options.clone(), |chunk: &[u8]| out.extend_from_slice(chunk));
    rewriter.write(body)?;
    let stats = rewriter.end()?;
    Ok((out, stats))
}

#[cfg(all(test, feature = "rewrite"))]
mod tests {
    use super::*;

    fn opts(nonce: &str) -> NonceOptions {
        NonceOptions {
            nonce: Some(nonce.into()),
            scripts: Some(NonceScripts::All),
            styles: None,
            remove_meta_csp: true,
            keep_existing: false,
        }
    }

    #[test]
    fn adds_and_replaces_nonces_and_leaves_other_bytes() {
        let body = b"<!doctype html><p a = 1>x</p><script>a<b</script><SCRIPT nonce=old src=/a.js></SCRIPT><style>p{}</style>";
        let (out, stats) = rewrite_html(body, &opts("N1")).unwrap();
        let out = String::from_utf8(out).unwrap();
        assert_eq!(
            out,
            "<!doctype html><p a = 1>x</p><script nonce=\"N1\">a<b</script><SCRIPT nonce=\"N1\" src=/a.js></SCRIPT><style>p{}</style>"
        );
        assert_eq!(stats.scripts, 2);
    }

    #[test]
    fn marked_mode_only_renews_existing_nonces() {
        let mut o = opts("N");
        o.scripts = Some(NonceScripts::Marked);
        let (out, stats) =
            rewrite_html(b"<script>x</script><script nonce=\"t\">y</script>", &o).unwrap();
        assert_eq!(out, b"<script>x</script><script nonce=\"N\">y</script>");
        assert_eq!(stats.scripts, 1);
    }

    #[test]
    fn removes_meta_csp_and_streams_in_tiny_chunks() {
        let body = b"<head><meta http-equiv=\"Content-Security-Policy\" content=\"script-src 'self'\"><meta charset=utf-8><script>1</script></head>";
        let mut out = Vec::new();
        let mut rw = NonceRewriter::new(opts("Z"), |c: &[u8]| out.extend_from_slice(c));
        for chunk in body.chunks(3) {
            rw.write(chunk).unwrap();
        }
        let stats = rw.end().unwrap();
        assert_eq!(
            out,
            b"<head><meta charset=utf-8><script nonce=\"Z\">1</script></head>"
        );
        assert_eq!(stats.meta_csp_removed, 1);
    }

    #[test]
    fn keeps_existing_nonces_in_report_only_mode() {
        let mut o = opts("N");
        o.keep_existing = true;
        let (out, _) =
            rewrite_html(b"<script nonce=site>1</script><script>2</script>", &o).unwrap();
        assert_eq!(
            out,
            b"<script nonce=site>1</script><script nonce=\"N\">2</script>"
        );
    }
}
