//! The report's pieces: grade, findings with docs and fix tabs, the security-header,
//! CSP and cookie tables, the session panel and the policy export.
//!
//! Every piece of input-derived text is rendered as a text node (`{string}` in `html!`);
//! no view builds markup from strings or sets `href` from input.

use headwarden_core::input::InputFormat;
use headwarden_core::cookies::Lifetime;
use headwarden_core::report::{Evidence, ExchangeReport, Finding, Severity};
use headwarden_core::{Exchange, Grade, Scheme};
use web_sys::{HtmlInputElement, HtmlTextAreaElement};
use yew::prelude::*;

use crate::app::{Analysis, App, AuditState, Msg, WorkerState};
use crate::{markdown, policy_export, session};

/// How the UI names each input format.
pub fn format_label(format: InputFormat) -> &'static str {
    match format {
        InputFormat::Raw => "raw headers / curl -i",
        InputFormat::CurlVerbose => "curl -v",
        InputFormat::Devtools => "DevTools headers",
        InputFormat::Har => "HAR",
        InputFormat::Json => "JSON headers",
    }
}

fn grade_class(grade: Grade) -> &'static str {
    match grade {
        Grade::APlus => "grade-aplus",
        Grade::A => "grade-a",
        Grade::B => "grade-b",
        Grade::C => "grade-c",
        Grade::D => "grade-d",
        Grade::F => "grade-f",
    }
}

fn sev_class(sev: Severity) -> &'static str {
    match sev {
        Severity::Critical => "sev-critical",
        Severity::High => "sev-high",
        Severity::Medium => "sev-medium",
        Severity::Low => "sev-low",
        Severity::Info => "sev-info",
    }
}

fn sev_title(sev: Severity) -> &'static str {
    match sev {
        Severity::Critical => "Critical",
        Severity::High => "High",
        Severity::Medium => "Medium",
        Severity::Low => "Low",
        Severity::Info => "Info",
    }
}

fn fix_label(tab: &str) -> &'static str {
    match tab {
        "flask" => "Flask",
        "policy" => "headwarden policy",
        "nginx" => "nginx",
        _ => "Other",
    }
}

fn bool_str(b: bool) -> &'static str {
    if b {
        "true"
    } else {
        "false"
    }
}

/// `s` cut to `max` chars with an ellipsis.
fn short(s: &str, max: usize) -> String {
    headwarden_core::report::shorten(s, max).into_owned()
}

/// The list of responses when an input holds several (a redirect chain, a HAR).
pub fn exchange_list(app: &App, ctx: &Context<App>) -> Html {
    let Some(Ok(a)) = app.analysis() else {
        return Html::default();
    };
    if a.report.exchanges.len() < 2 {
        return Html::default();
    }
    html! {
        <nav class="exchanges" aria-label="Responses in this input">
            <h3>{format!("{} responses", a.report.exchanges.len())}</h3>
            <ol id="exchange-list">
                { for a.report.exchanges.iter().enumerate().map(|(i, er)| {
                    let current = i == app.selected();
                    let target = er.url.clone().unwrap_or_else(|| format!("response {}", i + 1));
                    html! {
                        <li>
                            <button type="button" class={classes!("exchange", current.then_some("current"))}
                                aria-current={current.then_some("true")}
                                onclick={ctx.link().callback(move |_| Msg::Select(i))}>
                                <span class={classes!("grade-chip", grade_class(er.grade))}>{er.grade.as_str()}</span>
                                <span class="exchange-status">{er.status.map(|s| s.to_string()).unwrap_or_else(|| "—".into())}</span>
                                <span class="exchange-method">{er.method.clone().unwrap_or_default()}</span>
                                <span class="exchange-url">{short(&target, 120)}</span>
                            </button>
                        </li>
                    }
                }) }
            </ol>
        </nav>
    }
}

/// The report of the selected exchange.
pub fn report(app: &App, ctx: &Context<App>, a: &Analysis) -> Html {
    let index = app.selected();
    let (Some(er), Some(ex)) = (a.report.exchanges.get(index), a.parsed.exchanges.get(index))
    else {
        return html! { <div class="panel empty"><p>{"The input holds no response."}</p></div> };
    };
    html! {
        <>
            { summary(er, &a.report.notes, a.report.exchanges.len(), index) }
            { findings(app, ctx, a, er, index) }
            { header_table(ex, er) }
            { csp_table(ex, er) }
            { cookie_table(ex, er) }
        </>
    }
}

