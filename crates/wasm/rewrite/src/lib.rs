//! The npm package's second wasm: the streaming CSP-nonce HTML rewriter of
//! `headwarden-core` (`lol_html`, feature `rewrite`), nothing else.
//!
//! It is a separate wasm so that the main one (check, checkCsp, …) stays small: `lol_html`
//! and its encoding tables are several times the size of the checker. The package's JS
//! loads it on the first `enforce()` that has an HTML body to rewrite, and pipes the body
//! through [`HtmlRewriter`] chunk by chunk.

use std::cell::RefCell;
use std::rc::Rc;

use headwarden_core::policy::model::NonceScripts;
use headwarden_core::policy::{NonceOptions, NonceRewriter};
use wasm_bindgen::prelude::*;

/// Where the rewriter writes: a buffer that [`HtmlRewriter::write`] drains.
type Sink = Box<dyn FnMut(&[u8])>;

/// One HTML document being rewritten. `write` each chunk, then `end` once; both return
/// the rewritten bytes that are ready.
#[wasm_bindgen]
pub struct HtmlRewriter {
    inner: Option<NonceRewriter<Sink>>,
    out: Rc<RefCell<Vec<u8>>>,
    stats: [u32; 3],
}

fn which(value: Option<String>) -> Result<Option<NonceScripts>, JsError> {
    match value.as_deref() {
        None => Ok(None),
        Some("all") => Ok(Some(NonceScripts::All)),
        Some("marked") => Ok(Some(NonceScripts::Marked)),
        Some(other) => Err(JsError::new(&format!(
            "unknown nonce selection `{other}` (expected all or marked)"
        ))),
    }
}

#[wasm_bindgen]
impl HtmlRewriter {
    /// `scripts` / `styles`: which elements get the nonce (`"all"`, `"marked"`, or
    /// nothing to leave them alone), as `enforce` decided for this response.
    #[wasm_bindgen(constructor)]
    pub fn new(
        nonce: Option<String>,
        scripts: Option<String>,
        styles: Option<String>,
        remove_meta_csp: bool,
        keep_existing: bool,
    ) -> Result<HtmlRewriter, JsError> {
        let options = NonceOptions {
            nonce,
            scripts: which(scripts)?,
            styles: which(styles)?,
            remove_meta_csp,
            keep_existing,
        };
        let out = Rc::new(RefCell::new(Vec::new()));
        let sink_out = Rc::clone(&out);
        let sink: Sink =
            Box::new(move |chunk: &[u8]| sink_out.borrow_mut().extend_from_slice(chunk));
        Ok(HtmlRewriter {
            inner: Some(NonceRewriter::new(options, sink)),
            out,
            stats: [0; 3],
        })
    }

    /// Feeds the next chunk; returns the rewritten bytes that are ready (possibly none).
    pub fn write(&mut self, chunk: &[u8]) -> Result<Vec<u8>, JsError> {
        let inner = self
            .inner
            .as_mut()
            .ok_or_else(|| JsError::new("the rewriter has already ended"))?;
        inner
            .write(chunk)
            .map_err(|e| JsError::new(&e.to_string()))?;
        Ok(self.take())
    }

    /// Ends the document; returns the last rewritten bytes.
    pub fn end(&mut self) -> Result<Vec<u8>, JsError> {
        let inner = self
            .inner
            .take()
            .ok_or_else(|| JsError::new("the rewriter has already ended"))?;
        let stats = inner.end().map_err(|e| JsError::new(&e.to_string()))?;
        let count = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
        self.stats = [
            count(stats.scripts),
            count(stats.styles),
            count(stats.meta_csp_removed),
        ];
        Ok(self.take())
    }

    /// After `end`: `[scripts given the nonce, styles given the nonce, <meta> CSPs removed]`.
    pub fn stats(&self) -> Vec<u32> {
        self.stats.to_vec()
    }

    fn take(&self) -> Vec<u8> {
        std::mem::take(&mut *self.out.borrow_mut())
    }
}

// The default allocator (dlmalloc) is slower and no smaller in our measurements.
#[cfg(all(target_family = "wasm", not(target_feature = "atomics")))]
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();
