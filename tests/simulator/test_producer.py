"""The producer client: partitioners, batching, compression, retries, metadata,
idempotence and the errors Kafka answers with."""

from collections import Counter

import pytest

from simulator import Simulation, SimulationError

from .simhelpers import of_kind, partition, produce, scenario, sim_with


def _queued(events):
    return [r for e in of_kind(events, "records_queued") for r in e.records]


def test_a_keyed_record_goes_to_the_murmur2_partition():
    sim = sim_with(partitions=3)
    events = produce(sim, "v", key="21")
    assert _queued(events)[0]["partition"] == 0
    assert _queued(events)[0]["murmur2"] == -973932308
    assert _queued(events)[0]["reason"] == "key"


def test_an_explicit_partition_wins_over_the_key():
    sim = sim_with(partitions=3)
    events = produce(sim, "v", key="21", partition=2)
    assert _queued(events)[0]["partition"] == 2 and _queued(events)[0]["reason"] == "explicit"


def test_the_uniform_sticky_partitioner_sticks_until_batch_size_bytes_then_switches():
    sim = sim_with(partitions=3, producer_configs={"batch.size": 1_000})
    events = []
    for i in range(200):
        events += produce(sim, f"value-{i:03d}")
    parts = [r["partition"] for r in _queued(events)]
    runs = [1]
    for before, after in zip(parts, parts[1:], strict=False):
        if after == before:
            runs[-1] += 1
        else:
            runs.append(1)
    assert len(runs) >= 3  # it switched partitions...
    # ...after about batch.size bytes (records are 23 bytes): ~44 records a run.
    assert all(40 <= run <= 46 for run in runs[:-1]), runs


def test_the_legacy_round_robin_partitioner_cycles_through_partitions():
    sim = sim_with(partitions=3, producer_configs={"partitioner": "round_robin"})
    events = produce(sim, "v", count=6)
    assert [r["partition"] for r in _queued(events)] == [0, 1, 2, 0, 1, 2]


def test_the_2_4_sticky_partitioner_changes_partition_when_a_batch_is_sent():
    sim = sim_with(partitions=3, producer_configs={"partitioner": "sticky"})
    first = produce(sim, "a", count=5)
    sim.advance(50)  # linger expires: the batch leaves
    second = produce(sim, "b", count=5)
    p1 = {r["partition"] for r in _queued(first)}
    p2 = {r["partition"] for r in _queued(second)}
    assert len(p1) == 1 and len(p2) == 1 and p1 != p2


def test_records_wait_linger_ms_and_leave_as_one_batch():
    sim = sim_with(producer_configs={"linger.ms": 20})
    events = produce(sim, "a", partition=0) + sim.advance(10) + produce(sim, "b", partition=0)
    events += sim.advance(100)
    sent = of_kind(events, "batch_sent")
    assert len(sent) == 1 and sent[0].record_count == 2 and sent[0].at_ms == 20


def test_a_full_batch_leaves_at_once():
    sim = sim_with(producer_configs={"batch.size": 200, "linger.ms": 1_000})
    events = produce(sim, "x" * 60, partition=0, count=5) + sim.advance(1)
    sent = of_kind(events, "batch_sent")
    assert sent and sent[0].at_ms == 0 and sent[0].size_bytes >= 200 - 80


def test_compression_reports_the_codec_and_a_smaller_size_for_repetitive_data():
    sim = sim_with(producer_configs={"compression.type": "gzip", "linger.ms": 10})
    events = produce(sim, "the same words again and again " * 10, partition=0, count=20)
    events += sim.advance(50)
    sent = of_kind(events, "batch_sent")[0]
    assert sent.compression == "gzip"
    assert sent.compressed_size_bytes < sent.size_bytes / 3


def test_the_serialization_format_travels_with_the_record():
    sim = sim_with(producer_configs={"value.format": "avro"})
    produce(sim, "{}", partition=0)
    sim.advance(100)
    assert partition(sim)["records"][0]["value_format"] == "avro"


def test_a_producer_refreshes_metadata_after_not_leader_and_retries_to_the_new_leader():
    sim = sim_with(producer_configs={"request.timeout.ms": 2_000})
    sim.advance(100)
    sim.apply({"type": "crash_broker", "broker": 1})
    sim.advance(12_000)  # leadership moved to broker 2; the producer does not know yet
    events = produce(sim, "after", partition=0) + sim.advance(10_000)
    acked = of_kind(events, "produce_acknowledged")
    assert acked and acked[0].partition == 0
    assert of_kind(events, "metadata_refreshed")
    assert partition(sim)["leader"] == 2
    assert [r["value"] for r in partition(sim)["records"]] == ["after"]


