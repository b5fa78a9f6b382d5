//! The report's pieces: grade, findings with docs and fix tabs, the security-header,
//! CSP and cookie tables, the session panel and the policy export.
//!
//! Every piece of input-derived text is rendered as a text node (`{string}` in `html!`);
//! no view builds markup from strings or sets `href` from input.

use headwarden_core::csp::view::Verdict;
use headwarden_core::csp::{Disposition, PolicyView};
use headwarden_core::flask::{view::CookieSource, SessionKind};
use headwarden_core::input::InputFormat;
use headwarden_core::report::{Evidence, ExchangeReport, Finding, Severity};
use headwarden_core::{Exchange, Grade, Scheme};
use web_sys::{HtmlInputElement, HtmlTextAreaElement};
use yew::prelude::*;

use std::rc::Rc;

use crate::app::{Analysis, App, AuditState, Msg, WorkerState};
use crate::offload::Row;
use crate::{markdown, session};

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
pub fn exchange_list(app: &App) -> Html {
    let Some(Ok(a)) = app.analysis() else {
        return Html::default();
    };
    if a.rows.len() < 2 {
        return Html::default();
    }
    html! {
        <ExchangeList rows={a.rows.clone()} selected={app.selected()} on_select={app.on_select()} />
    }
}

#[derive(Properties, PartialEq)]
pub struct ExchangeListProps {
    pub rows: Rc<[Row]>,
    pub selected: usize,
    pub on_select: Callback<usize>,
}

/// Rows listed at first, and added by each "show more": thousands of buttons at once
/// would freeze the page for a long frame.
const ROWS_PER_PAGE: usize = 100;

/// Its own component so that the rows of a large HAR are rendered again only when they or
/// the selection change, not on every update of the page.
#[function_component]
fn ExchangeList(props: &ExchangeListProps) -> Html {
    let limit = use_state(|| ROWS_PER_PAGE);
    let total = props.rows.len();
    let listed = (*limit).max(props.selected + 1).min(total);
    let more = {
        let limit = limit.clone();
        Callback::from(move |_: MouseEvent| limit.set(listed + ROWS_PER_PAGE))
    };
    html! {
        <nav class="exchanges" aria-label="Responses in this input">
            <h3>{format!("{total} responses")}</h3>
            <ol id="exchange-list">
                { for props.rows.iter().take(listed).enumerate().map(|(i, row)| {
                    let current = i == props.selected;
                    let target = row.url.clone().unwrap_or_else(|| format!("response {}", i + 1));
                    html! {
                        <li>
                            <button type="button" class={classes!("exchange", current.then_some("current"))}
                                aria-current={current.then_some("true")}
                                onclick={props.on_select.reform(move |_| i)}>
                                <span class={classes!("grade-chip", grade_class(row.grade))}>{row.grade.as_str()}</span>
                                <span class="exchange-status">{row.status.map(|s| s.to_string()).unwrap_or_else(|| "—".into())}</span>
                                <span class="exchange-method">{row.method.clone().unwrap_or_default()}</span>
                                <span class="exchange-url">{short(&target, 120)}</span>
                            </button>
                        </li>
                    }
                }) }
            </ol>
            if listed < total {
                <button type="button" class="button ghost small more-exchanges" id="more-exchanges" onclick={more}>
                    {format!("Show {} more ({} not listed)", ROWS_PER_PAGE.min(total - listed), total - listed)}
                </button>
            }
        </nav>
    }
}

/// The report of the selected exchange.
pub fn report(app: &App, ctx: &Context<App>, a: &Analysis) -> Html {
    let index = a.shown(app.selected());
    let Some((ex, er)) = a.exchange(app.selected()) else {
        return html! { <div class="panel empty"><p>{"The input holds no response."}</p></div> };
    };
    html! {
        <>
            { summary(er, a.notes(), a.rows.len(), index) }
            { findings(app, ctx, a, er, index) }
            { header_table(ex, er) }
            { csp_table(er) }
            { cookie_table(er) }
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
        <div class="panel summary" id="summary" data-grade={er.grade.as_str()} data-index={index.to_string()}>
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
                        { for notes.iter().map(|n| html! { <li>{markdown::inline(n)}</li> }) }
                    </ul>
                }
            </div>
        </div>
    }
}

