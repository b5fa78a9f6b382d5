//! What a rule sees: one exchange, its scheme, the policy and options, and the parsed
//! forms of its headers (cookies, CSP, HTML body), each computed once on first use and
//! shared by every rule that reads it.

use std::cell::{OnceCell, RefCell, RefMut};

use crate::cookies::SetCookie;
use crate::csp::evaluate::FixCache;
use crate::csp::PolicyList;
use crate::exchange::{Exchange, Headers, Scheme};
use crate::headers::{HstsError, StrictTransportSecurity};
use crate::html::Document;
use crate::policy::Policy;
use crate::CheckOptions;

pub struct Context<'a> {
    pub exchange: &'a Exchange,
    /// Index of this exchange in the input.
    pub index: usize,
    pub scheme: Scheme,
    pub policy: &'a Policy,
    pub options: &'a CheckOptions,
    cookies: OnceCell<Vec<SetCookie>>,
    csp: OnceCell<PolicyList>,
    csp_fixes: RefCell<FixCache>,
    html: OnceCell<Option<Document>>,
    sessions: OnceCell<Vec<crate::flask::SessionCookie>>,
    hsts: OnceCell<Option<Result<StrictTransportSecurity, HstsError>>>,
    renders_document: OnceCell<bool>,
}

impl<'a> Context<'a> {
    pub fn new(
        exchange: &'a Exchange,
        index: usize,
        scheme: Scheme,
        policy: &'a Policy,
        options: &'a CheckOptions,
    ) -> Self {
        Context {
            exchange,
            index,
            scheme,
            policy,
            options,
            cookies: OnceCell::new(),
            csp: OnceCell::new(),
            csp_fixes: RefCell::default(),
            html: OnceCell::new(),
            sessions: OnceCell::new(),
            hsts: OnceCell::new(),
            renders_document: OnceCell::new(),
        }
    }

    /// The response headers.
    pub fn headers(&self) -> &'a Headers {
        &self.exchange.response.headers
    }

    /// The status code, when known.
    pub fn status(&self) -> Option<u16> {
        self.exchange.response.status
    }

    /// Every `Set-Cookie` of the response, parsed.
    pub fn cookies(&self) -> &[SetCookie] {
        self.cookies
            .get_or_init(|| crate::cookies::parse_all(self.headers()))
    }

    /// Every CSP of the response (headers, report-only headers, `<meta>` in the body).
    pub fn csp(&self) -> &PolicyList {
        self.csp
            .get_or_init(|| PolicyList::from_response(&self.exchange.response, self.html()))
    }

    /// The rendered fixes of [`Context::csp`]'s findings (the nonce-based rewrite of a
    /// policy), built once for every rule that suggests them.
    pub fn csp_fixes(&self) -> RefMut<'_, FixCache> {
        self.csp_fixes.borrow_mut()
    }

    /// Whether a browser renders the response as a page
    /// ([`renders_document`](crate::headers::content_type::renders_document)), asked by
    /// many header rules.
    pub fn renders_document(&self) -> bool {
        *self
            .renders_document
            .get_or_init(|| crate::headers::content_type::renders_document(&self.exchange.response))
    }

    /// The first `Strict-Transport-Security` header, parsed (browsers read only the
    /// first, RFC 6797 §8.1); `None` when there is none.
    pub fn hsts(&self) -> Option<&Result<StrictTransportSecurity, HstsError>> {
        self.hsts
            .get_or_init(|| {
                self.headers()
                    .get("strict-transport-security")
                    .map(str::parse)
            })
            .as_ref()
    }

    /// The session cookies (Flask, Flask-Login, Express, opaque ids) of the response and
    /// request, decoded once, with the built-in weak-secret audit unless
    /// `options.skip_secret_audit`. Rules and the report's `sessions` view share it.
    pub fn sessions(&self) -> &[crate::flask::SessionCookie] {
        self.sessions.get_or_init(|| {
            crate::flask::session_cookies(
                self.exchange,
                self.cookies(),
                !self.options.skip_secret_audit,
            )
        })
    }

    /// The HTML body, scanned, when the response has one.
    pub fn html(&self) -> Option<&Document> {
        self.html
            .get_or_init(|| {
                let response = &self.exchange.response;
                let body = response.body.as_deref()?;
                if body.is_empty() {
                    return None;
                }
                if !response.is_html() && !crate::html::looks_like_html(body) {
                    return None;
                }
                Some(Document::scan(body))
            })
            .as_ref()
    }
}