fn summary(er: &ExchangeReport, notes: &[String], total: usize, index: usize) -> Html {
    let counts: Vec<(Severity, usize)> = Severity::ALL
        .iter()
        .map(|&s| (s, er.findings.iter().filter(|f| f.severity == s).count()))
        .filter(|(_, n)| *n > 0)
        .collect();
    let scheme = match er.scheme {
        Scheme::Https => "HTTPS",
        Scheme::Http => "HTTP",
        Scheme::AssumedHttps => "HTTPS (assumed)",
    };
    let target = match (&er.method, &er.url) {
        (Some(m), Some(u)) => format!("{m} {u}"),
        (None, Some(u)) => u.clone(),
        _ if total > 1 => format!("Response {} of {total}", index + 1),
        _ => "Pasted response".to_string(),
    };
    html! {
        <div class="panel summary" id="summary" data-grade={er.grade.as_str()}>
            <div class={classes!("grade", grade_class(er.grade))} id="grade"
                role="img" aria-label={format!("Grade {}", er.grade.as_str())}>
                {er.grade.as_str()}
            </div>
            <div class="summary-text">
                <p class="target">{short(&target, 200)}</p>
                <p class="score"><strong id="score">{er.score}</strong>{" / 100"}
                    <span class="dot">{" · "}</span>{scheme}
                    if let Some(status) = er.status {
                        <span class="dot">{" · "}</span>{format!("status {status}")}
                    }
                </p>
                <p class="counts">
                    if counts.is_empty() {
                        <span class="ok-text">{"No findings."}</span>
                    }
                    { for counts.iter().map(|(s, n)| html! {
                        <span class={classes!("pill", sev_class(*s))}>{format!("{n} {}", s.as_str())}</span>
                    }) }
                    <span class="passed">{format!("{} checks passed", er.passed.len())}</span>
                </p>
                if !notes.is_empty() {
                    <ul class="notes">
                        { for notes.iter().map(|n| html! { <li>{n}</li> }) }
                    </ul>
                }
            </div>
        </div>
    }
}

fn findings(app: &App, ctx: &Context<App>, a: &Analysis, er: &ExchangeReport, ex_index: usize) -> Html {
    if er.findings.is_empty() {
        return html! {
            <section class="panel" aria-labelledby="findings-heading">
                <h2 id="findings-heading">{"Findings"}</h2>
                <p class="ok-text">{"Nothing to fix in this response."}</p>
            </section>
        };
    }
    html! {
        <section class="panel findings" id="findings" aria-labelledby="findings-heading">
            <h2 id="findings-heading">{format!("Findings ({})", er.findings.len())}</h2>
            { for Severity::ALL.iter().filter_map(|&sev| {
                let group: Vec<(usize, &Finding)> = er.findings.iter().enumerate().filter(|(_, f)| f.severity == sev).collect();
                if group.is_empty() {
                    return None;
                }
                Some(html! {
                    <div class={classes!("sev-group", sev_class(sev))} data-severity={sev.as_str()}>
                        <h3>{format!("{} ({})", sev_title(sev), group.len())}</h3>
                        <ul class="finding-list">
                            { for group.into_iter().map(|(i, f)| finding(app, ctx, a, f, ex_index, i)) }
                        </ul>
                    </div>
                })
            }) }
        </section>
    }
}