fn findings(
    app: &App,
    ctx: &Context<App>,
    a: &Analysis,
    er: &ExchangeReport,
    ex_index: usize,
) -> Html {
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
            <p class="detail">{markdown::inline(&f.detail)}</p>
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
                            { match app.rule_docs().get(f.rule) {
                                Ok(docs) => markdown::render(docs, 2),
                                Err(why) => html! { <p class="muted">{why}</p> },
                            } }
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

fn verdict_class(v: Verdict) -> &'static str {
    match v {
        Verdict::Ok => "status-ok",
        Verdict::Ignored => "status-neutral",
        Verdict::Info => "sev-info",
        Verdict::Low => "sev-low",
        Verdict::Medium => "sev-medium",
        Verdict::High => "sev-high",
        Verdict::Critical => "sev-critical",
        Verdict::Invalid => "sev-high",
    }
}

fn verdict_label(v: Verdict) -> &'static str {
    match v {
        Verdict::Ok => "ok",
        Verdict::Ignored => "ignored",
        Verdict::Info => "info",
        Verdict::Low => "low",
        Verdict::Medium => "medium",
        Verdict::High => "high",
        Verdict::Critical => "critical",
        Verdict::Invalid => "invalid",
    }
}

/// The CSP of the response as core reads it: each directive and each source with its
/// verdict, and what governs each fetch directive.
fn csp_table(er: &ExchangeReport) -> Html {
    html! {
        <section class="panel" aria-labelledby="csp-heading">
            <h2 id="csp-heading">{"Content-Security-Policy"}</h2>
            if er.csp.is_empty() {
                <p class="muted" id="csp-none">{"This response sends no CSP."}</p>
            }
            { for er.csp.iter().enumerate().map(|(i, p)| policy_view(i, p)) }
        </section>
    }
}

fn policy_view(index: usize, p: &PolicyView) -> Html {
    let label = format!(
        "{} · {}{}",
        p.header,
        match p.disposition {
            Disposition::Enforce => "enforced",
            Disposition::Report => "report only",
        },
        if p.applied {
            ""
        } else {
            " · ignored by browsers (no directive)"
        }
    );
    html! {
        <div class="csp-policy">
            <h3>{label}</h3>
            <div class="table-wrap">
                <table class="table csp-table" id={format!("csp-table-{index}")}>
                    <thead><tr><th scope="col">{"Directive"}</th><th scope="col">{"Sources"}</th><th scope="col">{"Verdict"}</th></tr></thead>
                    <tbody>
                        { for p.directives.iter().map(|d| {
                            let worst = d.sources.iter().map(|s| s.verdict).chain(std::iter::once(d.verdict))
                                .filter(|v| *v != Verdict::Ignored).max().unwrap_or(Verdict::Ok);
                            html! {
                                <tr data-directive={d.name.clone()} data-verdict={verdict_label(worst)}>
                                    <th scope="row"><code>{short(&d.name, 60)}</code>
                                        if d.state != "active" { <span class="muted">{format!(" ({})", d.state)}</span> }
                                        if d.deprecated { <span class="muted">{" (deprecated)"}</span> }
                                    </th>
                                    <td><div class="sources">
                                        if d.sources.is_empty() { <span class="muted">{"(no value)"}</span> }
                                        { for d.sources.iter().map(|src| html! {
                                            <code class={classes!("source", if src.verdict == Verdict::Ok { "source-ok" } else { verdict_class(src.verdict) }, (src.verdict == Verdict::Ignored).then_some("source-ignored"))}
                                                title={src.note.clone().unwrap_or_else(|| format!("{} · {}", src.kind, verdict_label(src.verdict)))}>
                                                {short(&src.text, 120)}
                                            </code>
                                        }) }
                                    </div></td>
                                    <td>
                                        <span class={classes!("status", verdict_class(worst))}>{verdict_label(worst)}</span>
                                        { for d.rules.iter().map(|r| html! { <code class="rule-ref">{*r}</code> }) }
                                    </td>
                                </tr>
                            }
                        }) }
                    </tbody>
                </table>
            </div>
            if !p.effective.is_empty() {
                <details class="effective">
                    <summary>{"What applies to each kind of resource"}</summary>
                    <div class="table-wrap">
                        <table class="table">
                            <thead><tr><th scope="col">{"Resource"}</th><th scope="col">{"Governed by"}</th><th scope="col">{"Effective sources"}</th></tr></thead>
                            <tbody>
                                { for p.effective.iter().map(|e| html! {
                                    <tr>
                                        <th scope="row"><code>{e.directive}</code></th>
                                        <td>{ match e.from { Some(f) => html! { <code>{f}</code> }, None => html! { <span class="status sev-medium">{"nothing: unrestricted"}</span> } } }</td>
                                        <td class="value">{short(&e.sources.join(" "), 300)}</td>
                                    </tr>
                                }) }
                            </tbody>
                        </table>
                    </div>
                </details>
            }
        </div>
    }
}

