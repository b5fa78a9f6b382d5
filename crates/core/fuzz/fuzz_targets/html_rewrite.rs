//! The streaming HTML nonce rewriter: feeding a body in arbitrary chunks gives the same
//! bytes as feeding it whole, and bytes outside the rewritten tags are kept.
#![no_main]

use headwarden_core::policy::{rewrite_html, NonceOptions, NonceRewriter, NonceScripts};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&first, body)) = data.split_first() else {
        return;
    };
    let which = |bits: u8| match bits & 0b11 {
        0 => None,
        1 => Some(NonceScripts::All),
        _ => Some(NonceScripts::Marked),
    };
    let options = NonceOptions {
        nonce: (first & 0b1_0000 == 0).then(|| "FUZZNONCEAAAAAAAAAAAAAAA".to_string()),
        scripts: which(first),
        styles: which(first >> 2),
        remove_meta_csp: first & 0b10_0000 != 0,
        keep_existing: first & 0b100_0000 != 0,
    };
    let whole = rewrite_html(body, &options);
    // The same body in chunks of a size taken from the input (1..=16 bytes).
    let step = usize::from(first >> 4).max(1);
    let mut out = Vec::new();
    let mut rewriter = NonceRewriter::new(options.clone(), |c: &[u8]| out.extend_from_slice(c));
    let mut streamed = Ok(());
    for chunk in body.chunks(step) {
        streamed = rewriter.write(chunk);
        if streamed.is_err() {
            break;
        }
    }
    let stats = streamed.and_then(|()| rewriter.end());
    match (whole, stats) {
        (Ok((bytes, s1)), Ok(s2)) => {
            assert_eq!(s1, s2, "chunking changed what was rewritten");
            assert_eq!(bytes, out, "chunking changed the output");
            if !s1.changed() {
                assert_eq!(bytes, body, "nothing was rewritten but the bytes differ");
            }
        }
        (Err(_), Err(_)) => {}
        (a, b) => panic!(
            "whole and chunked disagree: {:?} vs {:?}",
            a.map(|x| x.1),
            b
        ),
    }
});
