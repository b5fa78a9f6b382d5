//! The Workers runtime side: the fetch handler, forwarding to the origin with a timeout,
//! the rate-limiting binding, and turning the core's rewritten response back into a
//! `Response` whose body streams through [`guarded_body`] (for HTML, after the runtime's
//! `HTMLRewriter` has put the nonce in, see [`crate::nonce`]; for every body the same idle
//! timeout, so a stalled origin aborts the response instead of hanging it). The request's
//! one log line is written once its body has ended.

use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;

use futures_util::future::{select, Either};
use futures_util::StreamExt;
use headwarden_core::policy::{
    enforce_with, is_werkzeug_debugger_page, nonce_from_bytes, replace_debugger_page, Mode,
};
use headwarden_core::{Headers as CoreHeaders, Request as CoreRequest, Response as CoreResponse};
use serde_json::json;
use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::{JsCast, JsValue};
use worker::js_sys::{self, Object, Reflect, Uint8Array};
use worker::wasm_bindgen_futures::JsFuture;
use worker::web_sys::{
    self, AbortController, Headers as WsHeaders, ReadableStream, RequestInit, RequestRedirect,
    Response as WsResponse, ResponseInit,
};
use worker::{console_error, console_log, event, Context, Delay, Env};

use crate::audit::{BodyEnd, LogLine, Outcome, PendingGrades, WouldRefuse};
use crate::config::{Config, ConfigError, OnError, Vars};
use crate::csp_report::{self, MAX_REPORT_BYTES, REPORT_PATH};
use crate::forward::{self, ClientFacts, UrlParts};
use crate::guard::{self, Refusal, RequestFacts};
use crate::nonce::{self, NonceRules, Rewriting};

#[wasm_bindgen(module = "/src/runtime.js")]
extern "C" {
    /// Every header as `name:value\n` lines, each `Set-Cookie` on its own line.
    #[wasm_bindgen(js_name = headerLines)]
    fn header_lines(headers: &WsHeaders) -> String;
    /// `Headers` from `name:value\n` lines.
    #[wasm_bindgen(js_name = headersFrom, catch)]
    fn headers_from(lines: &str) -> Result<WsHeaders, JsValue>;
    /// The body watched for stalls and faults: `{ stream, ended }` (see runtime.js).
    #[wasm_bindgen(js_name = guardBody, catch)]
    fn guard_body(
        input: &ReadableStream,
        idle_ms: u32,
        what: &str,
        controller: &AbortController,
    ) -> Result<Object, JsValue>;
}

/// Most bytes of an HTML 5xx body read to tell whether it is a Werkzeug debugger page.
const MAX_INSPECTED_BODY: usize = 8 * 1024 * 1024;

/// A validated configuration, or why there is none (shared by the requests of an isolate).
type Loaded = Rc<Result<Config, ConfigError>>;

thread_local! {
    /// The configuration, parsed once per isolate (and again only if the vars change),
    /// with the `env` object it was read from: the same object again (workerd hands every
    /// request of an isolate the same one) needs no var read at all.
    static CONFIG: RefCell<Option<(JsValue, Vars, Loaded)>> = const { RefCell::new(None) };
}

/// Why a request could not be answered as usual.
#[derive(Debug)]
enum Fault {
    /// Our own failure after the origin answered; `ON_ERROR` decides what the client gets.
    Ours(String),
    /// The origin broke off before we could send the head (502).
    OriginBroke(String),
    /// The origin stalled before we could send the head (504).
    OriginStalled(String),
}

impl Fault {
    fn text(self) -> String {
        match self {
            Fault::Ours(e) | Fault::OriginBroke(e) | Fault::OriginStalled(e) => e,
        }
    }
}

impl From<JsValue> for Fault {
    fn from(v: JsValue) -> Self {
        Fault::Ours(js_error_text(&v))
    }
}

/// An origin body as a Rust stream of `Uint8Array` chunks.
type BodyStream = futures_util::stream::LocalBoxStream<'static, Result<JsValue, JsValue>>;

fn body_stream(body: ReadableStream) -> BodyStream {
    Box::pin(wasm_streams::ReadableStream::from_raw(body.unchecked_into()).into_stream())
}

