//! The Workers runtime side: the fetch handler, forwarding to the origin with a timeout,
//! the rate-limiting binding, and turning the core's rewritten response back into a
//! `Response` whose HTML body streams through the nonce rewriter.

use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;

use futures_util::future::{select, Either};
use futures_util::StreamExt;
use headwarden_core::policy::{enforce_with, nonce_from_bytes, Mode, NonceOptions, NonceRewriter};
use headwarden_core::{Headers as CoreHeaders, Request as CoreRequest, Response as CoreResponse};
use serde_json::json;
use wasm_bindgen::{JsCast, JsValue};
use worker::js_sys::{self, Object, Reflect, Uint8Array};
use worker::wasm_bindgen_futures::JsFuture;
use worker::web_sys::{
    self, AbortController, Headers as WsHeaders, ReadableStream, RequestInit, RequestRedirect,
    Response as WsResponse, ResponseInit,
};
use worker::{console_error, console_log, event, Context, Delay, Env};

use crate::audit::{LogLine, Outcome, PendingGrades, WouldRefuse};
use crate::config::{Config, ConfigError, OnError, Vars};
use crate::csp_report::{self, MAX_REPORT_BYTES, REPORT_PATH};
use crate::forward::{self, ClientFacts, UrlParts};
use crate::guard::{self, Refusal, RequestFacts};

/// Most bytes of an HTML 5xx body read to tell whether it is a Werkzeug debugger page.
const MAX_INSPECTED_BODY: usize = 8 * 1024 * 1024;

/// A validated configuration, or why there is none (shared by the requests of an isolate).
type Loaded = Rc<Result<Config, ConfigError>>;

thread_local! {
    /// The configuration, parsed once per isolate (and again only if the vars change).
    static CONFIG: RefCell<Option<(Vars, Loaded)>> = const { RefCell::new(None) };
}

/// Our own failure after the origin answered; `ON_ERROR` decides what the client gets.
#[derive(Debug)]
struct Fault(String);

impl From<JsValue> for Fault {
    fn from(v: JsValue) -> Self {
        Fault(js_error_text(&v))
    }
}

fn js_error_text(v: &JsValue) -> String {
    v.as_string()
        .or_else(|| {
            v.dyn_ref::<js_sys::Error>()
                .map(|e| String::from(e.message()))
        })
        .unwrap_or_else(|| format!("{v:?}"))
}

#[event(start)]
fn start() {
    // A panic aborts the instance (the shim re-creates it); leave a JSON line behind first.
    std::panic::set_hook(Box::new(|info| {
        console_error!(
            "{}",
            json!({"headwarden": env!("CARGO_PKG_VERSION"), "outcome": "panic", "error": info.to_string()})
        );
    }));
}

#[event(fetch)]
async fn fetch(req: web_sys::Request, env: Env, ctx: Context) -> worker::Result<WsResponse> {
    let started = js_sys::Date::now();
    let raw_url = req.url();
    let Some(url) = forward::split_url(&raw_url) else {
        return Ok(local_plain(400, "400 Bad Request\n")?);
    };
    let method = req.method();
    let mut log = LogLine::new(&method, url.path, "enforce");
    let response = match handle(&req, &url, &raw_url, &env, &ctx, &mut log).await {
        Ok(r) => r,
        Err(e) => {
            log.outcome = Outcome::FailClosed;
            log.error = Some(e.0);
            local_plain(502, "502 Bad Gateway\n")?
        }
    };
    log.status = response.status();
    log.duration_ms = js_sys::Date::now() - started;
    match log.pending.take() {
        // The grades are for the log: computed once the response is on its way.
        Some(pending) => ctx.wait_until(async move {
            pending.apply(&mut log);
            console_log!("{}", log.to_json());
        }),
        None => console_log!("{}", log.to_json()),
    }
    Ok(response)
}

fn read_var(env: &Env, name: &str) -> Option<String> {
    let v = Reflect::get(env, &JsValue::from_str(name)).ok()?;
    v.as_string().or_else(|| v.as_f64().map(|f| f.to_string()))
}

fn is_bound(env: &Env, name: &str) -> bool {
    Reflect::get(env, &JsValue::from_str(name))
        .ok()
        .and_then(|b| Reflect::get(&b, &JsValue::from_str("limit")).ok())
        .is_some_and(|f| f.is_function())
}

