//! Recognising development servers, debug pages and stock pages from headers and bodies.
//!
//! Every detector is a plain function of the header value or body text, linear in its
//! size, so rules stay small and the worker can reuse them.

use memchr::memmem;

/// A `Server` header naming Werkzeug's development server (`Werkzeug/3.1.9 Python/3.11.7`).
pub fn is_werkzeug_server(server: &str) -> bool {
    starts_with_ci(server.trim_start(), "werkzeug")
}

/// A `Server` header naming Python's `wsgiref` server, which Django's `runserver` uses
/// (`WSGIServer/0.2 CPython/3.11.7`).
pub fn is_wsgiref_server(server: &str) -> bool {
    starts_with_ci(server.trim_start(), "wsgiserver/")
}

/// What a Werkzeug debugger page tells about itself (the variables of its inline script).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DebuggerPage {
    /// `CONSOLE_MODE = true`: the `/console` page rather than a traceback.
    pub console_mode: bool,
    /// `EVALEX = true`: frames accept Python code once the PIN is entered.
    pub evalex: bool,
    /// `EVALEX_TRUSTED = true`: the PIN was already entered from this browser.
    pub evalex_trusted: bool,
    /// The debugger's `SECRET`, needed to send commands.
    pub secret: Option<String>,
    /// Byte offset of the script that holds the variables (for evidence).
    pub offset: usize,
}

/// Recognises a Werkzeug interactive debugger page (traceback or `/console`).
pub fn werkzeug_debugger(body: &str) -> Option<DebuggerPage> {
    let marker = find(body, "Werkzeug Debugger")
        .or_else(|| find(body, "__debugger__=yes"))
        .or_else(|| find(body, "friendly Werkzeug powered traceback interpreter"))?;
    let script = find(body, "EVALEX").or_else(|| find(body, "CONSOLE_MODE"));
    let Some(at) = script else {
        // Tracebacks without the interactive part (evalex off in old versions).
        return Some(DebuggerPage {
            offset: marker,
            ..DebuggerPage::default()
        });
    };
    let start = at.saturating_sub(200);
    let window = window(body, start, 600);
    Some(DebuggerPage {
        console_mode: js_bool(window, "CONSOLE_MODE"),
        evalex: js_bool(window, "EVALEX"),
        evalex_trusted: js_bool(window, "EVALEX_TRUSTED"),
        secret: js_string(window, "SECRET"),
        offset: start + find(window, "CONSOLE_MODE").unwrap_or(0),
    })
}

/// `NAME = true` in a small script; `false` when absent or anything else.
fn js_bool(script: &str, name: &str) -> bool {
    let mut rest = script;
    while let Some(i) = rest.find(name) {
        let after = &rest[i + name.len()..];
        let before_ok = rest[..i]
            .chars()
            .next_back()
            .is_none_or(|c| !c.is_alphanumeric() && c != '_');
        if before_ok {
            if let Some(v) = after.trim_start().strip_prefix('=') {
                return v.trim_start().starts_with("true");
            }
        }
        rest = after;
    }
    false
}

/// `NAME = "value"` in a small script.
fn js_string(script: &str, name: &str) -> Option<String> {
    let mut rest = script;
    while let Some(i) = rest.find(name) {
        let after = &rest[i + name.len()..];
        if let Some(v) = after.trim_start().strip_prefix('=') {
            let v = v.trim_start();
            let quote = v.chars().next().filter(|c| *c == '"' || *c == '\'')?;
            let v = &v[1..];
            let end = v.find(quote)?;
            return Some(v[..end].to_string());
        }
        rest = after;
    }
    None
}

/// Which Django technical page a body is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DjangoDebugPage {
    /// The technical 404: the URL patterns of the project.
    NotFound,
    /// The technical 500: traceback, local variables, settings, request.
    ServerError,
}

/// Recognises Django's `DEBUG = True` technical 404 and 500 pages.
pub fn django_debug_page(body: &str) -> Option<DjangoDebugPage> {
    find(body, "<code>DEBUG = True</code>")?;
    if find(body, "Django Version:").is_some() && find(body, "Traceback").is_some() {
        return Some(DjangoDebugPage::ServerError);
    }
    if find(body, "Django tried these URL patterns").is_some()
        || find(body, "Using the URLconf defined in").is_some()
        || find(body, "Django settings file").is_some()
    {
        return Some(DjangoDebugPage::NotFound);
    }
    None
}

