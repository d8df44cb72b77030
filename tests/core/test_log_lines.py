"""The server log as an operator reads it, from a real `manage.py runserver`
(the `make run` server: Daphne under Django's runserver, with Django's default
logging merged with ours).

Every line is written once, and a request Django refuses as suspicious (a bad
Host, too many fields, a body over the limit) is one line, not a traceback.
"""
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
START_TIMEOUT_S = 60
CSRF = "a" * 32  # a well-formed CSRF secret, so the middleware goes on to read the body


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _request(url, *, data=None, headers=None) -> int:
    req = urllib.request.Request(url, data=data, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=20) as response:
            return response.status
    except urllib.error.HTTPError as err:
        return err.code


@pytest.fixture
def runserver_log(tmp_path):
    port = _free_port()
    log_path = tmp_path / "runserver.log"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "learnkafka.settings", "DJANGO_DEBUG": "1",
           "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}", "PYTHONUNBUFFERED": "1"}
    with open(log_path, "w") as log:
        proc = subprocess.Popen(
            [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
            cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        while "Listening on TCP address" not in log_path.read_text():
            assert proc.poll() is None, log_path.read_text()
            assert time.monotonic() < deadline, "runserver did not start"
            time.sleep(0.2)
        yield f"http://127.0.0.1:{port}", log_path
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


def test_each_line_once_and_refused_requests_in_one_line(runserver_log):
    base, log_path = runserver_log
    assert _request(f"{base}/") == 200
    assert _request(f"{base}/", headers={"Host": "evil.example"}) == 400
    form = {"Content-Type": "application/x-www-form-urlencoded",
            "Cookie": f"csrftoken={CSRF}"}
    many_fields = "&".join(f"f{i}=1" for i in range(1500)).encode()
    assert _request(f"{base}/playground/", data=many_fields, headers=form) == 400
    big_body = b"v=" + b"x" * (3 * 1024 * 1024)
    assert _request(f"{base}/playground/", data=big_body, headers=form) == 400
    time.sleep(0.5)  # the access log line follows the response
    text = log_path.read_text()
    lines = [line for line in text.splitlines() if line.strip()]

    assert "Traceback" not in text
    security = [line for line in lines if "Invalid HTTP_HOST header" in line
                or "number of GET/POST parameters" in line or "Request body exceeded" in line]
    assert len(security) == 3, text
    # Each line once: the access lines and startup lines are not doubled.
    assert sum("GET / 200" in line for line in lines) == 1, text
    assert sum("GET / 400" in line for line in lines) == 1, text
    assert sum("Listening on TCP address" in line for line in lines) == 1, text
    assert len(lines) == len(set(lines)), text