/// The cookies the response sets, as core reads them, with the rules that fired for each.
fn cookie_table(er: &ExchangeReport) -> Html {
    if er.cookies.is_empty() {
        return Html::default();
    }
    let yes_no = |b: bool| if b { "yes" } else { "no" };
    let worst = |ids: &[&'static str]| {
        er.findings
            .iter()
            .filter(|f| ids.contains(&f.rule))
            .map(|f| f.severity)
            .max()
    };
    html! {
        <section class="panel" aria-labelledby="cookies-heading">
            <h2 id="cookies-heading">{format!("Cookies ({})", er.cookies.len())}</h2>
            <div class="table-wrap">
                <table class="table cookie-table" id="cookie-table">
                    <thead><tr>
                        <th scope="col">{"Name"}</th><th scope="col">{"Secure"}</th><th scope="col">{"HttpOnly"}</th>
                        <th scope="col">{"SameSite"}</th><th scope="col">{"Lifetime"}</th>
                        <th scope="col">{"Verdict"}</th>
                    </tr></thead>
                    <tbody>
                        { for er.cookies.iter().map(|c| {
                            let a = &c.attributes;
                            let lifetime = if c.deleted {
                                "deleted".to_string()
                            } else {
                                match (a.lifetime_seconds, &a.expires) {
                                    (Some(s), _) => duration(s),
                                    (None, Some(e)) => format!("until {e}"),
                                    (None, None) => "browser session".to_string(),
                                }
                            };
                            let same_site = match (&a.same_site, a.same_site_valid) {
                                (Some(s), Some(false)) => format!("{s} (invalid)"),
                                (Some(s), _) => s.to_string(),
                                (None, _) => "—".to_string(),
                            };
                            let scope = format!("{}{}", a.domain.as_deref().map_or_else(|| "host only".to_string(), |d| format!("Domain={d}")),
                                a.path.as_deref().map(|p| format!(" · Path={p}")).unwrap_or_default());
                            html! {
                                <tr data-cookie={c.name.clone()}>
                                    <th scope="row"><code>{short(&c.name, 60)}</code>
                                        <span class="tag">{c.class.as_str()}</span>
                                        if let Some(p) = &a.prefix { <span class="tag">{p.as_str()}</span> }
                                        <div class="muted scope">{short(&scope, 100)}</div>
                                    </th>
                                    <td class={yes_no(a.secure)}>{yes_no(a.secure)}</td>
                                    <td class={yes_no(a.http_only)}>{yes_no(a.http_only)}</td>
                                    <td>{same_site}</td>
                                    <td>{short(&lifetime, 60)}</td>
                                    <td>
                                        if c.verdicts.is_empty() {
                                            <span class="status status-ok">{"ok"}</span>
                                        } else {
                                            <span class={classes!("status", worst(&c.verdicts).map_or("status-weak", sev_class))}>
                                                {format!("{} issue{}", c.verdicts.len(), if c.verdicts.len() == 1 { "" } else { "s" })}
                                            </span>
                                        }
                                        <div class="refs">{ for c.verdicts.iter().map(|r| html! { <code class="rule-ref">{*r}</code> }) }</div>
                                        { for c.problems.iter().map(|p| html! { <div class="muted">{short(p, 160)}</div> }) }
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

/// The sessions core decoded in the report.
fn session_cards(app: &App, ctx: &Context<App>, er: &ExchangeReport) -> Html {
    if er.sessions.is_empty() {
        return Html::default();
    }
    html! {
        <div class="sessions" id="sessions">
            { for er.sessions.iter().map(|s| {
                let value = app.session_value(&s.cookie);
                let auditable = value.as_deref().is_some_and(|v| session::signed_kind(v).is_some());
                html! {
                    <article class="session-card" data-cookie={s.cookie.clone()} data-kind={s.kind.as_str()}>
                        <h3><code>{short(&s.cookie, 60)}</code>
                            <span class="tag">{ match s.kind {
                                SessionKind::Flask => "Flask session",
                                SessionKind::FlaskRemember => "Flask-Login remember token",
                                SessionKind::Express => "express-session",
                                SessionKind::Opaque => "opaque session id",
                            } }</span>
                            if s.compressed == Some(true) { <span class="tag">{"zlib"}</span> }
                        </h3>
                        <p class="muted meta">
                            {format!("{} bytes", s.size)}
                            if let Some(at) = &s.signed_at { {format!(" · signed {at}")} }
                            {match s.source { CookieSource::SetCookie => " · set by this response", CookieSource::Cookie => " · sent by the request" }}
                        </p>
                        if let Some(secret) = &s.secret {
                            <p class="error-box weak-secret">
                                {format!("Signed with the well-known secret “{secret}”")}
                                if let Some(origin) = s.secret_origin { {format!(" ({origin})")} }
                                {". Anyone can forge these cookies: set SECRET_KEY to a long random value."}
                            </p>
                        } else if s.audited == Some(true) {
                            <p class="note">{"The built-in list of weak secrets did not match."}</p>
                        }
                        if !s.sensitive_keys.is_empty() {
                            <p class="note">{"Sensitive entries: "}
                                { for s.sensitive_keys.iter().map(|k| html! { <code class="rule-ref sev-medium">{short(k, 60)}</code> }) }
                            </p>
                        }
                        if let Some(e) = &s.error { <p class="error-box">{e}</p> }
                        if let Some(payload) = &s.payload {
                            <pre class="code session-payload" tabindex="0"><code>{session::pretty(payload)}</code></pre>
                        }
                        if auditable {
                            <button type="button" class="button ghost small"
                                onclick={{
                                    let v = value.clone().unwrap_or_default();
                                    ctx.link().callback(move |_| Msg::SessionCookie(v.clone()))
                                }}>{"Audit this cookie with a wordlist"}</button>
                        }
                    </article>
                }
            }) }
        </div>
    }
}

/// The session cookies (decoded by core in the report), a decoder for any pasted value,
/// and the wordlist audit.
pub fn session_panel(app: &App, ctx: &Context<App>) -> Html {
    let link = ctx.link();
    let value = app.session_cookie();
    let kind = session::signed_kind(value);
    let er = app.selected_report();
    // A value that is not one of the report's sessions is decoded here.
    let known = app.session_value_is_in_report(value);
    let decoded = (!known && !value.trim().is_empty()).then(|| session::decode(value));
    let busy = app.audit().is_busy();
    let can_run = kind.is_some() && !busy && app.worker_state() == WorkerState::Ready;
    let on_pick = link.batch_callback(|e: Event| {
        let input: HtmlInputElement = e.target_unchecked_into();
        let file = input.files().and_then(|f| f.get(0));
        input.set_value("");
        file.map(Msg::PickWordlist)
    });
    html! {
        <section class="panel session-panel" id="session" aria-labelledby="session-heading">
            <h2 id="session-heading">{"Session cookies"}</h2>
            <p class="muted">{"A Flask session is signed, not encrypted: anyone who holds the cookie can read it. Everything here is decoded in this page."}</p>
            if let Some(er) = er {
                { session_cards(app, ctx, er) }
            }
            <h3>{"Decode or audit a cookie"}</h3>
            <label for="session-cookie" class="field-label">{"Cookie value"}</label>
            <input id="session-cookie" class="text-input" type="text" spellcheck="false" autocomplete="off"
                placeholder="eyJ1c2VyIjoiYWxpY2UifQ.aW5f0A.…"
                value={value.to_string()}
                oninput={link.callback(|e: InputEvent| {
                    let input: HtmlInputElement = e.target_unchecked_into();
                    Msg::SessionCookie(input.value())
                })} />
            if let Some(decoded) = decoded {
                { match decoded {
                    Ok(d) => html! {
                        <div class="decoded" id="session-decoded">
                            <p class="muted meta">{"Flask session"}
                                { if d.compressed { " · zlib-compressed" } else { "" } }
                                if let Some(at) = &d.signed_at { {format!(" · signed {at}")} }
                            </p>
                            <pre class="code session-payload" tabindex="0"><code>{d.payload}</code></pre>
                        </div>
                    },
                    Err(_) if kind.is_some() => Html::default(),
                    Err(e) => html! { <p class="note">{format!("Not a readable Flask session: {e}")}</p> },
                } }
            }
            if let Some(kind) = kind {
                <div class="audit" id="audit">
                    <p class="muted">{format!("A {kind}. Test your own wordlist (one secret a line, flask-unsign's format). It runs in a Web Worker in this page; the file is never uploaded.")}</p>
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

/// The editable policy and its download.
pub fn policy_panel(app: &App, ctx: &Context<App>) -> Html {
    let link = ctx.link();
    let validity = app.policy_status();
    html! {
        <section class="panel policy-panel" id="policy" aria-labelledby="policy-heading"
            data-report-seq={app.policy_seq().to_string()}>
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
                { match validity { Ok(()) => "A valid headwarden policy.".to_string(), Err(e) => format!("Not a valid policy: {e}") } }
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
