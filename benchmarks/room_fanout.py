"""Classroom benchmark (issue 13): a room of bot students following one instructor.

    .venv/bin/python -m benchmarks fanout     (runs this after the hub's own figures;
                                               ROOM_N="500" to choose N, FANOUT_ROOM=0 to skip)
    .venv/bin/python -m benchmarks.room_fanout  (this alone)

(Not named bench_*.py, so `python -m benchmarks` runs it once, through fanout.)

A Daphne process (SQLite in a temp dir, in-memory layer) runs one classroom: an
instructor's room on the kafka-basics lesson, N students on its roster (made
in the database: sessions, roster rows, viewer roles, as joining makes them).
Every student opens what a student's phone opens: the room socket
(/ws/room/<code>/) and the room's simulation as a viewer. The instructor
drives: a produce every 200 ms. Measured from the client as the hub's
benchmark does (benchmarks/bench_fanout.py, whose measuring code this reuses):
instructor's send -> the frame carrying that produce at each student, p50/p99,
deliveries/s. Then 2N students over two Daphne processes with Redis, the
instructor on the first, students split over both. Baseline, same run: the
bare `websockets` broadcast server with the same number of sockets.
"""
from __future__ import annotations

import asyncio
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from benchmarks.bench_fanout import (
    ORIGIN,
    REPO,
    Servers,
    _bare,
    _drain,
    _measure,
    _rss_kb,
)
from tests.real_servers import free_port, wait_for_port

MAKE_ROOM = """
import json, sys
from django.contrib.auth import get_user_model
from django.contrib.sessions.backends.db import SessionStore
from learnkafka.classroom import services
from learnkafka.classroom.models import Room

def session(key):
    store = SessionStore()
    store["learner_key"] = key
    store.create()
    return store.session_key

n = int(sys.argv[-1])
user = get_user_model().objects.create_user("bench-instructor")
room = services.room_create(instructor=user, lesson_slug="kafka-basics")
services.room_set_state(room=room, state=Room.LIVE)
services.presenter_attach(room=room, learner_key="bench-instructor-key")
students = []
for i in range(n):
    key = f"bench-student-{i:05d}"
    services.student_join(room=room, learner_key=key, name=f"Bot {i}")
    students.append(session(key))
print(json.dumps({"code": room.code, "sandbox": room.sandbox_id,
                  "instructor": session("bench-instructor-key"), "students": students}))
"""


def _make_room(servers: Servers, n: int) -> dict:
    out = subprocess.run([sys.executable, "-c", "import django; django.setup(); exec("
                          + repr(MAKE_ROOM) + ")", str(n)], cwd=REPO, env=servers.env,
                         check=True, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


async def _open(uri: str, headers: dict, attempts: int = 5):
    """A student's room socket; a loaded server may drop a handshake: try again, as
    the page's room-socket.js does."""
    from websockets.asyncio.client import connect

    for attempt in range(attempts):
        try:
            return await connect(uri, origin=ORIGIN, additional_headers=headers,
                                 open_timeout=60, ping_interval=None)
        except Exception:
            if attempt == attempts - 1:
                raise
            await asyncio.sleep(0.5 * (attempt + 1))


async def _room(n: int, processes: int, redis_url: str | None, tmp: Path) -> dict:
    from websockets.asyncio.client import connect

    servers = Servers(processes, redis_url, tmp, name="room")
    try:
        room = _make_room(servers, n)
        ws = [f"ws://127.0.0.1:{p}" for p in servers.ports]
        cookie = {"Cookie": f"sessionid={room['instructor']}"}
        driver = await connect(f"{ws[0]}/ws/sandbox/{room['sandbox']}/", origin=ORIGIN,
                               additional_headers=cookie, max_size=None, ping_interval=None)
        drain = [asyncio.get_running_loop().create_task(_drain(driver))]
        # Each student's room socket stays open (and idle) while the diagram is measured.
        room_socks = []
        for start in range(0, n, 25):
            batch = room["students"][start:start + 25]
            room_socks += await asyncio.gather(*(_open(
                f"{ws[(start + i) % processes]}/ws/room/{room['code']}/",
                {"Cookie": f"sessionid={s}"}) for i, s in enumerate(batch)))
        drain += [asyncio.get_running_loop().create_task(_drain(c)) for c in room_socks]
        uris = [(f"{ws[i % processes]}/ws/sandbox/{room['sandbox']}/",
                 {"Cookie": f"sessionid={s}"}) for i, s in enumerate(room["students"])]
        pids = [p.pid for p in servers.procs]
        before = sum(_rss_kb(p) for p in pids)

        async def drive(key):
            await driver.send(json.dumps({"type": "command", "command": {
                "type": "produce", "producer": "A", "topic": "orders", "key": key,
                "value": "v"}}))

        label = f"room, {processes} process" + ("es + Redis" if processes > 1 else "")
        result = await _measure(uris, drive, label, lambda: sum(_rss_kb(p) for p in pids),
                                before)
        for task in drain:
            task.cancel()
        for conn in [driver, *room_socks]:
            await conn.close()
        return result
    finally:
        servers.stop()


def main() -> int:
    n = int(os.environ.get("ROOM_N", "500"))
    tmp = Path(tempfile.mkdtemp(prefix="lk-room-"))
    redis = None
    try:
        print(f"a classroom: {n} bot students (room socket + the room's simulation each), "
              "the instructor produces every 200 ms; latency = instructor's send -> each student")
        bare = asyncio.run(_bare(n))
        ours = asyncio.run(_room(n, 1, None, tmp))
        print(f"  -> p99 ratio {ours['p99'] / bare['p99']:.2f}x against the bare server "
              f"(hub target <= 2.5x); {ours['deliveries_s']:.0f} deliveries/s", flush=True)
        if shutil.which("redis-server"):
            port = free_port()
            redis = subprocess.Popen(["redis-server", "--port", str(port), "--save", "",
                                      "--appendonly", "no"], stdout=subprocess.DEVNULL)
            wait_for_port(port, redis, "redis-server")
            bare = asyncio.run(_bare(2 * n))
            ours = asyncio.run(_room(2 * n, 2, f"redis://127.0.0.1:{port}/0", tmp))
            print(f"  -> p99 ratio {ours['p99'] / bare['p99']:.2f}x over two processes; "
                  f"{ours['deliveries_s'] / 2:.0f} deliveries/s per process", flush=True)
        else:
            print("  (redis-server not found: the two-process room was skipped)")
    finally:
        if redis is not None:
            redis.terminate()
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
