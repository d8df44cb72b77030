"""Transactions: markers, the last stable offset, read_committed vs read_uncommitted."""

import pytest

from simulator import SimulationError

from .simhelpers import of_kind, partition, produce, sim_with


def _txn_sim():
    sim = sim_with(producer_configs={"transactional.id": "payments"})
    sim.advance(100)  # InitProducerId with the coordinator
    return sim


def _read(sim, isolation):
    broker = sim.world.brokers[partition(sim)["leader"]]
    return [r.value for r in broker.read_for_consumer("t", 0, 0, 100, isolation)["records"]]


def test_a_transactional_producer_must_begin_a_transaction_before_sending():
    sim = _txn_sim()
    with pytest.raises(SimulationError) as err:
        produce(sim, "x", partition=0)
    assert err.value.code == "illegal_state"


def test_open_transaction_records_are_invisible_to_read_committed_until_commit():
    sim = _txn_sim()
    sim.apply({"type": "begin_transaction", "producer": "P"})
    produce(sim, "debit", partition=0)
    produce(sim, "credit", partition=0)
    sim.advance(200)
    p = partition(sim)
    assert p["high_watermark"] == 2 and p["last_stable_offset"] == 0
    assert _read(sim, "read_uncommitted") == ["debit", "credit"]
    assert _read(sim, "read_committed") == []
    events = sim.apply({"type": "commit_transaction", "producer": "P"}) + sim.advance(200)
    markers = of_kind(events, "transaction_marker_written")
    assert markers and markers[0].control == "commit" and markers[0].offset == 2
    states = [e.state for e in of_kind(events, "transaction_state_changed")]
    assert states == ["prepare_commit", "complete_commit"]
    p = partition(sim)
    assert p["last_stable_offset"] == 3 == p["high_watermark"]
    assert _read(sim, "read_committed") == ["debit", "credit"]


def test_aborted_records_are_skipped_by_read_committed_but_seen_by_read_uncommitted():
    sim = _txn_sim()
    sim.apply({"type": "begin_transaction", "producer": "P"})
    produce(sim, "oops", partition=0)
    sim.advance(200)
    sim.apply({"type": "abort_transaction", "producer": "P"})
    sim.advance(200)
    sim.apply({"type": "begin_transaction", "producer": "P"})
    produce(sim, "good", partition=0)
    sim.advance(200)
    sim.apply({"type": "commit_transaction", "producer": "P"})
    sim.advance(200)
    assert _read(sim, "read_uncommitted") == ["oops", "good"]
    assert _read(sim, "read_committed") == ["good"]
    controls = [r["control"] for r in partition(sim)["records"]]
    assert controls == [None, "abort", None, "commit"]


def test_a_commit_writes_a_marker_on_every_partition_the_transaction_touched():
    sim = sim_with(partitions=3, producer_configs={"transactional.id": "bulk",
                                                   "partitioner": "round_robin"})
    sim.advance(100)
    sim.apply({"type": "begin_transaction", "producer": "P"})
    produce(sim, "x", count=300)  # more records than records_queued itemises
    sim.advance(500)
    events = sim.apply({"type": "commit_transaction", "producer": "P"}) + sim.advance(500)
    markers = of_kind(events, "transaction_marker_written")
    assert sorted(m.partition for m in markers) == [0, 1, 2]
    assert all(m.control == "commit" for m in markers)


def test_a_follower_that_becomes_leader_still_hides_markers_from_readers():
    sim = _txn_sim()
    sim.apply({"type": "begin_transaction", "producer": "P"})
    produce(sim, "a", partition=0)
    sim.advance(200)
    sim.apply({"type": "commit_transaction", "producer": "P"})
    sim.advance(500)
    sim.apply({"type": "crash_broker", "broker": 1})
    sim.advance(12_000)
    assert partition(sim)["leader"] == 2
    assert _read(sim, "read_uncommitted") == ["a"]
    assert _read(sim, "read_committed") == ["a"]


def test_java_string_hash_counts_utf16_code_units_like_java():
    """Values printed by a JDK's String.hashCode() (javac/java on this machine):
    outside the BMP a character is two surrogate chars, so code points would differ.
    One function serves the group coordinator, the transaction coordinator, the
    tools' HashMap order and the payments demo's advisory lock."""
    from simulator.consumers import assignors
    from simulator.extensions.payments import handler
    from simulator.java_hash import java_string_hash

    assert assignors.java_string_hash is handler.java_string_hash is java_string_hash

    java = {"\U0001F600": 1772899, "a\U0001F600b": 57849694, "txn-\U0001F680": -858069978,
            "caf\u00e9": 3045921, "payment-service": -2059569682, "": 0}
    for text, expected in java.items():
        assert java_string_hash(text) == expected, text
    assert java_string_hash("\U0001F600") != 0x1F600  # not by code point
