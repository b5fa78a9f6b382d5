//! The `headwarden` binary end to end: exit codes of every gate, formats, inputs (file,
//! stdin, URL against a local server), errors, and the `rules` command.

mod common;

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::mpsc;
use std::thread;

use common::{assert_exit, fixture_files, headwarden, headwarden_env, rel, stderr, stdout};
use serde_json::Value;

/// A response every ruleset flags: no HSTS on (assumed) HTTPS is `hsts-missing`, high.
const BARE: &[u8] = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n";

fn json_report(args: &[&str], stdin: Option<&[u8]>) -> Value {
    let out = headwarden(args, stdin);
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "exit {:?}: {}",
        out.status.code(),
        stderr(&out)
    );
    serde_json::from_str(&stdout(&out)).expect("--format json prints JSON")
}

fn severity_rank(s: &str) -> usize {
    ["info", "low", "medium", "high", "critical"]
        .iter()
        .position(|x| *x == s)
        .expect("a known severity")
}

fn worst_severity(report: &Value) -> Option<usize> {
    report["exchanges"]
        .as_array()?
        .iter()
        .flat_map(|e| e["findings"].as_array().into_iter().flatten())
        .filter_map(|f| f["severity"].as_str())
        .map(severity_rank)
        .max()
}

#[test]
fn every_fixture_checks_and_prints_json() {
    let files = fixture_files(&["http"]);
    assert!(!files.is_empty(), "no fixtures found");
    for file in files {
        let path = rel(&file);
        let out = headwarden(&["check", &path, "--format", "json"], None);
        assert_exit(&out, 0);
        let report: Value = serde_json::from_str(&stdout(&out)).expect("JSON");
        assert_eq!(report["schema_version"], 1, "{path}");
        assert!(!report["exchanges"]
            .as_array()
            .expect("exchanges")
            .is_empty());
    }
}

#[test]
fn findings_alone_exit_zero() {
    let out = headwarden(&["check", "-", "--format", "json"], Some(BARE));
    assert_exit(&out, 0);
    let report: Value = serde_json::from_str(&stdout(&out)).expect("JSON");
    assert!(
        worst_severity(&report).is_some(),
        "the bare response has findings"
    );
}

#[test]
fn fail_on_gate() {
    // hsts-missing is high.
    let out = headwarden(&["check", "--fail-on", "high"], Some(BARE));
    assert_exit(&out, 1);
    assert!(stderr(&out).contains("gate failed"), "{}", stderr(&out));
    assert!(stderr(&out).contains("--fail-on high"));
    // The report is still printed.
    assert!(stdout(&out).contains("hsts-missing"));

    // Against each fixture: failing at its worst severity, passing just above it.
    let names = ["info", "low", "medium", "high", "critical"];
    for file in fixture_files(&["http"]) {
        let path = rel(&file);
        let report = json_report(&["check", &path, "--format", "json"], None);
        let Some(worst) = worst_severity(&report) else {
            continue;
        };
        let out = headwarden(&["check", &path, "--fail-on", names[worst]], None);
        assert_exit(&out, 1);
        if let Some(above) = names.get(worst + 1) {
            let out = headwarden(&["check", &path, "--fail-on", above], None);
            assert_exit(&out, 0);
        }
    }
}

#[test]
fn min_grade_gate() {
    let grades = ["F", "D", "C", "B", "A", "A+"];
    for file in fixture_files(&["http"]).into_iter().take(6) {
        let path = rel(&file);
        let report = json_report(&["check", &path, "--format", "json"], None);
        let worst = report["worst_grade"].as_str().expect("a grade");
        let rank = grades
            .iter()
            .position(|g| *g == worst)
            .expect("known grade");
        let out = headwarden(&["check", &path, "--min-grade", worst], None);
        assert_exit(&out, 0);
        if let Some(better) = grades.get(rank + 1) {
            let out = headwarden(&["check", &path, "--min-grade", better], None);
            assert_exit(&out, 1);
            assert!(stderr(&out).contains("--min-grade"), "{}", stderr(&out));
        }
    }
    // Lower-case and the A+ spelling are accepted.
    assert_exit(&headwarden(&["check", "--min-grade", "f"], Some(BARE)), 0);
    assert_exit(&headwarden(&["check", "--min-grade", "a+"], Some(BARE)), 1);
}

