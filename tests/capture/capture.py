#!/usr/bin/env python3
"""Record real HTTP responses from real servers as headwarden test fixtures.

Run from anywhere (it re-executes itself under the project venv):

    python3 tests/capture/capture.py            # everything
    python3 tests/capture/capture.py --no-system  # skip nginx / apache

The venv is target/pyvenv (override: HEADWARDEN_PYVENV), created by
`cargo xtask setup` from tests/apps/requirements.txt; if it is missing, this
script creates it the same way. nginx and apache2 are used only if installed
(`apt-get install -y nginx apache2`); otherwise their fixtures are skipped and
the old files are kept.

Each server is started on 127.0.0.1 on a free port in its own process group,
waited for (bounded), queried over a raw socket, and stopped by its PID
(process group) in a `finally`, so no daemon outlives the script. Only
127.0.0.1 is used: nothing goes to the network.

It writes, into tests/fixtures/ (all committed; tests never start servers):

  <name>.http   the response in `curl -i` form: the status line and every header
                line byte for byte as the server sent them (order, casing,
                repeats, CRLF), the blank line, then the body (de-chunked if the
                server used chunked encoding, as curl shows it).
      flask-dev-index, flask-dev-boom, flask-dev-console
                    `flask --app app run --debug --no-reload` (Werkzeug dev server
                    with the interactive debugger; --no-reload keeps it to one
                    process, the pages are the same): GET /, /boom, /console
      flask-gunicorn-index, -login-post, -api, -boom, -form-no-csrf
                    `gunicorn app:app`; login-post is a real login (GET /login for
                    the CSRF token and session, then POST alice/wonderland)
      flask-talisman-index   `gunicorn talisman_app:app` (flask-talisman defaults)
      django-runserver-index, -404, -500
                    tests/apps/django_app, `manage.py runserver` with DEBUG=True:
                    GET /, /nope (technical 404), /boom (technical 500)
      nginx-default  stock nginx, welcome page (temp config, `daemon off`)
      apache-default, apache-server-status
                    stock Debian apache2 config copied to a temp dir, only the
                    port changed (mod_status is enabled there, `Require local`)
  MANIFEST.json     for each .http: the request sent (method, URL, headers) and
                    the server command, plus the Python package versions
  three-entries.har HAR 1.2 with the gunicorn index, api and login POST exchanges
  flask-session-cookies.json
                    cookies signed by real Flask / itsdangerous / flask-login code
                    with known keys ("secret": null = a random key that is in no
                    wordlist; "key_for_verification" then holds it), plus Express
                    `connect.sid` cookies computed as cookie-signature does, and
                    the session / remember_token cookies of the captured login.

Values that change on every run (Date, cookies, debugger SECRET, ports) change
in the fixtures when they are regenerated; that is expected.
"""

import argparse
import base64
import contextlib
import hashlib
import hmac
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
from datetime import datetime, timezone
from pathlib import Path

sys.dont_write_bytecode = True

REPO = Path(__file__).resolve().parents[2]
APPS = REPO / "tests" / "apps"
FLASK_DIR = APPS / "flask_app"
DJANGO_DIR = APPS / "django_app"
FIXTURES = REPO / "tests" / "fixtures"
VENV = Path(os.environ.get("HEADWARDEN_PYVENV", REPO / "target" / "pyvenv"))
VENV_BIN = VENV / "bin"

START_TIMEOUT = 30.0  # seconds for a server to start listening
IO_TIMEOUT = 15.0  # seconds for one request
STOP_TIMEOUT = 10.0  # seconds between SIGTERM and SIGKILL

USER_AGENT = "headwarden-capture/1 (like curl)"
ACCEPT_HTML = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


# ---------------------------------------------------------------- venv


def ensure_venv():
    """Re-run this script under the venv's Python (creating the venv if needed)."""
    if Path(sys.prefix).resolve() == VENV.resolve():
        return
    python = VENV_BIN / "python"
    if not python.exists():
        print(f"creating venv {VENV} from {APPS / 'requirements.txt'}", flush=True)
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True, timeout=300)
        subprocess.run(
            [str(python), "-m", "pip", "install", "-q", "-r", str(APPS / "requirements.txt")],
            check=True,
            timeout=900,
        )
    os.execv(str(python), [str(python), str(Path(__file__).resolve()), *sys.argv[1:]])


