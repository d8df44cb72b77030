"""Shared test fixtures. Browser tests: read this first.

Browser tests (`@pytest.mark.browser`) drive the system Chromium through
pytest-playwright against a real Daphne server in a subprocess, because
pytest-django's `live_server` cannot serve WebSockets. They run in their own
pytest invocation (`make test` does `pytest -m "not browser"` then
`pytest -m browser`), since Playwright's sync API and pytest-asyncio do not mix.

Fixtures for browser tests
--------------------------
live_url        (session) "http://127.0.0.1:<port>": Daphne serving learnkafka
                plus /static/ (tests/live_asgi.py) against this run's file-backed
                SQLite test database, so the test process and the server see the
                same rows. Depends on `django_db_setup`; a browser test that reads
                or writes the ORM should also request `transactional_db` (the
                server cannot see rows inside an uncommitted test transaction).
                The server's log goes to test-artifacts/daphne-<pid>.log.
page            (function, from pytest-playwright) a fresh Chromium page in a fresh
                context (so a fresh session cookie). Chromium is /usr/bin/chromium,
                launched with sandbox/GPU/network-noise flags off.
restartable_server (function) a Daphne of the test's own, with .url, .stop(),
                .start(): to prove something survives a server restart.
screenshot      (function) `screenshot(page, "name")` saves
                test-artifacts/screenshots/<test name>-<name>.png and returns its path.
ws_url          (function) `ws_url(live_url, path)` turns http:// into ws://.

Typical browser test::

    @pytest.mark.browser
    def test_playground_shows_three_brokers(live_url, page, screenshot):
        page.goto(f"{live_url}/playground/")
        expect(page.locator("[data-broker]")).to_have_count(3)
        screenshot(page, "brokers")

DJANGO_ALLOW_ASYNC_UNSAFE is set when a browser test is collected: Playwright's
sync API runs an event loop in the test thread, and Django would otherwise
refuse ORM calls made from it.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import settings

# Real PostgreSQL, Redis and multi-process Daphne fixtures (tests/real_servers.py).
from tests.real_servers import daphne_cluster, fresh_pg_database, postgres_url, redis_url  # noqa: F401

REPO_ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = REPO_ROOT / "test-artifacts"
SCREENSHOTS = ARTIFACTS / "screenshots"
CHROMIUM = "/usr/bin/chromium"
SERVER_START_TIMEOUT_S = 180  # a condition, waited for generously: at load 40 a start took > 30 s


# Property tests explore new random cases on every developer run, which is how
# they find bugs. In CI the same code must give the same verdict on every run,
# so there Hypothesis draws its cases from a fixed seed (same examples, same
# count) and keeps no example database between runs.
settings.register_profile("ci", derandomize=True, database=None, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")


@pytest.hookimpl(trylast=True)  # after `-m` has deselected what will not run
def pytest_collection_modifyitems(config, items):
    if any(item.get_closest_marker("browser") for item in items):
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_for_port(port: int, proc: subprocess.Popen, log_path: Path) -> None:
    deadline = time.monotonic() + SERVER_START_TIMEOUT_S
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"Daphne exited early; see {log_path}:\n{log_path.read_text()}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"Daphne did not listen on {port} within {SERVER_START_TIMEOUT_S}s")


class DaphneServer:
    """A Daphne subprocess serving tests/live_asgi.py on `port` against the test DB."""

    def __init__(self, port: int, log_name: str):
        from django.db import connection

        self.port = port
        self.url = f"http://127.0.0.1:{port}"
        self.log_path = ARTIFACTS / log_name
        self.env = dict(os.environ)
        self.env.update(
            DJANGO_SETTINGS_MODULE="learnkafka.settings",
            PYTHONPATH=os.pathsep.join([str(REPO_ROOT), str(REPO_ROOT / "tests")]),
            DJANGO_DEBUG="1",
            # No Kafka gateway unless a test asks for one on free ports
            # (tests/gateway/conftest.py): a test Daphne must never take 9092 from
            # a developer's `make run`, nor answer another test's Kafka client.
            LEARNKAFKA_GATEWAY_PORT="0",
        )
        if connection.vendor == "sqlite":
            self.env["DATABASE_URL"] = f"sqlite:///{connection.settings_dict['NAME']}"
        self.proc = None

    def start(self) -> DaphneServer:
        ARTIFACTS.mkdir(exist_ok=True)
        with open(self.log_path, "a") as log:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(self.port),
                 "live_asgi:application"],
                cwd=REPO_ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT,
            )
        _wait_for_port(self.port, self.proc, self.log_path)
        return self

    def stop(self) -> None:
        if self.proc is None:
            return
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self.proc = None


@pytest.fixture(scope="session")
def live_url(django_db_setup, django_db_blocker):
    """Start Daphne on a free port against the test database; yield its base URL."""
    server = DaphneServer(_free_port(), f"daphne-{os.getpid()}.log").start()
    try:
        yield server.url
    finally:
        server.stop()


@pytest.fixture
def restartable_server(django_db_setup, transactional_db):
    """A Daphne of this test's own that the test may stop and start again
    (`.start()`, `.stop()`, `.url`): for surviving a server restart."""
    server = DaphneServer(_free_port(), f"daphne-{os.getpid()}-restartable.log").start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Drive Debian's Chromium: Playwright cannot download its own browser here."""
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


@pytest.fixture
def screenshot(request):
    """Return save(page, name) -> Path, writing under test-artifacts/screenshots/."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    test_name = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.name)

    def save(page, name: str) -> Path:
        path = SCREENSHOTS / f"{test_name}-{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return save


@pytest.fixture
def ws_url():
    def to_ws(base: str, path: str) -> str:
        return re.sub(r"^http", "ws", base) + path

    return to_ws
