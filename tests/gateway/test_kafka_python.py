"""kafka-python (a real client, from PyPI) through the gateway: produce keyed
records, find each where murmur2 puts it, and read them back."""
from __future__ import annotations

import pytest
from kafka import KafkaConsumer, KafkaProducer, TopicPartition

from simulator.partitioners import partition_for_key

from .clients import browser

pytestmark = pytest.mark.django_db(transaction=True)

KEYS = [f"customer-{i}" for i in range(12)]


def test_keyed_records_land_in_the_partitions_murmur2_picks(gateway, learner):
    producer = KafkaProducer(**learner.kafka(request_timeout_ms=20_000, max_block_ms=30_000))
    try:
        landed = {}
        for key in KEYS:
            meta = producer.send("orders", key=key.encode(), value=b"v-" + key.encode()
                                 ).get(timeout=30)
            landed[key] = (meta.partition, meta.offset)
    finally:
        producer.close(timeout=10)
    # The partition the client chose is the one Kafka's Java partitioner (the
    # simulator's port, checked against Kafka's own test vectors) gives.
    for key, (partition, _) in landed.items():
        assert partition == partition_for_key(key, 3)[0], key
    assert len({p for p, _ in landed.values()}) > 1  # twelve keys do spread

    # And the simulated cluster holds each record there: the in-browser terminal says so.
    page = browser(gateway, learner)
    try:
        for p in range(3):
            out = page.cli("kafka-console-consumer.sh --bootstrap-server broker-1:9092 "
                           f"--topic orders --partition {p} --from-beginning "
                           "--property print.key=true")
            for key, (partition, _) in landed.items():
                assert (f"{key}\tv-{key}" in out) == (partition == p), (key, p, out)
    finally:
        page.close()

    # Read back with kafka-python's consumer: every record, in its partition.
    consumer = KafkaConsumer(**learner.kafka(consumer_timeout_ms=5_000,
                                             request_timeout_ms=20_000))
    try:
        parts = [TopicPartition("orders", p) for p in range(3)]
        consumer.assign(parts)
        consumer.seek_to_beginning(*parts)
        seen = {}
        for _ in range(40):
            for tp, records in consumer.poll(timeout_ms=1000).items():
                for r in records:
                    seen[r.key.decode()] = (tp.partition, r.offset, r.value)
            if len(seen) >= len(KEYS):
                break
        assert {k: (p, o) for k, (p, o, _) in seen.items()} == landed
        assert all(v == b"v-" + k.encode() for k, (_, _, v) in seen.items())
    finally:
        consumer.close()