fn config(env: &Env) -> Loaded {
    let vars = Vars {
        origin_url: read_var(env, "ORIGIN_URL"),
        policy: read_var(env, "POLICY"),
        mode: read_var(env, "MODE"),
        on_error: read_var(env, "ON_ERROR"),
        origin_timeout_ms: read_var(env, "ORIGIN_TIMEOUT_MS"),
    };
    CONFIG.with(|cell| {
        if let Some((seen, cfg)) = cell.borrow().as_ref() {
            if *seen == vars {
                return Rc::clone(cfg);
            }
        }
        let cfg = Rc::new(Config::from_vars(&vars, &|name| is_bound(env, name)));
        if let Err(e) = cfg.as_ref() {
            console_error!(
                "{}",
                json!({"headwarden": env!("CARGO_PKG_VERSION"), "outcome": "config-error", "var": e.var(), "error": e.to_string()})
            );
        }
        *cell.borrow_mut() = Some((vars, Rc::clone(&cfg)));
        cfg
    })
}

async fn handle(
    req: &web_sys::Request,
    url: &UrlParts<'_>,
    raw_url: &str,
    env: &Env,
    ctx: &Context,
    log: &mut LogLine,
) -> Result<WsResponse, Fault> {
    let cfg = config(env);
    let cfg = match cfg.as_ref() {
        Ok(c) => c,
        Err(e) => {
            log.outcome = Outcome::ConfigError;
            log.error = Some(e.to_string());
            discard_body(req, ctx);
            let body = json!({"error": "configuration", "var": e.var(), "message": e.to_string()});
            return Ok(local_json(500, &body)?);
        }
    };
    log.mode = match cfg.mode {
        Mode::Enforce => "enforce",
        Mode::ReportOnly => "report-only",
    };
    let headers = req.headers();
    let header = |name: &str| headers.get(name).ok().flatten();
    let method = req.method();
    let host = url.host;
    let scheme = url.scheme.as_str();
    let content_length = header("content-length").and_then(|v| v.trim().parse::<u64>().ok());
    let sec_fetch_site = header("sec-fetch-site");
    let origin_header = header("origin");
    let facts = RequestFacts {
        method: &method,
        scheme,
        host,
        path: url.path,
        query: url.query,
        content_length,
        sec_fetch_site: sec_fetch_site.as_deref(),
        origin: origin_header.as_deref(),
    };
    let public_origin = facts.own_origin();
    let report_path = cfg
        .policy
        .csp
        .as_ref()
        .and_then(|c| c.report_uri.as_deref())
        .filter(|u| u.starts_with('/'));
    if facts.path == REPORT_PATH || Some(facts.path) == report_path {
        return csp_report_endpoint(req, cfg, &facts, ctx, log).await;
    }

    if let Some(refusal) = guard::check_request(&cfg.policy, &facts) {
        match cfg.mode {
            Mode::Enforce => {
                log.outcome = Outcome::Refused;
                log.guard = Some(refusal.guard());
                log.reason = refusal_reason(&refusal);
                discard_body(req, ctx);
                return refuse(cfg, &facts, &refusal);
            }
            Mode::ReportOnly => {
                log.would_refuse = Some(WouldRefuse {
                    guard: refusal.guard(),
                    status: refusal.status(),
                    reason: refusal_reason(&refusal),
                })
            }
        }
    }

    let client_ip = header("cf-connecting-ip");
    for rule in guard::rate_limits(&cfg.policy, &facts) {
        let key = format!(
            "{} {}|{}",
            rule.method.as_deref().unwrap_or("*"),
            rule.path,
            client_ip.as_deref().unwrap_or("unknown")
        );
        match over_limit(env, &rule.binding, key).await {
            Ok(false) => {}
            Ok(true) if cfg.mode == Mode::ReportOnly => {
                log.would_refuse = Some(WouldRefuse {
                    guard: "rate-limit",
                    status: 429,
                    reason: Some(rule.binding.clone()),
                });
            }
            Ok(true) => {
                log.outcome = Outcome::RateLimited;
                log.guard = Some("rate-limit");
                log.reason = Some(rule.binding.clone());
                discard_body(req, ctx);
                let retry = rule.period.unwrap_or(60).to_string();
                return local(
                    cfg,
                    &facts,
                    429,
                    "text/plain; charset=utf-8",
                    b"429 Too Many Requests\n".to_vec(),
                    &[("Retry-After", &retry)],
                );
            }
            Err(e) => {
                // The limiter itself failed: ON_ERROR decides (fail-open lets the request on).
                log.error = Some(format!("rate limiter {}: {}", rule.binding, e.0));
                if cfg.on_error == OnError::FailClosed {
                    log.outcome = Outcome::FailClosed;
                    discard_body(req, ctx);
                    return Ok(local_plain(502, "502 Bad Gateway\n")?);
                }
            }
        }
    }

    // The request body: streamed as it came, except a body without Content-Length under a
    // size limit, which is read up to the limit first (so 413 still comes before the origin).
    let mut body: Option<JsValue> = req.body().map(JsValue::from);
    if content_length.is_none() && cfg.mode == Mode::Enforce {
        if let (Some(stream), Some(limit)) = (req.body(), guard::body_limit(&cfg.policy)) {
            match read_limited(stream, usize::try_from(limit).unwrap_or(usize::MAX)).await? {
                Some(bytes) => body = Some(Uint8Array::from(&bytes[..]).into()),
                None => {
                    let refusal = Refusal::TooLarge { limit };
                    log.outcome = Outcome::Refused;
                    log.guard = Some(refusal.guard());
                    return refuse(cfg, &facts, &refusal);
                }
            }
        }
    }

    // Forward.
    let incoming: Vec<(String, String)> = header_pairs(&headers);
    let forwarded = forward::forward_headers(
        &incoming,
        &ClientFacts {
            ip: client_ip.as_deref(),
            host,
            scheme,
        },
    );
    let out_headers = WsHeaders::new()?;
    for (n, v) in &forwarded {
        out_headers.append(n, v)?;
    }
    let target = forward::origin_url(&cfg.origin, &cfg.origin_base_path, facts.path, facts.query);
    let controller = AbortController::new()?;
    let init = RequestInit::new();
    init.set_method(&method);
    init.set_headers(&out_headers);
    init.set_redirect(RequestRedirect::Manual);
    init.set_signal(Some(&controller.signal()));
    if let Some(b) = &body {
        init.set_body(b);
    }
    let global: web_sys::WorkerGlobalScope = js_sys::global().unchecked_into();
    let fetch = JsFuture::from(global.fetch_with_str_and_init(&target, &init));
    let timer = Delay::from(Duration::from_millis(u64::from(cfg.timeout_ms)));
    let origin = match select(Box::pin(fetch), Box::pin(timer)).await {
        Either::Left((Ok(v), _)) => v.dyn_into::<WsResponse>()?,
        Either::Left((Err(e), _)) => {
            log.outcome = Outcome::OriginError;
            log.error = Some(js_error_text(&e));
            let body = json!({"error": "origin-unreachable", "status": 502, "message": "the origin server could not be reached"});
            return local_json_enforced(cfg, &facts, 502, &body);
        }
        Either::Right(((), _)) => {
            controller.abort();
            log.outcome = Outcome::OriginTimeout;
            log.error = Some(format!(
                "no response from the origin in {} ms",
                cfg.timeout_ms
            ));
            let body = json!({"error": "origin-timeout", "status": 504, "message": format!("the origin server did not answer within {} ms", cfg.timeout_ms)});
            return local_json_enforced(cfg, &facts, 504, &body);
        }
    };
    log.origin_status = Some(origin.status());

    let request = CoreRequest {
        method: Some(method.clone()),
        url: Some(raw_url.to_string()),
        headers: CoreHeaders::new(),
    };
    let mut buffered: Option<Vec<u8>> = None;
    match respond(&origin, cfg, &request, &public_origin, &mut buffered, log).await {
        Ok(r) => Ok(r),
        Err(fault) => {
            log.error = Some(fault.0);
            match cfg.on_error {
                OnError::FailOpen => {
                    log.outcome = Outcome::FailOpen;
                    match buffered {
                        // The body was read to inspect it: send those bytes, untouched.
                        Some(bytes) => {
                            let init = ResponseInit::new();
                            init.set_status(origin.status());
                            init.set_headers(&origin.headers());
                            Ok(WsResponse::new_with_opt_buffer_source_and_init(
                                Some(&Uint8Array::from(&bytes[..])),
                                &init,
                            )?)
                        }
                        None => Ok(origin),
                    }
                }
                OnError::FailClosed => {
                    log.outcome = Outcome::FailClosed;
                    Ok(local_plain(502, "502 Bad Gateway\n")?)
                }
            }
        }
    }
}

