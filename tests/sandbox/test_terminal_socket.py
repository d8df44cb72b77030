"""The terminal's socket message (docs/protocol.md, "The terminal"): a `cli` line runs on
the live simulation and its `cli_output` goes only to the socket that asked; a changing
tool needs drive rights and its commands go through the one door (stored, published)."""
import pytest

from tests.sandbox.test_consumer import (
    _tab,
    fresh_node,  # noqa: F401  (autouse fixture)
    history,
    new_session,
    open_paused,
)

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]
B = "--bootstrap-server broker-1:9092"


async def _no_cli_output_before_its_own(client):
    """`client` asks something itself: the first cli_output it gets must be its own
    answer, so no other socket's answer came before (a communicator cannot wait for
    silence: a receive timeout cancels the application)."""
    await client.send({"type": "cli", "id": "mine", "line": "kafka-topics --version"})
    reply = await client.receive_type("cli_output")
    assert reply["id"] == "mine", reply
    assert reply["output"] == "4.0.0\n"


async def test_a_read_only_line_answers_only_the_socket_that_asked():
    public_id = "terminal-room-0000000000"
    session = await new_session()
    asker, _ = await open_paused(session, public_id)
    other, _ = await _tab(public_id, session)
    await asker.send({"type": "cli", "id": 7, "line": f"kafka-topics.sh {B} --list"})
    reply = await asker.receive_type("cli_output")
    assert reply["id"] == 7
    assert "orders" in reply["output"].splitlines()
    assert reply["applied"] == 0 and reply["interactive"] is False
    await _no_cli_output_before_its_own(other)
    assert await history(public_id) == []
    await asker.close()
    await other.close()


async def test_a_changing_line_is_applied_stored_and_published_to_every_watcher():
    public_id = "terminal-room-1111111111"
    session = await new_session()
    asker, _ = await open_paused(session, public_id)
    other, _ = await _tab(public_id, session)
    await asker.send({"type": "cli", "id": "a",
                      "line": f"kafka-topics {B} --create --topic payments --partitions 2"})
    reply = await asker.receive_type("cli_output")
    assert reply["output"] == "Created topic payments.\n"
    assert reply["applied"] == 1
    frame = await other.receive_type("events")
    assert any(e["kind"] == "topic_created" and e["topic"] == "payments"
               for e in frame["events"])
    assert [e["command"]["type"] for e in await history(public_id)] == ["create_topic"]
    await asker.close()
    await other.close()


async def test_a_viewer_may_read_but_not_change():
    public_id = "terminal-room-2222222222"
    owner, _ = await open_paused(await new_session(), public_id)
    await owner.send({"type": "share", "shared": True})
    viewer, _ = await _tab(public_id, await new_session())
    await viewer.send({"type": "cli", "line": f"kafka-get-offsets {B} --topic orders"})
    read = await viewer.receive_type("cli_output")
    assert read["output"].startswith("orders:0:")
    await viewer.send({"type": "cli", "line": f"kafka-topics {B} --create --topic x"})
    refused = await viewer.receive_type("cli_output")
    assert refused["applied"] == 0
    assert "only its drivers can change it" in refused["output"]
    assert await history(public_id) == []
    await viewer.close()
    await owner.close()


@pytest.mark.parametrize("bad", [{"type": "cli"}, {"type": "cli", "line": 3},
                                 {"type": "cli", "line": "x", "id": "i" * 65},
                                 {"type": "cli", "line": "x", "input": ["a"]},
                                 {"type": "cli", "line": "x", "close": "yes"}])
async def test_a_malformed_cli_message_is_an_error_and_changes_nothing(bad):
    public_id = "terminal-room-3333333333"
    client, _ = await open_paused(await new_session(), public_id)
    await client.send(bad)
    assert (await client.receive_type("error"))["code"] == "bad_cli"
    assert await history(public_id) == []
    await client.close()


PRODUCER = f"kafka-console-producer.sh {B} --topic orders"
CONSUMER = f"kafka-console-consumer.sh {B} --topic orders --from-beginning --max-messages 1"


async def test_a_paused_sandbox_says_plainly_that_the_real_tools_would_wait():
    public_id = "terminal-room-4444444444"
    client, _ = await open_paused(await new_session(), public_id)
    await client.send({"type": "cli", "id": "p", "line": PRODUCER, "input": "hello",
                       "input_number": 1})
    typed = await client.receive_type("cli_output")
    assert typed["interactive"] is True and typed["applied"] >= 2  # produce, flush
    await client.send({"type": "cli", "id": "c", "line": PRODUCER, "close": True})
    closed = await client.receive_type("cli_output")
    assert closed["id"] == "c" and closed["interactive"] is False
    assert "1 record(s) not yet acknowledged" in closed["output"]
    assert "the simulation is paused" in closed["output"]
    await client.send({"type": "cli", "id": "r", "line": CONSUMER})
    read = await client.receive_type("cli_output")
    assert "Processed a total of 0 messages" in read["output"]
    assert "the simulation is paused" in read["output"]
    await client.close()


async def test_while_playing_ctrl_c_answers_once_the_record_is_acknowledged():
    public_id = "terminal-room-5555555555"
    client, _ = await open_paused(await new_session(), public_id)
    await client.send({"type": "cli", "line": PRODUCER, "input": "hello", "input_number": 1})
    await client.receive_type("cli_output")
    await client.send({"type": "speed", "speed": 8.0})  # little wall time to wait
    await client.receive_type("status")
    await client.send({"type": "play"})
    assert (await client.receive_type("status"))["playing"] is True
    await client.send({"type": "cli", "id": "c", "line": PRODUCER, "close": True})
    closed = await client.receive_type("cli_output")
    assert closed == {**closed, "id": "c", "interactive": False, "output": ""}
    await client.send({"type": "cli", "id": "r", "line": CONSUMER})
    read = await client.receive_type("cli_output")
    assert read["output"].endswith("hello\nProcessed a total of 1 messages\n")
    await client.close()
