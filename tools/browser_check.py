"""Open every page of the built documentation site in headless Chromium and check what a reader would see.

    python tools/browser_check.py [SITE_DIR] [--results runs/results.md] [--screenshots DIR]

SITE_DIR defaults to _site; --results defaults to the project's runs/results.md. The site is served over http on 127.0.0.1 (a thread of this script: file:// URLs load
scripts and fetches differently), and one Chromium, driven through the DevTools protocol over a pipe
(`--remote-debugging-pipe`: no port, no websocket, no extra package), opens each page in turn. Chromium resolves no
host name but 127.0.0.1, so a page that reaches for the network fails here as it would offline. For every page:

- it loads with no console error, no uncaught exception, no failed or 4xx/5xx request (a script, stylesheet,
  image or fetch that is missing from the site);
- every <img> has loaded (`naturalWidth > 0`), lazy ones included;
- no raw TeX is left in the rendered text outside code (`$...$`, `\\(`, `\\[`, `\\frac`, `\\begin{...}`, ...):
  maths that the post-render step did not turn into MathML;
- results.html shows the comparison when runs/results.md has one (a heading with "Comparison:" followed by a table),
  every table of runs/results.md (same columns, same number of rows), and the "No results yet" note when there is
  no runs/results.md.
The browser's own request for /favicon.ico (the site names no icon) is not counted.

It saves screenshots (PNG, 1280 px wide, the top 4000 px at most) of the home page, one chapter and the Results page
in `_screenshots/` BESIDE the site folder (SITE_DIR/../_screenshots; `--screenshots` to change): not inside the site,
so they are never published with it, and not wiped by the next build before one can look at them.

Exit status: 0 when every page passes, 1 with one line per problem on stderr, 2 when the check cannot run (no
Chromium: install it with `apt-get install -y chromium`, or `make chromium`). tests/test_docs.py runs the same check
on the site it builds; `make docs` runs it after tests/check_site.py.
"""
import argparse
import base64
import fcntl
import functools
import http.server
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

ROOT = Path(os.environ.get("QUARTO_PROJECT_DIR") or Path(__file__).resolve().parents[1])
BROWSERS = ("chromium", "chromium-browser", "google-chrome-stable", "google-chrome")
INSTALL_HINT = "install it: apt-get install -y chromium (or `make chromium`), or name the binary in $CHROMIUM"
WIDTH, HEIGHT, SHOT_MAX_HEIGHT = 1280, 900, 4000
# The pages photographed: the home page (index.html redirects to the course's introduction), one chapter, the results.
SCREENSHOTS = {"index.html": "home.png", "nbs/10_coding_rate.html": "chapter_10_coding_rate.png", "results.html": "results.png"}
REFRESH = re.compile(r"""<meta\s[^>]*http-equiv\s*=\s*["']?refresh""", re.I)
# TeX that a reader should never see: a formula between dollars, \( \) or \[ \] delimiters, or a TeX command.
RAW_TEX = re.compile(
    r"\$\$.+?\$\$|(?<![\w$\\])\$(?=\S)[^$\n]{1,200}?(?<=\S)\$(?![\w$])|\\[(\[]|\\(?:frac|dfrac|tfrac|sqrt|sum|prod|int|"
    r"begin|end|left|right|mathbf|mathrm|mathcal|mathbb|operatorname|text|alpha|beta|gamma|delta|epsilon|varepsilon|"
    r"lambda|mu|sigma|theta|pi|log|det|exp|top|cdot|times|le|ge|leq|geq|ne|neq|in|sim|approx|infty|partial|nabla|"
    r"hat|bar|tilde|quad|qquad|mid|lVert|rVert|Vert|langle|rangle)\b", re.S)
TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$", re.M)  # the |---|---| line of a table
COMPARISON = re.compile(r"^#{1,6}\s.*Comparison:", re.M)
NO_RESULTS = "No results yet"

