"""Smaller points where the simulator must say and do what Kafka 4.x does.

* min.insync.replicas above the replication factor is accepted and capped at
  it (KAFKA-15583, Kafka 3.7+), so acks=all writes succeed.
* ISR log lines as Partition.scala writes them: a shrink carries each dropped
  replica's lastCaughtUpTimeMs; an expansion is "ISR updated to ... and
  version updated to N" (no "Expanding ISR" since 2.8).
* A follower keeps the idempotent producer state of every batch it copies,
  even when it catches up over several fetch responses.
* The StickyAssignor note dates the javadoc's example to the algorithm before
  2.6 (KAFKA-9987).
"""

import re
from pathlib import Path

from simulator.broker import MAX_FETCH_RECORDS
from simulator.controller import _isr_log_line
from simulator.topics import PartitionMeta

from .simhelpers import of_kind, partition, produce, sim_with

ROOT = Path(__file__).resolve().parents[2]


def test_min_insync_replicas_above_the_replication_factor_is_accepted_and_capped():
    sim = sim_with(brokers=3, rf=2, assignment=[[1, 2]],
                   topic_configs={"min.insync.replicas": 3})
    assert partition(sim)["isr"] == [1, 2]
    sim.advance(100)
    events = produce(sim, "kept", partition=0) + sim.advance(1_000)
    assert not of_kind(events, "produce_rejected")
    acked = of_kind(events, "produce_acknowledged")
    assert acked and acked[0].base_offset == 0
    assert partition(sim)["high_watermark"] == 1
    # The cap is the replication factor, not "anything goes": with one of the
    # two replicas gone the ISR (1) is below min(3, 2) and writes are refused.
    events = sim.apply({"type": "crash_broker", "broker": 2}) + sim.advance(15_000)
    events += produce(sim, "refused", partition=0) + sim.advance(2_000)
    assert {e.error for e in of_kind(events, "produce_rejected")} == {"NOT_ENOUGH_REPLICAS"}


def test_altering_min_insync_replicas_above_the_replication_factor_is_accepted():
    sim = sim_with(brokers=3, rf=3)
    events = sim.apply({"type": "alter_topic_config", "topic": "t",
                        "configs": {"min.insync.replicas": 5}})
    changed = of_kind(events, "topic_config_changed")
    assert changed and changed[0].configs["min.insync.replicas"] == 5
    sim.advance(100)
    events = produce(sim, "x", partition=0) + sim.advance(1_000)
    assert of_kind(events, "produce_acknowledged")


def _shrink_then_expand(sim):
    sim.advance(1_000)
    sim.apply({"type": "slow_broker", "broker": 3, "slow_ms": 60_000})
    events = sim.advance(1_000)
    events += produce(sim, "x", partition=0) + sim.advance(45_000)
    events += sim.apply({"type": "slow_broker", "broker": 3, "slow_ms": 0})
    events += sim.advance(70_000)
    return of_kind(events, "isr_changed", reason="shrink"), of_kind(events, "isr_changed",
                                                                     reason="expand")


def test_the_isr_shrink_line_names_each_dropped_replica_with_its_last_caught_up_time():
    sim = sim_with(topic_configs={"min.insync.replicas": 2})
    shrinks, _ = _shrink_then_expand(sim)
    assert len(shrinks) == 1
    match = re.fullmatch(
        r"\[Partition t-0 broker=1\] Shrinking ISR from 1,2,3 to 1,2\. Leader: "
        r"\(highWatermark: 0, endOffset: 1\)\. Out of sync replicas: "
        r"\(brokerId: 3, endOffset: 0, lastCaughtUpTimeMs: (\d+)\)\.", shrinks[0].log_line)
    assert match, shrinks[0].log_line
    # Dropped because it was last caught up more than replica.lag.time.max.ms ago.
    assert shrinks[0].at_ms - int(match.group(1)) > 30_000


