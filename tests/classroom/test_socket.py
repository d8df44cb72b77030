"""The room socket and the room's simulation through the real ASGI stack: what a
student receives, what they are refused, presence, and follow-me step changes."""
import json

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.contrib.sessions.backends.db import SessionStore

from learnkafka.asgi import application
from learnkafka.classroom import broadcast, fragments, services
from learnkafka.classroom.driving import drive
from learnkafka.classroom.fanout import sockets
from learnkafka.classroom.models import Room
from learnkafka.sandbox.node import node
from learnkafka.sandbox.selectors import sandbox_get, sandbox_history

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]

ORIGIN = (b"origin", b"http://127.0.0.1")


@pytest.fixture(autouse=True)
def fresh_node():
    node.clear()
    yield
    node.clear()


@database_sync_to_async
def make_room():
    from django.contrib.auth import get_user_model
    from django.test import Client

    user = get_user_model().objects.create_user("ada", password="pw-for-ada-123")
    room = services.room_create(instructor=user, lesson_slug="kafka-basics")
    services.room_set_state(room=room, state=Room.LIVE)
    browser = Client()
    browser.force_login(user)
    return room, browser.cookies["sessionid"].value


@database_sync_to_async
def student_session(room, name):
    store = SessionStore()
    store["learner_key"] = f"key-of-{name.lower()}-0000"
    store.create()
    student = services.student_join(room=room, learner_key=store["learner_key"], name=name)
    return store.session_key, student


@database_sync_to_async
def publish(room, kind, scores=False, step=False):
    broadcast.publish(room.id, kind, scores=scores, step=step)


class Sock:
    def __init__(self, path, session_key):
        headers = [ORIGIN]
        if session_key:
            headers.append((b"cookie", f"sessionid={session_key}".encode()))
        self.comm = WebsocketCommunicator(application, path, headers=headers)
        self.got: list[dict] = []

    async def open(self):
        connected, _ = await self.comm.connect()
        assert connected
        return self

    async def next(self, kind=None, timeout=5):
        while True:
            message = json.loads(await self.comm.receive_from(timeout=timeout))
            self.got.append(message)
            if kind is None or message["type"] == kind:
                return message

    async def quiet(self, wait=0.6):
        """Every message that arrives within `wait` seconds."""
        while not await self.comm.receive_nothing(timeout=wait):
            await self.next()
        return self.got

    async def send(self, obj):
        await self.comm.send_to(text_data=json.dumps(obj))


async def test_students_never_receive_an_open_polls_answers_and_get_their_score_at_the_reveal(
        ):
    room, teacher_cookie = await make_room()
    alice_cookie, alice = await student_session(room, "Alice")
    _, bob = await student_session(room, "Bob")
    teacher = await Sock(f"/ws/room/{room.code}/", teacher_cookie).open()
    student = await Sock(f"/ws/room/{room.code}/", alice_cookie).open()
    assert (await student.next("room"))["poll"] is None
    assert (await student.next("me"))["name"] == "Alice"
    await teacher.next("presenter")

    poll = await database_sync_to_async(services.poll_push_bank)(
        room=room, ref="kafka-basics/what-is-kafka")
    await publish(room, broadcast.CHANGED)
    pushed = await student.next("room")
    assert pushed["poll"]["id"] == poll.id and pushed["poll"]["state"] == "open"
    for who, choice in ((alice, "log"), (bob, "queue")):
        await database_sync_to_async(services.poll_answer)(student=who, poll_id=poll.id,
                                                           choice=choice)
        await publish(room, broadcast.ANSWERED)
    tally = await teacher.next("presenter")
    while tally["tally"]["answered"] < 2:
        tally = await teacher.next("presenter")
    assert tally["tally"]["counts"] == {"log": 1, "queue": 1, "db": 0, "cache": 0}
    # What the student's socket got before the reveal holds no counts and no right answer.
    before = await student.quiet()
    text = json.dumps(before)
    assert '"counts"' not in text and '"correct"' not in text and '"tally"' not in text

    await database_sync_to_async(services.poll_reveal)(room=room, poll_id=poll.id)
    await publish(room, broadcast.CHANGED, scores=True)
    revealed = await student.next("room")
    assert revealed["poll"]["correct"] == "log" and revealed["poll"]["counts"]["queue"] == 1
    assert (await student.next("score"))["score"] == 100
    await teacher.comm.disconnect()
    await student.comm.disconnect()


