"""Fixtures that start real PostgreSQL, Redis and Daphne processes for this run.

Registered from tests/conftest.py. Nothing is mocked and nothing is left
running: each server lives in a temporary directory on a free port and is
stopped at the end of the session (or the test).

postgres_url   (session) "postgresql://postgres@127.0.0.1:<port>": a throwaway
               PostgreSQL cluster (initdb/pg_ctl from the PATH; run as the
               `postgres` user when the suite runs as root, which initdb requires).
redis_url      (session) "redis://127.0.0.1:<port>/0": a throwaway redis-server
               (.ci/ensure-redis.sh installs it; `make test` runs that first).
fresh_pg_database (function) a new, migrated database on postgres_url; returns its URL.
daphne_cluster (function) `daphne_cluster(n)` starts n Daphne processes on one fresh
               PostgreSQL database and the Redis above; returns a Cluster with
               .servers (each .url, .ws, .kill(sig), .start()), .db_url and .sql(q, *args).
"""
from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = REPO_ROOT / "test-artifacts"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# A server's start is waited for on its port, generously: on the shared 2-core
# build machine at a load average of 40, Daphne's Django import alone took over 30 s.
START_TIMEOUT_S = 180.0


def wait_for_port(port: int, proc: subprocess.Popen | None, what: str, timeout=START_TIMEOUT_S,
                  log_path: Path | None = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            text = log_path.read_text() if log_path and log_path.exists() else ""
            raise RuntimeError(f"{what} exited early:\n{text[-3000:]}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"{what} did not listen on {port} within {timeout}s")


def _as_postgres(cmd: list[str]) -> list[str]:
    if os.geteuid() == 0:  # initdb refuses to run as root
        return ["runuser", "-u", "postgres", "--", *cmd]
    return cmd


@pytest.fixture(scope="session")
def postgres_url():
    if not shutil.which("initdb") or not shutil.which("pg_ctl"):
        pytest.fail("PostgreSQL's initdb and pg_ctl must be on the PATH for these tests")
    base = Path(tempfile.mkdtemp(prefix="lk-pg-"))
    data = base / "data"
    if os.geteuid() == 0:
        shutil.chown(base, "postgres", "postgres")
    port = free_port()
    subprocess.run(_as_postgres(["initdb", "-D", str(data), "-U", "postgres", "-A", "trust",
                                 "--no-sync", "-E", "UTF8"]),
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    log = base / "pg.log"
    subprocess.run(_as_postgres([
        "pg_ctl", "-D", str(data), "-l", str(log), "-w", "start", "-o",
        f"-p {port} -h 127.0.0.1 -k {base} -c fsync=off -c max_connections=200"]),
        check=True, stdout=subprocess.DEVNULL)
    try:
        yield f"postgresql://postgres@127.0.0.1:{port}"
    finally:
        subprocess.run(_as_postgres(["pg_ctl", "-D", str(data), "-m", "immediate", "stop"]),
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture(scope="session")
def redis_url():
    if not shutil.which("redis-server"):
        pytest.fail("redis-server must be on the PATH: run .ci/ensure-redis.sh (make test does)")
    port = free_port()
    proc = subprocess.Popen(["redis-server", "--port", str(port), "--bind", "127.0.0.1",
                             "--save", "", "--appendonly", "no"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for_port(port, proc, "redis-server")
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        proc.terminate()
        proc.wait(timeout=10)


_db_counter = iter(range(1, 10**6))


@pytest.fixture
def fresh_pg_database(postgres_url):
    import psycopg

    name = f"lk_{os.getpid()}_{next(_db_counter)}"
    with psycopg.connect(f"{postgres_url}/postgres", autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    url = f"{postgres_url}/{name}"
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "learnkafka.settings"}
    subprocess.run([sys.executable, "manage.py", "migrate", "--noinput"], cwd=REPO_ROOT,
                   env=env, check=True, stdout=subprocess.DEVNULL)
    yield url
    with psycopg.connect(f"{postgres_url}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


class Server:
    """One Daphne process serving tests/live_asgi.py with the given environment."""

    def __init__(self, env: dict, name: str):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.ws = f"ws://127.0.0.1:{self.port}"
        self.env = env
        self.log_path = ARTIFACTS / f"{name}.log"
        self.proc: subprocess.Popen | None = None

    def start(self) -> Server:
        ARTIFACTS.mkdir(exist_ok=True)
        with open(self.log_path, "a") as log:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(self.port),
                 "live_asgi:application"],
                cwd=REPO_ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT)
        try:
            wait_for_port(self.port, self.proc, "Daphne", log_path=self.log_path)
        except BaseException:
            self.kill()  # a server that started too late is not left running behind the test
            raise
        return self

    def kill(self, sig=signal.SIGKILL, timeout=15) -> None:
        if self.proc is None:
            return
        self.proc.send_signal(sig)
        try:
            self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.proc = None

    def log(self) -> str:
        return self.log_path.read_text() if self.log_path.exists() else ""


class Cluster:
    def __init__(self, db_url: str, redis: str | None, count: int, name: str):
        env = dict(os.environ)
        env.update(DJANGO_SETTINGS_MODULE="learnkafka.settings", DJANGO_DEBUG="1",
                   LEARNKAFKA_GATEWAY_PORT="0",  # a test asks for a gateway on free ports
                   PYTHONPATH=os.pathsep.join([str(REPO_ROOT), str(REPO_ROOT / "tests")]),
                   DATABASE_URL=db_url)
        env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        if redis:
            env["REDIS_URL"] = redis
        self.db_url = db_url
        self.servers = [Server(env, f"{name}-{os.getpid()}-p{i + 1}") for i in range(count)]

    def sql(self, query: str, *args):
        import psycopg

        with psycopg.connect(self.db_url) as conn:
            return conn.execute(query, args).fetchall()

    def stop(self) -> None:
        for server in self.servers:
            server.kill(signal.SIGTERM)


@pytest.fixture
def daphne_cluster(request, fresh_pg_database, redis_url):
    started: list[Cluster] = []

    def start(count: int = 2, *, redis: bool = True) -> Cluster:
        name = "cluster-" + request.node.name.replace("/", "_")[:60]
        cluster = Cluster(fresh_pg_database, redis_url if redis else None, count, name)
        for server in cluster.servers:
            server.start()
        started.append(cluster)
        return cluster

    yield start
    for cluster in started:
        cluster.stop()
