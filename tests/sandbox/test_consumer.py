"""The sandbox socket as docs/protocol.md describes it, through the real ASGI stack
(origin check, session middleware, router, consumer, runtime, simulator)."""
import asyncio
import json

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.contrib.sessions.backends.db import SessionStore

from learnkafka.asgi import application
from learnkafka.sandbox.models import Sandbox, SandboxCommand
from learnkafka.sandbox.node import node
from learnkafka.sandbox.selectors import sandbox_history
from simulator.partitioners import partition_for_key
from tests.sandbox.wsclient import check_follows

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]

ORIGIN = (b"origin", b"http://127.0.0.1")
TOPIC = "orders"


@database_sync_to_async
def new_session() -> str:
    store = SessionStore()
    store.create()
    return store.session_key


@database_sync_to_async
def learner_of(session_key: str) -> str:
    return SessionStore(session_key=session_key)["learner_key"]


@database_sync_to_async
def history(public_id="abcdefghijklmnopqrstuvwx") -> list[dict]:
    return sandbox_history(public_id=public_id)


@pytest.fixture(autouse=True)
def fresh_node():
    node.clear()
    yield
    node.clear()


class Client:
    """A WebsocketCommunicator that checks, as it reads, that every frame follows on
    from the one before (wsclient.check_follows)."""

    def __init__(self, path: str, session_key: str | None, origin=ORIGIN):
        headers = [origin] if origin else []
        if session_key:
            headers.append((b"cookie", f"sessionid={session_key}".encode()))
        self.comm = WebsocketCommunicator(application, path, headers=headers)
        self.at = None

    async def connect(self):
        return await self.comm.connect()

    async def receive(self, timeout=3):
        message = json.loads(await self.comm.receive_from(timeout=timeout))
        self.at = check_follows(self.at, message)
        return message

    async def receive_type(self, kind: str, timeout=3):
        """Next message of `kind`, skipping clock-tick/event frames in between."""
        while True:
            message = await self.receive(timeout)
            if message["type"] == kind:
                return message
            assert message["type"] == "events", message

    async def send(self, obj):
        await self.comm.send_to(text_data=json.dumps(obj))

    async def close(self):
        await self.comm.disconnect()


async def open_paused(session_key, public_id="abcdefghijklmnopqrstuvwx"):
    client = Client(f"/ws/sandbox/{public_id}/", session_key)
    connected, _ = await client.connect()
    assert connected
    snapshot = await client.receive()
    assert snapshot["type"] == "snapshot"
    await client.send({"type": "pause"})
    status = await client.receive_type("status")
    assert status["playing"] is False
    return client, snapshot


async def test_the_first_message_is_a_full_snapshot_with_its_frame_number():
    client = Client("/ws/sandbox/abcdefghijklmnopqrstuvwx/", await new_session())
    connected, _ = await client.connect()
    assert connected
    first = await client.receive()
    assert first["type"] == "snapshot" and isinstance(first["frame"], int)
    assert isinstance(first["epoch"], int) and "seq" not in first
    assert first["sandbox"] == "abcdefghijklmnopqrstuvwx"
    assert first["scenario"] == "playground"
    assert isinstance(first["state"], dict) and first["state"]
    assert {"now_ms", "speed", "playing"} <= first.keys()
    await client.close()


async def test_connecting_to_a_new_id_creates_a_sandbox_owned_by_that_session():
    session = await new_session()
    client, _ = await open_paused(session)
    row = await database_sync_to_async(Sandbox.objects.get)(public_id="abcdefghijklmnopqrstuvwx")
    assert row.owner_key == await learner_of(session)
    await client.close()


