//! The CSP nonce in the HTML, applied with the runtime's own `HTMLRewriter`.
//!
//! workerd's `HTMLRewriter` *is* lol_html, native and streaming; compiling lol_html (and
//! encoding_rs, whose tables alone are ≈130 KB gzipped) into the worker's wasm a second
//! time made the upload ≈600 KB gzipped, over the 500 KB budget, and slower (every chunk
//! copied into the wasm and back). So the worker builds `headwarden-core` without its
//! `rewrite` feature and hands the platform's rewriter the same [`NonceOptions`] that
//! `enforce` computes. The CLI and the npm `enforce` keep the core's rewriter
//! (`policy::rewrite`); [`NonceRules`] is its `set_nonce` and `<meta>` match, rule for rule,
//! and the worker e2e compares the worker's page with `headwarden enforce` on the same HTML.
//!
//! Limits are the platform's: workerd's rewriter has its own memory limit (the core's is
//! `MAX_REWRITER_MEMORY`); a start tag too long to buffer (the e2e sends 9 MiB) errors its
//! stream with "The memory limit has been exceeded", and the worker aborts the response.

use std::cell::Cell;
use std::rc::Rc;

use headwarden_core::policy::{NonceOptions, NonceScripts, RewriteStats};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::{JsCast, JsValue};
use worker::js_sys::{Object, Reflect};
use worker::web_sys::{ReadableStream, Response as WsResponse};

/// What the rewriter does to each element it is shown (the core's `set_nonce` rules).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NonceRules {
    options: NonceOptions,
}

impl NonceRules {
    /// `None` when the options change nothing (no nonce to give and no `<meta>` to drop).
    pub fn new(options: NonceOptions) -> Option<Self> {
        let rules = NonceRules { options };
        (rules.scripts().is_some() || rules.styles().is_some() || rules.removes_meta_csp())
            .then_some(rules)
    }

    fn which(&self, which: Option<NonceScripts>) -> Option<(NonceScripts, &str)> {
        Some((which?, self.options.nonce.as_deref()?))
    }

    /// Which `<script>` elements get the nonce, and the nonce.
    pub fn scripts(&self) -> Option<(NonceScripts, &str)> {
        self.which(self.options.scripts)
    }

    /// Which `<style>` elements get the nonce, and the nonce.
    pub fn styles(&self) -> Option<(NonceScripts, &str)> {
        self.which(self.options.styles)
    }

    pub fn removes_meta_csp(&self) -> bool {
        self.options.remove_meta_csp
    }

    /// The nonce to set on an element that has `existing` (its `nonce` attribute), or
    /// `None` to leave it: a nonce is replaced unless the page's are kept (report-only); an
    /// element without one gets it only with [`NonceScripts::All`].
    pub fn nonce_for<'a>(
        &self,
        which: (NonceScripts, &'a str),
        existing: Option<&str>,
    ) -> Option<&'a str> {
        let (which, nonce) = which;
        let change = match existing {
            Some(existing) => existing != nonce && !self.options.keep_existing,
            None => which == NonceScripts::All,
        };
        change.then_some(nonce)
    }

    /// Whether a `<meta>` with this `http-equiv` is removed.
    pub fn removes_meta(&self, http_equiv: Option<&str>) -> bool {
        self.options.remove_meta_csp
            && http_equiv.is_some_and(|v| v.trim().eq_ignore_ascii_case("content-security-policy"))
    }
}

#[wasm_bindgen]
extern "C" {
    /// workerd's `HTMLRewriter`.
    #[wasm_bindgen(js_name = HTMLRewriter)]
    type HtmlRewriter;
    #[wasm_bindgen(constructor, js_class = "HTMLRewriter", catch)]
    fn new() -> Result<HtmlRewriter, JsValue>;
    #[wasm_bindgen(method, js_class = "HTMLRewriter", catch)]
    fn on(this: &HtmlRewriter, selector: &str, handlers: &Object) -> Result<HtmlRewriter, JsValue>;
    #[wasm_bindgen(method, js_class = "HTMLRewriter", catch)]
    fn transform(this: &HtmlRewriter, response: &WsResponse) -> Result<WsResponse, JsValue>;

    /// The element an `element` handler is given.
    type HtmlElement;
    #[wasm_bindgen(method, getter, js_name = tagName)]
    fn tag_name(this: &HtmlElement) -> String;
    #[wasm_bindgen(method, js_name = getAttribute)]
    fn get_attribute(this: &HtmlElement, name: &str) -> Option<String>;
    #[wasm_bindgen(method, js_name = setAttribute, catch)]
    fn set_attribute(this: &HtmlElement, name: &str, value: &str) -> Result<(), JsValue>;
    #[wasm_bindgen(method, catch)]
    fn remove(this: &HtmlElement) -> Result<(), JsValue>;
}

type Handler = Closure<dyn FnMut(HtmlElement) -> Result<(), JsValue>>;

