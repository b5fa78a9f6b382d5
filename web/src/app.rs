//! The app component: state, messages, and the page layout. The report's pieces are
//! rendered by `views`.

use std::collections::{BTreeSet, HashMap};
use std::rc::Rc;

use gloo_events::EventListener;
use gloo_timers::callback::Timeout;
use headwarden_core::input::InputFormat;
use headwarden_core::limits::MAX_INPUT_BYTES;
use headwarden_core::{Exchange, ExchangeReport, Parsed, Policy, Report};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{HtmlInputElement, HtmlTextAreaElement, Worker};
use yew::prelude::*;

use crate::offload::{self, Detail, Row, Summary, OFFLOAD_ABOVE_BYTES};
use crate::rule_docs::RuleDocs;
use crate::rules_reference::RulesReference;
use crate::{dom, permalink, policy_export, session, views, SchemeChoice};

/// Inputs at least this long are re-checked after a pause in typing, not on every key
/// (and in the Web Worker: see `offload`).
const DEBOUNCE_ABOVE_BYTES: usize = OFFLOAD_ABOVE_BYTES;
const DEBOUNCE_MS: u32 = 200;
const FRAGMENT_DELAY_MS: u32 = 300;
/// An example to try: a login POST captured from Flask under gunicorn.
const EXAMPLE: &str = include_str!("../../tests/fixtures/flask-gunicorn-login-post.http");
const THEME_KEY: &str = "headwarden-theme";
const ACCEPTED_FILES: &str = ".har,.txt,.http,.json,.log,text/plain,application/json";

#[derive(Properties, PartialEq)]
pub struct Props {
    /// The Web Worker (wordlist audit, large inputs), created by `app.js` at page load.
    pub worker: Option<Worker>,
    /// A promise of the text of `rules.json`, which `app.js` fetches while the wasm
    /// compiles (a `JsValue`: `Promise` has no `PartialEq`).
    pub rule_docs: Option<JsValue>,
}

/// A parsed input and its report.
pub struct Analysis {
    pub parsed: Parsed,
    pub report: Report,
    /// Every response, as the list shows it.
    pub rows: Rc<[Row]>,
    /// Set for a large input checked in the Web Worker: `parsed` and `report` then hold
    /// only the response at `shown` (checked again here for the detailed views), and the
    /// summary has the rest.
    pub whole: Option<Rc<Summary>>,
    pub shown: usize,
}

impl Analysis {
    fn new(parsed: Parsed, report: Report) -> Self {
        let rows = report
            .exchanges
            .iter()
            .map(|er| Row {
                url: er.url.clone(),
                method: er.method.clone(),
                status: er.status,
                grade: er.grade,
                score: er.score,
            })
            .collect();
        Analysis {
            parsed,
            report,
            rows,
            whole: None,
            shown: 0,
        }
    }

    pub fn format(&self) -> InputFormat {
        self.whole.as_ref().map_or(self.parsed.format, |w| w.format)
    }

    pub fn notes(&self) -> &[String] {
        self.whole.as_ref().map_or(&self.report.notes, |w| &w.notes)
    }

    /// The index of the response the detailed views show when `selected` is selected
    /// (for a large input, the one last fetched from the worker).
    pub fn shown(&self, selected: usize) -> usize {
        if self.whole.is_some() {
            self.shown
        } else {
            selected
        }
    }

    /// The exchange and report the detailed views show when `selected` is selected.
    pub fn exchange(&self, selected: usize) -> Option<(&Exchange, &ExchangeReport)> {
        let i = if self.whole.is_some() { 0 } else { selected };
        Some((self.parsed.exchanges.get(i)?, self.report.exchanges.get(i)?))
    }
}

/// Where a large input's check in the Web Worker stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// Waiting for a pause in typing.
    Waiting,
    /// Sent to the worker.
    Checking,
    /// The report is shown.
    Done,
}

/// A large input, checked in the Web Worker.
struct Offload {
    /// Echoed by the worker: answers for an older input are stale and dropped.
    id: u64,
    bytes: usize,
    stage: Stage,
    started: f64,
    summary: Option<Rc<Summary>>,
    /// The policy suggestion and the permalink, which the worker computes after the report.
    policy: Option<String>,
    fragment: Option<Option<String>>,
}

/// The light/dark setting; `Auto` follows `prefers-color-scheme`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Theme {
    Auto,
    Dark,
    Light,
}

impl Theme {
    fn next(self) -> Self {
        match self {
            Theme::Auto => Theme::Dark,
            Theme::Dark => Theme::Light,
            Theme::Light => Theme::Auto,
        }
    }

    fn as_str(self) -> &'static str {
        match self {
            Theme::Auto => "auto",
            Theme::Dark => "dark",
            Theme::Light => "light",
        }
    }

    fn apply(self) {
        dom::set_root_attr("data-theme", (self != Theme::Auto).then_some(self.as_str()));
        dom::store(THEME_KEY, (self != Theme::Auto).then_some(self.as_str()));
    }
}

/// Where the wordlist audit stands.
#[derive(Debug, Clone, PartialEq)]
pub enum AuditState {
    Idle,
    Reading,
    Running {
        tried: f64,
        fraction: f64,
        rate: f64,
    },
    Found {
        secret: String,
        tried: f64,
        seconds: f64,
    },
    NotFound {
        tried: f64,
        seconds: f64,
    },
    Cancelled {
        tried: f64,
    },
    Failed(String),
}

impl AuditState {
    pub fn is_busy(&self) -> bool {
        matches!(self, AuditState::Reading | AuditState::Running { .. })
    }
}

/// Whether the Web Worker can take a wordlist.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WorkerState {
    Loading,
    Ready,
    Unavailable,
}