/// Most bytes of a refused request's body read (and dropped) after answering.
const MAX_DRAINED_BODY: usize = 1024 * 1024;

/// Reads and drops the body of a request answered without it, after the response has gone
/// out (`waitUntil`): a body left unread holds up the connection (under `wrangler dev`, the
/// requests queued behind it), and cancelling it makes wrangler's proxy restart the
/// worker. Past [`MAX_DRAINED_BODY`] the stream is cancelled.
fn discard_body(req: &web_sys::Request, ctx: &Context) {
    let Some(body) = req.body().filter(|b| !b.locked()) else {
        return;
    };
    ctx.wait_until(async move {
        let mut input = wasm_streams::ReadableStream::from_raw(body.unchecked_into()).into_stream();
        let mut seen = 0usize;
        while let Some(Ok(chunk)) = input.next().await {
            seen += Uint8Array::new(&chunk).length() as usize;
            if seen > MAX_DRAINED_BODY {
                break; // dropping the reader cancels the rest
            }
        }
    });
}

fn refusal_reason(r: &Refusal) -> Option<String> {
    match r {
        Refusal::CrossSite { reason } => Some(reason.clone()),
        Refusal::MethodNotAllowed { allow } => Some(format!("allowed: {allow}")),
        Refusal::Redirect { location, .. } => Some(location.clone()),
        Refusal::TooLarge { limit } => Some(format!("limit {limit} bytes")),
        Refusal::Debugger => None,
    }
}

