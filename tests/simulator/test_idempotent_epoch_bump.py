"""The idempotent producer's epoch bump and the broker's sequence check, as Kafka.

* A sent batch given up leaves its partition's sequences unresolved; when the
  next batch then meets OUT_OF_ORDER_SEQUENCE_NUMBER the producer bumps its
  epoch and renumbers the unfinished batches from 0
  (TxnPartitionEntry.startSequencesAtBeginning), so no new batch reuses a
  (producer id, epoch, sequence) the broker already holds.
* A partition with stale-epoch batches unfinished finishes them before it
  starts again at 0 (RecordAccumulator.shouldStopDrainBatchesForPartition).
* The broker takes any first sequence from a producer it holds no state for
  (ProducerAppendInfo.checkSequence); a new epoch must start at 0.
"""

from simulator.produce_handling import ProducerEntry, check_sequence

from .simhelpers import of_kind, partition, produce, sim_with


def _log(sim, index=0):
    records = partition(sim, index)["records"]
    return [(r["value"], r["producer_epoch"], r["sequence"]) for r in records]


def _cut_leader_while_a_batch_gives_up(partitions=1):
    """Leader 1 is cut off: batch A (sequence 1) is retried until its delivery
    timeout and given up; batch B (sequence 2) was sent meanwhile and is still
    unfinished when broker 2 takes over holding only sequence 0."""
    sim = sim_with(partitions=partitions, topic_configs={"min.insync.replicas": 2},
                   producer_configs={"request.timeout.ms": 1_000, "delivery.timeout.ms": 9_000,
                                     "linger.ms": 0})
    events = sim.advance(100)
    events += produce(sim, "warmup", partition=0) + sim.advance(100)
    events += sim.apply({"type": "isolate_broker", "broker": 1})
    events += produce(sim, "A", partition=0) + sim.advance(3_800)
    events += produce(sim, "B", partition=0) + sim.advance(6_900)
    return sim, events


def test_an_epoch_bump_renumbers_the_unfinished_batch_from_zero_and_acknowledges_it_at_its_offset():
    sim, events = _cut_leader_while_a_batch_gives_up()
    events += sim.advance(3_100)
    events += produce(sim, "C", partition=0) + sim.advance(2_000)
    events += sim.apply({"type": "reconnect_broker", "broker": 1}) + sim.advance(10_000)

    given_up = of_kind(events, "produce_failed", batch_id=2, will_retry=False)
    assert given_up, "A must be given up for this case"
    gap = of_kind(events, "produce_rejected", error="OUT_OF_ORDER_SEQUENCE_NUMBER")
    assert gap and gap[0].seq > given_up[0].seq
    bump = of_kind(events, "producer_id_assigned")
    assert [e.producer_epoch for e in bump] == [1]
    assert bump[0].seq > gap[0].seq
    # B goes out again under epoch 1 with sequence 0, and C follows it with 1.
    b_sends = of_kind(events, "batch_sent", batch_id=3)
    assert [e.base_sequence for e in b_sends if e.seq > bump[0].seq] == [0]
    assert [e.base_sequence for e in of_kind(events, "batch_sent", batch_id=4)] == [1]
    assert _log(sim) == [("warmup", 0, 0), ("B", 1, 0), ("C", 1, 1)]
    # Every acknowledgement names the offset holding that very record.
    values = {1: "warmup", 3: "B", 4: "C"}
    log = {r["offset"]: r["value"] for r in partition(sim)["records"]}
    acks = of_kind(events, "produce_acknowledged")
    assert sorted(a.batch_id for a in acks) == [1, 3, 4]
    assert all(log[a.base_offset] == values[a.batch_id] for a in acks)