fn finding(app: &App, ctx: &Context<App>, a: &Analysis, f: &Finding, ex: usize, i: usize) -> Html {
    let key = format!("f{ex}-{i}");
    let expanded = app.is_expanded(&key);
    let body_id = format!("{key}-body");
    let toggle = {
        let key = key.clone();
        ctx.link().callback(move |_| Msg::Toggle(key.clone()))
    };
    let doc = a.report.rules.get(f.rule);
    html! {
        <li class={classes!("finding", sev_class(f.severity))} data-rule={f.rule}>
            <button type="button" class="finding-toggle" aria-expanded={bool_str(expanded)}
                aria-controls={body_id.clone()} onclick={toggle}>
                <span class="chevron" aria-hidden="true">{if expanded { "▾" } else { "▸" }}</span>
                <span class={classes!("pill", sev_class(f.severity))}>{f.severity.as_str()}</span>
                <code class="rule-id">{f.rule}</code>
                <span class="finding-title">{f.title.to_string()}</span>
            </button>
            <p class="detail">{&f.detail}</p>
            <div id={body_id} class="finding-body" hidden={!expanded}>
                if expanded {
                    { evidence(f) }
                    if let Some(fix) = &f.fix {
                        <div class="finding-fix">
                            <h4>{"Fix for this response"}</h4>
                            <pre class="code"><code>{fix}</code></pre>
                        </div>
                    }
                    if let Some(doc) = doc {
                        <div class="docs">
                            { markdown::render(&doc.docs, 2) }
                        </div>
                        { fix_tabs(app, ctx, f.rule, &key, &doc.fixes) }
                    }
                }
            </div>
        </li>
    }
}

fn evidence(f: &Finding) -> Html {
    let mut chips = Vec::new();
    if let Some(d) = &f.directive {
        chips.push(("directive", d.as_str()));
    }
    if let Some(s) = &f.source {
        chips.push(("source", s.as_str()));
    }
    if let Some(c) = &f.cookie {
        chips.push(("cookie", c.as_str()));
    }
    let ev = match &f.evidence {
        Some(Evidence::Header { header, value, .. }) => html! {
            <div class="evidence"><span class="evidence-label">{"Evidence"}</span>
                <code class="evidence-line">{format!("{header}: {value}")}</code></div>
        },
        Some(Evidence::Body { body }) => html! {
            <div class="evidence"><span class="evidence-label">{"Body excerpt"}</span>
                <pre class="code"><code>{body}</code></pre></div>
        },
        Some(Evidence::Exchanges { exchanges }) => html! {
            <div class="evidence"><span class="evidence-label">{"Responses"}</span>
                {exchanges.iter().map(|i| (i + 1).to_string()).collect::<Vec<_>>().join(", ")}</div>
        },
        None => Html::default(),
    };
    html! {
        <>
            if !chips.is_empty() {
                <p class="chips">
                    { for chips.iter().map(|(k, v)| html! {
                        <span class="chip"><span class="chip-key">{*k}</span><code>{*v}</code></span>
                    }) }
                </p>
            }
            { ev }
        </>
    }
}