/// An HTML 5xx body read for inspection: what was read, and the rest when it was too long.
struct HeldBody {
    prefix: Vec<u8>,
    rest: Option<BodyStream>,
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
            log.error = Some(e.text());
            local_plain(502, "502 Bad Gateway\n")?
        }
    };
    log.status = response.status();
    log.duration_ms = js_sys::Date::now() - started;
    let (pending, body_end) = (log.pending.take(), log.body_end.take());
    if pending.is_none() && body_end.is_none() {
        console_log!("{}", log.to_json());
    } else {
        // One line per request, written once the body has ended (so a fault mid-body is in
        // it) and graded then: the grades are for the log, not for the client.
        ctx.wait_until(async move {
            if let Some(end) = body_end {
                let end = end.await;
                log.set_body_end(end, js_sys::Date::now() - started);
            }
            if let Some(pending) = pending {
                pending.apply(&mut log);
            }
            console_log!("{}", log.to_json());
        });
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
    let same_env = CONFIG.with(|cell| {
        cell.borrow()
            .as_ref()
            .filter(|(seen, _, _)| Object::is(seen, env))
            .map(|(_, _, cfg)| Rc::clone(cfg))
    });
    if let Some(cfg) = same_env {
        return cfg;
    }
    let vars = Vars {
        origin_url: read_var(env, "ORIGIN_URL"),
        policy: read_var(env, "POLICY"),
        mode: read_var(env, "MODE"),
        on_error: read_var(env, "ON_ERROR"),
        origin_timeout_ms: read_var(env, "ORIGIN_TIMEOUT_MS"),
    };
    CONFIG.with(|cell| {
        if let Some((_, seen, cfg)) = cell.borrow().as_ref() {
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
        *cell.borrow_mut() = Some((JsValue::from(env.clone()), vars, Rc::clone(&cfg)));
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
                log.error = Some(format!("rate limiter {}: {}", rule.binding, e.text()));
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
    let mut lines = String::new();
    for (n, v) in &forwarded {
        push_line(&mut lines, n, v);
    }
    let out_headers = headers_from(&lines)?;
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
    let mut held: Option<HeldBody> = None;
    let answer = respond(
        &origin,
        &controller,
        cfg,
        &request,
        &public_origin,
        &mut held,
        log,
    )
    .await;
    match answer {
        Ok(r) => Ok(r),
        Err(Fault::OriginBroke(e)) => {
            controller.abort();
            log.outcome = Outcome::OriginError;
            log.error = Some(e);
            let body = json!({"error": "origin-unreachable", "status": 502, "message": "the origin server broke off its response"});
            local_json_enforced(cfg, &facts, 502, &body)
        }
        Err(Fault::OriginStalled(e)) => {
            controller.abort();
            log.outcome = Outcome::OriginTimeout;
            log.error = Some(e);
            let body = json!({"error": "origin-timeout", "status": 504, "message": format!("the origin server did not answer within {} ms", cfg.timeout_ms)});
            local_json_enforced(cfg, &facts, 504, &body)
        }
        Err(Fault::Ours(e)) => {
            log.error = Some(e);
            match cfg.on_error {
                OnError::FailOpen => {
                    log.outcome = Outcome::FailOpen;
                    // The origin's response as it came; a body read to inspect it is sent
                    // again from what was read, then the rest.
                    let body: Option<ReadableStream> = match held {
                        Some(HeldBody { prefix, rest }) => {
                            let first = futures_util::stream::once(futures_util::future::ready(
                                Ok(JsValue::from(Uint8Array::from(&prefix[..]))),
                            ));
                            let both: BodyStream = match rest {
                                Some(rest) => Box::pin(first.chain(rest)),
                                None => Box::pin(first),
                            };
                            Some(
                                wasm_streams::ReadableStream::from_stream(both)
                                    .into_raw()
                                    .unchecked_into(),
                            )
                        }
                        None => origin.body(),
                    };
                    let init = ResponseInit::new();
                    init.set_status(origin.status());
                    if is_reason_phrase(&origin.status_text()) {
                        init.set_status_text(&origin.status_text());
                    }
                    init.set_headers(&origin.headers());
                    let body = match body {
                        Some(b) => Some(guarded_body(&b, None, cfg.timeout_ms, &controller, log)?),
                        None => None,
                    };
                    Ok(WsResponse::new_with_opt_readable_stream_and_init(
                        body.as_ref(),
                        &init,
                    )?)
                }
                OnError::FailClosed => {
                    controller.abort();
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

/// Every header of `headers`, names lowercase, each `Set-Cookie` on its own line (one
/// call into JS: per-header calls cost two crossings and two string copies each).
fn header_pairs(headers: &WsHeaders) -> Vec<(String, String)> {
    header_lines(headers)
        .lines()
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.to_string(), v.to_string()))
        .collect()
}

/// Appends `name:value\n` for [`headers_from`]; a value holding a line break (which
/// `Headers` would refuse anyway) is cut there.
fn push_line(lines: &mut String, name: &str, value: &str) {
    lines.push_str(name);
    lines.push(':');
    lines.push_str(value.split(['\r', '\n']).next().unwrap_or(""));
    lines.push('\n');
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
    let mut headers = CoreHeaders::new();
    for (name, value) in header_pairs(&origin.headers()) {
        if name == "set-cookie" {
            headers.append("Set-Cookie", value);
        } else {
            headers.append(name, value);
        }
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
    controller: &AbortController,
    cfg: &Config,
    request: &CoreRequest,
    public_origin: &str,
    held: &mut Option<HeldBody>,
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
            // Read through guardBody, like every body: the same idle timeout and fault
            // handling (it aborts the origin fetch on either).
            let guarded = guard_body(&stream, cfg.timeout_ms, "origin body", controller)?;
            let stream: ReadableStream =
                Reflect::get(&guarded, &JsValue::from_str("stream"))?.dyn_into()?;
            let mut input = body_stream(stream);
            let mut bytes = Vec::new();
            loop {
                if bytes.len() > MAX_INSPECTED_BODY {
                    *held = Some(HeldBody {
                        prefix: bytes,
                        rest: Some(input),
                    });
                    return Err(Fault::Ours(format!(
                        "an HTML 5xx body over {MAX_INSPECTED_BODY} bytes"
                    )));
                }
                match input.next().await {
                    Some(Ok(chunk)) => bytes.extend_from_slice(&Uint8Array::new(&chunk).to_vec()),
                    None => break,
                    Some(Err(e)) => {
                        let stalled = Reflect::get(&e, &JsValue::from_str("stalled"))
                            .ok()
                            .and_then(|v| v.as_bool())
                            .unwrap_or(false);
                        let message = js_error_text(&e);
                        return Err(if stalled {
                            Fault::OriginStalled(message)
                        } else {
                            Fault::OriginBroke(message)
                        });
                    }
                }
            }
            // A debugger page is replaced; any other page streams on from what was read,
            // through the nonce rewriter like every HTML body. (A fail-open fallback sends
            // what was read, as the origin sent it.)
            if is_werkzeug_debugger_page(&bytes) {
                response.body = Some(bytes.clone());
                enforcement
                    .changes
                    .extend(replace_debugger_page(&mut response));
                enforcement.rewrite_body = None;
            }
            *held = Some(HeldBody {
                prefix: bytes,
                rest: None,
            });
        }
    }
    if nonce_failed {
        return Err(Fault::Ours(
            "crypto.getRandomValues failed: no nonce".into(),
        ));
    }
    log.pending = Some(PendingGrades::new(
        request,
        &original,
        &response,
        Rc::clone(&cfg.policy),
    ));
    log.set_changes(&enforcement.changes);

    let rules = enforcement.rewrite_body.take().and_then(NonceRules::new);
    let body_len_changes = response.body.is_some() || rules.is_some();
    let mut lines = String::new();
    for h in &response.headers {
        if body_len_changes && h.is("content-length") {
            continue;
        }
        push_line(&mut lines, &h.name, &h.value);
    }
    let out_headers = headers_from(&lines)?;
    let init = ResponseInit::new();
    let status = response.status.unwrap_or(200);
    init.set_status(status);
    if let Some(reason) = response.reason.as_deref().filter(|r| is_reason_phrase(r)) {
        init.set_status_text(reason);
    }
    init.set_headers(&out_headers);
    let null_body = matches!(status, 101 | 204 | 205 | 304);
    if null_body {
        return Ok(WsResponse::new_with_opt_readable_stream_and_init(
            None, &init,
        )?);
    }
    if let Some(bytes) = response.body {
        let bytes = Uint8Array::from(&bytes[..]);
        return Ok(WsResponse::new_with_opt_buffer_source_and_init(
            Some(&bytes),
            &init,
        )?);
    }
    // The body as the origin sent it: what was read to inspect it, or the stream.
    let source = match held.as_ref() {
        Some(HeldBody { prefix, rest: None }) => {
            let read = Uint8Array::from(&prefix[..]);
            WsResponse::new_with_opt_buffer_source(Some(&read))?.body()
        }
        _ => origin.body(),
    };
    let Some(source) = source else {
        return Ok(WsResponse::new_with_opt_readable_stream_and_init(
            None, &init,
        )?);
    };
    let (stream, rewriting) = match rules {
        Some(rules) => {
            let (rewritten, rewriting) = nonce::rewrite(&source, rules)?;
            (rewritten, Some(rewriting))
        }
        None => (source, None),
    };
    let body = guarded_body(&stream, rewriting, cfg.timeout_ms, controller, log)?;
    let out = WsResponse::new_with_opt_readable_stream_and_init(Some(&body), &init)?;
    Ok(out)
}

fn is_reason_phrase(r: &str) -> bool {
    r.len() <= 128 && r.bytes().all(|b| b == b'\t' || (0x20..0x7f).contains(&b))
}

/// The body on its way to the client: the origin's, or for HTML what `HTMLRewriter` makes
/// of it (`rewriting` then holds its handler and counts; the rewriter emits as it parses,
/// so a gap in its output is a gap in the origin's), watched by `guardBody` (runtime.js):
/// a fault mid-body (the origin breaks off, sends nothing for `idle_ms`, or the rewriter
/// stops) errors the stream, so the client sees an aborted response, and aborts the origin
/// fetch. How the body ended, and what the rewriter changed, go to `log` (its line is
/// written then). The chunks never enter the wasm: workerd moves them natively.
fn guarded_body(
    input: &ReadableStream,
    rewriting: Option<Rewriting>,
    idle_ms: u32,
    controller: &AbortController,
    log: &mut LogLine,
) -> Result<ReadableStream, JsValue> {
    let what = if rewriting.is_some() {
        "origin body or HTML rewriter"
    } else {
        "origin body"
    };
    let guarded = guard_body(input, idle_ms, what, controller)?;
    let stream: ReadableStream =
        Reflect::get(&guarded, &JsValue::from_str("stream"))?.dyn_into()?;
    let ended: js_sys::Promise = Reflect::get(&guarded, &JsValue::from_str("ended"))?.dyn_into()?;
    log.rewrite_counts = rewriting.as_ref().map(|r| Rc::clone(&r.stats));
    log.body_end = Some(Box::pin(async move {
        let end = JsFuture::from(ended).await;
        // The rewriter is done with its handler once the body has ended.
        drop(rewriting);
        let field = |v: &JsValue, name: &str| {
            Reflect::get(v, &JsValue::from_str(name))
                .ok()
                .and_then(|f| f.as_string())
        };
        match end {
            Ok(v) => match field(&v, "how").as_deref() {
                Some("complete") => BodyEnd::Complete,
                Some("aborted") => BodyEnd::Aborted(field(&v, "error").unwrap_or_default()),
                _ => BodyEnd::Cancelled,
            },
            Err(_) => BodyEnd::Cancelled,
        }
    }));
    Ok(stream)
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
    let mut lines = String::new();
    for h in &response.headers {
        if !h.is("content-length") {
            push_line(&mut lines, &h.name, &h.value);
        }
    }
    let out_headers = headers_from(&lines)?;
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