/// A stack trace found in a body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StackTrace {
    /// `Python`, `Node.js`, `Java`, `PHP`, `Ruby`, `.NET`, `Go`.
    pub language: &'static str,
    /// The first frame, as text (markup removed).
    pub frame: String,
}

/// Most places examined per language: a trace shows its first frame early, and a hostile
/// body full of near-misses stays linear.
const MAX_CANDIDATES: usize = 4096;

/// Finds a stack trace with a source file path (Python, Node.js, Java, PHP, Ruby, .NET, Go).
pub fn stack_trace(body: &str) -> Option<StackTrace> {
    python_frame(body)
        .or_else(|| node_frame(body))
        .or_else(|| java_frame(body))
        .or_else(|| php_frame(body))
        .or_else(|| ruby_frame(body))
        .or_else(|| dotnet_frame(body))
        .or_else(|| go_frame(body))
}

/// `File "/app/x.py", line 12` (plain or Werkzeug's `File <cite …>"…"</cite>, line`).
fn python_frame(body: &str) -> Option<StackTrace> {
    for at in find_iter(body, "File ").take(MAX_CANDIDATES) {
        let window = window(body, at, 400);
        if !window.contains("line") {
            continue;
        }
        let text = strip_markup(window);
        let Some(rest) = text.strip_prefix("File \"") else {
            continue;
        };
        let Some(end) = rest.find('"') else { continue };
        let path = &rest[..end];
        let after = rest[end + 1..].trim_start();
        let Some(after) = after.strip_prefix(',') else {
            continue;
        };
        if after.trim_start().starts_with("line ") && looks_like_path(path) {
            let frame = text.lines().next().unwrap_or("").trim().to_string();
            return Some(StackTrace {
                language: "Python",
                frame,
            });
        }
    }
    None
}

/// `at handler (/app/server.js:10:5)` or `at /app/server.js:10:5`.
fn node_frame(body: &str) -> Option<StackTrace> {
    for ext in [".js:", ".mjs:", ".cjs:", ".ts:"] {
        for at in find_iter(body, ext).take(MAX_CANDIDATES) {
            let after = &body[at + ext.len()..];
            let Some(rest) = digits_then(after, ':') else {
                continue;
            };
            if !rest.starts_with(|c: char| c.is_ascii_digit()) {
                continue;
            }
            let (line_start, line_end) = line_bounds(body, at);
            let line = &body[line_start..line_end];
            let Some(at_word) = find_at_word(&body[line_start..at]) else {
                continue;
            };
            let path_part = &body[line_start + at_word..at];
            if !path_part.contains('/') && !path_part.contains('\\') {
                continue;
            }
            return Some(StackTrace {
                language: "Node.js",
                frame: strip_markup(line).trim().to_string(),
            });
        }
    }
    None
}

/// `at com.example.App.main(App.java:42)`.
fn java_frame(body: &str) -> Option<StackTrace> {
    for at in find_iter(body, ".java:").take(MAX_CANDIDATES) {
        let after = &body[at + 6..];
        if digits_then(after, ')').is_none() {
            continue;
        }
        let (line_start, line_end) = line_bounds(body, at);
        if find_at_word(&body[line_start..at]).is_some() {
            return Some(StackTrace {
                language: "Java",
                frame: strip_markup(&body[line_start..line_end]).trim().to_string(),
            });
        }
    }
    None
}

/// `#0 /var/www/index.php(12): …` under `Stack trace:`, or `… in /var/www/x.php on line 3`.
fn php_frame(body: &str) -> Option<StackTrace> {
    for at in find_iter(body, ".php").take(MAX_CANDIDATES) {
        let after = &body[at + 4..];
        let frame_like = after
            .strip_prefix('(')
            .is_some_and(|a| digits_then(a, ')').is_some());
        let on_line = after.starts_with(" on line ") || after.starts_with("</b> on line ");
        if !frame_like && !on_line {
            continue;
        }
        let (line_start, line_end) = line_bounds(body, at);
        let line = strip_markup(&body[line_start..line_end]);
        let frame_line = frame_like && line.trim_start().starts_with('#');
        if (frame_line || on_line) && line.contains('/') {
            return Some(StackTrace {
                language: "PHP",
                frame: line.trim().to_string(),
            });
        }
    }
    None
}