pub enum Msg {
    Input,
    Paste(Event),
    /// Put a large input, held outside the text box, into it.
    ShowInput,
    Recheck,
    Scheme(SchemeChoice),
    Select(usize),
    Toggle(String),
    Tab(String, &'static str),
    Copy(String, String),
    Copied(String, bool),
    ClearFeedback,
    CopyLink,
    Theme,
    Example,
    Clear,
    OpenFile(web_sys::File),
    Loaded(String),
    LoadFailed(String),
    Dragging(bool),
    HashChanged,
    Worker(JsValue),
    WorkerFailed,
    SessionCookie(String),
    PickWordlist(web_sys::File),
    WordlistLoaded(js_sys::ArrayBuffer),
    CancelAudit,
    WriteFragment,
    PolicyEdit(String),
    /// Rebuild the suggested policy for the current report (after typing pauses).
    PolicySuggest,
    PolicyReset,
    PolicyDownload,
    RuleDocs(RuleDocs),
}

pub struct App {
    textarea: NodeRef,
    /// Text to put in the textarea after the next render (it is uncontrolled: typing does
    /// not round-trip through Yew, which keeps large inputs cheap).
    pending_text: Option<String>,
    input: String,
    scheme: SchemeChoice,
    /// The policy reports are graded against (`balanced`, as everywhere); parsed on the
    /// first check, not at startup.
    policy: Option<Policy>,
    analysis: Option<Result<Analysis, String>>,
    selected: usize,
    expanded: BTreeSet<String>,
    tabs: HashMap<String, &'static str>,
    theme: Theme,
    debounce: Option<Timeout>,
    /// The large input being checked (or shown) from the Web Worker.
    offload: Option<Offload>,
    /// Ids of offloaded checks (the last one sent).
    offload_ids: u64,
    /// The size of an input over core's limit (then `input` is empty: it is not read).
    oversize: Option<usize>,
    /// A large pasted or opened input is kept out of the text box: Chromium takes about a
    /// second per 5 MB to lay out a textarea, with the page frozen.
    input_hidden: bool,
    /// A large pasted input, as a JS string (then `input` is empty): see `hold`.
    held: Option<js_sys::JsString>,
    /// Bumped on every new report (`data-report-seq`, which tests watch).
    seq: u64,
    check_ms: f64,
    /// The fragment we wrote last, so our own update is not read back as a new link.
    fragment: Option<String>,
    fragment_timer: Option<Timeout>,
    link_note: Option<String>,
    feedback: Option<(String, String)>,
    feedback_timer: Option<Timeout>,
    dragging: bool,
    load_error: Option<String>,
    worker: Option<Worker>,
    worker_state: WorkerState,
    _listeners: Vec<EventListener>,
    session_cookie: String,
    session_cookie_edited: bool,
    /// `(name, value)` of the selected exchange's session cookies.
    session_values: Vec<(String, String)>,
    audit: AuditState,
    audit_updates: u32,
    policy_text: String,
    policy_status: Result<(), String>,
    policy_edited: bool,
    /// The report `seq` the policy text was built for.
    policy_seq: u64,
    policy_timer: Option<Timeout>,
    rule_docs: RuleDocs,
    /// One callback for every row of the list, so its props stay equal between renders.
    on_select: Callback<usize>,
}

impl Component for App {
    type Message = Msg;
    type Properties = Props;

    fn create(ctx: &Context<Self>) -> Self {
        let worker = ctx.props().worker.clone();
        let mut listeners = Vec::new();
        let worker_state = match &worker {
            Some(w) => {
                let on_message = ctx.link().callback(Msg::Worker);
                listeners.push(EventListener::new(w, "message", move |e| {
                    if let Some(e) = e.dyn_ref::<web_sys::MessageEvent>() {
                        on_message.emit(e.data());
                    }
                }));
                let on_error = ctx.link().callback(|()| Msg::WorkerFailed);
                listeners.push(EventListener::new(w, "error", move |_| on_error.emit(())));
                WorkerState::Loading
            }
            None => WorkerState::Unavailable,
        };
        if let Some(window) = web_sys::window() {
            let on_hash = ctx.link().callback(|()| Msg::HashChanged);
            listeners.push(EventListener::new(&window, "hashchange", move |_| {
                on_hash.emit(())
            }));
        }
        let rule_docs = match ctx.props().rule_docs.clone() {
            Some(text) => {
                let loaded = ctx.link().callback(Msg::RuleDocs);
                wasm_bindgen_futures::spawn_local(async move {
                    let text = js_sys::Promise::resolve(&text);
                    let docs = match wasm_bindgen_futures::JsFuture::from(text).await {
                        Ok(text) => RuleDocs::parse(&text.as_string().unwrap_or_default()),
                        Err(e) => RuleDocs::Failed(format!("{e:?}")),
                    };
                    loaded.emit(docs);
                });
                RuleDocs::Loading
            }
            None => RuleDocs::Failed("rules.json was not loaded".into()),
        };
        let theme = match dom::stored(THEME_KEY).as_deref() {
            Some("dark") => Theme::Dark,
            Some("light") => Theme::Light,
            _ => Theme::Auto,
        };
        let mut app = App {
            textarea: NodeRef::default(),
            pending_text: None,
            input: String::new(),
            scheme: SchemeChoice::Auto,
            policy: None,
            analysis: None,
            selected: 0,
            expanded: BTreeSet::new(),
            tabs: HashMap::new(),
            theme,
            debounce: None,
            offload: None,
            offload_ids: 0,
            oversize: None,
            input_hidden: false,
            held: None,
            seq: 0,
            check_ms: 0.0,
            fragment: None,
            fragment_timer: None,
            link_note: None,
            feedback: None,
            feedback_timer: None,
            dragging: false,
            load_error: None,
            worker,
            worker_state,
            _listeners: listeners,
            session_cookie: String::new(),
            session_cookie_edited: false,
            session_values: Vec::new(),
            audit: AuditState::Idle,
            audit_updates: 0,
            // The preset's own text, valid by construction: nothing to parse at startup.
            policy_text: policy_export::preset_text().to_string(),
            policy_status: Ok(()),
            policy_edited: false,
            policy_seq: 0,
            policy_timer: None,
            rule_docs,
            on_select: ctx.link().callback(Msg::Select),
        };
        app.restore_from_fragment();
        app
    }