async def test_a_command_answers_with_events_in_simulator_order_and_is_logged():
    client, _ = await open_paused(await new_session())
    await client.send({"type": "command", "command": {
        "type": "produce", "producer": "A", "topic": TOPIC, "key": "customer-42", "value": "hi"}})
    frame = await client.receive_type("events")
    seqs = [e["seq"] for e in frame["events"]]
    assert seqs and seqs == sorted(seqs) and len(set(seqs)) == len(seqs)
    # Step until the record reaches a leader's log: each step is one more frame.
    appended = []
    for _ in range(40):
        appended = [e for e in frame["events"] if e["kind"] == "records_appended" and e["records"]]
        if appended:
            break
        await client.send({"type": "step"})
        frame = await client.receive_type("events")
    assert appended, "the produced record never reached a leader"
    assert appended[0]["partition"] == partition_for_key("customer-42", 3)[0]
    await client.close()  # the last socket leaving waits for queued writes
    assert [e["command"]["key"] for e in await history()] == ["customer-42"]


@pytest.mark.parametrize(
    "raw, code",
    [
        ("not json", "bad_json"),
        ("[1, 2]", "bad_message"),
        ('{"no": "type"}', "bad_message"),
        ('{"type": "fly"}', "unknown_type"),
        ('{"type": "command", "command": "produce"}', "bad_command"),
        ('{"type": "command", "command": {"type": "teleport"}}', "bad_command"),
        ('{"type": "command", "command": {"type": "crash_broker", "broker": 99}}', None),
        # the gateway's own commands never come from a browser (policy.check_browser_command)
        ('{"type": "command", "command": {"type": "wire_connect", "client": "gw-1"}}',
         "forbidden"),
        ('{"type": "command", "command": {"type": "wire_request", "client": "gw-1", '
         '"broker": 1, "api": "metadata", "correlation_id": 1, "request": {}}}', "forbidden"),
        ('{"type": "speed", "speed": 3}', "bad_speed"),
        ('{"type": "speed", "speed": true}', "bad_speed"),
        ('{"type": "rewind", "to_ms": -1}', "bad_time"),
        ('{"type": "rewind", "to_ms": "soon"}', "bad_time"),
        ('{"type": "load_scenario", "name": "../../etc/passwd"}', "unknown_scenario"),
    ],
)
async def test_bad_input_gets_an_error_changes_nothing_and_keeps_the_socket_open(raw, code):
    client, before = await open_paused(await new_session())
    await client.comm.send_to(text_data=raw)
    error = await client.receive_type("error")
    assert error["message"]
    if code:
        assert error["code"] == code
    await client.send({"type": "resync"})
    after = await client.receive_type("snapshot")
    assert after["state"] == (await _paused_state(client))["state"]
    assert await history() == []
    assert before["scenario"] == after["scenario"]
    await client.close()


async def _paused_state(client):
    await client.send({"type": "resync"})
    return await client.receive_type("snapshot")


async def test_an_oversized_message_is_refused_unread():
    client, _ = await open_paused(await new_session())
    await client.send({"type": "command", "command": {
        "type": "produce", "producer": "A", "topic": TOPIC, "value": "x" * 70_000}})
    error = await client.receive_type("error")
    assert error["code"] == "too_large"
    assert await history() == []
    await client.close()


async def _flood(client, message: dict, count: int = 200) -> list[dict]:
    """Send `message` `count` times at once; every reply until the socket goes quiet."""
    for _ in range(count):
        await client.send(message)
    replies = []
    while not await client.comm.receive_nothing(timeout=0.5):
        replies.append(await client.receive())
    return replies


async def test_a_flood_gets_one_error_and_its_excess_is_dropped():
    client, _ = await open_paused(await new_session())
    # Each message served gets its own answer (an unknown type's error), so the
    # answers count what was served.
    replies = await _flood(client, {"type": "no_such_request"})
    codes = [r["code"] for r in replies if r["type"] == "error"]
    assert codes.count("rate_limited") == 1
    assert 30 <= codes.count("unknown_type") < 100, "a burst is served, the rest is not"
    await client.close()