# Run in the page once it has loaded: wait for every image (lazy ones made eager), then report what the reader sees.
PAGE_SCRIPT = r"""
(async () => {
  const imgs = [...document.images];
  for (const i of imgs) if (i.loading === 'lazy') i.loading = 'eager';
  const settled = Promise.all(imgs.map(i => i.complete ? null : new Promise(r => {
    i.addEventListener('load', r); i.addEventListener('error', r); })));
  await Promise.race([settled, new Promise(r => setTimeout(r, 10000))]);
  const broken = imgs.filter(i => !(i.complete && i.naturalWidth > 0))
                     .map(i => (i.getAttribute('src') || '(no src)').slice(0, 100));
  const SKIP = 'pre, code, script, style, math, textarea, noscript, kbd, samp';
  const BLOCK = 'p, li, td, th, h1, h2, h3, h4, h5, h6, dt, dd, figcaption, caption, blockquote, div, section, main, nav, span.math';
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const parts = []; let last = null;
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const el = n.parentElement;
    if (!el || el.closest(SKIP)) continue;
    const block = el.closest(BLOCK);
    if (block !== last) { parts.push('\n'); last = block; }
    parts.push(n.data);
  }
  const level = e => /^H[1-6]$/.test(e.tagName) ? +e.tagName[1] : 0;
  const items = [...document.querySelectorAll('h1, h2, h3, h4, h5, h6, table')];
  const rows = t => t.querySelectorAll('tbody tr, tr').length > 1 || t.querySelectorAll('tbody tr').length > 0;
  const at = items.findIndex(e => level(e) && e.textContent.includes('Comparison:'));
  let comparisonTable = false;
  if (at >= 0) for (const e of items.slice(at + 1)) {
    if (level(e) && level(e) <= level(items[at])) break;
    if (e.tagName === 'TABLE' && rows(e)) { comparisonTable = true; break; }
  }
  const tables = [...document.querySelectorAll('table')].map(t => ({
    header: [...(t.tHead ? t.tHead.rows[0] : t.rows[0] || {cells: []}).cells].map(c => c.textContent),
    rows: t.tBodies.length ? [...t.tBodies].reduce((n, b) => n + b.rows.length, 0) : Math.max(t.rows.length - 1, 0)}));
  return {url: location.href, broken, text: parts.join(''), comparison: at >= 0, comparisonTable, tables,
          images: imgs.length};
})()
"""


class BrowserError(RuntimeError):
    "Chromium is missing, would not start, or stopped answering."


def find_chromium() -> str | None:  # The path of a Chromium (or Chrome) binary, or None
    "Find Chromium: $CHROMIUM, else the first of chromium, chromium-browser, google-chrome-stable, google-chrome on PATH."
    env = os.environ.get("CHROMIUM")
    if env:
        return shutil.which(env) or (env if Path(env).is_file() else None)
    return next((p for p in map(shutil.which, BROWSERS) if p), None)


def install_chromium(
    timeout: float = 900,  # Seconds for apt-get
) -> str:  # What happened, for a message: "installed", or why not
    "Install Chromium with apt-get (`apt-get install -y chromium`, after `apt-get update` if that fails), as root or with sudo."
    if find_chromium():
        return "already installed"
    if not shutil.which("apt-get"):
        return "no apt-get on this machine"
    sudo = [] if os.geteuid() == 0 else (["sudo", "-n"] if shutil.which("sudo") else None)
    if sudo is None:
        return "not root and no sudo"
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    tail = ""
    for steps in ([["install", "-y", "chromium"]], [["update"], ["install", "-y", "chromium"]]):
        for step in steps:
            try:
                r = subprocess.run([*sudo, "apt-get", "-q", *step], env=env, capture_output=True, text=True, timeout=timeout)
            except (OSError, subprocess.TimeoutExpired) as e:
                return f"apt-get {' '.join(step)}: {e}"
            tail = (r.stderr or r.stdout).strip().splitlines()[-1:] if r.returncode else ""
            if r.returncode:
                break
        if find_chromium():
            return "installed"
    return f"apt-get failed: {tail[0] if tail else '?'}"