/// `/app/models/user.rb:12:in 'save'`.
fn ruby_frame(body: &str) -> Option<StackTrace> {
    for at in find_iter(body, ".rb:").take(MAX_CANDIDATES) {
        let after = &body[at + 4..];
        let Some(rest) = digits_then(after, ':') else {
            continue;
        };
        if rest.starts_with("in ") {
            let (line_start, line_end) = line_bounds(body, at);
            return Some(StackTrace {
                language: "Ruby",
                frame: strip_markup(&body[line_start..line_end]).trim().to_string(),
            });
        }
    }
    None
}

/// `at App.Controllers.Home.Index() in C:\src\HomeController.cs:line 42`.
fn dotnet_frame(body: &str) -> Option<StackTrace> {
    for at in find_iter(body, ".cs:line ").take(MAX_CANDIDATES) {
        let (line_start, line_end) = line_bounds(body, at);
        if find_at_word(&body[line_start..at]).is_some() {
            return Some(StackTrace {
                language: ".NET",
                frame: strip_markup(&body[line_start..line_end]).trim().to_string(),
            });
        }
    }
    None
}

/// A Go panic: `goroutine 1 [running]:` then `/app/main.go:12 +0x1d`.
fn go_frame(body: &str) -> Option<StackTrace> {
    find(body, "goroutine ")?;
    for at in find_iter(body, ".go:").take(MAX_CANDIDATES) {
        let after = &body[at + 4..];
        if digits_then(after, ' ').is_some_and(|r| r.starts_with("+0x")) {
            let (line_start, line_end) = line_bounds(body, at);
            return Some(StackTrace {
                language: "Go",
                frame: strip_markup(&body[line_start..line_end]).trim().to_string(),
            });
        }
    }
    None
}

/// After one or more ASCII digits, `sep`: returns what follows `sep`.
fn digits_then(s: &str, sep: char) -> Option<&str> {
    let n = s.bytes().take_while(u8::is_ascii_digit).count();
    if n == 0 {
        return None;
    }
    s[n..].strip_prefix(sep)
}

/// The offset in `line` just after the last `at ` that starts a word (a stack frame's
/// `at`), if any.
fn find_at_word(line: &str) -> Option<usize> {
    let bytes = line.as_bytes();
    let mut found = None;
    for i in find_iter(line, "at ") {
        let boundary = match i.checked_sub(1).and_then(|p| bytes.get(p)) {
            None => true,
            Some(&b) => {
                !b.is_ascii_alphanumeric() || (b == b'n' && i >= 2 && bytes[i - 2] == b'\\')
            }
        };
        if boundary {
            found = Some(i + 3);
        }
    }
    found
}

/// The line around `at`: bounded by newlines, `<br>`, escaped `\n` (JSON) or 300 bytes.
fn line_bounds(body: &str, at: usize) -> (usize, usize) {
    let bytes = body.as_bytes();
    let lo = at.saturating_sub(300);
    let mut start = lo;
    let mut i = at;
    while i > lo {
        i -= 1;
        let rest = &bytes[i..at];
        if rest.starts_with(b"\n") {
            start = i + 1;
            break;
        }
        if rest.starts_with(b"\\n") {
            start = i + 2;
            break;
        }
        if rest.starts_with(b"<br") {
            start = i; // the `<br>` is dropped with the markup
            break;
        }
    }
    let hi = (at + 300).min(bytes.len());
    let mut end = hi;
    for j in at..hi {
        let rest = &bytes[j..hi];
        if rest.starts_with(b"\n") || rest.starts_with(b"\\n") || rest.starts_with(b"<br") {
            end = j;
            break;
        }
    }
    (
        ceil_char_boundary(body, start),
        floor_char_boundary(body, end),
    )
}

fn ceil_char_boundary(s: &str, mut i: usize) -> usize {
    while i < s.len() && !s.is_char_boundary(i) {
        i += 1;
    }
    i.min(s.len())
}

