//! enforce() with each preset on arbitrary responses and bodies (the HTML rewriter
//! included), in both modes. Afterwards no header may carry CR, LF or NUL (header
//! injection must not pass through), and enforcing again must be stable.
#![no_main]

use headwarden_core::policy::{enforce_with, rewrite_html, Mode};
use headwarden_core_fuzz::{assert_sendable, nonce, responses, Selector};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&first, rest)) = data.split_first() else {
        return;
    };
    let sel = Selector::of(first);
    let policy = sel.policy();
    for (parsed_request, mut response) in responses(rest, sel.direct) {
        let request = sel.request().or(parsed_request);
        let body_was_given = response.body.is_some();
        let out = enforce_with(
            &mut response,
            request.as_ref(),
            policy,
            sel.mode,
            &mut nonce(),
        );
        assert_sendable(&response);
        assert_eq!(
            response.body.is_some(),
            body_was_given,
            "enforce dropped or invented a body"
        );
        // The streaming path: what the worker does when the body was not passed in.
        if let (Some(options), Some(body)) = (&out.rewrite_body, &response.body) {
            let _ = rewrite_html(body, options);
        }
        if sel.mode == Mode::Enforce {
            // Enforcing an enforced response changes no header beyond the nonce.
            let before: Vec<(String, String)> = response
                .headers
                .iter()
                .map(|h| (h.name.clone(), h.value.clone()))
                .collect();
            let mut again = response.clone();
            enforce_with(
                &mut again,
                request.as_ref(),
                policy,
                Mode::Enforce,
                &mut nonce(),
            );
            assert_sendable(&again);
            let after: Vec<(String, String)> = again
                .headers
                .iter()
                .map(|h| (h.name.clone(), h.value.clone()))
                .collect();
            assert_eq!(before, after, "enforce is not idempotent on headers");
        }
    }
});