class DevTools:
    "A minimal client of the Chrome DevTools protocol over `--remote-debugging-pipe` (JSON messages ended by NUL)."

    def __init__(
        self,
        binary: str,  # The Chromium to start
        profile: Path,  # An empty folder for its profile
    ):
        to_chrome, self._chrome_in = os.pipe()  # Chromium reads commands on its fd 3 ...
        self._chrome_out, from_chrome = os.pipe()  # ... and writes replies and events on its fd 4
        flags = [
            "--headless=new", "--remote-debugging-pipe", f"--user-data-dir={profile}", f"--window-size={WIDTH},{HEIGHT}",
            # only local pages of this project are opened; containers and root lack what the sandbox needs
            "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--hide-scrollbars", "--mute-audio",
            "--no-first-run", "--no-default-browser-check", "--disable-extensions", "--disable-sync",
            "--disable-background-networking", "--disable-component-update", "--disable-default-apps",
            "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",  # offline: no host name resolves
            "about:blank",
        ]
        # Chromium gets the pipe ends as its fds 3 and 4 (posix_spawn's dup2: no shell, no preexec_fn in a threaded
        # process). The ends are first copied to fds >= 10, so that no dup2 overwrites a source still to be copied.
        hi_in, hi_out = (fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 10) for fd in (to_chrome, from_chrome))
        self._log = tempfile.TemporaryFile()
        try:
            self.pid = os.posix_spawn(binary, [binary, *flags], os.environ, file_actions=[
                (os.POSIX_SPAWN_OPEN, 0, os.devnull, os.O_RDONLY, 0),
                (os.POSIX_SPAWN_DUP2, self._log.fileno(), 1), (os.POSIX_SPAWN_DUP2, self._log.fileno(), 2),
                (os.POSIX_SPAWN_DUP2, hi_in, 3), (os.POSIX_SPAWN_DUP2, hi_out, 4)])
        except OSError as e:
            raise BrowserError(f"{binary} could not start: {e}; {INSTALL_HINT}") from e
        finally:
            for fd in (to_chrome, from_chrome, hi_in, hi_out):
                os.close(fd)
        self._next, self._replies, self.events = 0, {}, []
        self._cv, self._alive = threading.Condition(), True
        threading.Thread(target=self._read, daemon=True, name="devtools-reader").start()

    def _read(self) -> None:
        "Read Chromium's messages into replies (by id) and events (in order)."
        buf = bytearray()
        while True:
            try:
                chunk = os.read(self._chrome_out, 1 << 20)
            except OSError:
                chunk = b""
            if not chunk:
                break
            buf += chunk
            while (end := buf.find(b"\0")) >= 0:
                msg = json.loads(bytes(buf[:end]))
                del buf[: end + 1]
                with self._cv:
                    (self._replies.__setitem__(msg["id"], msg) if "id" in msg else self.events.append(msg))
                    self._cv.notify_all()
        with self._cv:
            self._alive = False
            self._cv.notify_all()

    def log_tail(self) -> str:  # The end of Chromium's own stderr, for error messages
        "What Chromium printed, last lines."
        self._log.seek(0)
        return " | ".join(self._log.read().decode(errors="replace").strip().splitlines()[-5:])

    def send(
        self,
        method: str,  # A protocol method, such as `Page.navigate`
        params: dict | None = None,  # Its parameters
        session: str | None = None,  # The page session it is for (None: the browser)
        timeout: float = 30,  # Seconds to wait for the reply
    ) -> dict:  # The reply's result
        "Send one command and wait for its reply; raise BrowserError on an error or when Chromium does not answer."
        with self._cv:
            self._next += 1
            mid = self._next
        msg = {"id": mid, "method": method, "params": params or {}}
        if session:
            msg["sessionId"] = session
        try:
            os.write(self._chrome_in, json.dumps(msg).encode() + b"\0")
        except OSError as e:
            raise BrowserError(f"Chromium is not answering ({e}): {self.log_tail()}") from e
        deadline = time.monotonic() + timeout
        with self._cv:
            while mid not in self._replies:
                left = deadline - time.monotonic()
                if not self._alive or left <= 0:
                    why = "exited" if not self._alive else f"did not answer {method} in {timeout:.0f}s"
                    raise BrowserError(f"Chromium {why}: {self.log_tail()}")
                self._cv.wait(left)
            reply = self._replies.pop(mid)
        if "error" in reply:
            raise BrowserError(f"{method}: {reply['error'].get('message')}")
        return reply.get("result", {})

    def wait_event(
        self,
        match,  # A predicate on an event message
        start: int,  # Look at events from this index on
        timeout: float,  # Seconds to wait
    ) -> dict | None:  # The first matching event, or None after the timeout
        "Wait for an event."
        deadline = time.monotonic() + timeout
        with self._cv:
            while True:
                found = next((e for e in self.events[start:] if match(e)), None)
                left = deadline - time.monotonic()
                if found or left <= 0 or not self._alive:
                    return found
                self._cv.wait(left)

    def events_since(self, start: int) -> list[dict]:  # The events received from index `start` on
        "A snapshot of the events so far."
        with self._cv:
            return self.events[start:]

    def close(self) -> None:
        "Ask Chromium to quit, and make sure it has."
        try:
            self.send("Browser.close", timeout=5)
        except BrowserError:
            pass
        deadline = time.monotonic() + 10
        while os.waitpid(self.pid, os.WNOHANG) == (0, 0):
            if time.monotonic() > deadline:
                os.kill(self.pid, signal.SIGKILL)
                os.waitpid(self.pid, 0)
                break
            time.sleep(0.02)
        for fd in (self._chrome_in, self._chrome_out):
            try:
                os.close(fd)
            except OSError:
                pass
        self._log.close()


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    "Serve the site without a log line per request."

    def log_message(self, *args) -> None:
        pass


