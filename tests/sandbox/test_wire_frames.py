"""The door of the sandbox socket (learnkafka/sandbox/wire.py): hostile text gets a
clear error, the socket stays open, and nothing reaches the simulator."""
import json

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.contrib.sessions.backends.db import SessionStore

from learnkafka.asgi import application
from learnkafka.sandbox import wire
from learnkafka.sandbox.models import Sandbox
from learnkafka.sandbox.node import node
from learnkafka.sandbox.selectors import sandbox_history
from learnkafka.sandbox.wire import MAX_DEPTH, MAX_MESSAGE_BYTES, WireError, parse_frame

ORIGIN = (b"origin", b"http://127.0.0.1")
SANDBOX_ID = "wireframesabcdefghijklmn"


def refused(text=None, data=None) -> str:
    with pytest.raises(WireError) as caught:
        parse_frame(text, data)
    assert caught.value.message
    return caught.value.code


# ---- parse_frame, alone ------------------------------------------------------------


@pytest.mark.parametrize("opener, closer", [("[", "]"), ('{"a":', "}")])
def test_nesting_a_thousand_deep_is_bad_json_not_a_recursion_error(opener, closer):
    text = '{"type": "x", "deep": ' + opener * 1000 + "1" + closer * 1000 + "}"
    assert refused(text) == "bad_json"


def test_nesting_up_to_the_limit_is_read():
    text = '{"type": "x", "v": ' + "[" * (MAX_DEPTH - 1) + "]" * (MAX_DEPTH - 1) + "}"
    assert parse_frame(text)["type"] == "x"
    assert refused('{"type": "x", "v": ' + "[" * MAX_DEPTH + "]" * MAX_DEPTH + "}") == "bad_json"


def test_brackets_inside_strings_do_not_count_as_nesting():
    text = json.dumps({"type": "x", "value": "[{" * 5000 + '\\"[' * 100})
    assert parse_frame(text)["value"].startswith("[{[{")


