"""Two Daphne processes on one real PostgreSQL and one real Redis (issue 10).

A simulation is live in the one process holding its lease; sockets on the
other process watch it through the channel layer and forward their commands.
These tests start real servers (tests/real_servers.py) and talk to them with a
real WebSocket client, as browsers on two machines behind a balancer would.
"""
import asyncio
import signal

import pytest

from tests.sandbox.wsclient import Socket, body, frames, visit

pytestmark = [pytest.mark.asyncio]

SETTLE_S = 1.5


def produce(key: str) -> dict:
    return {"type": "command", "command": {"type": "produce", "producer": "A",
                                           "topic": "orders", "key": key, "value": key}}


def applied_key(message: dict):
    for event in message.get("events", []):
        if event.get("kind") == "command_applied":
            return event["command"].get("key")
    return None


def acknowledged(socket: Socket) -> list[str]:
    return [k for m in socket.messages if (k := applied_key(m))]


def history(cluster, public_id: str) -> list[tuple[int, str]]:
    return cluster.sql(
        "select c.position, c.command->>'key' from sandbox_sandboxcommand c join "
        "sandbox_sandbox s on s.id = c.sandbox_id where s.public_id = %s order by c.position",
        public_id)


async def owner_and_shared_sandbox(server):
    cookie, public_id = await asyncio.to_thread(visit, server.url)
    driver = await Socket(server.ws, public_id, cookie).open()
    await driver.wait_for(lambda m: m["type"] == "snapshot")
    await driver.send({"type": "share", "shared": True})
    return cookie, public_id, driver


async def viewer(server, public_id):
    cookie, _ = await asyncio.to_thread(visit, server.url)
    sock = await Socket(server.ws, public_id, cookie).open()
    await sock.wait_for(lambda m: m["type"] == "snapshot")
    return sock


def assert_same_frames(reference: Socket, other: Socket) -> None:
    """Every frame `other` got after its snapshot is the same as `reference`'s."""
    ref = {(m["epoch"], m["frame"]): body(m) for m in frames(reference)}
    got = [m for m in frames(other) if m["type"] != "snapshot" or m is not frames(other)[0]]
    got = frames(other)[1:]
    assert got, "the watcher received frames"
    numbers = [(m["epoch"], m["frame"]) for m in got]
    assert numbers == sorted(numbers) and len(set(numbers)) == len(numbers)
    for message in got:
        key = (message["epoch"], message["frame"])
        if key in ref:
            assert body(message) == ref[key], f"frame {key} differs between processes"


async def test_a_driver_on_one_process_and_viewers_on_another_see_identical_frames(
        daphne_cluster):
    cluster = daphne_cluster(2)
    p1, p2 = cluster.servers
    _, public_id, driver = await owner_and_shared_sandbox(p1)
    viewers = [await viewer(p2, public_id) for _ in range(2)]
    for i in range(8):
        await driver.send(produce(f"k{i}"))
        await asyncio.sleep(0.1)
    await driver.wait_for(lambda m: applied_key(m) == "k7")
    for v in viewers:
        await v.wait_for(lambda m: applied_key(m) == "k7")
    await asyncio.sleep(SETTLE_S)
    for v in viewers:
        assert_same_frames(driver, v)
        assert acknowledged(v) == [f"k{i}" for i in range(8)]
    # A viewer cannot drive: its command is refused and nothing changes.
    before = len(history(cluster, public_id))
    await viewers[0].send(produce("from-a-viewer"))
    refusal = await viewers[0].wait_for(lambda m: m["type"] == "error")
    assert refusal["code"] == "forbidden"
    await viewers[0].send({"type": "pause"})
    assert (await viewers[0].wait_for(lambda m: m["type"] == "error",
                                      start=viewers[0].messages.index(refusal) + 1)
            )["code"] == "forbidden"
    await asyncio.sleep(0.5)
    assert len(history(cluster, public_id)) == before
    assert "from-a-viewer" not in acknowledged(driver)


async def test_a_stranger_cannot_watch_a_private_simulation(daphne_cluster):
    cluster = daphne_cluster(2)
    p1, p2 = cluster.servers
    cookie, public_id = await asyncio.to_thread(visit, p1.url)
    owner = await Socket(p1.ws, public_id, cookie).open()
    await owner.wait_for(lambda m: m["type"] == "snapshot")
    stranger_cookie, _ = await asyncio.to_thread(visit, p2.url)
    stranger = await Socket(p2.ws, public_id, stranger_cookie).open()
    refusal = await stranger.wait_for(lambda m: m["type"] == "error")
    assert refusal["code"] == "forbidden" and "state" not in refusal
    for _ in range(600):  # the close follows the error: waited for, not slept on (load)
        if stranger.closed is not None:
            break
        await asyncio.sleep(0.05)
    assert stranger.closed == 4403
    assert all(m["type"] == "error" for m in stranger.messages)