def test_a_partition_with_stale_epoch_batches_finishes_them_before_starting_again_at_zero():
    sim, events = _cut_leader_while_a_batch_gives_up(partitions=2)
    # Partition 1 (led by broker 2) is slow to replicate: its batches are still
    # unfinished, under epoch 0, when partition 0 bumps the epoch.
    events += sim.apply({"type": "slow_broker", "broker": 3, "slow_ms": 3_000})
    events += produce(sim, "p1-b", partition=1) + sim.advance(200)
    events += produce(sim, "p1-c", partition=1) + sim.advance(10_000)
    events += sim.apply({"type": "slow_broker", "broker": 3, "slow_ms": 0})
    events += sim.apply({"type": "reconnect_broker", "broker": 1}) + sim.advance(5_000)
    bump = of_kind(events, "producer_id_assigned")[0]
    p1_sends = [e for e in of_kind(events, "batch_sent", partition=1)]
    assert any(e.seq < bump.seq for e in p1_sends) and any(e.seq > bump.seq for e in p1_sends)
    # They kept their epoch-0 sequences (retries were answered from the
    # dedupe window, not written again) ...
    assert _log(sim, 1) == [("p1-b", 0, 0), ("p1-c", 0, 1)]
    events = produce(sim, "p1-d", partition=1) + sim.advance(10_000)
    # ... and only then does partition 1 start again at 0 under the new epoch.
    epoch = sim.snapshot()["producers"][0]["producer_epoch"]
    assert epoch >= 1
    assert _log(sim, 1)[-1] == ("p1-d", epoch, 0)
    assert of_kind(events, "produce_acknowledged", partition=1)


def test_a_real_gap_after_an_unclean_election_bumps_the_epoch_and_the_next_batch_is_written():
    """min.insync.replicas=1 and an unclean election lose acknowledged record b;
    the new leader holds sequence 0 only, so c (sequence 2) is out of order,
    and the producer starts again at 0 under a new epoch."""
    sim = sim_with(topic_configs={"min.insync.replicas": 1,
                                  "unclean.leader.election.enable": True})
    events = sim.advance(100)
    events += produce(sim, "a", partition=0) + sim.advance(500)
    events += sim.apply({"type": "slow_broker", "broker": 2, "slow_ms": 60_000})
    events += sim.apply({"type": "slow_broker", "broker": 3, "slow_ms": 60_000})
    events += sim.advance(1_000)
    events += produce(sim, "b", partition=0) + sim.advance(50_000)
    assert of_kind(events, "produce_acknowledged", batch_id=2)
    events += sim.apply({"type": "crash_broker", "broker": 1})
    events += sim.apply({"type": "slow_broker", "broker": 2, "slow_ms": 0})
    events += sim.apply({"type": "slow_broker", "broker": 3, "slow_ms": 0})
    events += sim.advance(15_000)
    assert of_kind(events, "leader_changed", election="unclean")
    events = produce(sim, "c", partition=0) + sim.advance(2_000)
    rejected = of_kind(events, "produce_rejected")
    assert [e.error for e in rejected] == ["OUT_OF_ORDER_SEQUENCE_NUMBER"]
    assert [e.producer_epoch for e in of_kind(events, "producer_id_assigned")] == [1]
    assert _log(sim) == [("a", 0, 0), ("c", 1, 0)]


def test_the_broker_takes_any_first_sequence_from_a_producer_it_holds_no_state_for():
    assert check_sequence(None, 0, 7, 9) == (None, None)
    assert check_sequence(None, 3, 0, 0) == (None, None)


def test_the_broker_checks_epoch_then_duplicates_then_the_next_sequence():
    entry = ProducerEntry(producer_epoch=2, last_sequence=9,
                          batches=[[0, 4, 10, 14], [5, 9, 15, 19]])
    assert check_sequence(entry, 1, 10, 10) == ("INVALID_PRODUCER_EPOCH", None)
    assert check_sequence(entry, 2, 5, 9) == (None, (15, 19))  # an exact repeat
    assert check_sequence(entry, 2, 10, 12) == (None, None)  # the next batch
    assert check_sequence(entry, 2, 12, 12) == ("OUT_OF_ORDER_SEQUENCE_NUMBER", None)
    assert check_sequence(entry, 2, 5, 7) == ("OUT_OF_ORDER_SEQUENCE_NUMBER", None)
    # A newer epoch must start again at 0; the old epoch's batches are no repeat.
    assert check_sequence(entry, 3, 0, 4) == (None, None)
    assert check_sequence(entry, 3, 5, 9) == ("OUT_OF_ORDER_SEQUENCE_NUMBER", None)