def serve(site: Path) -> http.server.ThreadingHTTPServer:  # A running server; .server_address has its port
    "Serve a folder over http on 127.0.0.1, on a free port, from a daemon thread."
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(QuietHandler, directory=str(site)))
    httpd.daemon_threads = True
    threading.Thread(target=httpd.serve_forever, daemon=True, name="site-server").start()
    return httpd


def event_problems(
    events: list[dict],  # The protocol events of one page visit
    session: str,  # The page's session
    base: str,  # The site's URL, removed from the messages
) -> list[str]:  # One line per console error, exception or failed request
    "Read the console errors, uncaught exceptions and failed loads from a page's events."
    short = lambda u: str(u or "").replace(base, "/")[:160]  # noqa: E731
    urls, failed, out = {}, {}, []
    for e in events:
        if e.get("sessionId") != session:
            continue
        m, p = e["method"], e.get("params", {})
        if m == "Network.requestWillBeSent":
            urls[p["requestId"]] = p["request"]["url"]
        elif m == "Network.responseReceived" and p["response"].get("status", 0) >= 400 \
                and p["response"]["url"] != base + "favicon.ico":
            failed[p["response"]["url"]] = f"HTTP {p['response']['status']}"
        elif m == "Network.loadingFailed" and not p.get("canceled"):
            url = urls.get(p["requestId"], "?")
            if url == base + "favicon.ico":
                continue  # the browser's own request when a page names no icon, not one of the page's
            failed.setdefault(url, p.get("blockedReason") or p.get("errorText") or "failed")
        elif m == "Runtime.exceptionThrown":
            d = p["exceptionDetails"]
            desc = (d.get("exception") or {}).get("description") or d.get("text", "")
            out.append(f"uncaught exception: {desc.splitlines()[0] if desc else '?'} ({short(d.get('url'))}:{d.get('lineNumber', 0) + 1})")
        elif m == "Runtime.consoleAPICalled" and p.get("type") in ("error", "assert"):
            words = " ".join(str(a.get("value", a.get("description", ""))) for a in p.get("args", []))
            out.append(f"console.{p['type']}: {words[:200]}")
        elif m == "Log.entryAdded" and p["entry"].get("level") == "error":
            entry = p["entry"]
            if entry.get("source") == "network" and (entry.get("url") in failed or entry.get("url") == base + "favicon.ico"):
                continue  # the failed request is reported once, below
            out.append(f"console error ({entry.get('source')}): {entry.get('text', '')[:200]} {short(entry.get('url'))}".rstrip())
    out += [f"could not load {short(u)} ({why})" for u, why in failed.items()]
    return out