fn fix_tabs(
    app: &App,
    ctx: &Context<App>,
    rule: &'static str,
    key: &str,
    fixes: &std::collections::BTreeMap<&'static str, &'static str>,
) -> Html {
    // Tab order: Flask first (the first-class case), then the policy, then nginx.
    let tabs: Vec<(&'static str, &'static str)> = ["flask", "policy", "nginx"]
        .into_iter()
        .filter_map(|k| fixes.get_key_value(k).map(|(k, v)| (*k, *v)))
        .collect();
    let Some(&(first, _)) = tabs.first() else {
        return Html::default();
    };
    let current = app
        .tab_for(rule)
        .filter(|t| tabs.iter().any(|(k, _)| k == t))
        .unwrap_or(first);
    let snippet = tabs
        .iter()
        .find(|(k, _)| *k == current)
        .map_or("", |(_, v)| *v);
    let tab_id = |k: &str| format!("{key}-tab-{k}");
    let panel_id = format!("{key}-fix");
    let names: Vec<&'static str> = tabs.iter().map(|(k, _)| *k).collect();
    let on_key = {
        let names = names.clone();
        let key = key.to_string();
        ctx.link().batch_callback(move |e: KeyboardEvent| {
            let pos = names.iter().position(|n| *n == current).unwrap_or(0);
            let next = match e.key().as_str() {
                "ArrowRight" => (pos + 1) % names.len(),
                "ArrowLeft" => (pos + names.len() - 1) % names.len(),
                "Home" => 0,
                "End" => names.len() - 1,
                _ => return None,
            };
            e.prevent_default();
            let name = names[next];
            crate::dom::focus_id(&format!("{key}-tab-{name}"));
            Some(Msg::Tab(rule.to_string(), name))
        })
    };
    let copy_key = format!("{key}-copy");
    html! {
        <div class="fixes">
            <h4>{"How to fix"}</h4>
            <div class="tablist" role="tablist" aria-label="Fix for" onkeydown={on_key}>
                { for tabs.iter().map(|(k, _)| {
                    let selected = *k == current;
                    let k = *k;
                    html! {
                        <button type="button" role="tab" id={tab_id(k)} class="tab"
                            aria-selected={bool_str(selected)} aria-controls={panel_id.clone()}
                            tabindex={if selected { "0" } else { "-1" }}
                            onclick={ctx.link().callback(move |_| Msg::Tab(rule.to_string(), k))}>
                            {fix_label(k)}
                        </button>
                    }
                }) }
            </div>
            <div class="tabpanel" role="tabpanel" id={panel_id.clone()} aria-labelledby={tab_id(current)}>
                <pre class="code" tabindex="0"><code>{snippet}</code></pre>
                <div class="row">
                    <button type="button" class="button small copy"
                        onclick={{
                            let text = snippet.to_string();
                            let what = copy_key.clone();
                            ctx.link().callback(move |_| Msg::Copy(what.clone(), text.clone()))
                        }}>{"Copy"}</button>
                    if let Some(note) = app.feedback_for(&copy_key) {
                        <span class="note" role="status">{note}</span>
                    }
                </div>
            </div>
        </div>
    }
}

/// The security headers every page should consider, and the rule-id prefixes about each.
const SECURITY_HEADERS: &[(&str, &[&str])] = &[
    ("Strict-Transport-Security", &["hsts-"]),
    ("Content-Security-Policy", &["csp-"]),
    ("X-Frame-Options", &["xfo-", "framing-"]),
    ("X-Content-Type-Options", &["xcto-"]),
    ("Referrer-Policy", &["referrer-policy-"]),
    ("Permissions-Policy", &["permissions-policy-"]),
    ("Cross-Origin-Opener-Policy", &["coop-"]),
    ("Cross-Origin-Resource-Policy", &["corp-"]),
];

fn header_table(ex: &Exchange, er: &ExchangeReport) -> Html {
    html! {
        <section class="panel" aria-labelledby="headers-heading">
            <h2 id="headers-heading">{"Security headers"}</h2>
            <div class="table-wrap">
                <table class="table headers-table" id="headers-table">
                    <thead><tr><th scope="col">{"Header"}</th><th scope="col">{"Status"}</th><th scope="col">{"Value"}</th><th scope="col">{"Findings"}</th></tr></thead>
                    <tbody>
                        { for SECURITY_HEADERS.iter().map(|(name, prefixes)| {
                            let value = ex.response.headers.get(name);
                            let related: Vec<&Finding> = er.findings.iter()
                                .filter(|f| prefixes.iter().any(|p| f.rule.starts_with(p)))
                                .collect();
                            let (status, class) = match (value.is_some(), related.is_empty()) {
                                (true, true) => ("present", "status-ok"),
                                (true, false) => ("weak", "status-weak"),
                                (false, false) => ("missing", "status-bad"),
                                (false, true) => ("absent", "status-neutral"),
                            };
                            html! {
                                <tr data-header={name.to_ascii_lowercase()} data-status={status}>
                                    <th scope="row"><code>{*name}</code></th>
                                    <td><span class={classes!("status", class)}>{status}</span></td>
                                    <td class="value">{value.map(|v| short(v, 160)).unwrap_or_default()}</td>
                                    <td>{ for related.iter().map(|f| html! {
                                        <code class={classes!("rule-ref", sev_class(f.severity))}>{f.rule}</code>
                                    }) }</td>
                                </tr>
                            }
                        }) }
                    </tbody>
                </table>
            </div>
        </section>
    }
}

/// One directive of a delivered CSP, with the findings about it and its sources.
struct DirectiveRow<'a> {
    name: String,
    present: bool,
    findings: Vec<&'a Finding>,
    sources: Vec<(String, Vec<&'a Finding>)>,
}