#[test]
fn both_gates_together_report_both() {
    let out = headwarden(
        &["check", "--fail-on", "info", "--min-grade", "A+"],
        Some(BARE),
    );
    assert_exit(&out, 1);
    assert_eq!(
        stderr(&out).matches("gate failed").count(),
        2,
        "{}",
        stderr(&out)
    );
}

#[test]
fn usage_errors_exit_two() {
    for args in [
        &["check", "--fail-on", "severe"][..],
        &["check", "--min-grade", "Z"],
        &["check", "--format", "xml"],
        &["check", "--no-such-flag"],
        &["frobnicate"],
        &["check", "--ignore", "hsts-mising"],
        &["check", "-H", "Cookie: x=1"],
    ] {
        let out = headwarden(args, Some(BARE));
        assert_exit(&out, 2);
        assert!(!stderr(&out).is_empty(), "{args:?} explains itself");
    }
}

#[test]
fn help_documents_exit_codes() {
    for args in [&["--help"][..], &["check", "--help"]] {
        let out = headwarden(args, None);
        assert_exit(&out, 0);
        let help = stdout(&out);
        assert!(help.contains("Exit codes"), "{help}");
        assert!(help.contains("gate failed"), "{help}");
    }
}

#[test]
fn stdin_and_file_give_the_same_report() {
    let file = fixture_files(&["http"])
        .into_iter()
        .next()
        .expect("a fixture");
    let bytes = std::fs::read(&file).expect("fixture readable");
    let from_file = json_report(&["check", &rel(&file), "--format", "json"], None);
    let from_stdin = json_report(&["check", "-", "--format", "json"], Some(&bytes));
    let implicit = json_report(&["check", "--format", "json"], Some(&bytes));
    assert_eq!(from_file, from_stdin);
    assert_eq!(from_file, implicit);
}

#[test]
fn unreadable_file_exits_two() {
    let out = headwarden(&["check", "tests/fixtures/does-not-exist.http"], None);
    assert_exit(&out, 2);
    assert!(stderr(&out).contains("cannot read"), "{}", stderr(&out));
    let dir = headwarden(&["check", "tests/fixtures"], None);
    assert_exit(&dir, 2);
}

#[test]
fn junk_input_exits_two_naming_where() {
    let junk: &[u8] = b"HTTP/1.1 200 OK\r\nServer: x\r\n\x00\x01 this is not a header line\r\n\r\n";
    let out = headwarden(&["check"], Some(junk));
    assert_exit(&out, 2);
    let err = stderr(&out);
    assert!(err.starts_with("error: "), "{err}");
    assert!(
        err.contains("line 3") || err.contains("offset") || err.contains("byte"),
        "the error names where: {err}"
    );
    let empty = headwarden(&["check"], Some(b"  \n"));
    assert_exit(&empty, 2);
    assert!(stderr(&empty).contains("empty"), "{}", stderr(&empty));
}

#[test]
fn input_past_the_limit_exits_two() {
    let mut big = BARE.to_vec();
    big.resize(headwarden_core::limits::MAX_INPUT_BYTES + 1, b'a');
    let out = headwarden(&["check"], Some(&big));
    assert_exit(&out, 2);
    assert!(stderr(&out).contains("MiB"), "{}", stderr(&out));
}

