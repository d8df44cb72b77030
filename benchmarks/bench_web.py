"""Web benchmark: one learner's event-to-DOM latency, and the bytes the playground ships.

    .venv/bin/python -m benchmarks web    (`make bench` runs every bench_*.py)

1. Latency. A real Chromium opens /playground/ on a Daphne subprocess and, N
   times, sends a command (crash or restart broker 3) over the page's own
   socket, then waits until the cluster diagram's DOM shows the result. That is
   the whole pipeline: socket → consumer → runtime → simulator → events frame
   → reducer → render, timed until a MutationObserver sees the broker change.
   Baseline, same run, same browser and server: a bare
   WebSocket echo round trip (/ws/echo/). The two are measured in pairs, one
   right after the other (which goes first alternates), so both meet the same
   load; each pair's difference is what the app adds to a bare round trip.
   Target: the p95 of that added time under 30 ms. On a quiet machine the echo
   takes a millisecond or two and this is the whole event-to-DOM p95; on a
   loaded one (2 cores, load 10) the echo's own queueing stays out of the
   verdict instead of deciding it. Both raw p95s are printed too.
2. Bytes, per page. Every script and stylesheet each page fetches for its
   first view (home, playground, every step of every lesson, the debugging
   lesson's own pages, a quiz question), with an empty cache, at 1366x768,
   1920x1080 and 390x844, gzipped (level 6, as a web server would), once the
   page has drawn its diagrams (benchmarks/page_weight.py: lazily imported
   diagram modules count; a checkpoint's quiz code counts when its card is
   near the first view; htmx, fetched when a learner first reaches for an hx-
   element, does not). Each page's heaviest viewport is printed, and a
   lesson step's total once scrolled to its checkpoint. Baseline: htmx 2
   alone, read from django-htmx's static files in the same run. Target:
   every page under 60 KB at every viewport.
"""
from __future__ import annotations

import gzip
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks import page_weight

REPO = Path(__file__).resolve().parent.parent
TRIALS = 100
WARMUP = 5
LATENCY_TARGET_P95_MS = 30.0
CHROMIUM = "/usr/bin/chromium"

PAIRED_JS = """
async ([echoUrl, trials, warmup]) => {
  const root = document.querySelector("[data-live-sandbox]");
  const handle = root.liveSandbox;
  const broker = () => document.querySelector('svg[data-diagram=cluster] [data-broker="3"]');
  const crashed = () => broker() && broker().classList.contains("crashed");
  const ws = new WebSocket(echoUrl);
  await new Promise((r) => ws.addEventListener("open", r, {once: true}));
  async function eventToDom() {
    const wantCrashed = !crashed();
    const t0 = performance.now();
    const seen = new Promise((resolve) => {
      const observer = new MutationObserver(() => {
        if (crashed() === wantCrashed) { observer.disconnect(); resolve(performance.now()); }
      });
      observer.observe(broker(), {attributes: true, attributeFilter: ["class"]});
    });
    const type = wantCrashed ? "crash_broker" : "restart_broker";
    handle.send({type: "command", command: {type, broker: 3}});
    return (await seen) - t0;
  }
  async function echo(i) {
    const t0 = performance.now();
    const back = new Promise((r) => ws.addEventListener("message", r, {once: true}));
    ws.send(JSON.stringify({type: "echo", i}));
    await back;
    return performance.now() - t0;
  }
  const out = {event: [], echo: []};
  for (let i = 0; i < trials + warmup; i++) {
    let e, b;
    if (i % 2) { b = await echo(i); e = await eventToDom(); }
    else { e = await eventToDom(); b = await echo(i); }
    if (i >= warmup) { out.event.push(e); out.echo.push(b); }
    await new Promise((r) => setTimeout(r, 30));
  }
  ws.close();
  return out;
}
"""


def _p(values, q):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def added_ms(event_ms: list[float], echo_ms: list[float]) -> list[float]:
    """What the app adds to a bare round trip, pair by pair (never below zero)."""
    if len(event_ms) != len(echo_ms):
        raise ValueError("event and echo trials come in pairs")
    return [max(0.0, e - b) for e, b in zip(event_ms, echo_ms, strict=True)]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _start_server(db_path: Path, port: int) -> subprocess.Popen:
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="learnkafka.settings",
               DATABASE_URL=f"sqlite:///{db_path}", DJANGO_DEBUG="0",
               PYTHONPATH=str(REPO))
    subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v0"],
                   cwd=REPO, env=env, check=True)
    proc = subprocess.Popen(
        [sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port),
         "benchmarks.web_echo_asgi:application"],
        cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120  # a loaded 2-core machine starts Daphne slowly
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return proc
        except OSError:
            time.sleep(0.1)
    proc.kill()
    raise RuntimeError("Daphne did not start")


