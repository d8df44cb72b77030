"""Gateway benchmark: records per second a real Kafka client gets through the
gateway, beside the simulator's own rate, both in this run.

    .venv/bin/python -m benchmarks gateway    (`make bench` runs every bench_*.py)

1. Through the gateway. A Daphne subprocess (the real site, its gateway on a
   free run of ports, a throwaway SQLite file) serves a fresh playground; a
   kafka-python producer (idempotent, acks=all, its default batching) sends
   RECORDS keyed records to "orders" and waits for every acknowledgement. The
   whole path is timed: client encoding, TCP, the gateway's decoding, one
   `wire_request` command per produce request (stored before it is shown),
   simulated replication at the playground's 40 ms a hop, the response event
   back through the frames, and the client's decoding.
2. Baseline: the simulator alone, in this process: the same number of records
   handed to the playground's simulated producer A (100 per command) and
   simulated until every one is acknowledged (log end offsets sum to RECORDS),
   as fast as the CPU goes (no wall clock).

The ratio says how much of the simulator's capacity a real client gets. The
gateway's per-sandbox budget (learnkafka/gateway/limits.py: 500 records/s
sustained, a burst of 2,000) caps a real client on purpose; RECORDS stays
within the burst so the figure measures the path, not the cap, and the cap is
printed beside it.
"""
from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
RECORDS = 1500


def _free_port_run(count: int) -> int:
    for _ in range(200):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            base = s.getsockname()[1]
        socks = []
        try:
            for port in range(base, base + count):
                sock = socket.socket()
                sock.bind(("127.0.0.1", port))
                socks.append(sock)
            return base
        except OSError:
            continue
        finally:
            for sock in socks:
                sock.close()
    raise RuntimeError("no free run of ports")


def _wait(port: int, proc: subprocess.Popen) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError("Daphne exited")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"nothing listens on {port}")


def _start(db: Path, http_port: int, gateway_port: int) -> subprocess.Popen:
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="learnkafka.settings",
               DATABASE_URL=f"sqlite:///{db}", DJANGO_DEBUG="0", PYTHONPATH=str(REPO),
               LEARNKAFKA_GATEWAY_PORT=str(gateway_port), LOG_LEVEL="WARNING")
    subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v0"],
                   cwd=REPO, env=env, check=True)
    proc = subprocess.Popen([sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p",
                             str(http_port), "learnkafka.asgi:application"],
                            cwd=REPO, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    _wait(http_port, proc)
    _wait(gateway_port, proc)
    return proc


def _token(base_url: str) -> str:
    """Open the playground as a learner would; its connect token is on the page."""
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor())
    page = opener.open(base_url + "/playground/", timeout=30).read().decode()
    match = re.search(r'value="([^"]+)" data-gateway-token', page)
    if not match:
        raise RuntimeError("no connect token on the playground page")
    return match.group(1)


def through_gateway() -> float:
    from kafka import KafkaProducer

    base = _free_port_run(9)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        http_port = s.getsockname()[1]
    with tempfile.TemporaryDirectory() as tmp:
        proc = _start(Path(tmp) / "bench.sqlite3", http_port, base)
        try:
            token = _token(f"http://127.0.0.1:{http_port}")
            producer = KafkaProducer(bootstrap_servers=f"127.0.0.1:{base}",
                                     security_protocol="SASL_PLAINTEXT",
                                     sasl_mechanism="PLAIN", sasl_plain_username=token,
                                     sasl_plain_password="-", acks="all",
                                     max_block_ms=60_000, request_timeout_ms=60_000)
            producer.send("orders", key=b"warm-up", value=b"x").get(timeout=60)
            start = time.perf_counter()
            futures = [producer.send("orders", key=f"key-{i % 97}".encode(),
                                     value=b"value-%d" % i) for i in range(RECORDS)]
            producer.flush(timeout=300)
            for f in futures:
                f.get(timeout=1)
            elapsed = time.perf_counter() - start
            producer.close(timeout=10)
            return RECORDS / elapsed
        finally:
            proc.terminate()
            proc.wait(timeout=20)


def simulator_alone() -> float:
    from simulator import Simulation
    from simulator.commands import command_from_dict
    from simulator.scenarios import load_scenario

    sim = Simulation(load_scenario("playground"), 7)
    sim.advance(5_000)  # settled: leaders elected, producers connected

    def log_end() -> int:
        return sum(p["log_end_offset"] for t in sim.snapshot()["topics"]
                   if t["name"] == "orders" for p in t["partitions"])

    before = log_end()
    start = time.perf_counter()
    for i in range(RECORDS // 100):
        sim.apply(command_from_dict({"type": "produce", "producer": "A", "topic": "orders",
                                     "key": f"key-{i % 97}", "value": "value", "count": 100}))
    while log_end() - before < RECORDS:
        sim.advance(50)
    return RECORDS / (time.perf_counter() - start)


def main() -> int:
    from learnkafka.gateway import limits

    baseline = simulator_alone()
    gateway = through_gateway()
    print(f"records: {RECORDS} (keyed, acks=all)")
    print(f"simulator alone (baseline, same run): {baseline:10.0f} records/s")
    print(f"through the gateway (kafka-python):   {gateway:10.0f} records/s")
    print(f"ratio gateway/simulator: {gateway / baseline:.3f}")
    print(f"the gateway's budget per sandbox: {limits.RECORDS_PER_S} records/s sustained, "
          f"a burst of {limits.RECORDS_BURST}")
    return 0


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "learnkafka.settings")
    sys.exit(main())
