"""Segments roll by size and age; retention deletes whole old segments below the HW."""

from .simhelpers import of_kind, partition, produce, sim_with

FAST_CHECKS = {"log.retention.check.interval.ms": 1_000}


def test_a_segment_rolls_before_a_batch_that_would_exceed_segment_bytes():
    sim = sim_with(topic_configs={"segment.bytes": 200})
    events = []
    for _ in range(10):  # ten batches of one 64-byte record
        events += produce(sim, "x" * 50, partition=0) + sim.advance(50)
    rolled = of_kind(events, "segment_rolled", broker=1)
    assert rolled
    segments = partition(sim)["segments"]
    assert len(segments) == len(rolled) + 1
    assert all(s["size_bytes"] <= 200 for s in segments)
    assert [s["base_offset"] for s in segments] == sorted(s["base_offset"] for s in segments)


def test_a_segment_rolls_when_it_is_older_than_segment_ms():
    sim = sim_with(topic_configs={"segment.ms": 1_000})
    produce(sim, "a", partition=0)
    sim.advance(1_500)
    events = produce(sim, "b", partition=0) + sim.advance(100)
    assert of_kind(events, "segment_rolled", broker=1, base_offset=1)


def test_time_retention_deletes_old_segments_and_moves_the_log_start_offset():
    sim = sim_with(topic_configs={"segment.ms": 1_000, "retention.ms": 5_000},
                   cluster_configs=FAST_CHECKS)
    for i in range(10):
        produce(sim, f"v{i}", partition=0)
        sim.advance(1_000)
    events = sim.advance(3_000)
    deleted = of_kind(events, "segments_deleted", broker=1)
    assert deleted and deleted[0].reason == "retention.ms"
    p = partition(sim)
    assert p["log_start_offset"] > 0
    assert p["records"][0]["offset"] == p["log_start_offset"]
    # Every replica applies retention too.
    assert {r["log_start_offset"] > 0 for r in p["replicas_state"]} == {True}


def test_size_retention_keeps_the_log_under_retention_bytes():
    sim = sim_with(topic_configs={"segment.bytes": 300, "retention.bytes": 600},
                   cluster_configs=FAST_CHECKS)
    events = []
    for _ in range(8):  # eight batches of five 56-byte records
        events += produce(sim, "y" * 40, partition=0, count=5) + sim.advance(50)
    events += sim.advance(3_000)
    deleted = of_kind(events, "segments_deleted", broker=1)
    assert deleted and deleted[0].reason == "retention.bytes"
    sizes = sum(s["size_bytes"] for s in partition(sim)["segments"])
    assert sizes < 600 + 300


def test_the_active_segment_and_records_above_the_hw_are_never_deleted():
    sim = sim_with(topic_configs={"retention.ms": 1, "min.insync.replicas": 3},
                   producer_configs={"acks": "1", "enable.idempotence": False},
                   cluster_configs=FAST_CHECKS)
    sim.apply({"type": "crash_broker", "broker": 3})
    sim.advance(12_000)  # ISR 2 < 3: the HW is frozen at 0
    produce(sim, "a", partition=0, count=5)
    sim.advance(5_000)
    p = partition(sim)
    assert p["high_watermark"] == 0 and p["log_start_offset"] == 0
    assert len(p["records"]) == 5


def test_a_batch_is_never_split_across_segments_on_the_leader():
    sim = sim_with(topic_configs={"segment.bytes": 200})
    produce(sim, "x" * 50, partition=0, count=10)  # one batch bigger than a segment
    sim.advance(100)
    leader_log = sim.world.brokers[1].replicas[("t", 0)].log
    assert len(leader_log.segments) == 1 and leader_log.segments[0].record_count == 10