/// Text with tags removed and the usual entities decoded, whitespace collapsed.
pub fn strip_markup(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => in_tag = false,
            _ if in_tag => {}
            _ => out.push(c),
        }
    }
    let out = out
        .replace("&nbsp;", " ")
        .replace("&#34;", "\"")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&#x27;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&");
    let mut collapsed = String::with_capacity(out.len());
    let mut last_space = false;
    for c in out.chars() {
        if c == ' ' || c == '\t' {
            if !last_space {
                collapsed.push(' ');
            }
            last_space = true;
        } else {
            collapsed.push(c);
            last_space = false;
        }
    }
    collapsed
}

fn looks_like_path(p: &str) -> bool {
    p.contains('/') || p.contains('\\')
}

/// A stock "it works" page of a web server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DefaultPage {
    /// `nginx`, `Apache httpd`, `Caddy`, …
    pub server: &'static str,
    /// The text that identified it.
    pub marker: &'static str,
}

/// `(server, marker)`: markers of default pages, matched in the body text.
const DEFAULT_PAGES: &[(&str, &str)] = &[
    ("nginx", "<title>Welcome to nginx!</title>"),
    ("nginx", "Test Page for the Nginx HTTP Server"),
    ("nginx", "Welcome to nginx on "),
    ("OpenResty", "<title>Welcome to OpenResty!</title>"),
    ("Apache httpd", "Apache2 Debian Default Page"),
    ("Apache httpd", "Apache2 Ubuntu Default Page"),
    ("Apache httpd", "Test Page for the Apache HTTP Server"),
    ("Apache httpd", "Apache HTTP Server Test Page powered by"),
    (
        "Apache httpd",
        "<html><body><h1>It works!</h1></body></html>",
    ),
    ("Caddy", "<title>Caddy works!</title>"),
    ("IIS", "<title>IIS Windows Server</title>"),
    ("IIS", "<title>IIS7</title>"),
    ("Apache Tomcat", "you've successfully installed Tomcat"),
];

/// Recognises the stock welcome page of nginx, OpenResty, Apache, Caddy, IIS or Tomcat.
/// The pages are shipped byte for byte, so the match is exact.
pub fn default_server_page(body: &str) -> Option<DefaultPage> {
    // Default pages are small; do not scan megabytes of an application page for them.
    let head = window(body, 0, 64 * 1024);
    DEFAULT_PAGES
        .iter()
        .find(|(_, marker)| find(head, marker).is_some())
        .map(|&(server, marker)| DefaultPage { server, marker })
}

/// A server status page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StatusPage {
    /// `Apache mod_status`, `Apache mod_info`, `nginx stub_status`, `PHP-FPM status`.
    pub module: &'static str,
    /// Apache's `ExtendedStatus On`: clients, virtual hosts and request lines of every worker.
    pub extended: bool,
}

/// Recognises Apache's `/server-status` (HTML or `?auto`), `/server-info`, nginx's
/// `stub_status` and PHP-FPM's status page.
pub fn server_status_page(body: &str) -> Option<StatusPage> {
    let head = window(body, 0, 4096);
    if find(head, "<title>Apache Status</title>").is_some()
        || find(head, "Apache Server Status for").is_some()
    {
        let extended =
            find(body, "<th>Client</th>").is_some() && find(body, "<th>Request</th>").is_some();
        return Some(StatusPage {
            module: "Apache mod_status",
            extended,
        });
    }
    if find(head, "Scoreboard: ").is_some()
        && (find(head, "Total Accesses:").is_some() || find(head, "ServerVersion:").is_some())
    {
        return Some(StatusPage {
            module: "Apache mod_status",
            extended: false,
        });
    }
    if find(head, "<title>Server Information</title>").is_some()
        && find(head, "Apache Server Information").is_some()
    {
        return Some(StatusPage {
            module: "Apache mod_info",
            extended: false,
        });
    }
    let trimmed = head.trim_start();
    if trimmed.starts_with("Active connections:")
        && find(head, "server accepts handled requests").is_some()
    {
        return Some(StatusPage {
            module: "nginx stub_status",
            extended: false,
        });
    }
    if trimmed.starts_with("pool:") && find(head, "process manager:").is_some() {
        return Some(StatusPage {
            module: "PHP-FPM status",
            extended: false,
        });
    }
    None
}

