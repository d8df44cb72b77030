"""Metadata, Produce, InitProducerId, ListOffsets and Fetch from an outside client,
end to end through Simulation.apply/advance and the brokers' own handlers."""

from __future__ import annotations

import json

import pytest

from simulator import SimulationError
from simulator.partitioners import murmur2
from simulator.wire_clients import APIS
from tests.simulator.wire_clients.wire_helpers import (
    Wire,
    b64,
    fetch_part,
    produce_part,
    settled,
    unb64,
)


def test_metadata_lists_brokers_topics_leaders_and_an_unknown_topic():
    wire = Wire(settled())
    meta = wire.metadata(1, [{"name": "t"}, {"name": "nope"}])
    assert [b["node_id"] for b in meta["brokers"]] == [1, 2, 3]
    t, nope = meta["topics"]
    assert t["error_code"] == 0 and t["name"] == "t" and len(t["partitions"]) == 2
    p0 = t["partitions"][0]
    assert p0["leader_id"] == 1 and p0["replica_nodes"] == [1, 2, 3] and p0["isr_nodes"]
    assert nope["error_code"] == 3 and nope["partitions"] == []  # UNKNOWN_TOPIC_OR_PARTITION
    every = wire.metadata(2, None)
    assert [x["name"] for x in every["topics"]] == ["t"]


def test_produced_bytes_come_back_from_fetch_exactly_and_read_as_text_in_the_log():
    sim = settled()
    wire = Wire(sim)
    records = [(b"k1", b"order-42"), (None, bytes(range(256))), (b"\x00k", b"base64:AAAA"),
               (b"k4", None)]
    part = produce_part(wire.call(1, "produce", wire.produce_request("t", 0, records)))
    assert part["error_code"] == 0 and part["base_offset"] == 0
    log = sim.snapshot()["topics"][0]["partitions"][0]["records"]
    assert log[0]["key"] == "k1" and log[0]["value"] == "order-42"  # readable in diagrams
    assert log[1]["value"].startswith("base64:")
    got = fetch_part(wire.call(1, "fetch", wire.fetch_request("t", 0, 0)))
    assert got["error_code"] == 0 and got["high_watermark"] == 4
    assert [(unb64(r["key"]), unb64(r["value"])) for r in got["records"]] == records
    assert [r["offset"] for r in got["records"]] == [0, 1, 2, 3]


def test_a_keyed_record_lands_in_the_partition_the_client_chose():
    sim = settled(partitions=3)
    wire = Wire(sim)
    key = b"customer-7"
    chosen = (murmur2(key) & 0x7FFFFFFF) % 3  # what a Java/kafka-python client computes
    leader = wire.leader("t", chosen)
    assert produce_part(wire.call(leader, "produce",
                                  wire.produce_request("t", chosen, [(key, b"v")])))[
        "error_code"] == 0
    sim.advance(50)
    parts = sim.snapshot()["topics"][0]["partitions"]
    assert [len(p["records"]) for p in parts] == [1 if i == chosen else 0 for i in range(3)]


def test_produce_to_a_follower_answers_not_leader_or_follower():
    wire = Wire(settled())
    part = produce_part(wire.call(2, "produce", wire.produce_request("t", 0, [(b"k", b"v")])))
    assert part["error_code"] == 6 and part["base_offset"] == -1


def test_produce_errors_that_are_answered_without_writing():
    sim = settled()
    wire = Wire(sim)
    empty = produce_part(wire.call(1, "produce", wire.produce_request("t", 0, [])))
    assert empty["error_code"] == 87  # INVALID_RECORD
    big = produce_part(wire.call(1, "produce",
                                 wire.produce_request("t", 0, [(b"k", b"x" * 100_001)])))
    assert big["error_code"] == 10  # MESSAGE_TOO_LARGE
    unknown = produce_part(wire.call(1, "produce", wire.produce_request("zz", 0, [(b"k", b"v")])))
    assert unknown["error_code"] == 3
    assert sim.snapshot()["topics"][0]["partitions"][0]["log_end_offset"] == 0


def test_acks_zero_gets_no_response_but_the_records_are_written():
    sim = settled()
    wire = Wire(sim)
    cid = wire.send(1, "produce", wire.produce_request("t", 0, [(b"k", b"v")], acks=0))
    wire.advance(200)
    assert wire.responses(correlation_id=cid) == []
    assert sim.snapshot()["topics"][0]["partitions"][0]["log_end_offset"] == 1
    assert sim.snapshot()["wire_clients"][0]["pending"] == []