# ---------------------------------------------------------------- servers


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def child_env(extra=None):
    """A small, fixed environment: Django's technical 500 page prints the whole
    environment, and the fixtures are committed, so nothing of this machine's
    environment may leak into them (and runs stay reproducible)."""
    env = {
        "PATH": f"{VENV_BIN}{os.pathsep}/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
        "HOME": "/tmp",
        "LANG": "C.UTF-8",
        "TZ": "UTC",
        "PYTHONDONTWRITEBYTECODE": "1",
        "PYTHONUNBUFFERED": "1",
    }
    env.update(extra or {})
    return env


def stop(proc):
    """Stop the process group we started (its id is the leader's PID)."""
    if proc.poll() is not None:
        return
    for sig, wait in ((signal.SIGTERM, STOP_TIMEOUT), (signal.SIGKILL, 5.0)):
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            return
        try:
            proc.wait(timeout=wait)
            break
        except subprocess.TimeoutExpired:
            continue
    # The leader may be gone while children of its group linger: make sure.
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)


@contextlib.contextmanager
def server(label, argv, cwd, port, env=None):
    """Run argv until the with-block ends; yield once 127.0.0.1:port accepts."""
    log = tempfile.TemporaryFile()
    print(f"[{label}] starting: {' '.join(map(str, argv))}", flush=True)
    proc = subprocess.Popen(
        [str(a) for a in argv],
        cwd=str(cwd),
        env=env or child_env(),
        stdin=subprocess.DEVNULL,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"{label} exited with {proc.returncode} before listening")
            with contextlib.suppress(OSError):
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            if time.monotonic() > deadline:
                raise RuntimeError(f"{label} did not listen on port {port} in {START_TIMEOUT} s")
            time.sleep(0.2)
        yield proc
    except BaseException:
        log.seek(0)
        sys.stderr.write(f"--- {label} output ---\n{log.read().decode(errors='replace')[-4000:]}\n")
        raise
    finally:
        stop(proc)
        log.close()
        print(f"[{label}] stopped (pid {proc.pid})", flush=True)


# ---------------------------------------------------------------- raw HTTP


class Exchange:
    """One request we sent and the raw response we got."""

    def __init__(self, url, method, req_headers, req_body, raw_head, body):
        self.url, self.method = url, method
        self.req_headers, self.req_body = req_headers, req_body
        self.raw_head = raw_head  # status line + header lines + blank line, as sent
        self.body = body
        text = raw_head.decode("latin-1")
        lines = re.split(r"\r?\n", text.rstrip("\r\n"))
        self.status_line = lines[0]
        version, status, *reason = self.status_line.split(" ", 2)
        self.http_version, self.status = version, int(status)
        self.reason = reason[0] if reason else ""
        self.headers = []  # [(name, value)] in order, repeats kept
        for line in lines[1:]:
            name, _, value = line.partition(":")
            self.headers.append((name, value.strip(" \t")))

    def header(self, name):
        return next((v for n, v in self.headers if n.lower() == name.lower()), None)

    def set_cookies(self):
        """{cookie name: value} from the Set-Cookie headers."""
        out = {}
        for n, v in self.headers:
            if n.lower() == "set-cookie":
                name, _, rest = v.partition("=")
                out[name.strip()] = rest.split(";", 1)[0].strip()
        return out

    def curl_i(self):
        return self.raw_head + self.body


def _dechunk(data):
    out, pos = bytearray(), 0
    while True:
        end = data.index(b"\r\n", pos)
        size = int(data[pos:end].split(b";")[0], 16)
        if size == 0:
            return bytes(out)
        out += data[end + 2 : end + 2 + size]
        pos = end + 2 + size + 2


