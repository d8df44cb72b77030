"""Fan-out benchmark: one playing simulation, N watching sockets.

    .venv/bin/python -m benchmarks fanout      (FANOUT_N="100,500,1000" to choose N)

For each N: a Daphne process (SQLite in a temp dir, in-memory channel layer)
runs one playground simulation that its owner shares; N sockets watch it as
viewers; the owner sends a produce every 200 ms. Measured from the test
client: event-to-socket latency (owner's send -> the frame carrying that
command reaching each watcher) p50/p99, deliveries per second, and the server
process's RSS per watching socket. Then N split over two Daphne processes
sharing the database and a Redis started here (when redis-server is on the
PATH). Baseline, same run, same client: a bare `websockets` server that
broadcasts each message it gets from the driver to the N sockets.

Targets (issue 10): p99 no worse than 2.5x the bare server's; at least
15,000 deliveries/s per process; under 50 KB per watching socket. The client
is one Python process on the same machine, so on a small machine it, not the
server, may be what limits deliveries/s: the bare server shows that ceiling.
"""
from __future__ import annotations

import asyncio
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DURATION_S = 8.0
SEND_EVERY_S = 0.2
TABS_PER_SESSION = 8  # policy.MAX_TABS_PER_LEARNER
ORIGIN = "http://127.0.0.1"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait(port: int, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"nothing listens on {port}")


def _rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def _visit(base: str, cookie: str | None = None):
    request = urllib.request.Request(base + "/playground/")
    if cookie:
        request.add_header("Cookie", f"sessionid={cookie}")
    with urllib.request.urlopen(request, timeout=30) as response:
        page = response.read().decode()
        for header in response.headers.get_all("Set-Cookie") or []:
            found = re.search(r"sessionid=([^;]+)", header)
            if found:
                cookie = found.group(1)
    return cookie, re.search(r'data-sandbox-id="([^"]+)"', page).group(1)


class Servers:
    def __init__(self, count: int, redis_url: str | None, tmp: Path):
        db = tmp / f"fanout-{count}.sqlite3"
        self.env = {**os.environ, "DJANGO_SETTINGS_MODULE": "learnkafka.settings",
                    "DJANGO_DEBUG": "1", "DATABASE_URL": f"sqlite:///{db}",
                    "PYTHONPATH": f"{REPO}{os.pathsep}{REPO / 'tests'}"}
        if redis_url:
            self.env["REDIS_URL"] = redis_url
        subprocess.run([sys.executable, "manage.py", "migrate", "--noinput"], cwd=REPO,
                       env=self.env, check=True, stdout=subprocess.DEVNULL)
        self.ports = [_free_port() for _ in range(count)]
        self.procs = [subprocess.Popen(
            [sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(p),
             "live_asgi:application"], cwd=REPO, env=self.env,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) for p in self.ports]
        for p in self.ports:
            _wait(p)

    def stop(self):
        for proc in self.procs:
            proc.send_signal(signal.SIGTERM)
        for proc in self.procs:
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()


async def _measure(watch_uris: list[tuple[str, dict]], drive, label: str,
                   rss=lambda: 0, rss_before=0) -> dict:
    """Open the watchers, drive for DURATION_S, return latency and throughput."""
    from websockets.asyncio.client import connect

    sent_at: dict[str, float] = {}
    latencies: list[float] = []
    deliveries = 0

    async def watch(uri, headers):
        nonlocal deliveries
        conn = await connect(uri, origin=ORIGIN, additional_headers=headers, max_size=None,
                             ping_interval=None, open_timeout=60)
        return conn

    conns = []
    for start in range(0, len(watch_uris), 50):
        conns += await asyncio.gather(*(watch(u, h) for u, h in watch_uris[start:start + 50]))
    await asyncio.sleep(1.0)
    per_socket_kb = (rss() - rss_before) / max(1, len(conns))

    async def read(conn):
        nonlocal deliveries
        try:
            async for text in conn:
                now = time.perf_counter()
                deliveries += 1
                for key in re.findall(r'"key":"(bench-\d+)"', text):
                    if key in sent_at:
                        latencies.append((now - sent_at[key]) * 1000)
                        break
        except Exception:
            pass

    readers = [asyncio.get_running_loop().create_task(read(c)) for c in conns]
    deliveries = 0
    start = time.perf_counter()
    i = 0
    while time.perf_counter() - start < DURATION_S:
        key = f"bench-{i}"
        sent_at[key] = time.perf_counter()
        await drive(key)
        i += 1
        await asyncio.sleep(SEND_EVERY_S)
    await asyncio.sleep(1.0)
    elapsed = time.perf_counter() - start
    for c in conns:
        await c.close()
    for r in readers:
        r.cancel()
    latencies.sort()
    result = {"label": label, "n": len(conns), "deliveries_s": deliveries / elapsed,
              "p50": statistics.median(latencies) if latencies else float("nan"),
              "p99": latencies[int(len(latencies) * 0.99) - 1] if latencies else float("nan"),
              "kb_per_socket": per_socket_kb}
    print(f"  {label:<34} N={result['n']:>5}  p50 {result['p50']:7.1f} ms  "
          f"p99 {result['p99']:7.1f} ms  {result['deliveries_s']:9.0f} deliveries/s"
          + (f"  {per_socket_kb:6.1f} KB/socket" if rss_before else ""), flush=True)
    return result