fn csp_rows<'a>(text: &str, findings: &[&'a Finding]) -> Vec<DirectiveRow<'a>> {
    let mut rows: Vec<DirectiveRow<'a>> = Vec::new();
    for directive in text.split(';') {
        let mut tokens = directive.split_ascii_whitespace();
        let Some(name) = tokens.next() else {
            continue;
        };
        let name = name.to_ascii_lowercase();
        let sources = tokens
            .map(|src| {
                let about = findings
                    .iter()
                    .copied()
                    .filter(|f| {
                        f.directive.as_deref() == Some(name.as_str())
                            && f.source.as_deref().is_some_and(|s| s.eq_ignore_ascii_case(src))
                    })
                    .collect();
                (src.to_string(), about)
            })
            .collect();
        let about = findings
            .iter()
            .copied()
            .filter(|f| f.directive.as_deref() == Some(name.as_str()) && f.source.is_none())
            .collect();
        rows.push(DirectiveRow {
            name,
            present: true,
            findings: about,
            sources,
        });
    }
    // Findings about directives the policy lacks (object-src, base-uri, …).
    for f in findings {
        let Some(d) = f.directive.as_deref() else {
            continue;
        };
        if let Some(row) = rows.iter_mut().find(|r| r.name == d) {
            if !row.present && !row.findings.iter().any(|x| std::ptr::eq(*x, *f)) {
                row.findings.push(f);
            }
            continue;
        }
        rows.push(DirectiveRow {
            name: d.to_string(),
            present: false,
            findings: vec![f],
            sources: Vec::new(),
        });
    }
    rows
}

fn verdict(findings: &[&Finding]) -> Html {
    match findings.iter().map(|f| f.severity).max() {
        None => html! { <span class="status status-ok">{"ok"}</span> },
        Some(sev) => html! {
            <span class={classes!("status", sev_class(sev))}
                title={findings.iter().map(|f| f.rule).collect::<Vec<_>>().join(", ")}>
                { findings.iter().map(|f| f.rule).collect::<Vec<_>>().join(", ") }
            </span>
        },
    }
}

fn csp_table(ex: &Exchange, er: &ExchangeReport) -> Html {
    // HOOK(csp): once `ExchangeReport.csp` (the structured CSP view from core) lands, read
    // directives and per-source verdicts from it instead of re-splitting the header here.
    let html_doc = ex
        .response
        .body
        .as_deref()
        .filter(|b| headwarden_core::html::looks_like_html(b))
        .map(headwarden_core::html::Document::scan);
    let policies = headwarden_core::csp::PolicyList::from_response(&ex.response, html_doc.as_ref());
    let csp_findings: Vec<&Finding> = er.findings.iter().filter(|f| f.rule.starts_with("csp-")).collect();
    html! {
        <section class="panel" aria-labelledby="csp-heading">
            <h2 id="csp-heading">{"Content-Security-Policy"}</h2>
            if policies.policies.is_empty() {
                <p class="muted" id="csp-none">{"This response sends no CSP."}</p>
            }
            { for policies.policies.iter().enumerate().map(|(i, p)| {
                let rows = csp_rows(&p.text, &csp_findings);
                let label = format!("{} ({})", p.header, match p.disposition {
                    headwarden_core::csp::Disposition::Enforce => "enforced",
                    headwarden_core::csp::Disposition::Report => "report only",
                });
                html! {
                    <div class="csp-policy">
                        <h3>{label}</h3>
                        <div class="table-wrap">
                            <table class="table csp-table" id={format!("csp-table-{i}")}>
                                <thead><tr><th scope="col">{"Directive"}</th><th scope="col">{"Sources"}</th><th scope="col">{"Verdict"}</th></tr></thead>
                                <tbody>
                                    { for rows.iter().map(|r| html! {
                                        <tr data-directive={r.name.clone()}>
                                            <th scope="row"><code>{&r.name}</code>
                                                if !r.present { <span class="muted">{" (not set)"}</span> }
                                            </th>
                                            <td class="sources">
                                                { for r.sources.iter().map(|(src, about)| {
                                                    let sev = about.iter().map(|f| f.severity).max();
                                                    html! {
                                                        <code class={classes!("source", sev.map_or("source-ok", sev_class))}
                                                            title={about.iter().map(|f| f.rule).collect::<Vec<_>>().join(", ")}>
                                                            {src}
                                                        </code>
                                                    }
                                                }) }
                                            </td>
                                            <td>{ verdict(&r.findings.iter().copied().chain(r.sources.iter().flat_map(|(_, a)| a.iter().copied())).collect::<Vec<_>>()) }</td>
                                        </tr>
                                    }) }
                                </tbody>
                            </table>
                        </div>
                    </div>
                }
            }) }
        </section>
    }
}