/// `len` bytes of `s` from `start`, cut on char boundaries.
pub(crate) fn window(s: &str, start: usize, len: usize) -> &str {
    let start = floor_char_boundary(s, start.min(s.len()));
    let end = floor_char_boundary(s, start.saturating_add(len).min(s.len()));
    &s[start..end]
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    i = i.min(s.len());
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// Where `needle` first occurs in `hay`. The needles are literals, searched in every
/// response body: each gets one `memmem` searcher, built on first use and kept (building
/// one per call cost more than searching a typical page).
pub(crate) fn find(hay: &str, needle: &'static str) -> Option<usize> {
    use std::cell::RefCell;
    use std::collections::HashMap;
    thread_local! {
        /// Keyed by the needle's address and length: literals, so a few dozen at most.
        static FINDERS: RefCell<HashMap<(usize, usize), memmem::Finder<'static>>> =
            RefCell::new(HashMap::new());
    }
    let key = (needle.as_ptr() as usize, needle.len());
    FINDERS.with(|finders| {
        finders
            .borrow_mut()
            .entry(key)
            .or_insert_with(|| memmem::Finder::new(needle.as_bytes()))
            .find(hay.as_bytes())
    })
}

/// The non-overlapping occurrences of `needle` (not empty) in `hay`, as
/// `memmem::find_iter` gives them; the searcher is built only if a first occurrence
/// exists ([`find`]).
pub(crate) fn find_iter<'h>(
    hay: &'h str,
    needle: &'static str,
) -> impl Iterator<Item = usize> + 'h {
    let first = find(hay, needle);
    let rest = first.map(|at| {
        let from = at + needle.len().max(1);
        memmem::find_iter(&hay.as_bytes()[from..], needle.as_bytes()).map(move |i| from + i)
    });
    first.into_iter().chain(rest.into_iter().flatten())
}

