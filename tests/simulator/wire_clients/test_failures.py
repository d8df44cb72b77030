"""Crashes, lost responses and cuts meet an outside client as they meet simulated ones."""

from __future__ import annotations

from tests.simulator.simhelpers import of_kind
from tests.simulator.wire_clients.wire_helpers import Wire, fetch_part, produce_part, settled, unb64


def _new_leader(wire: Wire, old: int, via: int, max_ms: int = 30_000) -> int:
    waited = 0
    while waited < max_ms:
        leader = wire.leader("t", 0, broker=via)
        if leader not in (old, -1):
            return leader
        wire.advance(250)
        waited += 250
    raise AssertionError("no new leader was elected")


def test_a_retried_idempotent_batch_is_deduplicated_and_answers_its_first_offsets():
    sim = settled()
    wire = Wire(sim)
    pid = wire.call(1, "init_producer_id", {"transactional_id": None})
    ident = {"producer_id": pid["producer_id"], "producer_epoch": pid["producer_epoch"]}
    first = wire.produce_request("t", 0, [(b"a", b"1"), (b"b", b"2")], base_sequence=0, **ident)
    assert produce_part(wire.call(1, "produce", first))["base_offset"] == 0
    # The next batch is written, but its response is lost: the connection resets.
    wire.apply({"type": "drop_messages", "source": "broker:1", "target": "wire:gw-1",
               "message_kind": "produce_response"})
    second = wire.produce_request("t", 0, [(b"c", b"3")], base_sequence=2, **ident)
    lost = wire.wait(wire.send(1, "produce", second))
    assert lost.kind == "wire_disconnect" and lost.reason == "connection_reset"
    assert sim.snapshot()["topics"][0]["partitions"][0]["log_end_offset"] == 3
    # The client reconnects and retries the very same batch.
    retry = produce_part(wire.call(1, "produce", second))
    assert retry["error_code"] == 0 and retry["base_offset"] == 2
    assert of_kind(wire.events, "duplicate_discarded", producer="gw-1", base_sequence=2)
    wire.advance(100)
    assert sim.snapshot()["topics"][0]["partitions"][0]["log_end_offset"] == 3
    values = [unb64(r["value"]) for r in
              fetch_part(wire.call(1, "fetch", wire.fetch_request("t", 0, 0)))["records"]]
    assert values == [b"1", b"2", b"3"]


def test_a_sequence_gap_answers_out_of_order_sequence_number():
    wire = Wire(settled())
    pid = wire.call(1, "init_producer_id", {})
    ident = {"producer_id": pid["producer_id"], "producer_epoch": 0}
    wire.call(1, "produce", wire.produce_request("t", 0, [(b"a", b"1")], base_sequence=0,
                                                 **ident))
    gap = wire.produce_request("t", 0, [(b"b", b"2")], base_sequence=5, **ident)
    assert produce_part(wire.call(1, "produce", gap))["error_code"] == 45


def test_a_leader_crash_disconnects_then_the_new_leader_takes_the_request():
    sim = settled()
    wire = Wire(sim)
    assert wire.leader() == 1
    acked = produce_part(wire.call(1, "produce", wire.produce_request("t", 0, [(b"k", b"1")])))
    assert acked["error_code"] == 0
    cid = wire.send(1, "produce", wire.produce_request("t", 0, [(b"k", b"2")]))
    wire.apply({"type": "crash_broker", "broker": 1})
    gone = wire.wait(cid)
    assert gone.kind == "wire_disconnect" and gone.broker == 1 and gone.reason == "broker_down"
    # A request to the dead broker is refused the same way.
    again = wire.wait(wire.send(1, "metadata", {"topics": None}))
    assert again.kind == "wire_disconnect"
    leader = _new_leader(wire, old=1, via=2)
    part = produce_part(wire.call(leader, "produce", wire.produce_request("t", 0, [(b"k", b"2")])))
    assert part["error_code"] == 0
    values = [unb64(r["value"]) for r in fetch_part(
        wire.call(leader, "fetch", wire.fetch_request("t", 0, 0)))["records"]]
    assert values[0] == b"1" and values[-1] == b"2"


def test_a_crash_while_a_fetch_waits_disconnects_it():
    sim = settled()
    wire = Wire(sim)
    cid = wire.send(1, "fetch", wire.fetch_request("t", 0, 0, max_wait_ms=5_000))
    wire.advance(20)
    wire.apply({"type": "crash_broker", "broker": 1})
    gone = wire.wait(cid)
    assert gone.kind == "wire_disconnect" and cid in gone.correlation_ids


def test_an_isolated_broker_answers_nothing_until_the_gateway_closes_the_connection():
    sim = settled()
    wire = Wire(sim)
    sim.apply({"type": "isolate_broker", "broker": 1})
    cid = wire.send(1, "metadata", {"topics": None})
    wire.advance(1_000)
    assert wire.responses(correlation_id=cid) == [] and wire.disconnects() == []
    sim.apply({"type": "wire_close", "client": "gw-1", "broker": 1})
    assert sim.snapshot()["wire_clients"][0]["pending"] == []
    sim.apply({"type": "reconnect_broker", "broker": 1})
    wire.advance(500)
    assert wire.call(1, "metadata", {"topics": None})["brokers"]
