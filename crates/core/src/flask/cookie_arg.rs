//! A session cookie as people paste it: the CLI's `headwarden session decode|audit COOKIE`
//! and the npm package's `decodeFlaskSession(cookie)` / `auditSecret(cookie, …)` read the
//! same forms.

use super::{decode_flask_session, SignedCookie, SignedKind};
use crate::headers::is_tchar;

/// The cookie a pasted text names: `value`, `name=value`, `Cookie: a=1; session=…` or
/// `Set-Cookie: session=…; Path=/`. Of several pairs, the first whose value is a signed
/// session (else the first pair).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CookieArg<'a> {
    /// The cookie name, when the text gave one.
    pub name: Option<&'a str>,
    pub value: &'a str,
}

impl<'a> CookieArg<'a> {
    /// `None` when the text holds no cookie value at all (empty, or only `;`).
    pub fn parse(text: &'a str) -> Option<Self> {
        let (is_set_cookie, text) = strip_header_name(text.trim());
        // Past the first `;` of a Set-Cookie come its attributes, not other cookies.
        let pairs = text
            .split(';')
            .take(if is_set_cookie { 1 } else { usize::MAX });
        let mut first = None;
        for pair in pairs.map(str::trim).filter(|p| !p.is_empty()) {
            let arg = split_pair(pair);
            if SignedCookie::parse(arg.value).is_some() || decode_flask_session(arg.value).is_ok() {
                return Some(arg);
            }
            first.get_or_insert(arg);
        }
        first
    }

    /// The name given, else the usual name of this kind of value.
    pub fn name_or_default(&self) -> &'a str {
        self.name
            .unwrap_or_else(|| match SignedCookie::parse(self.value).map(|s| s.kind()) {
                Some(SignedKind::FlaskRemember) => "remember_token",
                Some(SignedKind::ExpressSession) => "connect.sid",
                _ => "session",
            })
    }
}

/// Strips a leading `Set-Cookie:` or `Cookie:`; says whether it was `Set-Cookie`.
fn strip_header_name(text: &str) -> (bool, &str) {
    for (name, set) in [("set-cookie:", true), ("cookie:", false)] {
        if let Some(rest) = text
            .get(..name.len())
            .filter(|p| p.eq_ignore_ascii_case(name))
            .and_then(|_| text.get(name.len()..))
        {
            return (set, rest.trim_start());
        }
    }
    (false, text)
}

/// `name=value` when the part before `=` is a cookie-name token; else all of it is a value
/// (signed values never hold `=`: base64url without padding).
fn split_pair(pair: &str) -> CookieArg<'_> {
    if let Some((name, value)) = pair.split_once('=') {
        if !name.is_empty() && name.bytes().all(is_tchar) {
            return CookieArg {
                name: Some(name),
                value: value.trim(),
            };
        }
    }
    CookieArg {
        name: None,
        value: pair,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::flask::testdata::fixture_cookie;

    #[test]
    fn reads_every_pasted_form() {
        let v = fixture_cookie("flask-dev-simple");
        fn parse(t: &str) -> CookieArg<'_> {
            CookieArg::parse(t).unwrap()
        }
        assert_eq!(
            parse(&v),
            CookieArg {
                name: None,
                value: &v
            }
        );
        assert_eq!(parse(&format!("sess={v}")).name, Some("sess"));
        let set = format!("Set-Cookie: session={v}; HttpOnly; Path=/");
        assert_eq!(
            parse(&set),
            CookieArg {
                name: Some("session"),
                value: &v
            }
        );
        let header = format!("cookie: theme=dark; session={v}");
        assert_eq!(parse(&header).value, v, "the signed pair, not the first");
        assert_eq!(
            parse("theme=dark; lang=en").value,
            "dark",
            "else the first pair"
        );
        assert_eq!(CookieArg::parse(" ; "), None);
        assert_eq!(CookieArg::parse(""), None);
    }

    #[test]
    fn a_set_cookie_attribute_is_not_a_cookie() {
        let arg = CookieArg::parse("Set-Cookie: a=1; Path=/").unwrap();
        assert_eq!(
            arg,
            CookieArg {
                name: Some("a"),
                value: "1"
            }
        );
    }

    #[test]
    fn default_names_follow_the_kind_of_value() {
        let v = fixture_cookie("flask-dev-simple");
        assert_eq!(CookieArg::parse(&v).unwrap().name_or_default(), "session");
        let remember = fixture_cookie("remember-dev");
        assert_eq!(
            CookieArg::parse(&remember).unwrap().name_or_default(),
            "remember_token"
        );
        let sid = fixture_cookie("connect-sid-keyboard-cat");
        assert_eq!(
            CookieArg::parse(&sid).unwrap().name_or_default(),
            "connect.sid"
        );
        assert_eq!(CookieArg::parse("x=1").unwrap().name_or_default(), "x");
    }
}