fn starts_with_ci(s: &str, prefix: &str) -> bool {
    s.len() >= prefix.len() && s.as_bytes()[..prefix.len()].eq_ignore_ascii_case(prefix.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::flask::testdata::fixture_body;

    #[test]
    fn werkzeug_debugger_variables_are_read() {
        let boom = werkzeug_debugger(&fixture_body("flask-dev-boom.http")).unwrap();
        assert!(!boom.console_mode);
        assert!(boom.evalex);
        assert!(!boom.evalex_trusted);
        assert_eq!(boom.secret.as_deref(), Some("TAQsD6GHRAR3UJ2FzEhi"));
        let console = werkzeug_debugger(&fixture_body("flask-dev-console.http")).unwrap();
        assert!(console.console_mode);
        assert!(console.evalex);
        for quiet in [
            "flask-gunicorn-boom.http",
            "flask-dev-index.http",
            "django-runserver-500.http",
        ] {
            assert_eq!(werkzeug_debugger(&fixture_body(quiet)), None, "{quiet}");
        }
    }

    #[test]
    fn django_pages() {
        assert_eq!(
            django_debug_page(&fixture_body("django-runserver-404.http")),
            Some(DjangoDebugPage::NotFound)
        );
        assert_eq!(
            django_debug_page(&fixture_body("django-runserver-500.http")),
            Some(DjangoDebugPage::ServerError)
        );
        assert_eq!(
            django_debug_page(&fixture_body("django-runserver-index.http")),
            None
        );
    }

    #[test]
    fn searches_agree_with_memmem() {
        let small = "at at  aat <t<title>x</title> .php.php .go:1 <title>";
        let large = small.repeat(400);
        for hay in [small, large.as_str(), ""] {
            for needle in ["at ", "<title>", ".php", "aa", "zz", "<", "e>"] {
                // Twice: the second search reuses the kept searcher.
                for _ in 0..2 {
                    assert_eq!(
                        find(hay, needle),
                        memmem::find(hay.as_bytes(), needle.as_bytes()),
                        "{needle}"
                    );
                    assert_eq!(
                        find_iter(hay, needle).collect::<Vec<_>>(),
                        memmem::find_iter(hay.as_bytes(), needle.as_bytes()).collect::<Vec<_>>(),
                        "{needle}"
                    );
                }
            }
        }
    }

    #[test]
    fn stack_traces_in_each_language() {
        let py = stack_trace(&fixture_body("flask-dev-boom.http")).unwrap();
        assert_eq!(py.language, "Python");
        assert!(
            py.frame.contains("/site-packages/flask/app.py"),
            "{}",
            py.frame
        );
        let dj = stack_trace(&fixture_body("django-runserver-500.http")).unwrap();
        assert_eq!(dj.language, "Python");
        let express = "<pre>Error: boom<br> &nbsp; &nbsp;at Layer.handle [as handle_request] (/app/node_modules/express/lib/router/layer.js:95:5)<br> &nbsp; &nbsp;at next (/app/node_modules/express/lib/router/route.js:149:13)</pre>";
        let node = stack_trace(express).unwrap();
        assert_eq!(node.language, "Node.js");
        assert_eq!(
            node.frame,
            " at Layer.handle [as handle_request] (/app/node_modules/express/lib/router/layer.js:95:5)".trim()
        );
        let json = r#"{"error":"boom","stack":"Error: boom\n    at /srv/app/index.js:10:11\n    at Layer.handle"}"#;
        assert_eq!(stack_trace(json).unwrap().language, "Node.js");
        let java = "java.lang.IllegalStateException: x\n\tat com.example.App.main(App.java:42)\n";
        assert_eq!(stack_trace(java).unwrap().language, "Java");
        let php = "Fatal error: Uncaught Exception: x in /var/www/html/index.php:3\nStack trace:\n#0 /var/www/html/lib.php(12): f()\n#1 {main}";
        assert_eq!(stack_trace(php).unwrap().language, "PHP");
        let php_warning = "<b>Warning</b>:  include(x): failed in <b>/var/www/html/index.php</b> on line <b>3</b><br />";
        assert_eq!(stack_trace(php_warning).unwrap().language, "PHP");
        let ruby = "/app/models/user.rb:12:in `save'\n";
        assert_eq!(stack_trace(ruby).unwrap().language, "Ruby");
        let dotnet = "   at App.Home.Index() in C:\\src\\HomeController.cs:line 42";
        assert_eq!(stack_trace(dotnet).unwrap().language, ".NET");
        let go = "panic: boom\n\ngoroutine 1 [running]:\nmain.main()\n\t/app/main.go:12 +0x1d\n";
        assert_eq!(stack_trace(go).unwrap().language, "Go");
        for quiet in [
            "flask-gunicorn-boom.http",
            "flask-dev-index.http",
            "django-runserver-404.http",
            "nginx-default.http",
            "apache-default.http",
        ] {
            assert_eq!(stack_trace(&fixture_body(quiet)), None, "{quiet}");
        }
        // Bodies full of near-misses stay fast.
        for junk in [
            "File \"/x\" ",
            "at (/a.js:1:x) ",
            "x.php(1) ",
            "goroutine a.go:1 +0y ",
        ] {
            let body = junk.repeat(2 * 1024 * 1024 / junk.len());
            let started = std::time::Instant::now();
            assert_eq!(stack_trace(&body), None, "{junk}");
            assert!(
                started.elapsed() < std::time::Duration::from_secs(3),
                "{junk}"
            );
        }
        // Prose that merely mentions files is not a trace.
        assert_eq!(
            stack_trace("Look at app.js: 3 lines. File \"x\", in a box."),
            None
        );
    }

    #[test]
    fn default_pages_and_status_pages() {
        assert_eq!(
            default_server_page(&fixture_body("nginx-default.http"))
                .unwrap()
                .server,
            "nginx"
        );
        assert_eq!(
            default_server_page(&fixture_body("apache-default.http"))
                .unwrap()
                .server,
            "Apache httpd"
        );
        assert_eq!(
            default_server_page(&fixture_body("flask-dev-index.http")),
            None
        );
        let status = server_status_page(&fixture_body("apache-server-status.http")).unwrap();
        assert_eq!(status.module, "Apache mod_status");
        assert!(status.extended);
        assert_eq!(
            server_status_page(&fixture_body("apache-default.http")),
            None
        );
        let stub = "Active connections: 2 \nserver accepts handled requests\n 10 10 20 \nReading: 0 Writing: 1 Waiting: 1 \n";
        assert_eq!(
            server_status_page(stub).unwrap().module,
            "nginx stub_status"
        );
    }

    #[test]
    fn server_headers() {
        assert!(is_werkzeug_server("Werkzeug/3.1.9 Python/3.11.7"));
        assert!(!is_werkzeug_server("gunicorn"));
        assert!(is_wsgiref_server("WSGIServer/0.2 CPython/3.11.7"));
        assert!(!is_wsgiref_server("nginx"));
    }
}