def request(port, method, path, headers=(), body=b""):
    """Send one HTTP/1.1 request over a raw socket; return the raw response."""
    req_headers = [
        ("Host", f"127.0.0.1:{port}"),
        ("User-Agent", USER_AGENT),
        *headers,
    ]
    if not any(n.lower() == "accept" for n, _ in req_headers):
        req_headers.append(("Accept", ACCEPT_HTML))
    if body:
        req_headers.append(("Content-Length", str(len(body))))
    req_headers.append(("Connection", "close"))
    wire = f"{method} {path} HTTP/1.1\r\n" + "".join(f"{n}: {v}\r\n" for n, v in req_headers)
    data = bytearray()
    with socket.create_connection(("127.0.0.1", port), timeout=IO_TIMEOUT) as sock:
        sock.sendall(wire.encode("latin-1") + b"\r\n" + body)
        deadline = time.monotonic() + IO_TIMEOUT
        while time.monotonic() < deadline:
            chunk = sock.recv(65536)
            if not chunk:
                break
            data += chunk
            head_end = data.find(b"\r\n\r\n")
            if head_end >= 0:
                head = bytes(data[:head_end]).decode("latin-1").lower()
                m = re.search(r"\ncontent-length:\s*(\d+)", head)
                if m and len(data) >= head_end + 4 + int(m.group(1)):
                    break
        else:
            raise TimeoutError(f"{method} {path}: no complete response in {IO_TIMEOUT} s")
    sep = data.find(b"\r\n\r\n")
    sep_len = 4
    if sep < 0:
        sep, sep_len = data.find(b"\n\n"), 2
    if sep < 0:
        raise ValueError(f"{method} {path}: no end of headers in {bytes(data[:200])!r}")
    raw_head, resp_body = bytes(data[: sep + sep_len]), bytes(data[sep + sep_len :])
    ex = Exchange(f"http://127.0.0.1:{port}{path}", method, req_headers, body, raw_head, b"")
    te = (ex.header("Transfer-Encoding") or "").lower()
    if "chunked" in te:
        resp_body = _dechunk(resp_body)
    elif ex.header("Content-Length") is not None:
        resp_body = resp_body[: int(ex.header("Content-Length"))]
    if method == "HEAD" or ex.status in (204, 304):
        resp_body = b""
    ex.body = resp_body
    return ex


# ---------------------------------------------------------------- captures


class Recorder:
    def __init__(self):
        self.manifest = {}
        self.exchanges = {}

    def save(self, name, ex, command, note):
        path = FIXTURES / f"{name}.http"
        path.write_bytes(ex.curl_i())
        self.exchanges[name] = ex
        self.manifest[name] = {
            "file": path.name,
            "what": note,
            "server_command": command,
            "request": {
                "method": ex.method,
                "url": ex.url,
                "headers": [[n, v] for n, v in ex.req_headers],
                **({"body": ex.req_body.decode()} if ex.req_body else {}),
            },
            "status_line": ex.status_line,
        }
        print(f"  wrote {path.relative_to(REPO)}: {ex.status_line} ({len(ex.body)} body bytes)")


def cmd_str(argv):
    return " ".join(str(a) for a in argv)


def capture_flask_dev(rec):
    port = free_port()
    argv = [VENV_BIN / "flask", "--app", "app", "run", "--debug", "--no-reload",
            "--host", "127.0.0.1", "--port", port]
    shown = "flask --app app run --debug --no-reload"
    with server("flask dev", argv, FLASK_DIR, port):
        rec.save("flask-dev-index", request(port, "GET", "/"), shown,
                 "Werkzeug dev server (debug mode), index page")
        rec.save("flask-dev-boom", request(port, "GET", "/boom"), shown,
                 "Werkzeug interactive debugger traceback page (500)")
        rec.save("flask-dev-console", request(port, "GET", "/console"), shown,
                 "Werkzeug debugger console page")


def gunicorn_argv(module, port):
    return [VENV_BIN / "gunicorn", "-b", f"127.0.0.1:{port}", "-w", "1",
            "--chdir", FLASK_DIR, f"{module}:app"]