def cell_key(text: str) -> str:  # The cell's words, lower case, without Markdown marks or punctuation
    "Normalise a table cell so that Markdown (`**acc**`) and its rendered text (acc) compare equal."
    return re.sub(r"[^\w]+", "", text.lower())


def markdown_tables(md: str) -> list[tuple[tuple[str, ...], int]]:  # (header cells, number of rows) per table
    "Find the pipe tables of a Markdown text: their header cells (normalised with cell_key) and how many rows they have."
    lines, out = md.splitlines(), []
    for i, line in enumerate(lines):
        if i and TABLE_RULE.fullmatch(line) and "|" in lines[i - 1]:
            header = tuple(cell_key(c) for c in lines[i - 1].strip().strip("|").split("|"))
            rows = next((j for j, ln in enumerate(lines[i + 1:]) if "|" not in ln or not ln.strip()), len(lines) - i - 1)
            out.append((header, rows))
    return out


def results_problems(
    seen: dict,  # What PAGE_SCRIPT returned on results.html
    results_md: Path | None,  # The runner's table that the page includes, or None when there is none
    site_page: Path | None = None,  # The built results.html, to tell a stale site from a broken one
) -> list[str]:  # One line per problem
    "Check that the Results page shows runs/results.md: its comparison and its tables, or the 'No results yet' note."
    if results_md is None or not results_md.is_file():
        return [] if NO_RESULTS in seen["text"] else [f"there is no runs/results.md but the page does not say {NO_RESULTS!r}"]
    md = results_md.read_text(encoding="utf-8")
    out = [f"it says {NO_RESULTS!r} although {results_md} exists: rebuild the site"] if NO_RESULTS in seen["text"] else []
    if COMPARISON.search(md):
        if not seen["comparison"]:
            out.append(f"{results_md.name} has a 'Comparison:' heading; the page shows none")
        elif not seen["comparisonTable"]:
            out.append("the 'Comparison:' heading is not followed by a table")
    shown = Counter((tuple(map(cell_key, t["header"])), t["rows"]) for t in seen["tables"])
    missing = Counter(markdown_tables(md)) - shown
    if missing:
        (header, rows), n = next(iter(missing.items()))
        out.append(f"{sum(missing.values())} of the {len(markdown_tables(md))} table(s) of {results_md.name} are not on "
                   f"the page, such as the one with the columns {', '.join(header)} and {rows} row(s)")
    if out and site_page is not None and site_page.is_file() and site_page.stat().st_mtime < results_md.stat().st_mtime:
        out.append(f"the page is older than {results_md}: rebuild the site (make docs)")
    return out


def raw_tex(text: str) -> list[str]:  # Up to three snippets of TeX, with a little context
    "Find raw TeX in a page's rendered text (code is already left out)."
    spans: list[list[int]] = []
    for m in RAW_TEX.finditer(text):
        a, b = max(0, m.start() - 20), min(len(text), m.end() + 20)
        if spans and a <= spans[-1][1]:
            spans[-1][1] = b  # next to the previous one: one snippet
        elif len(spans) == 3:
            break
        else:
            spans.append([a, b])
    return [" ".join(text[a:b].split()) for a, b in spans]


