//! A small static file server for the demo: serves a directory on 127.0.0.1 with the
//! headers its `_headers` file names (the format Cloudflare Pages and Netlify read, so
//! the same file works when the site is hosted there).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use anyhow::Result;

/// `(path pattern, headers)` blocks of a `_headers` file.
#[derive(Debug, Clone, Default)]
pub struct HeaderRules(Vec<(String, Vec<(String, String)>)>);

impl HeaderRules {
    pub fn parse(text: &str) -> Self {
        let mut rules: Vec<(String, Vec<(String, String)>)> = Vec::new();
        for line in text.lines() {
            if line.trim().is_empty() || line.trim_start().starts_with('#') {
                continue;
            }
            if !line.starts_with([' ', '\t']) {
                rules.push((line.trim().to_string(), Vec::new()));
            } else if let (Some((_, headers)), Some((k, v))) = (rules.last_mut(), line.split_once(':')) {
                headers.push((k.trim().to_string(), v.trim().to_string()));
            }
        }
        HeaderRules(rules)
    }

    /// Headers for `path`: every block whose pattern matches (`/*` is a prefix wildcard).
    pub fn for_path(&self, path: &str) -> Vec<(String, String)> {
        let mut out = Vec::new();
        for (pattern, headers) in &self.0 {
            let matches = match pattern.strip_suffix('*') {
                Some(prefix) => path.starts_with(prefix),
                None => path == pattern,
            };
            if matches {
                out.extend(headers.iter().cloned());
            }
        }
        out
    }
}

/// Serves `dir` on `127.0.0.1:port` in a background thread; returns the bound port.
pub fn spawn(dir: PathBuf, port: u16) -> Result<u16> {
    let listener = TcpListener::bind(("127.0.0.1", port))?;
    let port = listener.local_addr()?.port();
    let rules = Arc::new(HeaderRules::parse(
        &std::fs::read_to_string(dir.join("_headers")).unwrap_or_default(),
    ));
    let dir = Arc::new(dir);
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let (dir, rules) = (dir.clone(), rules.clone());
            std::thread::spawn(move || {
                let _ = handle(stream, &dir, &rules);
            });
        }
    });
    Ok(port)
}

fn handle(mut stream: TcpStream, dir: &Path, rules: &HeaderRules) -> Result<()> {
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut request_line = String::new();
    reader.read_line(&mut request_line)?;
    // Drain the request head; bodies are not expected.
    let mut line = String::new();
    while reader.read_line(&mut line)? > 2 {
        line.clear();
    }
    let mut parts = request_line.split_whitespace();
    let method = parts.next().unwrap_or("");
    let target = parts.next().unwrap_or("/");
    let path = target.split(['?', '#']).next().unwrap_or("/");
    let file = resolve(dir, path);
    let (status, body, ctype) = match file.and_then(|f| std::fs::read(&f).ok().map(|b| (f, b))) {
        Some((f, body)) => ("200 OK", body, content_type(&f)),
        None => ("404 Not Found", b"not found\n".to_vec(), "text/plain; charset=utf-8"),
    };
    let mut head = format!(
        "HTTP/1.1 {status}\r\nContent-Type: {ctype}\r\nContent-Length: {}\r\nConnection: close\r\n",
        body.len()
    );
    for (k, v) in rules.for_path(path) {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes())?;
    if method != "HEAD" {
        stream.write_all(&body)?;
    }
    let _ = reader.read(&mut [0u8; 0]);
    Ok(())
}

/// Maps a URL path to a file under `dir`, refusing `..` (no escaping the site).
fn resolve(dir: &Path, path: &str) -> Option<PathBuf> {
    let rel = path.trim_start_matches('/');
    if rel.split('/').any(|seg| seg == ".." || seg.starts_with('.')) {
        return None;
    }
    let mut p = dir.join(rel);
    if rel.is_empty() || p.is_dir() {
        p = p.join("index.html");
    }
    p.is_file().then_some(p)
}

fn content_type(path: &Path) -> &'static str {
    match path.extension().and_then(|e| e.to_str()).unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "wasm" => "application/wasm",
        "css" => "text/css; charset=utf-8",
        "json" => "application/json",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "ico" => "image/x-icon",
        "toml" | "txt" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_rules_match_by_prefix() {
        let rules = HeaderRules::parse("/*\n  X-A: 1\n/index.html\n  X-B: 2\n");
        assert_eq!(rules.for_path("/x.js"), vec![("X-A".into(), "1".into())]);
        assert_eq!(rules.for_path("/index.html").len(), 2);
    }

    #[test]
    fn no_path_escapes_the_site() {
        assert!(resolve(Path::new("/tmp"), "/../etc/passwd").is_none());
        assert!(resolve(Path::new("/tmp"), "/.git/config").is_none());
    }
}