def test_init_producer_id_hands_out_ids_and_bumps_an_epoch():
    wire = Wire(settled())
    first = wire.call(1, "init_producer_id", {"transactional_id": None,
                                              "transaction_timeout_ms": 60_000,
                                              "producer_id": -1, "producer_epoch": -1})
    second = wire.call(2, "init_producer_id", {"transactional_id": None})
    assert first["error_code"] == 0 and first["producer_epoch"] == 0
    assert second["producer_id"] == first["producer_id"] + 1
    bumped = wire.call(1, "init_producer_id", {"producer_id": first["producer_id"],
                                               "producer_epoch": 0})
    assert (bumped["producer_id"], bumped["producer_epoch"]) == (first["producer_id"], 1)


def test_list_offsets_earliest_latest_and_by_timestamp():
    sim = settled()
    wire = Wire(sim)
    wire.call(1, "produce", wire.produce_request("t", 0, [(b"a", b"1"), (b"b", b"2")]))
    wire.advance(100)
    later_ms = sim.now_ms
    wire.call(1, "produce", wire.produce_request("t", 0, [(b"c", b"3")]))

    def offset(ts: int) -> dict:
        answer = wire.call(1, "list_offsets", {"replica_id": -1, "isolation_level": 0,
                                               "topics": [{"name": "t", "partitions": [
                                                   {"partition_index": 0, "timestamp": ts}]}]})
        return answer["topics"][0]["partitions"][0]

    assert offset(-2)["offset"] == 0
    assert offset(-1)["offset"] == 3
    by_time = offset(later_ms)
    assert by_time["offset"] == 2 and by_time["timestamp"] >= later_ms
    assert offset(sim.now_ms + 10_000)["offset"] == -1  # nothing that late
    assert offset(-3)["offset"] == 2  # the record with the largest timestamp
    assert wire.call(2, "list_offsets", {"topics": [{"name": "t", "partitions": [
        {"partition_index": 0, "timestamp": -1}]}]})["topics"][0]["partitions"][0][
        "error_code"] == 6


def test_a_fetch_with_nothing_waits_max_wait_ms_of_simulated_time_then_answers_empty():
    sim = settled()
    wire = Wire(sim)
    start = sim.now_ms
    event = wire.wait(wire.send(1, "fetch", wire.fetch_request("t", 0, 0, max_wait_ms=400)),
                      max_ms=2_000)
    assert event.kind == "wire_response"
    waited = event.at_ms - start
    assert 400 <= waited <= 420, waited
    part = fetch_part(event.response)
    assert part["records"] == [] and part["error_code"] == 0


def test_a_waiting_fetch_is_answered_as_soon_as_a_record_is_committed():
    sim = settled()
    wire = Wire(sim)
    producer = Wire(sim, "gw-2")
    start = sim.now_ms
    cid = wire.send(1, "fetch", wire.fetch_request("t", 0, 0, max_wait_ms=5_000))
    wire.advance(50)
    producer.call(1, "produce", producer.produce_request("t", 0, [(b"k", b"v")]))
    event = wire.wait(cid)
    assert event.at_ms - start < 1_000
    assert [unb64(r["value"]) for r in fetch_part(event.response)["records"]] == [b"v"]


def test_fetch_out_of_range_and_unknown_topic():
    wire = Wire(settled())
    assert fetch_part(wire.call(1, "fetch", wire.fetch_request("t", 0, 99)))["error_code"] == 1
    unknown = wire.call(1, "fetch", wire.fetch_request("zz", 0, 0))
    assert fetch_part(unknown)["error_code"] == 3 and fetch_part(unknown)["records"] == []


def test_fetch_answers_a_simulated_producers_text_as_its_utf8():
    sim = settled()
    sim.apply({"type": "produce", "producer": "P", "topic": "t", "key": "ключ",
               "value": "größe", "partition": 0, "headers": {"h": "1"}})
    sim.advance(300)
    wire = Wire(sim)
    rec = fetch_part(wire.call(1, "fetch", wire.fetch_request("t", 0, 0)))["records"][0]
    assert unb64(rec["key"]) == "ключ".encode() and unb64(rec["value"]) == "größe".encode()
    assert rec["headers"] == [{"key": "h", "value": b64(b"1")}]


def test_responses_on_one_connection_come_in_request_order():
    sim = settled()
    wire = Wire(sim)
    held = wire.send(1, "fetch", wire.fetch_request("t", 0, 0, max_wait_ms=300))
    quick = wire.send(1, "metadata", {"topics": None})
    other = wire.send(2, "metadata", {"topics": None})
    wire.wait(quick, max_ms=1_000)
    order = [(e.broker, e.correlation_id) for e in wire.responses()]
    assert order.index((1, held)) < order.index((1, quick))
    # another connection is not held up by broker 1's fetch
    assert wire.wait(other).at_ms < wire.wait(held).at_ms