fn cookie_table(ex: &Exchange, er: &ExchangeReport) -> Html {
    // HOOK(cookies): once `ExchangeReport.cookies` (core's cookie view with verdicts)
    // lands, render it instead of re-parsing `Set-Cookie` here.
    let cookies = headwarden_core::cookies::parse_all(&ex.response.headers);
    if cookies.is_empty() {
        return Html::default();
    }
    let yes_no = |b: bool| if b { "yes" } else { "no" };
    html! {
        <section class="panel" aria-labelledby="cookies-heading">
            <h2 id="cookies-heading">{format!("Cookies ({})", cookies.len())}</h2>
            <div class="table-wrap">
                <table class="table cookie-table" id="cookie-table">
                    <thead><tr>
                        <th scope="col">{"Name"}</th><th scope="col">{"Secure"}</th><th scope="col">{"HttpOnly"}</th>
                        <th scope="col">{"SameSite"}</th><th scope="col">{"Domain / Path"}</th><th scope="col">{"Lifetime"}</th>
                        <th scope="col">{"Verdict"}</th>
                    </tr></thead>
                    <tbody>
                        { for cookies.iter().map(|c| {
                            let about: Vec<&Finding> = er.findings.iter()
                                .filter(|f| f.cookie.as_deref() == Some(c.name.as_str()))
                                .collect();
                            let lifetime = match c.lifetime {
                                Lifetime::BrowserSession => "browser session".to_string(),
                                Lifetime::Seconds(s) => duration(s),
                                Lifetime::Deleted => "deleted".to_string(),
                                Lifetime::Unknown => c.expires.as_deref().map_or_else(|| "unknown".to_string(), |e| format!("until {e}")),
                            };
                            let place = format!("{} {}", c.domain.as_deref().unwrap_or("(host only)"), c.path.as_deref().unwrap_or(""));
                            html! {
                                <tr data-cookie={c.name.clone()}>
                                    <th scope="row"><code>{short(&c.name, 60)}</code>
                                        if session::looks_like_flask_session(&c.value) { <span class="tag">{"Flask session"}</span> }
                                    </th>
                                    <td class={if c.secure { "yes" } else { "no" }}>{yes_no(c.secure)}</td>
                                    <td class={if c.http_only { "yes" } else { "no" }}>{yes_no(c.http_only)}</td>
                                    <td>{c.same_site.as_ref().map_or_else(|| "—".to_string(), |s| s.to_string())}</td>
                                    <td>{short(place.trim(), 80)}</td>
                                    <td>{short(&lifetime, 60)}</td>
                                    <td>{ verdict(&about) }
                                        { for c.problems.iter().map(|p| html! { <div class="muted">{short(&p.to_string(), 160)}</div> }) }
                                    </td>
                                </tr>
                            }
                        }) }
                    </tbody>
                </table>
            </div>
        </section>
    }
}

/// A lifetime in seconds, in the largest unit that fits.
fn duration(secs: i64) -> String {
    const DAY: i64 = 86_400;
    match secs {
        s if s >= 365 * DAY => format!("{:.1} years", s as f64 / (365.0 * DAY as f64)),
        s if s >= 2 * DAY => format!("{} days", s / DAY),
        s if s >= 7200 => format!("{} hours", s / 3600),
        s => format!("{s} s"),
    }
}