def test_the_size_limit_counts_utf8_bytes_not_characters():
    euro = "€"  # three bytes in UTF-8
    assert len(euro.encode()) == 3
    shell = '{"type": "x", "v": ""}'
    room = MAX_MESSAGE_BYTES - len(shell)
    exactly = '{"type": "x", "v": "' + euro * (room // 3) + "a" * (room % 3) + '"}'
    assert len(exactly.encode()) == MAX_MESSAGE_BYTES
    assert parse_frame(exactly)["type"] == "x"
    over = '{"type": "x", "v": "' + euro * (room // 3) + "a" * (room % 3 + 1) + '"}'
    assert refused(over) == "too_large"
    # The finding: 65,000 characters of 3 bytes each is 195 KB, and was parsed.
    assert refused('{"type": "x", "v": "' + euro * 65_000 + '"}') == "too_large"


def test_binary_frames_are_read_as_utf8_json_and_otherwise_refused():
    assert parse_frame(None, b'{"type": "pause"}') == {"type": "pause"}
    assert refused(None, b"\xff\xfe{") == "bad_json"
    assert refused(None, b"x" * (MAX_MESSAGE_BYTES + 1)) == "too_large"
    assert refused(None, b"") == "bad_json"


@pytest.mark.parametrize("message", [
    {"type": "command", "command": {"type": "produce", "key": "\ud800"}},
    {"type": "command", "command": {"type": "produce", "value": "ok \udfff"}},
    {"type": "command", "command": {"type": "add_consumer", "group": "g\ud83d"}},
    {"type": "command", "command": {"type": "add_producer", "configs": {"\udc00": "1"}}},
    {"type": "command", "command": {"type": "produce", "value": "a\x00b"}},
    {"type": "command", "command": {"type": "produce", "headers": {"h\x00": "v"}}},
    {"type": "rewind\x00", "to_ms": 1},
    {"type": "command", "command": {"type": "subscribe", "topics": ["ok", "\ud800"]}},
])
def test_lone_surrogates_and_nul_anywhere_are_bad_text(message):
    assert refused(json.dumps(message)) == "bad_text"


def test_bad_text_errors_name_the_field_in_printable_words():
    with pytest.raises(WireError) as caught:
        parse_frame(json.dumps({"type": "command", "command": {"key": "\ud800"}}))
    assert '"command.key"' in caught.value.message
    json.dumps(caught.value.message).encode("utf-8")  # sendable as it is


@pytest.mark.parametrize("text", ['{"type": "x", "v": NaN}', '{"type": "x", "v": Infinity}',
                                  '{"type": "x", "v": -Infinity}', '{"type": "x", "v": 1e400}',
                                  '{"type": "x", "v": ' + "9" * 5000 + "}"])
def test_numbers_json_does_not_have_are_bad_json(text):
    assert refused(text) == "bad_json"


def test_other_control_characters_are_text_kafka_accepts():
    # Kafka keys and values are bytes: a tab or U+0001 is a legitimate record.
    message = parse_frame(json.dumps({"type": "command", "command": {"value": "a\tb\x01c"}}))
    assert message["command"]["value"] == "a\tb\x01c"


@pytest.mark.parametrize("text, code", [("", "bad_json"), ("[]", "bad_message"),
                                        ('{"type": 1}', "bad_message"), ("null", "bad_message")])
def test_shape(text, code):
    assert refused(text) == code


def test_a_sandbox_id_must_match_in_full():
    good = "A" * 24
    assert wire.valid_public_id(good)
    assert not wire.valid_public_id(good + "\n")
    assert not wire.valid_public_id("\n" + good)
    assert not wire.valid_public_id("A" * 15)
    assert not wire.valid_public_id("A" * 65)


# ---- through the real ASGI stack ----------------------------------------------------


@database_sync_to_async
def _new_session() -> str:
    store = SessionStore()
    store.create()
    return store.session_key


@pytest.fixture
def fresh_registry():
    node.clear()
    yield
    node.clear()


async def _open(session_key, path=f"/ws/sandbox/{SANDBOX_ID}/"):
    comm = WebsocketCommunicator(application, path, headers=[
        ORIGIN, (b"cookie", f"sessionid={session_key}".encode())])
    connected, _ = await comm.connect()
    assert connected
    return comm


async def _next(comm, kind):
    while True:
        message = json.loads(await comm.receive_from(timeout=5))
        if message["type"] == kind:
            return message


@pytest.mark.django_db(transaction=True)
@pytest.mark.asyncio
@pytest.mark.usefixtures("fresh_registry")
async def test_deep_json_and_bad_text_keep_the_socket_and_change_nothing():
    comm = await _open(await _new_session())
    first = await _next(comm, "snapshot")
    await comm.send_to(text_data='{"type": "pause"}')
    await _next(comm, "status")
    hostile = [
        ("[" * 1000 + "]" * 1000, "bad_json"),
        (json.dumps({"type": "command", "command": {
            "type": "produce", "producer": "A", "topic": "orders", "key": "\ud800",
            "value": "v"}}), "bad_text"),
        (json.dumps({"type": "command", "command": {
            "type": "produce", "producer": "A", "topic": "orders", "value": "x\x00"}}),
         "bad_text"),
        ('{"type": "command", "command": {"type": "produce", "producer": "A", '
         '"topic": "orders", "value": "' + "€" * 30_000 + '"}}', "too_large"),
    ]
    for text, code in hostile:
        await comm.send_to(text_data=text)
        error = await _next(comm, "error")
        assert error["code"] == code, error
    await comm.send_to(bytes_data=b'{"type": "resync"}')
    after = await _next(comm, "snapshot")
    assert after["scenario"] == first["scenario"]
    assert await database_sync_to_async(sandbox_history)(public_id=SANDBOX_ID) == []
    await comm.disconnect()


@pytest.mark.django_db(transaction=True)
@pytest.mark.asyncio
@pytest.mark.usefixtures("fresh_registry")
async def test_a_sandbox_id_with_a_trailing_newline_is_forbidden_and_never_stored():
    comm = await _open(await _new_session(), path=f"/ws/sandbox/{SANDBOX_ID}%0A/")
    error = json.loads(await comm.receive_from(timeout=5))
    assert error["code"] == "forbidden"
    closed = await comm.receive_output(timeout=5)
    assert closed == {"type": "websocket.close", "code": 4403}
    stored = await database_sync_to_async(list)(Sandbox.objects.values_list("public_id", flat=True))
    assert stored == []


@pytest.mark.parametrize("text", [
    '"' + '\\"' * 30_000,            # one unterminated string of escaped quotes
    '"' + '\\"' * 30_000 + "\\",     # ... ending in a lone backslash
    '"' * 60_000 + "[",
    "]" * 60_000,
    "[]" * 30_000,
])
def test_pathological_text_is_refused_in_one_pass(text):
    # (A string pattern that could fail was retried from every later quote:
    # the first case took minutes. Now each is one linear pass.)
    assert refused(text) in ("bad_json", "bad_message")


def test_depth_ignores_brackets_in_strings_with_escaped_quotes():
    from learnkafka.sandbox.wire import _nesting_depth

    assert _nesting_depth(json.dumps({"a": '[[[\\"{{', "b": [[1]]})) == 3
    assert _nesting_depth('[["a\\') == 2  # after an unterminated string nothing counts
    assert _nesting_depth("") == 0