    fn update(&mut self, ctx: &Context<Self>, msg: Msg) -> bool {
        let seq = self.seq;
        let render = self.handle(ctx, msg);
        if self.seq != seq {
            self.schedule_policy(ctx);
            self.schedule_fragment(ctx);
        }
        render
    }

    fn rendered(&mut self, ctx: &Context<Self>, first_render: bool) {
        if let Some(text) = self.pending_text.take() {
            if let Some(area) = self.textarea.cast::<HtmlTextAreaElement>() {
                area.set_value(&text);
            }
        }
        if first_render {
            // The page is interactive from here on; tests read this mark.
            dom::set_root_attr("data-ready-ms", Some(&format!("{:.1}", dom::now())));
            dom::set_root_attr("data-ready", Some("1"));
            if self.worker_state == WorkerState::Unavailable {
                dom::set_root_attr("data-worker", Some("unavailable"));
            }
            if self.seq > 0 {
                self.schedule_policy(ctx);
                self.schedule_fragment(ctx);
            }
        }
    }

    fn view(&self, ctx: &Context<Self>) -> Html {
        let link = ctx.link();
        html! {
            <div class={classes!("app", self.dragging.then_some("dragging"))}
                ondragover={link.callback(|e: DragEvent| { e.prevent_default(); Msg::Dragging(true) })}
                ondragleave={link.callback(|_: DragEvent| Msg::Dragging(false))}
                ondrop={link.batch_callback(|e: DragEvent| {
                    e.prevent_default();
                    let file = e.data_transfer().and_then(|d| d.files()).and_then(|f| f.get(0));
                    let mut msgs = vec![Msg::Dragging(false)];
                    msgs.extend(file.map(Msg::OpenFile));
                    msgs
                })}>
                <a class="skip-link" href="#report">{"Skip to the report"}</a>
                { self.view_header(ctx) }
                <main class="layout">
                    { self.view_input(ctx) }
                    <section id="report" class="report" tabindex="-1" aria-label="Report"
                        data-report-seq={self.seq.to_string()}
                        data-busy={self.busy().map(|(_, stage)| if stage == Stage::Waiting { "waiting" } else { "checking" })}
                        aria-busy={self.busy().map(|_| "true")}>
                        { self.view_report(ctx) }
                    </section>
                </main>
                <div class="lower">
                    { views::session_panel(self, ctx) }
                    { views::policy_panel(self, ctx) }
                    <RulesReference docs={self.rule_docs.clone()} />
                </div>
                <footer class="footer">
                    <p>{"headwarden "}{headwarden_core::VERSION}
                       {" · the engine runs in this page as WebAssembly; the page makes no requests after it loads."}</p>
                </footer>
            </div>
        }
    }
}

impl App {
    /// Applies one message; true when the view changes.
    fn handle(&mut self, ctx: &Context<Self>, msg: Msg) -> bool {
        match msg {
            Msg::Input => {
                let Some(area) = self.textarea.cast::<HtmlTextAreaElement>() else {
                    return false;
                };
                self.load_error = None;
                self.held = None;
                // UTF-8 takes at least a byte per UTF-16 unit: past the limit in units,
                // the text is not even copied into the wasm.
                let units = area.text_length() as usize;
                self.input = if units > MAX_INPUT_BYTES {
                    String::new()
                } else {
                    area.value()
                };
                self.oversize = (units > MAX_INPUT_BYTES || self.input.len() > MAX_INPUT_BYTES)
                    .then(|| units.max(self.input.len()));
                if self.oversize.is_none() && self.input.len() >= DEBOUNCE_ABOVE_BYTES {
                    let link = ctx.link().clone();
                    self.debounce = Some(Timeout::new(DEBOUNCE_MS, move || {
                        link.send_message(Msg::Recheck)
                    }));
                    // Says "checking" at once; stale answers are dropped from here on.
                    if self.offloads() {
                        self.offload_ids += 1;
                        self.offload = Some(Offload {
                            id: self.offload_ids,
                            bytes: self.input_size(),
                            stage: Stage::Waiting,
                            started: dom::now(),
                            summary: None,
                            policy: None,
                            fragment: None,
                        });
                        return true;
                    }
                    return false;
                }
                self.debounce = None;
                self.recheck();
                true
            }
            Msg::Paste(event) => {
                let Some(text) = dom::pasted_text(&event) else {
                    return false;
                };
                // Small pastes go into the text box as usual; a large one replaces the
                // input, without the text box (UTF-16 units: at most the UTF-8 bytes).
                let units = text.length() as usize;
                if units < OFFLOAD_ABOVE_BYTES {
                    return false;
                }
                event.prevent_default();
                self.load_error = None;
                if units > MAX_INPUT_BYTES {
                    self.set_oversize(units);
                } else if self.offloads() {
                    self.hold(text);
                } else {
                    self.set_input(String::from(text));
                }
                true
            }
            Msg::ShowInput => {
                if let Some(held) = self.held.take() {
                    self.input = String::from(held);
                }
                self.input_hidden = false;
                self.pending_text = Some(self.input.clone());
                true
            }
            Msg::Recheck => {
                self.debounce = None;
                self.recheck();
                true
            }
            Msg::Scheme(scheme) => {
                self.scheme = scheme;
                self.recheck();
                true
            }
            Msg::Select(i) => {
                self.selected = i;
                self.session_cookie_edited = false;
                if let Some(o) = &self.offload {
                    // The worker holds the large input: ask it for this response.
                    let msg = message(&[
                        ("type", "exchange".into()),
                        ("id", (o.id as f64).into()),
                        ("index", (i as f64).into()),
                    ]);
                    if let Some(w) = &self.worker {
                        let _ = w.post_message(&msg);
                    }
                    return true;
                }
                self.find_sessions();
                true
            }
            Msg::Toggle(key) => {
                if !self.expanded.remove(&key) {
                    self.expanded.insert(key);
                }
                true
            }
            Msg::Tab(rule, tab) => {
                self.tabs.insert(rule, tab);
                true
            }
            Msg::Copy(what, text) => {
                let link = ctx.link().clone();
                dom::copy_text(text, move |ok| link.send_message(Msg::Copied(what, ok)));
                false
            }
            Msg::Copied(what, ok) => {
                let text = if ok {
                    "Copied."
                } else {
                    "The browser refused to copy; select the text and copy it by hand."
                };
                self.feedback = Some((what, text.to_string()));
                let link = ctx.link().clone();
                self.feedback_timer = Some(Timeout::new(2500, move || {
                    link.send_message(Msg::ClearFeedback)
                }));
                true
            }
            Msg::ClearFeedback => {
                self.feedback = None;
                self.feedback_timer = None;
                true
            }
            Msg::CopyLink => {
                self.write_fragment();
                ctx.link()
                    .send_message(Msg::Copy("link".into(), dom::location_href()));
                false
            }
            Msg::Theme => {
                self.theme = self.theme.next();
                self.theme.apply();
                true
            }
            Msg::Example => {
                self.set_input(EXAMPLE.to_string());
                true
            }
            Msg::Clear => {
                self.set_input(String::new());
                dom::focus_id("input");
                true
            }
            Msg::OpenFile(file) => {
                let size = file.size();
                if size > headwarden_core::limits::MAX_INPUT_BYTES as f64 {
                    self.load_error = Some(format!(
                        "{} is {} bytes; the checker reads at most {} bytes.",
                        file.name(),
                        size,
                        headwarden_core::limits::MAX_INPUT_BYTES
                    ));
                    return true;
                }
                let link = ctx.link().clone();
                wasm_bindgen_futures::spawn_local(async move {
                    link.send_message(match dom::read_text(file).await {
                        Ok(text) => Msg::Loaded(text),
                        Err(e) => Msg::LoadFailed(e),
                    });
                });
                false
            }
            Msg::Loaded(text) => {
                self.load_error = None;
                self.set_input(text);
                true
            }
            Msg::LoadFailed(e) => {
                self.load_error = Some(format!("The file could not be read: {e}"));
                true
            }
            Msg::Dragging(on) => {
                let changed = self.dragging != on;
                self.dragging = on;
                changed
            }
            Msg::HashChanged => {
                let hash = dom::location_hash();
                let ours = self
                    .fragment
                    .as_deref()
                    .is_some_and(|f| hash.strip_prefix('#') == Some(f));
                if ours {
                    return false;
                }
                self.restore_from_fragment();
                true
            }
            Msg::Worker(data) => self.on_worker_message(&data),
            Msg::WorkerFailed => {
                if self.busy().is_some() {
                    self.offload_failed("the Web Worker stopped while checking the input".into());
                }
                if self.audit.is_busy() {
                    self.audit = AuditState::Failed("the Web Worker stopped".into());
                }
                if self.worker_state == WorkerState::Loading {
                    self.worker_state = WorkerState::Unavailable;
                    dom::set_root_attr("data-worker", Some("unavailable"));
                }
                true
            }
            Msg::SessionCookie(value) => {
                self.session_cookie = value;
                self.session_cookie_edited = true;
                if !self.audit.is_busy() {
                    self.audit = AuditState::Idle;
                }
                true
            }
            Msg::PickWordlist(file) => {
                if self.audit.is_busy() {
                    return false;
                }
                self.audit = AuditState::Reading;
                let link = ctx.link().clone();
                wasm_bindgen_futures::spawn_local(async move {
                    link.send_message(match dom::read_bytes(file).await {
                        Ok(buffer) => Msg::WordlistLoaded(buffer),
                        Err(e) => Msg::Worker(failure(&e)),
                    });
                });
                true
            }
            Msg::WordlistLoaded(buffer) => {
                self.start_audit(buffer);
                true
            }
            Msg::CancelAudit => {
                if let Some(w) = &self.worker {
                    let _ = w.post_message(&message(&[("type", "cancel".into())]));
                }
                false
            }
            Msg::PolicyEdit(text) => {
                self.set_policy_text(text);
                self.policy_edited = true;
                true
            }
            Msg::WriteFragment => {
                self.write_fragment();
                true
            }
            Msg::PolicySuggest => {
                self.policy_timer = None;
                if self.policy_edited {
                    return false;
                }
                self.suggest_policy();
                true
            }
            Msg::PolicyReset => {
                self.policy_edited = false;
                self.suggest_policy();
                true
            }
            Msg::RuleDocs(docs) => {
                self.rule_docs = docs;
                true
            }
            Msg::PolicyDownload => {
                if let Err(e) = dom::download_text(
                    "headwarden-policy.toml",
                    "application/toml",
                    &self.policy_text,
                ) {
                    self.feedback = Some(("policy".into(), dom::describe(&e)));
                    return true;
                }
                false
            }
        }
    }