fn refuse(cfg: &Config, facts: &RequestFacts<'_>, refusal: &Refusal) -> Result<WsResponse, Fault> {
    let status = refusal.status();
    let extra: Vec<(&str, String)> = match refusal {
        Refusal::Redirect { location, .. } => vec![("Location", location.clone())],
        Refusal::MethodNotAllowed { allow } => vec![("Allow", allow.clone())],
        _ => Vec::new(),
    };
    let extra: Vec<(&str, &str)> = extra.iter().map(|(n, v)| (*n, v.as_str())).collect();
    local(
        cfg,
        facts,
        status,
        "text/plain; charset=utf-8",
        refusal.body().into_bytes(),
        &extra,
    )
}

/// Calls the rate-limiting binding `name`; true when the key is over its limit.
async fn over_limit(env: &Env, name: &str, key: String) -> Result<bool, Fault> {
    let binding = Reflect::get(env, &JsValue::from_str(name))?;
    let limit: js_sys::Function =
        Reflect::get(&binding, &JsValue::from_str("limit"))?.dyn_into()?;
    let arg = Object::new();
    Reflect::set(&arg, &JsValue::from_str("key"), &JsValue::from_str(&key))?;
    let promise: js_sys::Promise = limit.call1(&binding, &arg)?.dyn_into()?;
    let outcome = JsFuture::from(promise).await?;
    let success = Reflect::get(&outcome, &JsValue::from_str("success"))?;
    Ok(success.as_bool() == Some(false))
}

fn header_pairs(headers: &WsHeaders) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let Ok(Some(iter)) = js_sys::try_iter(headers) else {
        return out;
    };
    for entry in iter.flatten() {
        let pair: js_sys::Array = entry.unchecked_into();
        if let (Some(n), Some(v)) = (pair.get(0).as_string(), pair.get(1).as_string()) {
            out.push((n, v));
        }
    }
    out
}

/// Every `Set-Cookie` line of a response (`Headers` iteration may fold them).
fn set_cookies(headers: &WsHeaders) -> Vec<String> {
    let call = |method: &str, args: &[&str]| -> Option<Vec<String>> {
        let f: js_sys::Function = Reflect::get(headers, &JsValue::from_str(method))
            .ok()?
            .dyn_into()
            .ok()?;
        let result = match args {
            [] => f.call0(headers),
            [a, ..] => f.call1(headers, &JsValue::from_str(a)),
        }
        .ok()?;
        let array: js_sys::Array = result.dyn_into().ok()?;
        Some(array.iter().filter_map(|v| v.as_string()).collect())
    };
    call("getSetCookie", &[])
        .or_else(|| call("getAll", &["set-cookie"]))
        .unwrap_or_default()
}