#[test]
fn sarif_output_is_valid_json_with_results() {
    let file = fixture_files(&["http"])
        .into_iter()
        .next()
        .expect("a fixture");
    let path = rel(&file);
    let out = headwarden(&["check", &path, "--format", "sarif"], None);
    assert_exit(&out, 0);
    let log: Value = serde_json::from_str(&stdout(&out)).expect("SARIF is JSON");
    assert_eq!(log["version"], "2.1.0");
    let report = json_report(&["check", &path, "--format", "json"], None);
    let findings: usize = report["exchanges"]
        .as_array()
        .expect("exchanges")
        .iter()
        .map(|e| e["findings"].as_array().map_or(0, Vec::len))
        .sum();
    let results = log["runs"][0]["results"].as_array().expect("results");
    assert_eq!(results.len(), findings);
    for result in results {
        let uri = &result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"];
        assert_eq!(uri.as_str(), Some(path.as_str()));
    }
}

#[test]
fn markdown_escapes_hostile_headers() {
    let hostile = b"HTTP/1.1 200 OK\r\n\
        Server: Werkzeug/3.1.3 Python/3.11.7 <script>alert(1)</script>\r\n\
        X-Powered-By: <script>alert(1)</script> **x** [a](javascript:alert(1))\r\n\
        Set-Cookie: <script>alert(1)</script>=1\r\n\
        Content-Type: text/html\r\n\r\n";
    let out = headwarden(&["check", "--format", "markdown"], Some(hostile));
    assert_exit(&out, 0);
    let md = stdout(&out);
    assert!(md.starts_with("## headwarden report"), "{md}");
    let mut in_fence = false;
    for (n, line) in md.lines().enumerate() {
        // Fenced blocks (fix snippets) are literal text.
        if line.starts_with("```") {
            in_fence = !in_fence;
            continue;
        }
        if in_fence {
            continue;
        }
        for needle in ["<script>alert", "[a](javascript", "**x**"] {
            for (at, _) in line.match_indices(needle) {
                // Literal only inside a code span: an opening backtick before it on the
                // line, a closing one after.
                assert!(
                    line[..at].contains('`') && line[at..].contains('`'),
                    "line {}: markup outside a code span: {line}",
                    n + 1
                );
            }
        }
    }
}

#[test]
fn text_output_and_colour() {
    let plain = headwarden(&["check", "--color", "never"], Some(BARE));
    assert_exit(&plain, 0);
    let text = stdout(&plain);
    assert!(!text.contains('\u{1b}'));
    assert!(text.contains("hsts-missing"));
    assert!(text.contains("headwarden rules hsts-missing"));
    assert!(text.lines().all(|l| l.chars().count() <= 100), "{text}");

    let always = headwarden(&["check", "--color", "always"], Some(BARE));
    assert!(stdout(&always).contains("\u{1b}["));
    // auto: not a terminal here, so no colour; NO_COLOR changes nothing then either.
    let auto = headwarden_env(&["check"], Some(BARE), &[("NO_COLOR", "1")]);
    assert!(!stdout(&auto).contains('\u{1b}'));
    let auto = headwarden(&["check", "--color", "auto"], Some(BARE));
    assert!(!stdout(&auto).contains('\u{1b}'));
}

#[test]
fn output_file() {
    let path = common::temp_path("report.json");
    let path_str = path.to_string_lossy().into_owned();
    let out = headwarden(
        &["check", "--format", "json", "--output", &path_str],
        Some(BARE),
    );
    assert_exit(&out, 0);
    assert!(stdout(&out).is_empty());
    let written = std::fs::read_to_string(&path).expect("report written");
    let _ = std::fs::remove_file(&path);
    let report: Value = serde_json::from_str(&written).expect("JSON");
    assert_eq!(report["schema_version"], 1);

    let bad = headwarden(
        &["check", "--output", "/nonexistent-dir/x/report.txt"],
        Some(BARE),
    );
    assert_exit(&bad, 2);
}

#[test]
fn scheme_override() {
    let report = json_report(
        &["check", "--format", "json", "--scheme", "http"],
        Some(BARE),
    );
    assert_eq!(report["exchanges"][0]["scheme"], "http");
    let report = json_report(&["check", "--format", "json"], Some(BARE));
    assert_eq!(report["exchanges"][0]["scheme"], "assumed-https");
}