async def test_a_student_cannot_drive_the_room_or_its_simulation():
    room, _ = await make_room()
    cookie, _ = await student_session(room, "Mallory")
    sock = await Sock(f"/ws/room/{room.code}/", cookie).open()
    await sock.next("me")
    for attempt in ({"type": "goto", "step": 3}, {"type": "reveal", "poll": 1},
                    {"type": "answer", "poll": 1, "choice": "a", "student": 1}):
        await sock.send(attempt)
        assert (await sock.next("error"))["code"] == "forbidden"
    await sock.comm.disconnect()
    # On the room's sandbox socket a student is a viewer: commands and clock controls refused.
    sandbox = WebsocketCommunicator(application, f"/ws/sandbox/{room.sandbox_id}/",
                                    headers=[ORIGIN, (b"cookie", f"sessionid={cookie}".encode())])
    assert (await sandbox.connect())[0]
    first = json.loads(await sandbox.receive_from(timeout=5))
    assert first["type"] == "snapshot"
    for attempt in ({"type": "command", "command": {"type": "crash_broker", "broker": 1}},
                    {"type": "pause"}, {"type": "load_scenario", "name": "playground"},
                    {"type": "grant", "learner": "key-of-mallory-0000", "role": "driver"}):
        await sandbox.send_to(text_data=json.dumps(attempt))
        while (reply := json.loads(await sandbox.receive_from(timeout=5)))["type"] != "error":
            pass
        assert reply["code"] == "forbidden", attempt
    await sandbox.disconnect()
    assert await database_sync_to_async(sandbox_history)(public_id=room.sandbox_id) == []
    row = await database_sync_to_async(sandbox_get)(public_id=room.sandbox_id)
    assert row.scenario == "lesson-architecture"


async def test_a_stranger_gets_no_room_socket():
    room, _ = await make_room()
    store = SessionStore()
    await database_sync_to_async(store.create)()
    sock = await Sock(f"/ws/room/{room.code}/", store.session_key).open()
    refusal = await sock.next()
    assert refusal == {"type": "error", "code": "forbidden", "message": "Join the room first."}
    assert (await sock.comm.receive_output(timeout=2))["code"] == 4403


async def test_presence_follows_the_sockets():
    room, teacher_cookie = await make_room()
    cookie, _ = await student_session(room, "Peggy")
    teacher = await Sock(f"/ws/room/{room.code}/", teacher_cookie).open()
    assert (await teacher.next("presenter"))["connected"] == 0
    student = await Sock(f"/ws/room/{room.code}/", cookie).open()
    message = await teacher.next("presenter")
    while message["connected"] != 1:
        message = await teacher.next("presenter")
    assert message["roster"][0] == {"id": message["roster"][0]["id"], "name": "Peggy",
                                    "connected": True, "score": 0}
    await student.comm.disconnect()
    message = await teacher.next("presenter")
    while message["connected"] != 0:
        message = await teacher.next("presenter")
    assert message["roster"][0]["connected"] is False
    await teacher.comm.disconnect()
    assert not sockets.rooms


async def test_follow_me_a_step_change_loads_the_steps_scenario_for_every_watcher():
    room, _ = await make_room()
    cookie, _ = await student_session(room, "Victor")
    viewer = WebsocketCommunicator(application, f"/ws/sandbox/{room.sandbox_id}/",
                                   headers=[ORIGIN, (b"cookie", f"sessionid={cookie}".encode())])
    await viewer.connect()
    first = json.loads(await viewer.receive_from(timeout=5))
    assert first["scenario"] == "lesson-architecture"
    await drive(room.sandbox_id, {"type": "load_scenario", "name": "lesson-isr"})
    while (message := json.loads(await viewer.receive_from(timeout=5)))["type"] != "snapshot":
        pass
    assert message["scenario"] == "lesson-isr"
    await viewer.disconnect()


async def test_a_step_change_reaches_every_student_as_one_fragment_rendered_once():
    """Follow me without page loads: every room socket gets the new step's fragment
    (heading, diagram skeleton, text) before the room state that names the step,
    and the process renders it once for the whole room, not once per student."""
    room, teacher_cookie = await make_room()
    socks = []
    for name in ("Ann", "Ben", "Cy"):
        cookie, _ = await student_session(room, name)
        socks.append(await Sock(f"/ws/room/{room.code}/", cookie).open())
    teacher = await Sock(f"/ws/room/{room.code}/", teacher_cookie).open()
    for sock in socks:
        await sock.next("me")
    await teacher.next("room")
    fragments._render.cache_clear()
    await database_sync_to_async(services.room_set_step)(room=room, index=1)
    await publish(room, broadcast.CHANGED, step=True)
    texts = []
    for sock in (*socks, teacher):
        step = await sock.next()
        while step["type"] not in ("step", "room"):
            step = await sock.next()
        assert step["type"] == "step" and step["step"] == 1  # the fragment comes first
        after = await sock.next("room")
        assert after["step"] == 1 and after["version"] == step["version"]
        texts.append(step["html"])
    assert len(set(texts)) == 1
    assert 'data-diagram="message-flow"' in texts[0] and 'data-step="1"' in texts[0]
    assert fragments._render.cache_info().misses == 1
    # A change that is not a step change carries no fragment.
    await publish(room, broadcast.CHANGED)
    await socks[0].next("room")
    assert [m["type"] for m in await socks[0].quiet()].count("step") == 1
    for sock in (*socks, teacher):
        await sock.comm.disconnect()