/// Reads a stream to its end; `None` when it holds more than `limit` bytes (the rest is
/// then read and dropped up to [`MAX_DRAINED_BODY`], see [`discard_body`]).
async fn read_limited(stream: ReadableStream, limit: usize) -> Result<Option<Vec<u8>>, Fault> {
    let mut input = wasm_streams::ReadableStream::from_raw(stream.unchecked_into()).into_stream();
    let mut out = Vec::new();
    while let Some(chunk) = input.next().await {
        let chunk = Uint8Array::new(&chunk?);
        if out.len() + chunk.length() as usize > limit {
            let mut drained = 0usize;
            while let Some(Ok(rest)) = input.next().await {
                drained += Uint8Array::new(&rest).length() as usize;
                if drained > MAX_DRAINED_BODY {
                    break;
                }
            }
            return Ok(None);
        }
        out.extend_from_slice(&chunk.to_vec());
    }
    Ok(Some(out))
}

fn core_response(origin: &WsResponse) -> CoreResponse {
    let ws_headers = origin.headers();
    let mut headers = CoreHeaders::new();
    for (name, value) in header_pairs(&ws_headers) {
        if !name.eq_ignore_ascii_case("set-cookie") {
            headers.append(name, value);
        }
    }
    for cookie in set_cookies(&ws_headers) {
        headers.append("Set-Cookie", cookie);
    }
    let reason = origin.status_text();
    CoreResponse {
        version: None,
        status: Some(origin.status()),
        reason: (!reason.is_empty()).then_some(reason),
        headers,
        body: None,
    }
}

/// The origin's response after enforce. `buffered` receives the body when it had to be
/// read (an HTML 5xx that may be a debugger page), so a fail-open fallback can still send it.
async fn respond(
    origin: &WsResponse,
    cfg: &Config,
    request: &CoreRequest,
    public_origin: &str,
    buffered: &mut Option<Vec<u8>>,
    log: &mut LogLine,
) -> Result<WsResponse, Fault> {
    let mut original = core_response(origin);
    for h in original.headers.lines_mut() {
        if h.is("location") {
            if let Some(v) = forward::rewrite_location(
                &h.value,
                &cfg.origin,
                &cfg.origin_base_path,
                public_origin,
            ) {
                h.value = v;
                h.raw_value = None;
            }
        }
    }

    let mut nonce_failed = false;
    let mut nonce = || {
        let mut bytes = [0u8; 16];
        match getrandom::fill(&mut bytes) {
            Ok(()) => nonce_from_bytes(&bytes),
            Err(_) => {
                nonce_failed = true;
                String::new()
            }
        }
    };
    let mut response = original.clone();
    let mut enforcement = enforce_with(
        &mut response,
        Some(request),
        &cfg.policy,
        cfg.mode,
        &mut nonce,
    );
    if enforcement.inspect_body {
        // An HTML 5xx: read it and enforce again with the body, so a debugger page is replaced.
        if let Some(stream) = origin.body() {
            let bytes = read_limited(stream, MAX_INSPECTED_BODY)
                .await?
                .ok_or_else(|| {
                    Fault(format!("an HTML 5xx body over {MAX_INSPECTED_BODY} bytes"))
                })?;
            *buffered = Some(bytes.clone());
            let mut with_body = original.clone();
            with_body.body = Some(bytes);
            enforcement = enforce_with(
                &mut with_body,
                Some(request),
                &cfg.policy,
                cfg.mode,
                &mut nonce,
            );
            response = with_body;
        }
    }
    if nonce_failed {
        return Err(Fault("crypto.getRandomValues failed: no nonce".into()));
    }
    log.pending = Some(PendingGrades::new(
        request,
        &original,
        &response,
        Rc::clone(&cfg.policy),
    ));
    log.set_changes(&enforcement.changes);

    let body_len_changes = response.body.is_some() || enforcement.rewrite_body.is_some();
    let out_headers = WsHeaders::new()?;
    for h in &response.headers {
        if body_len_changes && h.is("content-length") {
            continue;
        }
        out_headers.append(&h.name, &h.value)?;
    }
    let init = ResponseInit::new();
    let status = response.status.unwrap_or(200);
    init.set_status(status);
    if let Some(reason) = response.reason.as_deref().filter(|r| is_reason_phrase(r)) {
        init.set_status_text(reason);
    }
    init.set_headers(&out_headers);
    let null_body = matches!(status, 101 | 204 | 205 | 304);
    let out = match (response.body, origin.body()) {
        (_, _) if null_body => WsResponse::new_with_opt_readable_stream_and_init(None, &init)?,
        (Some(bytes), _) => WsResponse::new_with_opt_buffer_source_and_init(
            Some(&Uint8Array::from(&bytes[..])),
            &init,
        )?,
        (None, Some(stream)) => match enforcement.rewrite_body {
            Some(options) => {
                log.body_rewritten = true;
                let rewritten =
                    rewrite_stream(stream, options, log.method.clone(), log.path.clone());
                WsResponse::new_with_opt_readable_stream_and_init(Some(&rewritten), &init)?
            }
            None => WsResponse::new_with_opt_readable_stream_and_init(Some(&stream), &init)?,
        },
        (None, None) => WsResponse::new_with_opt_readable_stream_and_init(None, &init)?,
    };
    Ok(out)
}