def visit(
    dt: DevTools,  # The browser
    session: str,  # The page's session
    url: str,  # The page
    redirect: bool,  # Whether the page redirects (a meta refresh): wait for the page it leads to
    timeout: float = 30,  # Seconds for the page to load
) -> tuple[dict | None, list[dict], list[str]]:  # What PAGE_SCRIPT saw, the events, and problems found on the way
    "Load one page, wait for it and its requests to settle, and read it."
    start = len(dt.events)
    loaded = lambda e: e.get("sessionId") == session and e["method"] == "Page.loadEventFired"  # noqa: E731
    nav = dt.send("Page.navigate", {"url": url}, session, timeout)
    if nav.get("errorText"):
        return None, dt.events_since(start), [f"does not open: {nav['errorText']}"]
    first = dt.wait_event(loaded, start, timeout)
    if first is None:
        return None, dt.events_since(start), [f"did not finish loading in {timeout:.0f}s"]
    if redirect:  # the target page's own load event
        after = start + next(i for i, e in enumerate(dt.events_since(start)) if e is first) + 1
        if dt.wait_event(loaded, after, timeout) is None:
            return None, dt.events_since(start), [f"its redirect did not load a page in {timeout:.0f}s"]
    seen = dt.send("Runtime.evaluate", {"expression": PAGE_SCRIPT, "awaitPromise": True, "returnByValue": True},
                   session, timeout)
    if "exceptionDetails" in seen:
        return None, dt.events_since(start), [f"the check's script failed: {seen['exceptionDetails'].get('text')}"]
    # Let late requests (fetches after load) finish: no request in flight for 0.1 s, 3 s at most.
    quiet_since, deadline = None, time.monotonic() + 3
    while time.monotonic() < deadline:
        evs = [e for e in dt.events_since(start) if e.get("sessionId") == session]
        sent = {e["params"]["requestId"] for e in evs if e["method"] == "Network.requestWillBeSent"}
        done = {e["params"]["requestId"] for e in evs if e["method"] in ("Network.loadingFinished", "Network.loadingFailed")}
        if sent - done:
            quiet_since = None
        elif quiet_since is None:
            quiet_since = time.monotonic()
        elif time.monotonic() - quiet_since > 0.1:
            break
        time.sleep(0.02)
    return seen["result"]["value"], dt.events_since(start), []


def screenshot(
    dt: DevTools,  # The browser
    session: str,  # The page's session, on the page to photograph
    dest: Path,  # The PNG to write
) -> None:
    "Save the top of the current page (up to SHOT_MAX_HEIGHT px) as a PNG."
    size = dt.send("Page.getLayoutMetrics", session=session).get("cssContentSize", {})
    height = int(min(max(size.get("height", HEIGHT), HEIGHT), SHOT_MAX_HEIGHT))
    # A window as tall as the shot (captureBeyondViewport draws scrolled table wrappers in pieces), then back.
    metrics = {"width": WIDTH, "height": height, "deviceScaleFactor": 1, "mobile": False}
    dt.send("Emulation.setDeviceMetricsOverride", metrics, session)
    try:
        shot = dt.send("Page.captureScreenshot", {"format": "png"}, session, timeout=60)
    finally:
        dt.send("Emulation.setDeviceMetricsOverride", {**metrics, "height": HEIGHT}, session)
    dest.parent.mkdir(parents=True, exist_ok=True)
    dest.write_bytes(base64.b64decode(shot["data"]))