def capture_flask_gunicorn(rec):
    port = free_port()
    shown = "gunicorn -b 127.0.0.1:PORT app:app"
    with server("gunicorn", gunicorn_argv("app", port), FLASK_DIR, port):
        rec.save("flask-gunicorn-index", request(port, "GET", "/"), shown,
                 "index page with inline script and CSRF-protected login form")
        # A real login: the CSRF token is bound to the session cookie.
        form_page = request(port, "GET", "/login")
        cookie = form_page.set_cookies()["session"]
        m = re.search(rb'name="csrf_token" type="hidden" value="([^"]+)"', form_page.body)
        if not m:
            raise RuntimeError("no csrf_token in /login")
        body = urllib.parse.urlencode(
            {"csrf_token": m.group(1).decode(), "username": "alice", "password": "wonderland"}
        ).encode()
        login = request(port, "POST", "/login", [
            ("Content-Type", "application/x-www-form-urlencoded"),
            ("Cookie", f"session={cookie}"),
            ("Origin", f"http://127.0.0.1:{port}"),
            ("Referer", f"http://127.0.0.1:{port}/login"),
        ], body)
        if login.status != 302 or "remember_token" not in login.set_cookies():
            raise RuntimeError(f"login failed: {login.status_line}\n{login.raw_head.decode()}")
        rec.save("flask-gunicorn-login-post", login, shown,
                 "successful login POST: 302 with session and remember_token cookies")
        rec.save("flask-gunicorn-api", request(port, "GET", "/api/data", [("Accept", "*/*")]),
                 shown, "JSON API response")
        rec.save("flask-gunicorn-boom", request(port, "GET", "/boom"), shown,
                 "unhandled exception without debugger: plain 500 page")
        rec.save("flask-gunicorn-form-no-csrf", request(port, "GET", "/form-no-csrf"), shown,
                 "page with a POST form without CSRF token")


def capture_flask_talisman(rec):
    port = free_port()
    shown = "gunicorn -b 127.0.0.1:PORT talisman_app:app"
    with server("gunicorn talisman", gunicorn_argv("talisman_app", port), FLASK_DIR, port):
        rec.save("flask-talisman-index", request(port, "GET", "/"), shown,
                 "index page with flask-talisman defaults (force_https=False), plain http")


def capture_django(rec):
    port = free_port()
    argv = [VENV_BIN / "python", "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"]
    shown = "python manage.py runserver 127.0.0.1:PORT --noreload"
    with server("django", argv, DJANGO_DIR, port):
        rec.save("django-runserver-index", request(port, "GET", "/"), shown,
                 "Django runserver page with csrftoken cookie")
        rec.save("django-runserver-404", request(port, "GET", "/nope"), shown,
                 "Django DEBUG=True technical 404 page")
        rec.save("django-runserver-500", request(port, "GET", "/boom"), shown,
                 "Django DEBUG=True technical 500 page")


NGINX_CONF = """\
worker_processes 1;
daemon off;
pid {tmp}/nginx.pid;
error_log {tmp}/error.log;
events {{ worker_connections 64; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    sendfile on;
    access_log {tmp}/access.log;
    client_body_temp_path {tmp}/client_body;
    proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
    server {{
        listen 127.0.0.1:{port};
        root /usr/share/nginx/html;
        index index.html;
    }}
}}
"""


def capture_nginx(rec):
    nginx = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
    if not nginx:
        print("[nginx] not installed: skipped (apt-get install -y nginx)")
        return
    port = free_port()
    with tempfile.TemporaryDirectory(prefix="hw-nginx-") as tmp:
        conf = Path(tmp) / "nginx.conf"
        conf.write_text(NGINX_CONF.format(tmp=tmp, port=port))
        argv = [nginx, "-p", tmp, "-e", f"{tmp}/error.log", "-c", conf]
        with server("nginx", argv, tmp, port):
            rec.save("nginx-default", request(port, "GET", "/"),
                     "nginx (stock welcome page, temp config, daemon off)",
                     "nginx stock welcome page")