def test_the_delivery_timeout_gives_up_on_a_batch():
    sim = sim_with(topic_configs={"min.insync.replicas": 3},
                   producer_configs={"delivery.timeout.ms": 2_000, "retry.backoff.ms": 100})
    sim.apply({"type": "crash_broker", "broker": 3})
    sim.advance(12_000)
    events = produce(sim, "never", partition=0) + sim.advance(5_000)
    failed = of_kind(events, "produce_failed")
    assert all(f.error == "NOT_ENOUGH_REPLICAS" for f in failed)
    assert failed[-1].will_retry is False and failed[0].will_retry is True
    assert failed[-1].at_ms - 12_000 <= 2_000 + 50


def test_acks_zero_is_fire_and_forget_without_offsets():
    sim = sim_with(producer_configs={"acks": 0})
    events = produce(sim, "f", partition=0) + sim.advance(100)
    ack = of_kind(events, "produce_acknowledged")[0]
    assert ack.base_offset is None and ack.acks == "0"
    assert not of_kind(events, "message_sent", message_kind="produce_response")


def test_idempotence_is_on_by_default_and_needs_acks_all():
    sim = sim_with()
    assert sim.world.producers["P"].idempotent
    with pytest.raises(SimulationError) as err:
        Simulation(scenario(producer_configs={"acks": "1", "enable.idempotence": True}))
    assert "acks to all" in err.value.message
    # Without an explicit setting, acks=1 quietly turns idempotence off (Kafka 3.2+).
    assert not sim_with(producer_configs={"acks": "1"}).world.producers["P"].idempotent


def test_a_lost_response_without_idempotence_duplicates_the_record():
    sim = sim_with(producer_configs={"enable.idempotence": False, "request.timeout.ms": 1_000})
    sim.advance(100)
    sim.apply({"type": "drop_messages", "target": "producer:P",
               "message_kind": "produce_response"})
    events = produce(sim, "pay-42", partition=0) + sim.advance(5_000)
    # The lost response breaks the connection: the producer sees the
    # disconnect and retries the request, which the broker writes again.
    failed = of_kind(events, "produce_failed")
    assert [(f.error, f.will_retry) for f in failed] == [("NETWORK_EXCEPTION", True)]
    assert [r["value"] for r in partition(sim)["records"]] == ["pay-42", "pay-42"]


def test_a_lost_response_with_idempotence_is_answered_from_the_dedupe_window():
    sim = sim_with(producer_configs={"request.timeout.ms": 1_000})
    sim.advance(100)
    sim.apply({"type": "drop_messages", "target": "producer:P",
               "message_kind": "produce_response"})
    events = produce(sim, "pay-42", partition=0) + sim.advance(5_000)
    dup = of_kind(events, "duplicate_discarded")
    assert dup and dup[0].base_offset == 0
    acked = of_kind(events, "produce_acknowledged")
    assert acked[0].base_offset == 0 and acked[0].attempt == 2
    assert [r["value"] for r in partition(sim)["records"]] == ["pay-42"]


def test_a_lost_request_never_lets_a_later_one_arrive_first():
    """TCP: a lost request breaks the connection, so the request sent after it
    is lost too; both are retried in order and no sequence gap ever reaches the
    broker (no OUT_OF_ORDER_SEQUENCE_NUMBER)."""
    sim = sim_with(producer_configs={"linger.ms": 0})
    sim.advance(100)
    sim.apply({"type": "drop_messages", "source": "producer:P", "message_kind": "produce"})
    events = produce(sim, "first", partition=0) + sim.advance(1)
    events += produce(sim, "second", partition=0) + sim.advance(2_000)
    assert len({e.batch_id for e in of_kind(events, "batch_sent")}) == 2
    drops = of_kind(events, "message_dropped")
    assert [d.reason for d in drops] == ["drop_rule", "connection_broken"]
    assert not of_kind(events, "produce_rejected")
    assert [r["value"] for r in partition(sim)["records"]] == ["first", "second"]
    assert [r["sequence"] for r in partition(sim)["records"]] == [0, 1]


def test_records_of_one_producer_spread_over_partitions_with_keys():
    sim = sim_with(partitions=3)
    events = []
    for i in range(90):
        events += produce(sim, "v", key=f"user-{i}")
    counts = Counter(r["partition"] for r in _queued(events))
    assert set(counts) == {0, 1, 2}


def test_an_idempotent_retry_of_a_written_batch_is_acknowledged_only_once_replicated():
    sim = sim_with(topic_configs={"min.insync.replicas": 2},
                   producer_configs={"request.timeout.ms": 2_000})
    sim.advance(1_000)
    sim.apply({"type": "slow_broker", "broker": 3, "slow_ms": 60_000})
    sim.advance(1_000)  # broker 3 stays in the ISR for 30 s but copies nothing
    events = produce(sim, "x", partition=0) + sim.advance(50_000)
    dup = of_kind(events, "duplicate_discarded")
    shrink = of_kind(events, "isr_changed", reason="shrink")
    acked = of_kind(events, "produce_acknowledged")
    assert dup and shrink and acked
    assert dup[0].seq < shrink[0].seq < acked[0].seq  # the HW passed only after the shrink
