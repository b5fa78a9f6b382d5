//! Set-Cookie analysis: each line alone, all lines as one response's headers (with the
//! first line as its `Date`), and the date, class and domain helpers on every line.
#![no_main]

use headwarden_core::cookies;
use headwarden_core::Headers;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let mut lines = text.split('\n');
    let date = lines.next().unwrap_or_default();
    let mut headers = Headers::new();
    headers.append("Date", date);
    let _ = cookies::parse_cookie_date(date);
    for line in lines.take(64) {
        let c = cookies::parse(line);
        assert!(c.attributes.len() <= cookies::MAX_ATTRIBUTES);
        assert!(c.problems.len() <= cookies::MAX_PROBLEMS);
        for attr in &c.attributes {
            let _ = c.attribute_text(attr);
        }
        let _ = (c.is_deleted(), c.is_storable(), c.domain_normalized());
        let _ = cookies::classify(&c.name, &c.value);
        let _ = cookies::registrable_domain(line);
        let _ = cookies::is_public_suffix_like(line);
        let _ = cookies::parse_cookie_date(line);
        headers.append("Set-Cookie", line);
    }
    // One header holding every line (a HAR that joined repeats).
    headers.append("set-cookie", text.as_ref());
    let all = cookies::parse_all(&headers);
    assert!(!all.is_empty());
});