/// The session cookie decoder and the wordlist audit.
pub fn session_panel(app: &App, ctx: &Context<App>) -> Html {
    let link = ctx.link();
    let value = app.session_cookie();
    let signed = session::SignedCookie::parse(value);
    // HOOK(sessions): prefer `ExchangeReport.sessions` (core's decoded sessions) when it lands.
    let decoded = session::looks_like_flask_session(value.trim().trim_matches('"'))
        .then(|| session::decode(value));
    let builtin = builtin_audit_note(app);
    let busy = app.audit().is_busy();
    let can_run = signed.is_some() && !busy && app.worker_state() == WorkerState::Ready;
    let on_pick = link.batch_callback(|e: Event| {
        let input: HtmlInputElement = e.target_unchecked_into();
        let file = input.files().and_then(|f| f.get(0));
        input.set_value("");
        file.map(Msg::PickWordlist)
    });
    html! {
        <section class="panel session-panel" id="session" aria-labelledby="session-heading">
            <h2 id="session-heading">{"Session cookie"}</h2>
            <p class="muted">{"A Flask session is signed, not encrypted: anyone who holds the cookie can read it. Decoding happens in this page."}</p>
            <label for="session-cookie" class="field-label">{"Cookie value (taken from the report; paste another to decode it)"}</label>
            <input id="session-cookie" class="text-input" type="text" spellcheck="false" autocomplete="off"
                value={value.to_string()}
                oninput={link.callback(|e: InputEvent| {
                    let input: HtmlInputElement = e.target_unchecked_into();
                    Msg::SessionCookie(input.value())
                })} />
            if let Some(decoded) = decoded {
                { match decoded {
                    Ok(d) => html! {
                        <div class="decoded" id="session-decoded">
                            <h3>{"Decoded payload"}
                                <span class="muted">{ if d.compressed { " (zlib-compressed)" } else { "" } }</span>
                                if let Some(ts) = d.timestamp {
                                    <span class="muted">{format!(" · signed {}", iso_date(ts))}</span>
                                }
                            </h3>
                            <pre class="code" tabindex="0"><code>{d.payload}</code></pre>
                        </div>
                    },
                    Err(e) => html! { <p class="error-box">{e}</p> },
                } }
            } else if !value.trim().is_empty() && signed.is_none() {
                <p class="muted">{"This value is not a Flask session or a Flask-Login remember_token."}</p>
            }
            if let Some(kind) = signed.as_ref().map(|s| s.kind()) {
                <div class="audit" id="audit">
                    <h3>{format!("Secret audit ({kind})")}</h3>
                    <p class="muted" id="builtin-audit">{builtin}</p>
                    <p class="muted">{"Test your own wordlist (one secret a line). It runs in a Web Worker in this page; the file is never uploaded."}</p>
                    <div class="row">
                        <label class={classes!("button", "file-button", (!can_run).then_some("disabled"))}>
                            {"Run a wordlist…"}
                            <input type="file" id="wordlist" class="visually-hidden" accept=".txt,.lst,.dic,text/plain"
                                disabled={!can_run} onchange={on_pick} />
                        </label>
                        <button type="button" class="button ghost" id="audit-cancel" disabled={!busy}
                            onclick={link.callback(|_| Msg::CancelAudit)}>{"Cancel"}</button>
                        if app.worker_state() == WorkerState::Unavailable {
                            <span class="note">{"The Web Worker could not start in this browser."}</span>
                        }
                    </div>
                    { audit_status(app) }
                </div>
            }
        </section>
    }
}

fn builtin_audit_note(app: &App) -> String {
    let weak = ["flask-session-weak-secret", "flask-remember-token-weak-secret"];
    let hit = app.report().and_then(|r| {
        r.exchanges
            .iter()
            .flat_map(|e| e.findings.iter())
            .find(|f| weak.contains(&f.rule))
    });
    match hit {
        Some(f) => format!("Built-in list: {} ({}).", f.title, f.rule),
        // HOOK(flask): the weak-secret rules come with core's audit; until then say so.
        None if weak.iter().any(|id| headwarden_core::rules::by_id(id).is_some()) => {
            "Built-in list: no well-known weak secret signed this cookie.".into()
        }
        None => "The built-in weak-secret list is not part of this build yet.".into(),
    }
}

