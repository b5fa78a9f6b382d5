//! The CSP parser and evaluator: a header value (several policies, any bytes), in both
//! dispositions and delivered in a `<meta>` tag, with every finding rendered.
#![no_main]

use headwarden_core::csp::{check_csp, PolicyList};
use headwarden_core::html::Document;
use headwarden_core::{Header, Response};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let checked = check_csp(&text);
    let report = checked.report();
    assert!(serde_json::to_string(&report).is_ok());
    let _ = checked.rule_ids().count();
    let _ = checked.policies.has_strict_scripts();

    // The same text as a report-only header and inside a <meta> tag of an HTML body.
    let escaped = text.replace('"', "&quot;");
    let body = format!(
        "<!doctype html><meta http-equiv=\"Content-Security-Policy\" content=\"{escaped}\"><script>x</script>"
    );
    let mut response = Response {
        status: Some(200),
        body: Some(body.into_bytes()),
        ..Default::default()
    };
    response
        .headers
        .push(Header::new("Content-Type", "text/html"));
    response.headers.push(Header::new(
        "Content-Security-Policy-Report-Only",
        text.as_ref(),
    ));
    let doc = Document::scan(response.body.as_deref().unwrap_or_default());
    let list = PolicyList::from_response(&response, Some(&doc));
    let _ = list.view();
    let _ = list.frame_ancestors().count();
});