def capture_apache(rec):
    apache = shutil.which("apache2") or ("/usr/sbin/apache2" if Path("/usr/sbin/apache2").exists() else None)
    if not apache or not Path("/etc/apache2/apache2.conf").exists():
        print("[apache] not installed: skipped (apt-get install -y apache2)")
        return
    port = free_port()
    with tempfile.TemporaryDirectory(prefix="hw-apache-") as tmp:
        conf = Path(tmp) / "conf"
        shutil.copytree("/etc/apache2", conf, symlinks=True)
        # Only the port changes; the rest is Debian's stock configuration.
        (conf / "ports.conf").write_text(f"Listen 127.0.0.1:{port}\n")
        site = conf / "sites-available" / "000-default.conf"
        site.write_text(site.read_text().replace("<VirtualHost *:80>", f"<VirtualHost *:{port}>"))
        for d in ("run", "lock", "log"):
            (Path(tmp) / d).mkdir()
        env = child_env({
            "APACHE_RUN_USER": "www-data", "APACHE_RUN_GROUP": "www-data",
            "APACHE_PID_FILE": f"{tmp}/run/apache2.pid", "APACHE_RUN_DIR": f"{tmp}/run",
            "APACHE_LOCK_DIR": f"{tmp}/lock", "APACHE_LOG_DIR": f"{tmp}/log", "LANG": "C",
        })
        argv = [apache, "-d", conf, "-f", conf / "apache2.conf", "-DFOREGROUND"]
        shown = "apache2 -DFOREGROUND (Debian stock config, port changed)"
        with server("apache", argv, tmp, port, env=env):
            rec.save("apache-default", request(port, "GET", "/"), shown,
                     "Apache Debian default page")
            rec.save("apache-server-status", request(port, "GET", "/server-status"), shown,
                     "mod_status page (ExtendedStatus On, Require local)")


# ---------------------------------------------------------------- derived fixtures


def har_entry(ex):
    def hdrs(pairs):
        return [{"name": n, "value": v} for n, v in pairs]

    req_ct = next((v for n, v in ex.req_headers if n.lower() == "content-type"), None)
    mime = ex.header("Content-Type") or ""
    started = datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    request_obj = {
        "method": ex.method,
        "url": ex.url,
        "httpVersion": "HTTP/1.1",
        "cookies": [],
        "headers": hdrs(ex.req_headers),
        "queryString": [],
        "headersSize": -1,
        "bodySize": len(ex.req_body),
    }
    if ex.req_body:
        request_obj["postData"] = {"mimeType": req_ct or "", "text": ex.req_body.decode()}
    return {
        "startedDateTime": started,
        "time": 0,
        "request": request_obj,
        "response": {
            "status": ex.status,
            "statusText": ex.reason,
            "httpVersion": ex.http_version,
            "cookies": [],
            "headers": hdrs(ex.headers),
            "content": {"size": len(ex.body), "mimeType": mime, "text": ex.body.decode()},
            "redirectURL": ex.header("Location") or "",
            "headersSize": len(ex.raw_head),
            "bodySize": len(ex.body),
        },
        "cache": {},
        "timings": {"send": 0, "wait": 0, "receive": 0},
    }


def write_har(rec):
    names = ["flask-gunicorn-index", "flask-gunicorn-api", "flask-gunicorn-login-post"]
    if not all(n in rec.exchanges for n in names):
        print("  three-entries.har not written (gunicorn captures missing)")
        return
    har = {"log": {
        "version": "1.2",
        "creator": {"name": "headwarden tests/capture/capture.py", "version": "1"},
        "pages": [],
        "entries": [har_entry(rec.exchanges[n]) for n in names],
    }}
    path = FIXTURES / "three-entries.har"
    path.write_text(json.dumps(har, indent=2) + "\n")
    print(f"  wrote {path.relative_to(REPO)}")


def flask_serializer(secret):
    from flask import Flask
    from flask.sessions import SecureCookieSessionInterface

    app = Flask("headwarden-fixtures")
    app.secret_key = secret
    return SecureCookieSessionInterface().get_signing_serializer(app)