fn is_reason_phrase(r: &str) -> bool {
    r.len() <= 128 && r.bytes().all(|b| b == b'\t' || (0x20..0x7f).contains(&b))
}

/// The HTML body through the nonce rewriter, chunk by chunk: each origin chunk goes in,
/// whatever the rewriter has settled comes out. A fault mid-body errors the stream (the
/// client sees an aborted response) and is logged.
fn rewrite_stream(
    body: ReadableStream,
    options: NonceOptions,
    method: String,
    path: String,
) -> ReadableStream {
    type Sink = Box<dyn FnMut(&[u8])>;
    struct State {
        input: wasm_streams::readable::IntoStream<'static>,
        rewriter: Option<NonceRewriter<Sink>>,
        out: Rc<RefCell<Vec<u8>>>,
        method: String,
        path: String,
    }
    fn fault(st: &State, error: String) -> JsValue {
        console_error!(
            "{}",
            json!({"headwarden": env!("CARGO_PKG_VERSION"), "outcome": "body-fault", "method": st.method, "path": st.path, "error": error})
        );
        JsValue::from_str(&error)
    }
    let out = Rc::new(RefCell::new(Vec::new()));
    let sink_out = Rc::clone(&out);
    let sink: Sink = Box::new(move |chunk: &[u8]| sink_out.borrow_mut().extend_from_slice(chunk));
    let state = State {
        input: wasm_streams::ReadableStream::from_raw(body.unchecked_into()).into_stream(),
        rewriter: Some(NonceRewriter::new(options, sink)),
        out,
        method,
        path,
    };
    let stream = futures_util::stream::try_unfold(state, |mut st| async move {
        loop {
            let Some(rewriter) = st.rewriter.as_mut() else {
                return Ok(None);
            };
            match st.input.next().await {
                Some(Ok(chunk)) => {
                    let chunk = Uint8Array::new(&chunk).to_vec();
                    if let Err(e) = rewriter.write(&chunk) {
                        return Err(fault(&st, e.to_string()));
                    }
                }
                Some(Err(e)) => {
                    return Err(fault(&st, format!("origin body: {}", js_error_text(&e))))
                }
                None => {
                    if let Some(rw) = st.rewriter.take() {
                        if let Err(e) = rw.end() {
                            return Err(fault(&st, e.to_string()));
                        }
                    }
                }
            }
            let produced = std::mem::take(&mut *st.out.borrow_mut());
            if !produced.is_empty() {
                return Ok(Some((JsValue::from(Uint8Array::from(&produced[..])), st)));
            }
        }
    });
    wasm_streams::ReadableStream::from_stream(stream)
        .into_raw()
        .unchecked_into()
}