/// A body on its way through `HTMLRewriter`: what was changed so far, and the handler,
/// which must live until the rewritten stream has ended.
pub struct Rewriting {
    pub stats: Rc<Cell<RewriteStats>>,
    _handler: Handler,
}

/// Streams `body` (HTML) through `HTMLRewriter` with `rules`: the rewritten body. The bytes
/// are parsed as the core's rewriter parses them (UTF-8, whatever the page's charset: only
/// ASCII names and the base64 nonce are read or written).
pub fn rewrite(
    body: &ReadableStream,
    rules: NonceRules,
) -> Result<(ReadableStream, Rewriting), JsValue> {
    let stats = Rc::new(Cell::new(RewriteStats::default()));
    let counts = Rc::clone(&stats);
    let (scripts, styles, metas) = (
        rules.scripts().is_some(),
        rules.styles().is_some(),
        rules.removes_meta_csp(),
    );
    // One handler (one JS closure) for every selector, told apart by tag name.
    let handler = Handler::new(move |el: HtmlElement| {
        let tag = el.tag_name();
        let mut s = counts.get();
        if tag.eq_ignore_ascii_case("meta") {
            if rules.removes_meta(el.get_attribute("http-equiv").as_deref()) {
                el.remove()?;
                s.meta_csp_removed += 1;
            }
        } else {
            let script = tag.eq_ignore_ascii_case("script");
            let which = if script {
                rules.scripts()
            } else {
                rules.styles()
            };
            let nonce =
                which.and_then(|w| rules.nonce_for(w, el.get_attribute("nonce").as_deref()));
            if let Some(nonce) = nonce {
                el.set_attribute("nonce", nonce)?;
                if script {
                    s.scripts += 1;
                } else {
                    s.styles += 1;
                }
            }
        }
        counts.set(s);
        Ok(())
    });
    let handlers = Object::new();
    Reflect::set(&handlers, &JsValue::from_str("element"), handler.as_ref())?;
    let mut rewriter = HtmlRewriter::new()?;
    for (selector, wanted) in [
        ("script", scripts),
        ("style", styles),
        ("meta[http-equiv]", metas),
    ] {
        if wanted {
            rewriter = rewriter.on(selector, &handlers)?;
        }
    }
    // No Content-Type: the rewriter then reads UTF-8, as the core's does.
    let input = WsResponse::new_with_opt_readable_stream(Some(body))?;
    let output = rewriter.transform(&input)?;
    let body = output
        .body()
        .ok_or_else(|| JsValue::from_str("HTMLRewriter returned no body"))?;
    Ok((
        body.unchecked_into(),
        Rewriting {
            stats,
            _handler: handler,
        },
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn options(scripts: Option<NonceScripts>, keep_existing: bool) -> NonceOptions {
        NonceOptions {
            nonce: Some("N".into()),
            scripts,
            styles: None,
            remove_meta_csp: true,
            keep_existing,
        }
    }

    fn rules(scripts: Option<NonceScripts>, keep_existing: bool) -> NonceRules {
        NonceRules::new(options(scripts, keep_existing)).unwrap()
    }

    #[test]
    fn all_adds_and_replaces_nonces() {
        let r = rules(Some(NonceScripts::All), false);
        let which = r.scripts().unwrap();
        assert_eq!(r.nonce_for(which, None), Some("N"));
        assert_eq!(r.nonce_for(which, Some("old")), Some("N"));
        assert_eq!(
            r.nonce_for(which, Some("N")),
            None,
            "already right: no change"
        );
        assert_eq!(r.styles(), None, "styles are left alone");
    }

    #[test]
    fn marked_only_renews_existing_nonces() {
        let r = rules(Some(NonceScripts::Marked), false);
        let which = r.scripts().unwrap();
        assert_eq!(r.nonce_for(which, None), None);
        assert_eq!(r.nonce_for(which, Some("t")), Some("N"));
    }

    #[test]
    fn report_only_keeps_the_pages_nonces() {
        let r = rules(Some(NonceScripts::All), true);
        let which = r.scripts().unwrap();
        assert_eq!(r.nonce_for(which, Some("site")), None);
        assert_eq!(r.nonce_for(which, None), Some("N"));
    }

    #[test]
    fn meta_csp_match_is_trimmed_and_case_insensitive() {
        let r = rules(None, false);
        assert!(r.removes_meta(Some(" content-SECURITY-policy\t")));
        assert!(!r.removes_meta(Some("Content-Security-Policy-Report-Only")));
        assert!(!r.removes_meta(None));
        let mut o = options(None, false);
        o.remove_meta_csp = false;
        o.nonce = None;
        assert_eq!(NonceRules::new(o), None, "nothing to do: no rewriter");
    }

    #[test]
    fn no_nonce_means_scripts_and_styles_are_left_alone() {
        let mut o = options(Some(NonceScripts::All), false);
        o.nonce = None;
        o.styles = Some(NonceScripts::All);
        let r = NonceRules::new(o).expect("the <meta> is still removed");
        assert_eq!((r.scripts(), r.styles()), (None, None));
    }
}