async def test_a_flood_of_resyncs_is_answered_with_a_bounded_number_of_snapshots():
    client, _ = await open_paused(await new_session())
    replies = await _flood(client, {"type": "resync"})
    errors = [r for r in replies if r["type"] == "error"]
    snapshots = [r for r in replies if r["type"] == "snapshot"]
    assert [e["code"] for e in errors] == ["rate_limited"]
    # Requests waiting for one snapshot share it; those over the rate get none.
    assert 1 <= len(snapshots) < 100
    await client.close()


async def test_another_session_cannot_open_my_sandbox():
    mine, _ = await open_paused(await new_session())
    stranger = Client("/ws/sandbox/abcdefghijklmnopqrstuvwx/", await new_session())
    connected, _ = await stranger.connect()
    assert connected
    refusal = await stranger.receive()
    assert refusal["type"] == "error" and refusal["code"] == "forbidden"
    assert "state" not in refusal
    closed = await stranger.comm.receive_output(timeout=2)
    assert closed["type"] == "websocket.close" and closed["code"] == 4403
    # ...and my sandbox did not notice anything.
    await mine.send({"type": "resync"})
    assert (await mine.receive_type("snapshot"))["sandbox"] == "abcdefghijklmnopqrstuvwx"
    await mine.close()


async def test_two_learners_commands_never_reach_each_other():
    alice, _ = await open_paused(await new_session(), "alice-sandbox-0000000000")
    bob, bob_before = await open_paused(await new_session(), "bob-sandbox-000000000000")
    await alice.send({"type": "command", "command": {"type": "crash_broker", "broker": 1}})
    crash = await alice.receive_type("events")
    assert any(e["kind"] == "broker_crashed" for e in crash["events"])
    await bob.send({"type": "resync"})
    bob_after = await bob.receive_type("snapshot")
    assert bob_after["state"] == bob_before["state"] or bob_after["now_ms"] >= bob_before["now_ms"]
    assert json.dumps(bob_after["state"]).count('"crashed"') == 0
    await alice.close()
    await bob.close()


async def test_a_socket_without_a_session_is_told_to_load_the_page():
    client = Client("/ws/sandbox/abcdefghijklmnopqrstuvwx/", None)
    connected, _ = await client.connect()
    assert connected
    assert (await client.receive())["code"] == "no_session"
    closed = await client.comm.receive_output(timeout=2)
    assert closed["code"] == 4401
    assert not await database_sync_to_async(Sandbox.objects.exists)()


async def test_a_socket_from_a_foreign_origin_is_rejected():
    client = Client("/ws/sandbox/abcdefghijklmnopqrstuvwx/", await new_session(),
                    origin=(b"origin", b"http://evil.example"))
    connected, _ = await client.connect()
    assert not connected


async def test_a_sandbox_survives_a_server_restart():
    session = await new_session()
    client, _ = await open_paused(session)
    for key in ["k1", "k2", "k3"]:
        await client.send({"type": "command", "command": {
            "type": "produce", "producer": "A", "topic": TOPIC, "key": key, "value": key}})
        await client.receive_type("events")
    for _ in range(10):
        await client.send({"type": "step"})
        await client.receive_type("events")
    await client.send({"type": "resync"})
    before = await client.receive_type("snapshot")
    await client.close()
    for live in list(node.live.values()):  # a restart stores every clock first (SIGTERM)
        await live.recorder.flush()

    node.clear()  # the process forgets every live simulation, as a restart does
    assert "abcdefghijklmnopqrstuvwx" not in node.live

    again = Client("/ws/sandbox/abcdefghijklmnopqrstuvwx/", session)
    assert (await again.connect())[0]
    after = await again.receive()
    assert after["type"] == "snapshot"
    assert after["now_ms"] == before["now_ms"]
    assert after["state"] == before["state"]
    await again.close()


async def test_a_made_up_session_cookie_is_no_session():
    client = Client("/ws/sandbox/abcdefghijklmnopqrstuvwx/", "madeupsessionkey1234567890abcdef")
    connected, _ = await client.connect()
    assert connected
    assert (await client.receive())["code"] == "no_session"
    assert (await client.comm.receive_output(timeout=2))["code"] == 4401
    assert not await database_sync_to_async(Sandbox.objects.exists)()