async def _bare(n: int) -> dict:
    """The baseline: websockets' own broadcast, no framework."""
    from websockets.asyncio.client import connect
    from websockets.asyncio.server import broadcast, serve

    watchers = set()
    frame = json.dumps({"type": "events", "now_ms": 0, "events": [
        {"kind": "command_applied", "command": {"key": "KEY"}}] * 3}, separators=(",", ":"))
    tick = json.dumps({"type": "events", "now_ms": 0, "events": [
        {"kind": "message_sent", "message_kind": "fetch", "source": "broker:1"}] * 4})

    async def ticker():  # the same cadence of frames as a playing simulation (33 ms)
        while True:
            await asyncio.sleep(0.033)
            broadcast(watchers, tick)

    async def handler(conn):
        if conn.request.path == "/drive":
            async for key in conn:
                broadcast(watchers, frame.replace("KEY", key))
        else:
            watchers.add(conn)
            try:
                await conn.wait_closed()
            finally:
                watchers.discard(conn)

    port = _free_port()
    ticking = asyncio.get_running_loop().create_task(ticker())
    async with serve(handler, "127.0.0.1", port, max_size=None):
        driver = await connect(f"ws://127.0.0.1:{port}/drive")
        result = await _measure([(f"ws://127.0.0.1:{port}/watch", {})] * n, driver.send,
                                "bare websockets broadcast")
        await driver.close()
    ticking.cancel()
    return result


async def _ours(n: int, processes: int, redis_url: str | None, tmp: Path) -> dict | None:
    from websockets.asyncio.client import connect

    servers = Servers(processes, redis_url, tmp)
    try:
        bases = [f"http://127.0.0.1:{p}" for p in servers.ports]
        cookie, public_id = _visit(bases[0])
        driver = await connect(f"ws://127.0.0.1:{servers.ports[0]}/ws/sandbox/{public_id}/",
                               origin=ORIGIN, additional_headers={"Cookie": f"sessionid={cookie}"},
                               max_size=None)
        await driver.send(json.dumps({"type": "share", "shared": True}))
        drain = asyncio.get_running_loop().create_task(_drain(driver))
        uris = []
        for i in range(0, n, TABS_PER_SESSION):
            base = i // TABS_PER_SESSION % processes
            viewer, _ = _visit(bases[base])
            for _ in range(min(TABS_PER_SESSION, n - i)):
                uris.append((f"ws://127.0.0.1:{servers.ports[base]}/ws/sandbox/{public_id}/",
                             {"Cookie": f"sessionid={viewer}"}))
        pids = [p.pid for p in servers.procs]
        before = sum(_rss_kb(p) for p in pids)

        async def drive(key):
            await driver.send(json.dumps({"type": "command", "command": {
                "type": "produce", "producer": "A", "topic": "orders", "key": key,
                "value": "v"}}))

        label = f"learnkafka, {processes} process" + ("es + Redis" if processes > 1 else "")
        result = await _measure(uris, drive, label, lambda: sum(_rss_kb(p) for p in pids),
                                before)
        drain.cancel()
        await driver.close()
        return result
    finally:
        servers.stop()


async def _drain(conn):
    try:
        async for _ in conn:
            pass
    except Exception:
        pass


def main() -> int:
    ns = [int(x) for x in os.environ.get("FANOUT_N", "100,500,1000").split(",")]
    tmp = Path(tempfile.mkdtemp(prefix="lk-fanout-"))
    redis = None
    try:
        print(f"one playing simulation; a produce every {SEND_EVERY_S * 1000:.0f} ms for "
              f"{DURATION_S:.0f} s; latency = driver's send -> the frame at each watcher")
        for n in ns:
            bare = asyncio.run(_bare(n))
            ours = asyncio.run(_ours(n, 1, None, tmp))
            print(f"  -> p99 ratio {ours['p99'] / bare['p99']:.2f}x (target <= 2.5x); "
                  f"{ours['deliveries_s']:.0f} deliveries/s (target >= 15000 per process); "
                  f"{ours['kb_per_socket']:.1f} KB per socket (target < 50)", flush=True)
        if shutil.which("redis-server"):
            port = _free_port()
            redis = subprocess.Popen(["redis-server", "--port", str(port), "--save", "",
                                      "--appendonly", "no"], stdout=subprocess.DEVNULL)
            _wait(port)
            n = max(ns)
            bare = asyncio.run(_bare(n))
            ours = asyncio.run(_ours(n, 2, f"redis://127.0.0.1:{port}/0", tmp))
            print(f"  -> p99 ratio {ours['p99'] / bare['p99']:.2f}x over two processes; "
                  f"{ours['deliveries_s'] / 2:.0f} deliveries/s per process", flush=True)
        else:
            print("  (redis-server not found: the two-process case was skipped)")
        print("  not measured here yet: how many simulations one process keeps on time")
        if os.environ.get("FANOUT_ROOM", "1") != "0":  # the classroom's room mode (issue 13)
            from benchmarks import room_fanout
            room_fanout.main()
    finally:
        if redis is not None:
            redis.terminate()
        shutil.rmtree(tmp, ignore_errors=True)
    return 0