def test_two_dropped_replicas_are_listed_space_separated():
    sim = sim_with(topic_configs={"min.insync.replicas": 1})
    sim.advance(1_000)
    sim.apply({"type": "slow_broker", "broker": 2, "slow_ms": 60_000})
    sim.apply({"type": "slow_broker", "broker": 3, "slow_ms": 60_000})
    sim.advance(1_000)
    events = produce(sim, "x", partition=0) + sim.advance(45_000)
    line = of_kind(events, "isr_changed", reason="shrink")[0].log_line
    assert "Shrinking ISR from 1,2,3 to 1. " in line
    assert re.search(r"\(brokerId: 2, endOffset: 0, lastCaughtUpTimeMs: \d+\) "
                     r"\(brokerId: 3, endOffset: 0, lastCaughtUpTimeMs: \d+\)\.$", line), line


def test_an_isr_expansion_is_logged_as_isr_updated_with_the_new_partition_version():
    sim = sim_with(topic_configs={"min.insync.replicas": 2})
    _, expands = _shrink_then_expand(sim)
    assert len(expands) == 1
    epoch = partition(sim)["partition_epoch"]
    # Kafka's template: "ISR updated to <isr> <(under-min-isr) or nothing> and ..."
    assert expands[0].log_line == (
        f"[Partition t-0 broker=1] ISR updated to 1,2,3  and version updated to {epoch}")
    assert "Expanding" not in expands[0].log_line


def test_an_isr_expansion_still_below_the_minimum_is_flagged_under_min_isr():
    sim = sim_with(topic_configs={"min.insync.replicas": 3})
    _, expands = _shrink_then_expand(sim)
    # Back to 1,2,3 = the minimum: not flagged. (A shrink to 1,2 is below it.)
    assert "(under-min-isr)" not in expands[0].log_line
    pm = PartitionMeta("t", 0, [1, 2, 3], 1, 0, 4, [1, 2])
    assert _isr_log_line(pm, [1], "expand", {}, 3) == (
        "[Partition t-0 broker=1] ISR updated to 1,2 (under-min-isr) and version updated to 4")


def test_a_follower_keeps_producer_state_for_each_batch_it_copies_across_partial_fetches():
    sim = sim_with(topic_configs={"min.insync.replicas": 1},
                   producer_configs={"acks": "all", "linger.ms": 0})
    sim.advance(1_000)
    sim.apply({"type": "slow_broker", "broker": 2, "slow_ms": 20_000})
    sim.advance(1_000)
    count = MAX_FETCH_RECORDS + MAX_FETCH_RECORDS // 2
    produce(sim, "v", partition=0, count=count)
    sim.advance(5_000)
    leader = sim.world.brokers[1].replicas[("t", 0)]
    follower = sim.world.brokers[2].replicas[("t", 0)]
    assert leader.log.leo == count and follower.log.leo == 0
    pid = next(iter(leader.producers))
    assert len(leader.producers[pid].batches) >= 2
    # Step until the follower has copied part of the log, not all of it.
    for _ in range(400):
        sim.advance(100)
        if follower.log.leo > 0:
            break
    assert 0 < follower.log.leo < count
    copied = [b for b in leader.producers[pid].batches if b[3] < follower.log.leo]
    assert copied, "the first response should complete at least one batch"
    assert follower.producers[pid].batches == copied
    sim.apply({"type": "slow_broker", "broker": 2, "slow_ms": 0})
    sim.advance(30_000)
    assert follower.log.leo == count
    assert follower.producers[pid].batches == leader.producers[pid].batches
    assert follower.producers[pid].last_sequence == leader.producers[pid].last_sequence


def test_the_sticky_assignor_note_dates_the_javadoc_example_before_2_6():
    for path in ("docs/events.md", "simulator/consumers/assignors.py",
                 "tests/simulator/consumers/test_assignors.py"):
        text = (ROOT / path).read_text(encoding="utf-8")
        assert "pre-2.8" not in text, path
        assert "2.6" in text and "KAFKA-9987" in text, path