    pub fn analysis(&self) -> Option<&Result<Analysis, String>> {
        self.analysis.as_ref()
    }

    /// The report of the response the detailed views show.
    pub fn selected_report(&self) -> Option<&ExchangeReport> {
        match &self.analysis {
            Some(Ok(a)) => a.exchange(self.selected).map(|(_, er)| er),
            _ => None,
        }
    }

    pub fn on_select(&self) -> Callback<usize> {
        self.on_select.clone()
    }

    pub fn selected(&self) -> usize {
        self.selected
    }

    pub fn rule_docs(&self) -> &RuleDocs {
        &self.rule_docs
    }

    pub fn is_expanded(&self, key: &str) -> bool {
        self.expanded.contains(key)
    }

    pub fn tab_for(&self, rule: &str) -> Option<&'static str> {
        self.tabs.get(rule).copied()
    }

    pub fn feedback_for(&self, what: &str) -> Option<&str> {
        self.feedback
            .as_ref()
            .filter(|(w, _)| w == what)
            .map(|(_, t)| t.as_str())
    }

    pub fn session_cookie(&self) -> &str {
        &self.session_cookie
    }

    pub fn audit(&self) -> &AuditState {
        &self.audit
    }

    pub fn audit_updates(&self) -> u32 {
        self.audit_updates
    }