#[test]
fn ignore_disables_a_rule() {
    let report = json_report(
        &["check", "--format", "json", "--ignore", "hsts-missing"],
        Some(BARE),
    );
    let rules: Vec<&str> = report["exchanges"][0]["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter_map(|f| f["rule"].as_str())
        .collect();
    assert!(!rules.contains(&"hsts-missing"));
}

#[test]
fn policy_presets_and_files() {
    // Neither a file nor a preset: an error, never a silent default.
    let out = headwarden(&["check", "--policy", "no-such-policy.toml"], Some(BARE));
    assert_exit(&out, 2);
    for preset in ["balanced", "strict", "flask-talisman"] {
        let out = headwarden(&["check", "--policy", preset], Some(BARE));
        assert_exit(&out, 0);
    }
    let path = common::temp_path("policy.toml");
    std::fs::write(&path, "preset = \"strict\"\n").expect("write policy");
    let good = headwarden(&["check", "--policy", &path.to_string_lossy()], Some(BARE));
    std::fs::write(&path, "preset = \"strict\"\n[hsts]\nmax_age = \"soon\"\n").expect("write");
    let bad = headwarden(&["check", "--policy", &path.to_string_lossy()], Some(BARE));
    let _ = std::fs::remove_file(&path);
    assert_exit(&good, 0);
    assert_exit(&bad, 2);
    assert!(stderr(&bad).contains("policy"), "{}", stderr(&bad));
}

// --- rules -------------------------------------------------------------------------

#[test]
fn rules_lists_every_rule() {
    let out = headwarden(&["rules"], None);
    assert_exit(&out, 0);
    let text = stdout(&out);
    assert!(text.starts_with("ID "), "{text}");
    assert!(text.contains("hsts-missing"));
    let count = headwarden_core::rules::all().len();
    assert!(text.contains(&format!("{count} rules")));

    let out = headwarden(&["rules", "--format", "json"], None);
    assert_exit(&out, 0);
    let list: Value = serde_json::from_str(&stdout(&out)).expect("JSON");
    let list = list.as_array().expect("an array");
    assert_eq!(list.len(), count);
    for rule in list {
        for key in ["id", "title", "severity", "family", "since"] {
            assert!(rule[key].is_string(), "{key} in {rule}");
        }
    }
}

#[test]
fn rules_shows_one_rule() {
    let out = headwarden(&["rules", "hsts-missing"], None);
    assert_exit(&out, 0);
    let text = stdout(&out);
    assert!(text.starts_with("hsts-missing: "), "{text}");
    assert!(text.contains("## What it does"));
    assert!(text.contains("## Fixes"));

    let out = headwarden(&["rules", "hsts-missing", "--format", "json"], None);
    assert_exit(&out, 0);
    let rule: Value = serde_json::from_str(&stdout(&out)).expect("JSON");
    assert_eq!(rule["id"], "hsts-missing");
    assert!(rule["docs"]
        .as_str()
        .is_some_and(|d| d.contains("## Why is this bad?")));
    assert!(rule["fixes"]["nginx"].is_string());
}

#[test]
fn unknown_rule_suggests() {
    let out = headwarden(&["rules", "hsts-mising"], None);
    assert_exit(&out, 2);
    assert!(
        stderr(&out).contains("did you mean `hsts-missing`"),
        "{}",
        stderr(&out)
    );
    let out = headwarden(&["rules", "zzzzzzzzzzzzzzzzzz"], None);
    assert_exit(&out, 2);
    assert!(stderr(&out).contains("unknown rule"));
}

// --- URL input -----------------------------------------------------------------------

/// A tiny HTTP/1.1 server on 127.0.0.1: `/` redirects to `/final`, `/final` answers 200.
/// It serves `requests` connections, then stops; it reports each request head it saw.
struct TestServer {
    base: String,
    seen: mpsc::Receiver<String>,
    handle: thread::JoinHandle<()>,
}

impl TestServer {
    fn start(requests: usize) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind a local port");
        let base = format!("http://{}", listener.local_addr().expect("address"));
        let (tx, seen) = mpsc::channel();
        let handle = thread::spawn(move || {
            for stream in listener.incoming().take(requests) {
                let Ok(stream) = stream else { continue };
                let head = serve(stream);
                let _ = tx.send(head);
            }
        });
        TestServer { base, seen, handle }
    }

    /// Waits for the server thread and returns the request heads it saw.
    fn stop(self) -> Vec<String> {
        let _ = self.handle.join();
        self.seen.try_iter().collect()
    }
}