def flask_entry(name, secret, payload, note, key=None):
    """Sign payload exactly as Flask's default session interface does."""
    from itsdangerous import base64_decode

    real_key = key if secret is None else secret
    s = flask_serializer(real_key)
    cookie = s.dumps(payload)
    # Cross-check the recipe headwarden reimplements: URLSafeTimedSerializer,
    # salt "cookie-session", key derivation "hmac", SHA-1.
    assert s.loads(cookie) == payload
    data, ts, sig = cookie.rsplit(".", 2)
    derived = hmac.new(real_key.encode(), b"cookie-session", hashlib.sha1).digest()
    expected = hmac.new(derived, f"{data}.{ts}".encode(), hashlib.sha1).digest()
    assert sig == base64.urlsafe_b64encode(expected).decode().rstrip("="), "recipe mismatch"
    compressed = data.startswith(".")
    raw = base64_decode(data.lstrip("."))
    if compressed:
        import zlib

        raw = zlib.decompress(raw)
    entry = {
        "name": name,
        "kind": "flask-session",
        "secret": secret,
        "payload": payload,
        "cookie": cookie,
        "compressed": compressed,
        "timestamp": int.from_bytes(base64_decode(ts), "big"),
        "json": raw.decode(),
        "note": note,
    }
    if secret is None:
        entry["key_for_verification"] = real_key
    return entry


def remember_entry(name, secret, user_id, note, key=None):
    """flask-login's remember_token: encode_cookie(str(user_id))."""
    from flask_login.utils import decode_cookie, encode_cookie

    real_key = key if secret is None else secret
    cookie = encode_cookie(user_id, key=real_key)
    digest = hmac.new(real_key.encode("latin1"), user_id.encode(), hashlib.sha512).hexdigest()
    assert cookie == f"{user_id}|{digest}" and decode_cookie(cookie, key=real_key) == user_id
    entry = {"name": name, "kind": "flask-login-remember", "secret": secret,
             "payload": user_id, "cookie": cookie,
             "note": note + " Format: id|hex(HMAC-SHA512(SECRET_KEY, id)) (flask_login.utils.encode_cookie)."}
    if secret is None:
        entry["key_for_verification"] = real_key
    return entry


def connect_sid_entry(name, secret, note, key=None):
    """express-session's cookie: 's:' + id + '.' + base64(HMAC-SHA256(secret, id)), no '='."""
    real_key = key if secret is None else secret
    sid = base64.urlsafe_b64encode(secrets.token_bytes(24)).decode().rstrip("=")  # like uid-safe(24)
    mac = base64.b64encode(hmac.new(real_key.encode(), sid.encode(), hashlib.sha256).digest())
    value = f"s:{sid}.{mac.decode().rstrip('=')}"
    entry = {"name": name, "kind": "express-connect-sid", "secret": secret, "payload": sid,
             "value": value,
             "cookie": urllib.parse.quote(value, safe="!'()*-._~"),  # encodeURIComponent
             "note": note + " `cookie` is the Set-Cookie form (encodeURIComponent), `value` the decoded one."}
    if secret is None:
        entry["key_for_verification"] = real_key
    return entry