async def test_commands_sent_on_both_processes_all_land_in_one_order(daphne_cluster):
    cluster = daphne_cluster(2)
    p1, p2 = cluster.servers
    cookie, public_id = await asyncio.to_thread(visit, p1.url)
    tab1 = await Socket(p1.ws, public_id, cookie).open()
    await tab1.wait_for(lambda m: m["type"] == "snapshot")
    tab2 = await Socket(p2.ws, public_id, cookie).open()  # the same learner's other tab
    await tab2.wait_for(lambda m: m["type"] == "snapshot")

    async def send_all(tab, prefix):
        for i in range(25):
            await tab.send(produce(f"{prefix}{i}"))
            await asyncio.sleep(0.06)

    await asyncio.gather(send_all(tab1, "a"), send_all(tab2, "b"))
    sent = {f"a{i}" for i in range(25)} | {f"b{i}" for i in range(25)}
    await tab1.wait_for(lambda m: set(acknowledged(tab1)) >= sent or False, timeout=20)
    await asyncio.sleep(SETTLE_S)
    rows = history(cluster, public_id)
    assert [p for p, _ in rows] == list(range(50))
    assert {k for _, k in rows} == sent
    # One order: the history's, which both tabs saw.
    assert [k for _, k in rows] == acknowledged(tab1) == acknowledged(tab2)
    assert all(m["type"] != "error" for m in tab1.messages + tab2.messages)


async def test_killing_the_lease_holder_hands_the_simulation_over_and_loses_nothing(
        daphne_cluster):
    cluster = daphne_cluster(2)
    p1, p2 = cluster.servers
    cookie, public_id, driver = await owner_and_shared_sandbox(p1)  # p1 holds the lease
    viewers = [await viewer(p2, public_id) for _ in range(3)]
    for i in range(6):
        await driver.send(produce(f"before{i}"))
        await asyncio.sleep(0.05)
    await driver.wait_for(lambda m: applied_key(m) == "before5")
    acked = acknowledged(driver)
    marks = [len(v.messages) for v in viewers]

    p1.kill(signal.SIGKILL)  # no goodbye: the lease just stops being renewed

    for v, mark in zip(viewers, marks, strict=True):
        resync = await v.wait_for(lambda m: m["type"] == "snapshot", timeout=20, start=mark)
        assert resync["epoch"] > frames(v)[0]["epoch"], "a new holder, a new epoch"
    rows = history(cluster, public_id)
    assert [k for _, k in rows][:len(acked)] == acked, "every acknowledged command kept"
    # The owner comes back through the surviving process and carries on.
    again = await Socket(p2.ws, public_id, cookie).open()
    await again.wait_for(lambda m: m["type"] == "snapshot")
    await again.send(produce("after"))
    await again.wait_for(lambda m: applied_key(m) == "after")
    for v in viewers:
        await v.wait_for(lambda m: applied_key(m) == "after")
    assert [k for _, k in history(cluster, public_id)] == [*acked, "after"]


async def test_two_hundred_sockets_each_receive_every_frame_in_order(daphne_cluster):
    cluster = daphne_cluster(2)
    p1, p2 = cluster.servers
    _, public_id, driver = await owner_and_shared_sandbox(p1)
    # Paused, so every frame comes from a request below: the frames are few enough
    # for one test process to read 200 sockets' worth on a small machine.
    await driver.send({"type": "pause"})
    await driver.wait_for(lambda m: m["type"] == "status" and not m["playing"])
    watchers = []
    for i in range(200):
        server = p1 if i % 2 else p2
        cookie, _ = await asyncio.to_thread(visit, server.url)
        watchers.append(Socket(server.ws, public_id, cookie))
    for start in range(0, len(watchers), 20):  # as a room joins: not all in one instant
        await asyncio.gather(*(w.open() for w in watchers[start:start + 20]))
    await asyncio.gather(*(w.wait_for(lambda m: m["type"] == "snapshot", timeout=60)
                           for w in watchers))
    for i in range(10):
        await driver.send(produce(f"r{i}"))
        await driver.send({"type": "step"})
        await asyncio.sleep(0.1)
    await driver.send({"type": "pause"})
    r9 = await driver.wait_for(lambda m: applied_key(m) == "r9")
    last = await driver.wait_for(lambda m: m["type"] == "status",
                                 start=driver.messages.index(r9) + 1)
    await asyncio.gather(*(w.wait_for(lambda m: m.get("frame") == last["frame"]
                                      and m.get("epoch") == last["epoch"], timeout=30)
                           for w in watchers))
    for w in watchers:
        got = frames(w)
        numbers = [m["frame"] for m in got]
        assert numbers == list(range(numbers[0], last["frame"] + 1)), "every frame, in order"
        assert acknowledged(w) == [f"r{i}" for i in range(10)]
    await asyncio.gather(*(w.close() for w in watchers))