def browser_check(
    site: Path,  # The built site
    results_md: Path | None = ROOT / "runs" / "results.md",  # The table the Results page must show (None: none)
    screenshots: Path | None = None,  # Where to save the PNGs; default: _screenshots beside the site
    chromium: str | None = None,  # The browser binary; default: find_chromium()
    say=lambda msg: None,  # Called with progress lines
) -> tuple[list[str], dict]:  # One line per problem, and facts about the run (pages, seconds, screenshots)
    "Open every page of `site` in headless Chromium; see the module's docstring for what is checked."
    site = Path(site).resolve()
    pages = sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html"))
    if not pages:
        return [f"{site}: no HTML pages; build the site first (make docs)"], {"pages": 0}
    binary = chromium or find_chromium()
    if not binary:
        raise BrowserError(f"Chromium is not installed; {INSTALL_HINT}")
    shots = Path(screenshots) if screenshots else site.parent / "_screenshots"
    problems, saved, t0 = [], [], time.monotonic()
    httpd = serve(site)
    base = f"http://127.0.0.1:{httpd.server_address[1]}/"
    with tempfile.TemporaryDirectory(prefix="browser-check-") as profile:
        dt = DevTools(binary, Path(profile))
        try:
            target = dt.send("Target.createTarget", {"url": "about:blank"})["targetId"]
            session = dt.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
            for domain in ("Page", "Runtime", "Log", "Network"):
                dt.send(f"{domain}.enable", session=session)
            dt.send("Emulation.setDeviceMetricsOverride",
                    {"width": WIDTH, "height": HEIGHT, "deviceScaleFactor": 1, "mobile": False}, session)
            for name in pages:
                t1 = time.monotonic()
                redirect = bool(REFRESH.search((site / name).read_text(encoding="utf-8", errors="replace")[:20000]))
                seen, events, found = visit(dt, session, base + name, redirect)
                found += event_problems(events, session, base)
                if seen:
                    found += [f"image did not load: {src}" for src in seen["broken"]]
                    found += [f"raw TeX in the text: ...{snip}..." for snip in raw_tex(seen["text"])]
                    if name == "results.html":
                        found += results_problems(seen, results_md, site / name)
                    if name in SCREENSHOTS:
                        screenshot(dt, session, shots / SCREENSHOTS[name])
                        saved.append(str(shots / SCREENSHOTS[name]))
                problems += [f"{name}: {p}" for p in found]
                say(f"{name}: {'ok' if not found else f'{len(found)} problem(s)'} ({time.monotonic() - t1:.1f}s)")
            if "results.html" not in pages:
                problems.append("results.html: the Results page was not built")
        finally:
            dt.close()
            httpd.shutdown()
            httpd.server_close()
    return problems, {"pages": len(pages), "seconds": time.monotonic() - t0, "screenshots": saved}


def main(argv: list[str] | None = None) -> int:  # The exit status: 0 ok, 1 problems, 2 the check could not run
    "Command line: check a built site in Chromium."
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("site", nargs="?", default="_site", help="the built site (default: _site)")
    ap.add_argument("--results", default=str(ROOT / "runs" / "results.md"),
                    help="the runs/results.md that the Results page shows (default: the project's)")
    ap.add_argument("--screenshots", default=None, help="folder for the PNGs (default: _screenshots beside the site)")
    ap.add_argument("-v", "--verbose", action="store_true", help="one line per page")
    args = ap.parse_args(argv)
    site = Path(args.site)
    if not site.is_dir():
        print(f"browser_check: {site} is not a folder; build the site first (make docs)", file=sys.stderr)
        return 2
    say = (lambda m: print(f"browser_check: {m}", file=sys.stderr)) if args.verbose else (lambda m: None)
    try:
        problems, facts = browser_check(site, Path(args.results), args.screenshots, say=say)
    except BrowserError as e:
        print(f"browser_check: {e}", file=sys.stderr)
        return 2
    for p in problems:
        print(f"browser_check: {p}", file=sys.stderr)
    shots = ", ".join(facts.get("screenshots", [])) or "none"
    print(f"browser_check: {facts['pages']} page(s) opened in Chromium in {facts.get('seconds', 0):.1f}s: "
          + (f"{len(problems)} problem(s)" if problems else "no console error, every image loaded, no raw TeX")
          + f"; screenshots: {shots}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