def test_bad_requests_are_refused_and_change_nothing():
    sim = settled()
    Wire(sim)  # connects gw-1
    before = (json.dumps(sim.snapshot(), sort_keys=True), len(sim.history))
    bad = [
        {"type": "wire_request", "client": "nobody", "broker": 1, "api": "metadata",
         "correlation_id": 1},
        {"type": "wire_request", "client": "gw-1", "broker": 9, "api": "metadata",
         "correlation_id": 1},
        {"type": "wire_request", "client": "gw-1", "broker": 1, "api": "alter_configs",
         "correlation_id": 1},
        {"type": "wire_request", "client": "gw-1", "broker": 1, "api": "produce",
         "correlation_id": 1, "request": {"topic_data": [{"name": "t", "partition_data": [
             {"index": 0, "records": [{"key": "not base64!", "value": None}]}]}]}},
        {"type": "wire_request", "client": "gw-1", "broker": 1, "api": "fetch",
         "correlation_id": 1, "request": {"topics": [{"topic": "t", "partitions": [
             {"partition": "0", "fetch_offset": 0}]}]}},
        {"type": "wire_connect", "client": "gw-1"},
    ]
    for command in bad:
        with pytest.raises(SimulationError) as err:
            sim.apply(command)
        assert err.value.code != "internal_error"
    assert (json.dumps(sim.snapshot(), sort_keys=True), len(sim.history)) == before


def test_the_client_shows_in_the_snapshot_until_it_closes():
    sim = settled()
    wire = Wire(sim, "gw-7", client_id="rdkafka", software="librdkafka")
    cid = wire.send(1, "fetch", wire.fetch_request("t", 0, 0, max_wait_ms=1_000))
    [shown] = sim.snapshot()["wire_clients"]
    assert shown["label"] == "librdkafka gw-7" and shown["actor_id"] == "wire:gw-7"
    assert shown["pending"] == [{"broker": 1, "correlation_id": cid, "api": "fetch"}]
    closed = sim.apply({"type": "wire_close", "client": "gw-7"})
    assert [e.kind for e in closed][-1] == "wire_client_closed"
    wire.advance(2_000)
    assert wire.responses(correlation_id=cid) == []  # forgotten with its connection
    assert sim.snapshot()["wire_clients"] == []


def test_hostile_wire_requests_of_a_connected_client_work_or_are_refused_cleanly():
    """Every API with fields of the wrong type or missing: refused (never an internal
    error) and nothing changes; or accepted and answered."""
    sim = settled()
    Wire(sim)
    odd_values = [None, 0, -1, 2**40, "x", "", [], {}, [{}], [{"name": 1}], True, "!!"]
    fields = ["topics", "topic_data", "acks", "group_id", "member_id", "generation_id",
              "protocols", "assignments", "members", "groups", "coordinator_keys", "key",
              "session_timeout_ms", "max_wait_ms", "transactional_id", "states_filter"]
    n = 0
    for api in APIS:
        for name in fields:
            for value in odd_values:
                n += 1
                before = (sim.world.last_seq, sim.position, len(sim.history))
                try:
                    sim.apply({"type": "wire_request", "client": "gw-1", "broker": 1,
                               "api": api, "correlation_id": n, "request": {name: value}})
                except SimulationError as err:
                    assert err.code in ("bad_command", "cap_exceeded"), (api, name, value, err)
                    assert (sim.world.last_seq, sim.position, len(sim.history)) == before
        sim.advance(600)
    sim.advance(5_000)
    assert sim.snapshot()["wire_clients"][0]["pending"] == []


def test_metadata_never_names_a_leader_missing_from_its_broker_list():
    """Around a leader's crash the broker's partition view can lag the controller's
    fencing by a metadata hop; every answer must still read as one image: a leader
    not listed among the brokers is LEADER_NOT_AVAILABLE with -1, as
    KRaftMetadataCache answers (kafka-python's sender fails on an unknown leader id)."""
    sim = settled()
    wire = Wire(sim)
    sim.apply({"type": "crash_broker", "broker": 1})
    sim.advance(8_000)  # near broker.session.timeout.ms: the fencing comes next
    leaders = set()
    for step in range(400):
        for asked in (2, 3):
            meta = wire.metadata(asked, [{"name": "t"}])
            listed = {b["node_id"] for b in meta["brokers"]}
            for p in meta["topics"][0]["partitions"]:
                leaders.add(p["leader_id"])
                if p["leader_id"] == -1:
                    assert p["error_code"] == 5, p  # LEADER_NOT_AVAILABLE
                else:
                    assert p["leader_id"] in listed and p["error_code"] == 0, (step, p, listed)
        sim.advance(5)
    assert leaders - {-1, 1}, "a new leader is named once broker 1 is fenced"
