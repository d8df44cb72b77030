"""Real clients meet the simulated cluster's failures: the leader crashes and
kafka-python's producer recovers on the new leader; a produce response is lost
and the idempotent producer's retry is deduplicated by the broker."""
from __future__ import annotations

import pytest
from kafka import KafkaProducer

from .clients import browser, until

pytestmark = pytest.mark.django_db(transaction=True)


def _leader_of_p0(page) -> int | None:
    out = page.cli("kafka-topics.sh --bootstrap-server broker-1:9092 --describe --topic orders")
    for line in out.splitlines():
        if "Partition: 0" in line and "Leader:" in line:
            return int(line.split("Leader:")[1].split()[0])
    return None


def _values_in_p0(page) -> list[str]:
    out = page.cli("kafka-console-consumer.sh --bootstrap-server broker-1:9092 --topic orders "
                   "--partition 0 --from-beginning")
    return [line for line in out.splitlines() if line and not line.startswith(("#", "Processed"))]


def test_the_leader_crashes_and_the_real_producer_recovers(gateway, learner):
    page = browser(gateway, learner)
    producer = KafkaProducer(**learner.kafka(max_block_ms=60_000, request_timeout_ms=30_000,
                                             retry_backoff_ms=200))
    try:
        assert _leader_of_p0(page) == 1
        producer.send("orders", partition=0, value=b"before").get(timeout=30)
        page.command({"type": "crash_broker", "broker": 1})
        meta = producer.send("orders", partition=0, value=b"after").get(timeout=90)
        assert meta.partition == 0
        new_leader = until(lambda: (_leader_of_p0(page) or 1) != 1 and _leader_of_p0(page),
                           timeout=30, what="a new leader for P0")
        assert new_leader in (2, 3)
        assert _values_in_p0(page) == ["before", "after"]
        assert any(e["kind"] == "wire_disconnect" and e["broker"] == 1 for e in page.events())
    finally:
        producer.close(timeout=10)
        page.close()


def test_a_lost_produce_response_is_retried_and_deduplicated(gateway, learner):
    page = browser(gateway, learner)
    producer = KafkaProducer(**learner.kafka(max_block_ms=60_000, request_timeout_ms=30_000,
                                             enable_idempotence=True, retry_backoff_ms=200))
    try:
        producer.send("orders", partition=0, value=b"first").get(timeout=30)
        # The broker writes the next batch, but its answer is lost on the way back:
        # the connection resets, and the producer sends the same batch again.
        page.command({"type": "drop_messages", "source": "broker:1",
                      "message_kind": "produce_response"})
        meta = producer.send("orders", partition=0, value=b"second").get(timeout=60)
        assert meta.offset == 1  # the first write's offset, not a second copy's
        discarded = page.wait_event(lambda e: e["kind"] == "duplicate_discarded")
        assert (discarded["topic"], discarded["partition"], discarded["base_offset"]) == \
            ("orders", 0, 1)
        assert discarded["producer"].startswith("gw-")  # the real client's connection
        assert _values_in_p0(page) == ["first", "second"]
    finally:
        producer.close(timeout=10)
        page.close()