/// The CSP report endpoint: POST only, at most 64 KiB, valid JSON of a known shape; 204.
async fn csp_report_endpoint(
    req: &web_sys::Request,
    cfg: &Config,
    facts: &RequestFacts<'_>,
    ctx: &Context,
    log: &mut LogLine,
) -> Result<WsResponse, Fault> {
    log.outcome = Outcome::CspReport;
    let answer = |status: u16, text: &str| {
        local(
            cfg,
            facts,
            status,
            "text/plain; charset=utf-8",
            text.as_bytes().to_vec(),
            &[],
        )
    };
    if !facts.method.eq_ignore_ascii_case("POST") {
        log.reason = Some("not a POST".into());
        discard_body(req, ctx);
        return local(
            cfg,
            facts,
            405,
            "text/plain; charset=utf-8",
            b"405 Method Not Allowed\n".to_vec(),
            &[("Allow", "POST")],
        );
    }
    if facts
        .content_length
        .is_some_and(|n| n > MAX_REPORT_BYTES as u64)
    {
        log.reason = Some("report too large".into());
        discard_body(req, ctx);
        return answer(413, "413 Payload Too Large\n");
    }
    let content_type = req
        .headers()
        .get("content-type")
        .ok()
        .flatten()
        .unwrap_or_default();
    let bytes = match req.body() {
        Some(stream) => match read_limited(stream, MAX_REPORT_BYTES).await? {
            Some(b) => b,
            None => {
                log.reason = Some("report too large".into());
                return answer(413, "413 Payload Too Large\n");
            }
        },
        None => Vec::new(),
    };
    match csp_report::parse(&content_type, &bytes) {
        Ok(violations) => {
            log.csp_reports = violations;
            Ok(WsResponse::new_with_opt_str_and_init(None, &{
                let init = ResponseInit::new();
                init.set_status(204);
                init
            })?)
        }
        Err(e) => {
            log.reason = Some(e.to_string());
            answer(e.status(), &format!("{e}\n"))
        }
    }
}

/// A response of our own (refusals, 429, 502/504) with the policy's headers applied, so
/// the worker's own answers grade like the site's.
fn local(
    cfg: &Config,
    facts: &RequestFacts<'_>,
    status: u16,
    content_type: &str,
    body: Vec<u8>,
    extra: &[(&str, &str)],
) -> Result<WsResponse, Fault> {
    let mut headers = CoreHeaders::new();
    headers.append("Content-Type", content_type);
    headers.append("Cache-Control", "no-store");
    for (n, v) in extra {
        headers.append(*n, *v);
    }
    let mut response = CoreResponse {
        status: Some(status),
        headers,
        body: Some(body),
        ..CoreResponse::default()
    };
    let request = CoreRequest {
        method: Some(facts.method.to_string()),
        url: Some(format!("{}://{}{}", facts.scheme, facts.host, facts.path)),
        headers: CoreHeaders::new(),
    };
    // Static nonce-free answers: there is no script to carry a nonce.
    let _ = enforce_with(
        &mut response,
        Some(&request),
        &cfg.policy,
        cfg.mode,
        &mut || {
            let mut bytes = [0u8; 16];
            getrandom::fill(&mut bytes)
                .map_or_else(|_| String::new(), |()| nonce_from_bytes(&bytes))
        },
    );
    let out_headers = WsHeaders::new()?;
    for h in &response.headers {
        if !h.is("content-length") {
            out_headers.append(&h.name, &h.value)?;
        }
    }
    let init = ResponseInit::new();
    init.set_status(response.status.unwrap_or(status));
    init.set_headers(&out_headers);
    let bytes = response.body.unwrap_or_default();
    Ok(WsResponse::new_with_opt_buffer_source_and_init(
        Some(&Uint8Array::from(&bytes[..])),
        &init,
    )?)
}

fn local_json_enforced(
    cfg: &Config,
    facts: &RequestFacts<'_>,
    status: u16,
    body: &serde_json::Value,
) -> Result<WsResponse, Fault> {
    let mut text = body.to_string();
    text.push('\n');
    local(
        cfg,
        facts,
        status,
        "application/json",
        text.into_bytes(),
        &[],
    )
}

/// A response without a policy (the configuration is what failed).
fn local_json(status: u16, body: &serde_json::Value) -> Result<WsResponse, JsValue> {
    let mut text = body.to_string();
    text.push('\n');
    plain_response(status, "application/json", &text)
}

fn local_plain(status: u16, text: &str) -> Result<WsResponse, JsValue> {
    plain_response(status, "text/plain; charset=utf-8", text)
}

fn plain_response(status: u16, content_type: &str, text: &str) -> Result<WsResponse, JsValue> {
    let headers = WsHeaders::new()?;
    headers.set("Content-Type", content_type)?;
    headers.set("Cache-Control", "no-store")?;
    headers.set("X-Content-Type-Options", "nosniff")?;
    let init = ResponseInit::new();
    init.set_status(status);
    init.set_headers(&headers);
    WsResponse::new_with_opt_str_and_init(Some(text), &init)
}