def _htmx_baseline() -> int:
    import django_htmx

    path = Path(django_htmx.__file__).parent / "static" / "django_htmx" / "htmx-2.min.js"
    return len(gzip.compress(path.read_bytes(), 6)) if path.is_file() else 0


def main() -> int:
    from playwright.sync_api import sync_playwright

    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryDirectory() as tmp:
        proc = _start_server(Path(tmp) / "bench.sqlite3", port)
        try:
            with sync_playwright() as pw:
                browser = pw.chromium.launch(executable_path=CHROMIUM, args=[
                    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync", "--no-first-run"])
                per_page, scrolled = {}, {}
                for path in page_weight.lesson_pages():
                    weighed = [page_weight.weigh(browser, base, path, viewport)
                               for viewport in page_weight.VIEWPORTS.values()]
                    per_page[path] = max(weighed, key=lambda w: w[0])
                    if path.count("/") == 4:  # a lesson step: /lessons/<lesson>/<step>/
                        scrolled[path] = page_weight.weigh(
                            browser, base, path, page_weight.VIEWPORTS["laptop"], scroll=True)[0]
                page = browser.new_page()
                page.goto(f"{base}/playground/")
                page.wait_for_selector("[data-live-sandbox][data-live-state=live]")
                page.wait_for_selector('svg[data-diagram=cluster] [data-broker="3"]')
                page.evaluate("() => document.querySelector('[data-control=pause]').click()")
                echo_url = f"ws://127.0.0.1:{port}/ws/echo/"
                paired = page.evaluate(PAIRED_JS, [echo_url, TRIALS, WARMUP])
                event_ms, echo_ms = paired["event"], paired["echo"]
                browser.close()
        finally:
            proc.terminate()
            proc.wait(timeout=10)

    p95, echo_p95 = _p(event_ms, 0.95), _p(echo_ms, 0.95)
    added_p95 = _p(added_ms(event_ms, echo_ms), 0.95)
    htmx = _htmx_baseline()
    heaviest = max(per_page, key=lambda k: per_page[k][0])
    latency_ok = added_p95 < LATENCY_TARGET_P95_MS
    bytes_ok = all(total < page_weight.TARGET_BYTES for total, _ in per_page.values())
    print("bench_web: one learner's command -> event -> DOM, real Chromium + Daphne")
    print(f"  load average   {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores;"
          f" {len(event_ms)} paired trials")
    print(f"  event-to-DOM   p50 {statistics.median(event_ms):6.1f} ms   p95 {p95:6.1f} ms")
    print(f"  baseline echo  p50 {statistics.median(echo_ms):6.1f} ms   p95 {echo_p95:6.1f} ms"
          "   (bare WebSocket round trip, same server, paired)")
    print(f"  added by the app, pair by pair: p95 {added_p95:6.1f} ms"
          f"   (target p95 < {LATENCY_TARGET_P95_MS:.0f} ms: {'OK' if latency_ok else 'MISSED'})")
    ratio = p95 / echo_p95 if echo_p95 else float("inf")
    print(f"  ratio p95 event-to-DOM / echo: {ratio:.2f}x")
    print("  JS+CSS a first view fetches, gzipped, heaviest of three viewports"
          f" (target < {page_weight.TARGET_BYTES // 1024} KB each:"
          f" {'OK' if bytes_ok else 'MISSED'}); baseline htmx 2 alone {htmx / 1024:.1f} KB")
    for path, (total, _sizes) in per_page.items():
        ratio = total / htmx if htmx else 0
        after = ""
        if path in scrolled:
            after = f"   (scrolled to the end: {scrolled[path] / 1024:.1f} KB)"
        print(f"    {total / 1024:6.1f} KB  ratio to htmx {ratio:4.2f}x  {path}{after}")
    print(f"  files of the heaviest page, {heaviest}:")
    for url, size in sorted(per_page[heaviest][1].items(), key=lambda kv: -kv[1]):
        print(f"    {size / 1024:6.1f} KB  {url}")
    return 0 if latency_ok and bytes_ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