async def test_a_stored_history_that_no_longer_replays_starts_over_and_says_so():
    session = await new_session()
    client = Client("/ws/sandbox/brokenhistory00000000000/", session)
    assert (await client.connect())[0]  # gives the session its learner key
    await client.close()
    node.clear()
    box = await database_sync_to_async(Sandbox.objects.create)(
        public_id="brokenhistory00000000001", owner_key=await learner_of(session),
        scenario="playground", seed=5, now_ms=1000)
    await database_sync_to_async(SandboxCommand.objects.create)(
        sandbox=box, position=0, at_ms=10, command={"type": "crash_broker", "broker": 99})
    client = Client("/ws/sandbox/brokenhistory00000000001/", session)
    assert (await client.connect())[0]
    snapshot = await client.receive()
    assert snapshot["type"] == "snapshot" and snapshot["now_ms"] == 0
    notice = await client.receive_type("error")
    assert notice["code"] == "sandbox_reset" and "starts over" in notice["message"]
    await client.close()
    row = await database_sync_to_async(Sandbox.objects.get)(public_id="brokenhistory00000000001")
    assert await history("brokenhistory00000000001") == [] and row.now_ms == 0
    archived = await database_sync_to_async(Sandbox.objects.get)(archived=True)
    assert archived.rebuild_error, "the unreadable history is kept aside, with why"
    assert await database_sync_to_async(archived.commands.count)() == 1


async def test_more_tabs_do_not_buy_more_rate_or_unbounded_sockets():
    session = await new_session()
    tabs = []
    for _ in range(8):
        tab = Client("/ws/sandbox/abcdefghijklmnopqrstuvwx/", session)
        assert (await tab.connect())[0]
        assert (await tab.receive())["type"] == "snapshot"
        tabs.append(tab)
    ninth = Client("/ws/sandbox/abcdefghijklmnopqrstuvwx/", session)
    assert (await ninth.connect())[0]
    assert (await ninth.receive())["code"] == "too_many_sockets"
    assert (await ninth.comm.receive_output(timeout=2))["code"] == 4429
    await tabs[0].send({"type": "pause"})  # no clock frames from here on
    for tab in tabs:
        while not await tab.comm.receive_nothing(timeout=0.3):
            await tab.comm.receive_from()
    # 4 tabs x 25 messages: each tab is under its own burst, together over the shared one.
    for tab in tabs[:4]:
        for _ in range(25):
            await tab.send({"type": "resync"})
    replies = []
    for tab in tabs[:4]:
        for _ in range(200):
            if await tab.comm.receive_nothing(timeout=0.3):
                break
            replies.append(json.loads(await tab.comm.receive_from()))
    assert any(r.get("code") == "rate_limited" for r in replies)
    assert len([r for r in replies if r["type"] == "snapshot"]) < 100
    for tab in tabs:
        await tab.close()


async def _role_becomes(public_id, learner_key, role):
    for _ in range(100):
        roles = {w.role for w in node.hubs[public_id].watchers if w.learner_key == learner_key}
        if roles == {role}:
            return
        await asyncio.sleep(0.02)
    raise AssertionError(f"{learner_key}'s sockets did not become {role}: {roles}")


async def _tab(public_id, session):
    client = Client(f"/ws/sandbox/{public_id}/", session)
    assert (await client.connect())[0]
    return client, await client.receive_type("snapshot")


