//! Small browser helpers. None of them writes markup: text goes through `textContent`-like
//! APIs only, and URLs we create are `blob:` URLs for downloads.

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

/// Milliseconds since navigation start.
pub fn now() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map_or(0.0, |p| p.now())
}

/// Sets an attribute on `<html>` (the theme, the test hooks).
pub fn set_root_attr(name: &str, value: Option<&str>) {
    let Some(root) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
    else {
        return;
    };
    let _ = match value {
        Some(v) => root.set_attribute(name, v),
        None => root.remove_attribute(name),
    };
}

/// The URL fragment, with its `#`.
pub fn location_hash() -> String {
    web_sys::window()
        .and_then(|w| w.location().hash().ok())
        .unwrap_or_default()
}

/// Replaces the fragment without a history entry (and without a `hashchange`).
pub fn replace_fragment(fragment: Option<&str>) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let Ok(history) = window.history() else {
        return;
    };
    let location = window.location();
    let path = location.pathname().unwrap_or_default() + &location.search().unwrap_or_default();
    let url = match fragment {
        Some(f) => format!("{path}#{f}"),
        None => path,
    };
    let _ = history.replace_state_with_url(&JsValue::NULL, "", Some(&url));
}

/// The full URL of the page (for "copy link").
pub fn location_href() -> String {
    web_sys::window()
        .and_then(|w| w.location().href().ok())
        .unwrap_or_default()
}

/// Copies `text`; the callback learns whether it worked.
pub fn copy_text(text: String, done: impl FnOnce(bool) + 'static) {
    let Some(clipboard) = web_sys::window().map(|w| w.navigator().clipboard()) else {
        done(false);
        return;
    };
    let promise = clipboard.write_text(&text);
    wasm_bindgen_futures::spawn_local(async move {
        // Awaiting (and dropping) the result keeps a refused write from becoming an
        // unhandled rejection in the console.
        done(JsFuture::from(promise).await.is_ok());
    });
}

/// Offers `text` as a file download (a `blob:` URL; nothing leaves the page).
pub fn download_text(file_name: &str, mime: &str, text: &str) -> Result<(), JsValue> {
    let window = web_sys::window().ok_or("no window")?;
    let document = window.document().ok_or("no document")?;
    let parts = js_sys::Array::of1(&JsValue::from_str(text));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options)?;
    let url = web_sys::Url::create_object_url_with_blob(&blob)?;
    let a: web_sys::HtmlAnchorElement = document.create_element("a")?.dyn_into()?;
    a.set_href(&url);
    a.set_download(file_name);
    a.set_class_name("visually-hidden");
    let body = document.body().ok_or("no body")?;
    body.append_child(&a)?;
    a.click();
    body.remove_child(&a)?;
    // Revoke later: the download has to start reading the blob first.
    gloo_timers::callback::Timeout::new(30_000, move || {
        let _ = web_sys::Url::revoke_object_url(&url);
    })
    .forget();
    Ok(())
}

/// Reads a file as text.
pub async fn read_text(file: web_sys::File) -> Result<String, String> {
    let text = JsFuture::from(file.text())
        .await
        .map_err(|e| describe(&e))?;
    text.as_string()
        .ok_or_else(|| "the file is not text".into())
}

/// Reads a file's bytes.
pub async fn read_bytes(file: web_sys::File) -> Result<js_sys::ArrayBuffer, String> {
    let buffer = JsFuture::from(file.array_buffer())
        .await
        .map_err(|e| describe(&e))?;
    buffer
        .dyn_into::<js_sys::ArrayBuffer>()
        .map_err(|_| "the file could not be read".into())
}

/// A JS error's message.
pub fn describe(e: &JsValue) -> String {
    e.dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .or_else(|| e.as_string())
        .unwrap_or_else(|| "unknown error".into())
}

/// Reads `key` from localStorage (absent or blocked storage gives `None`).
pub fn stored(key: &str) -> Option<String> {
    web_sys::window()?
        .local_storage()
        .ok()??
        .get_item(key)
        .ok()?
}

/// Writes `key` to localStorage; `None` removes it. Failures are ignored (private mode).
pub fn store(key: &str, value: Option<&str>) {
    let Some(storage) = web_sys::window().and_then(|w| w.local_storage().ok().flatten()) else {
        return;
    };
    let _ = match value {
        Some(v) => storage.set_item(key, v),
        None => storage.remove_item(key),
    };
}

/// Moves focus to the element with `id`, if it exists.
pub fn focus_id(id: &str) {
    if let Some(el) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id(id))
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
    {
        let _ = el.focus();
    }
}

#[wasm_bindgen]
extern "C" {
    /// An event's `DataTransfer`, whose `getData` gives a JS string: its length can be
    /// read before megabytes are copied into the wasm.
    type TextTransfer;
    #[wasm_bindgen(method, js_name = getData)]
    fn get_data(this: &TextTransfer, format: &str) -> js_sys::JsString;
}

/// The text of a `paste` event (still a JS string).
pub fn pasted_text(event: &web_sys::Event) -> Option<js_sys::JsString> {
    let data = js_sys::Reflect::get(event, &JsValue::from_str("clipboardData")).ok()?;
    if !data.is_object() {
        return None;
    }
    Some(data.unchecked_into::<TextTransfer>().get_data("text"))
}