    pub fn worker_state(&self) -> WorkerState {
        self.worker_state
    }

    pub fn policy_text(&self) -> &str {
        &self.policy_text
    }

    pub fn policy_status(&self) -> &Result<(), String> {
        &self.policy_status
    }

    /// The value of the selected exchange's session cookie `name`.
    pub fn session_value(&self, name: &str) -> Option<String> {
        self.session_values
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.clone())
    }

    /// Whether `value` is one of the selected exchange's session cookies (shown decoded
    /// in the report's cards already).
    pub fn session_value_is_in_report(&self, value: &str) -> bool {
        let value = value.trim();
        self.session_values.iter().any(|(_, v)| v == value)
    }

    fn set_policy_text(&mut self, text: String) {
        self.policy_status = policy_export::validate(&text);
        self.policy_text = text;
    }

    /// The policy suggestion takes longer than the check (it writes and re-reads TOML),
    /// so it waits for a pause in typing.
    fn schedule_policy(&mut self, ctx: &Context<Self>) {
        if self.policy_edited {
            return;
        }
        let link = ctx.link().clone();
        self.policy_timer = Some(Timeout::new(250, move || {
            link.send_message(Msg::PolicySuggest)
        }));
    }

    pub fn policy_seq(&self) -> u64 {
        self.policy_seq
    }

    fn suggest_policy(&mut self) {
        let text = match &self.analysis {
            // A large input's suggestion comes from the worker, after its report.
            Some(Ok(a)) if a.whole.is_some() => {
                match self.offload.as_ref().and_then(|o| o.policy.clone()) {
                    Some(text) => text,
                    None => return,
                }
            }
            Some(Ok(a)) => policy_export::suggest(Some((&a.parsed.exchanges, &a.report))),
            _ => policy_export::suggest(None),
        };
        self.policy_seq = self.seq;
        self.set_policy_text(text);
    }

    fn set_input(&mut self, text: String) {
        if text.len() > MAX_INPUT_BYTES {
            self.set_oversize(text.len());
            return;
        }
        self.oversize = None;
        self.held = None;
        self.input_hidden = text.len() >= OFFLOAD_ABOVE_BYTES;
        self.pending_text = Some(if self.input_hidden {
            String::new()
        } else {
            text.clone()
        });
        self.input = text;
        self.debounce = None;
        self.recheck();
    }

    /// An input over core's limit: it is neither kept nor parsed.
    fn set_oversize(&mut self, bytes: usize) {
        self.oversize = Some(bytes);
        self.held = None;
        self.input_hidden = true;
        self.input = String::new();
        self.pending_text = Some(String::new());
        self.debounce = None;
        self.recheck();
    }

    /// A large pasted input, kept as the JS string it came as: it goes to the worker as
    /// it is, never copied into this wasm (tens of milliseconds for megabytes).
    fn hold(&mut self, text: js_sys::JsString) {
        self.oversize = None;
        self.held = Some(text);
        self.input_hidden = true;
        self.input = String::new();
        self.pending_text = Some(String::new());
        self.debounce = None;
        self.recheck();
    }

    /// The input's size: bytes, or UTF-16 units for a held one.
    fn input_size(&self) -> usize {
        self.held
            .as_ref()
            .map_or(self.input.len(), |h| h.length() as usize)
    }

    fn has_input(&self) -> bool {
        self.held.is_some() || !self.input.trim().is_empty()
    }

    /// Whether large inputs go to the Web Worker (else they are checked here, slowly).
    fn offloads(&self) -> bool {
        self.worker.is_some() && self.worker_state != WorkerState::Unavailable
    }

    /// A large input is being checked: `(bytes, stage)`.
    pub fn busy(&self) -> Option<(usize, Stage)> {
        self.offload
            .as_ref()
            .filter(|o| o.stage != Stage::Done)
            .map(|o| (o.bytes, o.stage))
    }

    /// Sends the input to the worker (the id of `offload`, or a new one).
    fn offload_check(&mut self) {
        let id = match &self.offload {
            Some(o) if o.stage == Stage::Waiting => o.id,
            _ => {
                self.offload_ids += 1;
                self.offload_ids
            }
        };
        let msg = message(&[
            ("type", "check".into()),
            ("id", (id as f64).into()),
            (
                "input",
                match &self.held {
                    Some(held) => held.into(),
                    None => self.input.as_str().into(),
                },
            ),
            ("scheme", self.scheme.as_str().into()),
            ("index", (self.selected as f64).into()),
        ]);
        let sent = self.worker.as_ref().map(|w| w.post_message(&msg));
        if let Some(Err(e)) = sent {
            self.offload = None;
            self.analysis = Some(Err(format!(
                "the Web Worker did not take the input: {}",
                dom::describe(&e)
            )));
            self.seq += 1;
            return;
        }
        self.offload = Some(Offload {
            id,
            bytes: self.input_size(),
            stage: Stage::Checking,
            started: self
                .offload
                .as_ref()
                .filter(|o| o.id == id)
                .map_or_else(dom::now, |o| o.started),
            summary: None,
            policy: None,
            fragment: None,
        });
    }

    /// A worker message about a large input; true when the view changes.
    fn on_offload_message(&mut self, kind: &str, data: &JsValue) -> bool {
        let get = |k: &str| {
            js_sys::Reflect::get(data, &JsValue::from_str(k)).unwrap_or(JsValue::UNDEFINED)
        };
        let text = |k: &str| get(k).as_string().unwrap_or_default();
        let Some(o) = self.offload.as_mut() else {
            return false;
        };
        if get("id").as_f64() != Some(o.id as f64) {
            return false; // an answer about an older input
        }
        match kind {
            "checked" => match Summary::from_json(&text("summary")) {
                Ok(summary) => {
                    o.summary = Some(Rc::new(summary));
                    self.show_detail(&text("har"), &text("findings"), get("index").as_f64())
                }
                Err(e) => {
                    self.offload_failed(format!("the Web Worker's answer was unreadable: {e}"))
                }
            },
            "check-failed" => self.offload_failed(text("message")),
            "exchange" => self.show_detail(&text("har"), &text("findings"), get("index").as_f64()),
            "extras" => {
                o.policy = get("policy").as_string();
                o.fragment = Some(get("fragment").as_string());
                if self
                    .offload
                    .as_ref()
                    .is_some_and(|o| o.stage == Stage::Done)
                {
                    if !self.policy_edited {
                        self.suggest_policy();
                    }
                    self.write_fragment();
                }
                true
            }
            _ => false,
        }
    }

    fn offload_failed(&mut self, e: String) -> bool {
        if let Some(o) = &mut self.offload {
            o.stage = Stage::Done;
            o.summary = None;
        }
        self.analysis = Some(Err(e));
        self.selected = 0;
        self.seq += 1;
        self.find_sessions();
        true
    }

    /// Shows response `index` of the large input (the worker sent it as a one-entry HAR).
    fn show_detail(&mut self, har: &str, findings: &str, index: Option<f64>) -> bool {
        let Some(o) = self.offload.as_mut() else {
            return false;
        };
        let Some(summary) = o.summary.clone() else {
            return false;
        };
        let index = index.unwrap_or(0.0) as usize;
        let first = o.stage != Stage::Done;
        if !first && index != self.selected {
            return false; // the user has selected another one since
        }
        let Some(row) = summary.rows.get(index) else {
            return self.offload_failed("The input holds no response.".into());
        };
        let started = o.started;
        let policy = self.policy.get_or_insert_with(Policy::default);
        let detail = Detail {
            har,
            input_findings: findings,
            row,
        };
        let rows: Rc<[Row]> = match self.analysis.as_ref() {
            Some(Ok(a)) if !first => a.rows.clone(),
            _ => summary.rows.clone().into(),
        };
        let analysis = detail
            .check(self.scheme, policy)
            .map(|(parsed, report)| Analysis {
                parsed,
                report,
                rows,
                whole: Some(summary),
                shown: index,
            });
        self.analysis = Some(analysis);
        self.selected = index;
        if first {
            if let Some(o) = self.offload.as_mut() {
                o.stage = Stage::Done;
            }
            self.check_ms = dom::now() - started;
            self.seq += 1;
        }
        self.find_sessions();
        true
    }

    /// Parses and grades the input (microseconds for a typical paste).
    fn recheck(&mut self) {
        if let Some(bytes) = self.oversize {
            self.offload = None;
            self.analysis = Some(Err(format!(
                "This input is {:.1} MiB; the checker reads at most {} MiB ({} bytes). Check a part of it: export fewer requests, or split the HAR.",
                mib(bytes),
                MAX_INPUT_BYTES >> 20,
                thousands(MAX_INPUT_BYTES)
            )));
            self.selected = 0;
            self.seq += 1;
            self.find_sessions();
            return;
        }
        if (self.held.is_some() || self.input.len() >= OFFLOAD_ABOVE_BYTES) && self.offloads() {
            self.offload_check();
            return;
        }
        if let Some(held) = self.held.take() {
            self.input = String::from(held); // the worker is gone: check it here
        }
        self.offload = None;
        let started = dom::now();
        self.analysis = if self.input.trim().is_empty() {
            None
        } else {
            let options = offload::options(self.scheme, true);
            let policy = self.policy.get_or_insert_with(Policy::default);
            Some(
                headwarden_core::parse(self.input.as_bytes())
                    .map(|parsed| {
                        let report = headwarden_core::check(&parsed, policy, &options);
                        Analysis::new(parsed, report)
                    })
                    .map_err(|e| e.to_string()),
            )
        };
        self.check_ms = dom::now() - started;
        let count = match &self.analysis {
            Some(Ok(a)) => a.rows.len(),
            _ => 0,
        };
        if self.selected >= count {
            self.selected = 0;
        }
        self.seq += 1;
        self.find_sessions();
    }

    /// Collects the selected exchange's session cookies and, unless the user typed a
    /// value, puts the first auditable one (a Flask session first) in the audit field.
    fn find_sessions(&mut self) {
        self.session_values = match &self.analysis {
            Some(Ok(a)) => a
                .exchange(self.selected)
                .map(|(ex, _)| {
                    let set_cookies = headwarden_core::cookies::parse_all(&ex.response.headers);
                    headwarden_core::flask::session_cookies(ex, &set_cookies, false)
                        .into_iter()
                        .map(|s| (s.name, s.value))
                        .collect()
                })
                .unwrap_or_default(),
            _ => Vec::new(),
        };
        if self.session_cookie_edited {
            return;
        }
        let flask_first = self
            .session_values
            .iter()
            .filter(|(_, v)| session::signed_kind(v).is_some())
            .min_by_key(|(_, v)| session::decode(v).is_err())
            .map(|(_, v)| v.clone())
            .unwrap_or_default();
        if flask_first != self.session_cookie {
            self.session_cookie = flask_first;
            if !self.audit.is_busy() {
                self.audit = AuditState::Idle;
            }
        }
    }

    /// The permalink follows the input after a short pause: browsers throttle (and warn
    /// about) more than a few `history.replaceState` calls a second.
    fn schedule_fragment(&mut self, ctx: &Context<Self>) {
        let link = ctx.link().clone();
        self.fragment_timer = Some(Timeout::new(FRAGMENT_DELAY_MS, move || {
            link.send_message(Msg::WriteFragment)
        }));
    }

    fn write_fragment(&mut self) {
        self.fragment_timer = None;
        dom::set_root_attr("data-link-seq", Some(&self.seq.to_string()));
        if !self.has_input() {
            self.fragment = None;
            self.link_note = None;
            dom::replace_fragment(None);
            return;
        }
        let fragment = if self.oversize.is_some() {
            None
        } else if let Some(o) = &self.offload {
            // Deflating megabytes would block the page: the worker does it.
            match &o.fragment {
                Some(f) => f.clone(),
                None => return,
            }
        } else {
            permalink::encode(&self.input, self.scheme)
        };
        match fragment {
            Some(f) => {
                dom::replace_fragment(Some(&f));
                self.fragment = Some(f);
                self.link_note = None;
            }
            None => {
                self.fragment = None;
                dom::replace_fragment(None);
                self.link_note = Some(
                    "This input is too large to share as a link; save it as a file instead.".into(),
                );
            }
        }
    }

    fn restore_from_fragment(&mut self) {
        let hash = dom::location_hash();
        if hash.len() <= 1 {
            return;
        }
        match permalink::decode(&hash) {
            Ok((input, scheme)) => {
                self.scheme = scheme;
                self.set_input(input);
                self.link_note = None;
            }
            Err(e) => {
                self.link_note = Some(format!("This link could not be opened: {e}."));
            }
        }
    }

    fn start_audit(&mut self, buffer: js_sys::ArrayBuffer) {
        let Some(worker) = &self.worker else {
            self.audit = AuditState::Failed("this browser could not start the Web Worker".into());
            return;
        };
        if self.worker_state != WorkerState::Ready {
            self.audit = AuditState::Failed("the Web Worker is not ready yet; try again".into());
            return;
        }
        let msg = message(&[
            ("type", "run".into()),
            ("cookie", self.session_cookie.trim().into()),
            ("wordlist", buffer.clone().into()),
        ]);
        let transfer = js_sys::Array::of1(&buffer);
        match worker.post_message_with_transfer(&msg, &transfer) {
            Ok(()) => {
                self.audit_updates = 0;
                self.audit = AuditState::Running {
                    tried: 0.0,
                    fraction: 0.0,
                    rate: 0.0,
                };
            }
            Err(e) => self.audit = AuditState::Failed(dom::describe(&e)),
        }
    }

    fn on_worker_message(&mut self, data: &JsValue) -> bool {
        let get = |k: &str| {
            js_sys::Reflect::get(data, &JsValue::from_str(k)).unwrap_or(JsValue::UNDEFINED)
        };
        let num = |k: &str| get(k).as_f64().unwrap_or(0.0);
        match get("type").as_string().as_deref() {
            Some(kind @ ("checked" | "check-failed" | "exchange" | "extras")) => {
                return self.on_offload_message(kind, data)
            }
            Some("ready") => {
                self.worker_state = WorkerState::Ready;
                dom::set_root_attr("data-worker", Some("ready"));
            }
            Some("progress") => {
                self.audit_updates += 1;
                self.audit = AuditState::Running {
                    tried: num("tried"),
                    fraction: num("fraction"),
                    rate: num("rate"),
                };
            }
            Some("done") => {
                self.audit_updates += 1;
                let tried = num("tried");
                self.audit = if get("cancelled").as_bool() == Some(true) {
                    AuditState::Cancelled { tried }
                } else {
                    match get("found").as_string() {
                        Some(secret) => AuditState::Found {
                            secret,
                            tried,
                            seconds: num("seconds"),
                        },
                        None => AuditState::NotFound {
                            tried,
                            seconds: num("seconds"),
                        },
                    }
                };
            }
            Some("error") => {
                self.audit = AuditState::Failed(
                    get("message")
                        .as_string()
                        .unwrap_or_else(|| "the audit failed".into()),
                );
            }
            _ => return false,
        }
        true
    }

    fn view_header(&self, ctx: &Context<Self>) -> Html {
        let label = format!("Colour theme: {} (change)", self.theme.as_str());
        html! {
            <header class="topbar">
                <div class="brand">
                    <span class="logo" aria-hidden="true">{"hw"}</span>
                    <div>
                        <h1>{"headwarden"}<span class="subtitle">{" web checker"}</span></h1>
                        <p class="tagline">{"Grades HTTP security headers. Runs entirely in your browser: nothing you paste leaves this page."}</p>
                    </div>
                </div>
                <button type="button" class="button ghost theme-toggle" aria-label={label}
                    onclick={ctx.link().callback(|_| Msg::Theme)}>
                    { match self.theme { Theme::Auto => "◐ Auto", Theme::Dark => "☾ Dark", Theme::Light => "☀ Light" } }
                </button>
            </header>
        }
    }

    fn view_input(&self, ctx: &Context<Self>) -> Html {
        let link = ctx.link();
        let on_file = link.batch_callback(|e: Event| {
            let input: HtmlInputElement = e.target_unchecked_into();
            let file = input.files().and_then(|f| f.get(0));
            input.set_value("");
            file.map(Msg::OpenFile)
        });
        let on_scheme = link.callback(|e: Event| {
            let select: web_sys::HtmlSelectElement = e.target_unchecked_into();
            Msg::Scheme(select.value().parse().unwrap_or_default())
        });
        let status = match (&self.analysis, self.busy()) {
            (_, Some((bytes, _))) => html! {
                <span class="checking" id="checking">
                    <span class="spinner" aria-hidden="true"></span>
                    {format!("Checking {:.1} MiB… (in the background: the page stays usable)", mib(bytes))}
                </span>
            },
            (None, None) => html! { {"Waiting for input."} },
            (Some(Err(_)), None) => html! { {"Could not read the input."} },
            (Some(Ok(a)), None) => {
                let n = a.rows.len();
                html! {
                    <>
                        {"Detected "}<strong class="format" data-format={a.format().as_str()}>{views::format_label(a.format())}</strong>
                        {format!(" · {n} {} · checked in {:.1} ms", if n == 1 { "response" } else { "responses" }, self.check_ms)}
                    </>
                }
            }
        };
        html! {
            <section class="panel input-panel" aria-labelledby="input-heading">
                <div class="panel-head">
                    <h2 id="input-heading">{"Response to check"}</h2>
                </div>
                <label for="input" class="hint">
                    {"Paste raw headers, "}<code>{"curl -i"}</code>{" or "}<code>{"curl -v"}</code>
                    {" output, headers copied from DevTools, a HAR file or a JSON object — or drop a file here."}
                </label>
                if self.input_hidden {
                    <div class="large-input" id="large-input">
                        <p>{ match self.oversize {
                            Some(bytes) => format!("The input ({:.1} MiB) is over the checker's limit; it was not read.", mib(bytes)),
                            None => format!("A large input ({:.1} MiB) is loaded. It is not shown in the text box, which keeps the page fast; a paste this large replaces the input.", mib(self.input_size())),
                        } }</p>
                        if self.oversize.is_none() {
                            <button type="button" class="button ghost small" id="show-input"
                                onclick={link.callback(|_| Msg::ShowInput)}>{"Show the text (slow)"}</button>
                        }
                    </div>
                }
                <textarea id="input" class="input" ref={self.textarea.clone()} hidden={self.input_hidden}
                    onpaste={link.callback(Msg::Paste)}
                    spellcheck="false" autocomplete="off" autocapitalize="off" wrap="off"
                    placeholder={"HTTP/1.1 200 OK\nContent-Type: text/html\nSet-Cookie: session=…"}
                    oninput={link.callback(|_: InputEvent| Msg::Input)} />
                <div class="input-actions">
                    <label class="button file-button">
                        {"Open file…"}
                        <input type="file" class="visually-hidden" accept={ACCEPTED_FILES} onchange={on_file} />
                    </label>
                    <button type="button" class="button ghost" onclick={link.callback(|_| Msg::Example)}>{"Example"}</button>
                    <button type="button" class="button ghost" onclick={link.callback(|_| Msg::Clear)}>{"Clear"}</button>
                    <label class="scheme">
                        <span>{"Scheme"}</span>
                        <select onchange={on_scheme} aria-label="Scheme the response was served over">
                            { for SchemeChoice::ALL.iter().map(|s| html! {
                                <option value={s.as_str()} selected={*s == self.scheme}>
                                    { match s { SchemeChoice::Auto => "from URL (else HTTPS)", SchemeChoice::Https => "HTTPS", SchemeChoice::Http => "HTTP" } }
                                </option>
                            }) }
                        </select>
                    </label>
                    <button type="button" class="button ghost" id="copy-link"
                        disabled={!self.has_input()}
                        onclick={link.callback(|_| Msg::CopyLink)}>{"Copy link"}</button>
                </div>
                if let Some(note) = self.feedback_for("link") {
                    <p class="note" role="status">{note}</p>
                }
                <p class="input-status" id="input-status" aria-live="polite">{status}</p>
                if let Some(e) = &self.load_error {
                    <p class="error-box">{e}</p>
                }
                if let Some(note) = &self.link_note {
                    <p class="note">{note}</p>
                }
                { views::exchange_list(self) }
            </section>
        }
    }

    fn view_report(&self, ctx: &Context<Self>) -> Html {
        match &self.analysis {
            None if self.busy().is_some() => html! {
                <div class="panel empty">
                    <h2>{"Checking…"}</h2>
                    <p>{"A large input is checked in a Web Worker, in this page; the report appears here when it is ready."}</p>
                </div>
            },
            None => html! {
                <div class="panel empty">
                    <h2>{"No report yet"}</h2>
                    <p>{"Paste a response on the left, open a .har or .txt file, or load the example. The grade, the findings and their fixes appear here as you type."}</p>
                </div>
            },
            Some(Err(e)) => html! {
                <div class="panel">
                    <h2>{"The input could not be read"}</h2>
                    <p class="error-box" id="input-error">{e}</p>
                    <p>{"The checker reads a raw response head (as from curl -i), curl -v output, DevTools headers, HAR 1.2 or a JSON object of header names to values."}</p>
                </div>
            },
            Some(Ok(a)) => views::report(self, ctx, a),
        }
    }
}

/// Bytes in MiB, for messages.
fn mib(bytes: usize) -> f64 {
    bytes as f64 / (1024.0 * 1024.0)
}

/// `n` with a comma every three digits.
fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() * 4 / 3);
    for (i, d) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(d);
    }
    out
}

/// A plain JS object `{k: v, …}` for `postMessage`.
fn message(fields: &[(&str, JsValue)]) -> JsValue {
    let obj = js_sys::Object::new();
    for (k, v) in fields {
        let _ = js_sys::Reflect::set(&obj, &JsValue::from_str(k), v);
    }
    obj.into()
}

/// A worker-style error message, for failures on this side.
fn failure(e: &str) -> JsValue {
    message(&[("type", "error".into()), ("message", e.into())])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_thousands() {
        assert_eq!(thousands(MAX_INPUT_BYTES), "33,554,432");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(0), "0");
    }
}