fn serve(mut stream: TcpStream) -> String {
    let mut reader = BufReader::new(stream.try_clone().expect("clone stream"));
    let mut head = String::new();
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
            break;
        }
        head.push_str(&line);
    }
    let path = head.split_whitespace().nth(1).unwrap_or("/").to_string();
    let response = if path == "/" {
        "HTTP/1.1 302 Found\r\nLocation: /final\r\nServer: test/1.0\r\n\
         Content-Length: 0\r\nConnection: close\r\n\r\n"
            .to_string()
    } else {
        let body = "<!doctype html><title>ok</title><p>final</p>";
        format!(
            "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n\
             X-Content-Type-Options: nosniff\r\nContent-Length: {}\r\n\
             Connection: close\r\n\r\n{body}",
            body.len()
        )
    };
    let _ = stream.write_all(response.as_bytes());
    let _ = stream.flush();
    head
}

#[test]
fn url_input_follows_and_grades_the_redirect_chain() {
    let server = TestServer::start(2);
    let url = format!("{}/", server.base);
    let out = headwarden(
        &[
            "check",
            &url,
            "--format",
            "json",
            "-H",
            "Cookie: session=abc123",
            "--timeout",
            "5",
        ],
        None,
    );
    let heads = server.stop();
    assert_exit(&out, 0);
    let report: Value = serde_json::from_str(&stdout(&out)).expect("JSON");
    let exchanges = report["exchanges"].as_array().expect("exchanges");
    assert_eq!(exchanges.len(), 2, "{report}");
    assert_eq!(exchanges[0]["url"], url.as_str());
    assert_eq!(exchanges[0]["status"], 302);
    assert_eq!(exchanges[0]["method"], "GET");
    assert_eq!(exchanges[0]["scheme"], "http");
    assert_eq!(exchanges[1]["url"], format!("{}/final", server_base(&url)));
    assert_eq!(exchanges[1]["status"], 200);
    // The extra header went to the (same-origin) server on both hops.
    assert_eq!(heads.len(), 2);
    for head in &heads {
        assert!(
            head.to_ascii_lowercase().contains("cookie: session=abc123"),
            "{head}"
        );
    }

    // The text report shows the chain.
    let server = TestServer::start(2);
    let url = format!("{}/", server.base);
    let out = headwarden(&["check", &url, "--color", "never"], None);
    server.stop();
    assert_exit(&out, 0);
    let text = stdout(&out);
    assert!(text.contains(&format!("GET {url} → 302")), "{text}");
    assert!(text.contains("/final → 200"), "{text}");
}

fn server_base(url: &str) -> &str {
    url.trim_end_matches('/')
}

#[test]
fn network_failure_exits_two() {
    // A port that was just free: nothing listens there.
    let port = TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port();
    let out = headwarden(
        &[
            "check",
            &format!("http://127.0.0.1:{port}/"),
            "--timeout",
            "3",
        ],
        None,
    );
    assert_exit(&out, 2);
    assert!(stderr(&out).contains("cannot fetch"), "{}", stderr(&out));
}

#[test]
fn bad_header_argument_exits_two() {
    let out = headwarden(&["check", "http://127.0.0.1:9/", "-H", "no colon"], None);
    assert_exit(&out, 2);
    assert!(stderr(&out).contains("Name: value"), "{}", stderr(&out));
}