def write_session_cookies(rec):
    rnd = secrets.token_hex(32)
    rnd2 = secrets.token_hex(32)
    big = {"user": "alice", "cart": [{"sku": f"TEA-{i:03d}", "qty": 1, "name": "Darjeeling first flush"}
                                      for i in range(40)]}
    entries = [
        flask_entry("flask-dev-simple", "dev", {"user": "alice"},
                    "Flask tutorial's default key."),
        flask_entry("flask-dev-compressed", "dev", big,
                    "Payload large enough that itsdangerous zlib-compresses it: the cookie starts with '.'."),
        flask_entry("flask-dev-sensitive", "dev",
                    {"user": "alice", "password": "wonderland", "email": "alice@example.com",
                     "csrf_token": secrets.token_hex(20), "api_token": "sk_live_" + secrets.token_hex(12)},
                    "Sensitive keys stored in the readable client-side session."),
        flask_entry("flask-changeme", "changeme", {"user_id": 42, "is_admin": False},
                    "Another common weak key."),
        flask_entry("flask-random-key", None, {"user": "alice", "_fresh": True},
                    "Signed with a random 32-byte hex key (secrets.token_hex(32)): in no wordlist.", key=rnd),
        remember_entry("remember-dev", "dev", "1", "flask-login remember_token, key 'dev'."),
        remember_entry("remember-random-key", None, "1",
                       "flask-login remember_token, random 32-byte hex key.", key=rnd2),
        connect_sid_entry("connect-sid-keyboard-cat", "keyboard cat",
                          "express-session with the README's example secret."),
        connect_sid_entry("connect-sid-random-key", None,
                          "express-session with a random 32-byte hex secret.", key=secrets.token_hex(32)),
    ]
    login = rec.exchanges.get("flask-gunicorn-login-post")
    if login:
        cookies = login.set_cookies()
        session_cookie = cookies["session"]
        entries.append({
            "name": "captured-gunicorn-login-session", "kind": "flask-session", "secret": "dev",
            "payload": flask_serializer("dev").loads(session_cookie), "cookie": session_cookie,
            "compressed": session_cookie.startswith("."),
            "note": "Session cookie from the real login in flask-gunicorn-login-post.http "
                    "(flask-wtf csrf_token, flask-login _user_id/_fresh/_id/_remember, user).",
        })
        remember = cookies["remember_token"]
        entries.append({
            "name": "captured-gunicorn-login-remember", "kind": "flask-login-remember", "secret": "dev",
            "payload": remember.rsplit("|", 1)[0], "cookie": remember,
            "note": "remember_token from flask-gunicorn-login-post.http.",
        })
    else:
        old = FIXTURES / "flask-session-cookies.json"
        if old.exists():  # keep the previously captured entries
            entries += [e for e in json.loads(old.read_text())["cookies"]
                        if e["name"].startswith("captured-")]
    doc = {
        "about": "Cookies signed by real Flask 3 / itsdangerous / flask-login code (and Express "
                 "connect.sid computed as cookie-signature does). secret = the key used; null = a random "
                 "key in no wordlist (then key_for_verification holds it). Regenerate with "
                 "tests/capture/capture.py.",
        "flask_recipe": {"serializer": "itsdangerous.URLSafeTimedSerializer", "salt": "cookie-session",
                         "key_derivation": "hmac", "digest": "sha1",
                         "payload_serializer": "flask.json.tag.TaggedJSONSerializer"},
        "cookies": entries,
    }
    path = FIXTURES / "flask-session-cookies.json"
    path.write_text(json.dumps(doc, indent=2) + "\n")
    print(f"  wrote {path.relative_to(REPO)} ({len(entries)} cookies)")


def write_manifest(rec):
    from importlib.metadata import version

    path = FIXTURES / "MANIFEST.json"
    old = json.loads(path.read_text()).get("captures", {}) if path.exists() else {}
    old.update(rec.manifest)  # captures skipped this run keep their old entry
    doc = {
        "about": "What each .http fixture is and the request that produced it. "
                 "Regenerate with tests/capture/capture.py.",
        "python": sys.version.split()[0],
        "packages": {p: version(p) for p in
                     ("flask", "werkzeug", "gunicorn", "flask-talisman", "flask-wtf",
                      "flask-login", "itsdangerous", "django")},
        "captures": dict(sorted(old.items())),
    }
    path.write_text(json.dumps(doc, indent=2) + "\n")
    print(f"  wrote {path.relative_to(REPO)}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--no-system", action="store_true", help="skip nginx and apache2")
    args = parser.parse_args()
    ensure_venv()
    FIXTURES.mkdir(parents=True, exist_ok=True)
    rec = Recorder()
    steps = [capture_flask_dev, capture_flask_gunicorn, capture_flask_talisman, capture_django]
    if not args.no_system:
        steps += [capture_nginx, capture_apache]
    failed = []
    for step in steps:
        try:
            step(rec)
        except Exception as e:  # keep going: one broken server must not block the rest
            print(f"!! {step.__name__} failed: {e}", file=sys.stderr)
            failed.append(step.__name__)
    write_har(rec)
    write_session_cookies(rec)
    write_manifest(rec)
    if failed:
        print(f"FAILED: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
