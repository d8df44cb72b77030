"""A real Daphne serving the site and its Kafka gateway, and real Kafka clients on it.

`gateway` (session): one Daphne subprocess (tests/conftest.py's DaphneServer)
with LEARNKAFKA_GATEWAY_PORT on a free run of ports, against the test
database. `learner` (function): a fresh learner, as a browser meets the site:
it opens /playground/ (a session cookie and its own sandbox) and reads its
connect token off the page; `.kafka()` are the SASL settings for
kafka-python, `.rdkafka()` those for confluent-kafka.
"""
from __future__ import annotations

import os
import re
import socket
import time
import urllib.request
from dataclasses import dataclass

import pytest

from tests.conftest import DaphneServer, _free_port
from tests.sandbox.wsclient import visit

BROKER_PORTS = 9  # simulator.limits.MAX_BROKERS


def free_port_run(count: int) -> int:
    """A base port with `count` free ports from it."""
    for _ in range(200):
        base = _free_port()
        if base + count > 65535:
            continue
        socks = []
        try:
            for port in range(base, base + count):
                s = socket.socket()
                s.bind(("127.0.0.1", port))
                socks.append(s)
            return base
        except OSError:
            continue
        finally:
            for s in socks:
                s.close()
    raise RuntimeError("no run of free ports")


def wait_listening(port: int, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"the gateway did not listen on {port}")


@dataclass
class Gateway:
    url: str
    ws: str
    base_port: int
    server: DaphneServer

    @property
    def bootstrap(self) -> str:
        return f"127.0.0.1:{self.base_port}"

    def log(self) -> str:
        return self.server.log_path.read_text() if self.server.log_path.exists() else ""


# One Daphne per test module: a server that outlived earlier modules kept their
# sandboxes (whose rows the transactional tests had flushed) and their clients'
# traffic, and the leader-crash test starved behind them in a full run.
@pytest.fixture(scope="module")
def gateway(django_db_setup, django_db_blocker):
    base = free_port_run(BROKER_PORTS)
    server = DaphneServer(_free_port(), f"daphne-gateway-{os.getpid()}.log")
    server.env.update(LEARNKAFKA_GATEWAY_PORT=str(base), LEARNKAFKA_GATEWAY_HOST="127.0.0.1")
    server.start()
    try:
        wait_listening(base)
        yield Gateway(server.url, server.url.replace("http", "ws", 1), base, server)
    finally:
        server.stop()


@dataclass
class Learner:
    cookie: str
    sandbox: str
    token: str
    bootstrap: str

    def kafka(self, **extra) -> dict:
        return {"bootstrap_servers": self.bootstrap, "security_protocol": "SASL_PLAINTEXT",
                "sasl_mechanism": "PLAIN", "sasl_plain_username": self.token,
                "sasl_plain_password": "-", **extra}

    def rdkafka(self, **extra) -> dict:
        return {"bootstrap.servers": self.bootstrap, "security.protocol": "SASL_PLAINTEXT",
                "sasl.mechanism": "PLAIN", "sasl.username": self.token,
                "sasl.password": "-", **extra}


def read_token(base_url: str, cookie: str) -> str | None:
    request = urllib.request.Request(base_url + "/playground/")
    request.add_header("Cookie", f"sessionid={cookie}")
    with urllib.request.urlopen(request, timeout=20) as response:
        page = response.read().decode()
    match = re.search(r'value="([^"]+)" data-gateway-token', page)
    return match.group(1) if match else None


@pytest.fixture
def learner(gateway) -> Learner:
    cookie, sandbox = visit(gateway.url)
    token = read_token(gateway.url, cookie)
    assert token, "the playground shows its owner a connect token"
    return Learner(cookie, sandbox, token, gateway.bootstrap)