fn audit_status(app: &App) -> Html {
    let fmt_n = |n: f64| {
        if n >= 1e6 {
            format!("{:.1} M", n / 1e6)
        } else if n >= 1e4 {
            format!("{:.0} k", n / 1e3)
        } else {
            format!("{n:.0}")
        }
    };
    let (state, progress, text) = match app.audit() {
        AuditState::Idle => return Html::default(),
        AuditState::Reading => ("reading", Some(0.0), "Reading the wordlist…".to_string()),
        AuditState::Running {
            tried,
            fraction,
            rate,
        } => (
            "running",
            Some(*fraction),
            format!(
                "{:.0}% · {} tried · {}/s",
                fraction * 100.0,
                fmt_n(*tried),
                fmt_n(*rate)
            ),
        ),
        AuditState::Found {
            secret,
            tried,
            seconds,
        } => (
            "found",
            Some(1.0),
            format!(
                "Found the secret: “{secret}” (after {} candidates, {seconds:.2} s). Anyone can forge this site's sessions: change SECRET_KEY to a long random value.",
                fmt_n(*tried)
            ),
        ),
        AuditState::NotFound { tried, seconds } => (
            "not-found",
            Some(1.0),
            format!(
                "No secret in the wordlist signed this cookie ({} tried, {seconds:.2} s).",
                fmt_n(*tried)
            ),
        ),
        AuditState::Cancelled { tried } => (
            "cancelled",
            None,
            format!("Cancelled after {} candidates.", fmt_n(*tried)),
        ),
        AuditState::Failed(e) => ("failed", None, format!("The audit failed: {e}")),
    };
    html! {
        <div class="audit-status" data-state={state} data-updates={app.audit_updates().to_string()}>
            if let Some(p) = progress {
                <progress id="audit-progress" max="1" value={format!("{p:.4}")} aria-label="Wordlist progress" />
            }
            <p id="audit-result" class={classes!(if state == "found" { "error-box" } else { "note" })} role="status">{text}</p>
        </div>
    }
}

fn iso_date(unix_seconds: u64) -> String {
    let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(unix_seconds as f64 * 1000.0));
    if date.get_time().is_nan() {
        return unix_seconds.to_string();
    }
    String::from(date.to_iso_string())
}

/// The editable policy and its download.
pub fn policy_panel(app: &App, ctx: &Context<App>) -> Html {
    let link = ctx.link();
    let validity = policy_export::validate(app.policy_text());
    html! {
        <section class="panel policy-panel" id="policy" aria-labelledby="policy-heading">
            <h2 id="policy-heading">{"Policy export"}</h2>
            <p class="muted">{"A headwarden policy for this site, built from the report: the edge worker enforces it, "}
                <code>{"headwarden policy check"}</code>{" validates it. Edit it here, then download it."}</p>
            <label for="policy-text" class="field-label">{"policy.toml"}</label>
            <textarea id="policy-text" class="input policy-input" spellcheck="false" autocomplete="off"
                value={app.policy_text().to_string()}
                oninput={link.callback(|e: InputEvent| {
                    let area: HtmlTextAreaElement = e.target_unchecked_into();
                    Msg::PolicyEdit(area.value())
                })} />
            <p class={if validity.is_ok() { "note" } else { "error-box" }} id="policy-status" aria-live="polite">
                { match &validity { Ok(()) => "Valid TOML.".to_string(), Err(e) => format!("Not valid TOML: {e}") } }
            </p>
            <div class="row">
                <button type="button" class="button" id="policy-download" disabled={validity.is_err()}
                    onclick={link.callback(|_| Msg::PolicyDownload)}>{"Download policy.toml"}</button>
                <button type="button" class="button ghost" onclick={link.callback(|_| Msg::PolicyReset)}>{"Rebuild from report"}</button>
                <button type="button" class="button ghost"
                    onclick={{
                        let text = app.policy_text().to_string();
                        link.callback(move |_| Msg::Copy("policy".into(), text.clone()))
                    }}>{"Copy"}</button>
                if let Some(note) = app.feedback_for("policy") {
                    <span class="note" role="status">{note}</span>
                }
            </div>
        </section>
    }
}