async def test_the_owner_shares_grants_and_revokes_driving_and_a_viewer_changes_nothing():
    public_id = "shared-room-000000000000"
    owner, _ = await open_paused(await new_session(), public_id)
    student_session = await new_session()
    refused = Client(f"/ws/sandbox/{public_id}/", student_session)
    assert (await refused.connect())[0]
    assert (await refused.receive())["code"] == "forbidden", "private: a stranger cannot watch"
    await refused.close()

    await owner.send({"type": "share", "shared": True})
    student, _ = await _tab(public_id, student_session)
    for request in ({"type": "command", "command": {"type": "crash_broker", "broker": 1}},
                    {"type": "play"}, {"type": "reset"}, {"type": "rewind", "to_ms": 0},
                    {"type": "grant", "learner": "x" * 32}):
        await student.send(request)
        assert (await student.receive_type("error"))["code"] == "forbidden"
    assert await history(public_id) == []

    student_key = await learner_of(student_session)
    await owner.send({"type": "grant", "learner": student_key, "role": "driver"})
    await _role_becomes(public_id, student_key, "driver")  # on the open socket, at once
    await student.send({"type": "command", "command": {"type": "crash_broker", "broker": 1}})
    frame = await owner.receive_type("events")
    assert any(e["kind"] == "broker_crashed" for e in frame["events"])
    assert [e["command"]["type"] for e in await history(public_id)] == ["crash_broker"]

    await owner.send({"type": "revoke", "learner": student_key})
    await _role_becomes(public_id, student_key, "viewer")  # shared: a viewer again
    await student.send({"type": "command", "command": {"type": "restart_broker", "broker": 1}})
    assert (await student.receive_type("error"))["code"] == "forbidden"
    assert len(await history(public_id)) == 1
    await student.close()
    await owner.close()


async def test_a_simulation_takes_at_most_max_watchers_sockets_on_a_process(monkeypatch):
    from learnkafka.sandbox import policy

    monkeypatch.setattr(policy, "MAX_WATCHERS", 3)
    public_id = "watchers-cap-00000000000"
    owner, _ = await open_paused(await new_session(), public_id)
    await owner.send({"type": "share", "shared": True})
    viewers = [(await _tab(public_id, await new_session()))[0] for _ in range(2)]
    late = Client(f"/ws/sandbox/{public_id}/", await new_session())
    assert (await late.connect())[0]
    refusal = await late.receive()
    assert refusal["code"] == "too_many_sockets" and "watchers" in refusal["message"]
    await viewers[0].close()  # a place comes free
    again = Client(f"/ws/sandbox/{public_id}/", await new_session())
    assert (await again.connect())[0]
    assert (await again.receive_type("snapshot"))["type"] == "snapshot"
    for client in (again, viewers[1], owner):
        await client.close()


async def test_a_socket_message_is_handled_without_a_trip_to_the_sync_thread(monkeypatch):
    import channels.consumer

    from learnkafka.core.sockets import SocketConsumer

    async def no_trip():
        raise AssertionError("a message waited for the sync thread")

    monkeypatch.setattr(channels.consumer, "aclose_old_connections", no_trip)
    owner, _ = await open_paused(await new_session(), "no-sync-hop-000000000000")
    await owner.send({"type": "command", "command": {"type": "crash_broker", "broker": 1}})
    frame = await owner.receive_type("events")
    assert any(e["kind"] == "broker_crashed" for e in frame["events"])
    await owner.close()
    with pytest.raises(ValueError, match="No handler"):
        await SocketConsumer().dispatch({"type": "no.such.handler"})


async def test_ownership_follows_the_learner_key_not_the_session_key():
    session = await new_session()
    owner, _ = await open_paused(session, "owned-by-key-000000000000")
    await owner.close()
    key = await learner_of(session)

    @database_sync_to_async
    def rotated() -> str:  # what Django's login does: a new session key, same data
        store = SessionStore(session_key=session)
        store.cycle_key()
        return store.session_key

    new_key = await rotated()
    assert new_key != session and await learner_of(new_key) == key
    again, _ = await _tab("owned-by-key-000000000000", new_key)
    await again.send({"type": "command", "command": {"type": "crash_broker", "broker": 2}})
    frame = await again.receive_type("events")
    assert any(e["kind"] == "broker_crashed" for e in frame["events"])
    await again.close()
