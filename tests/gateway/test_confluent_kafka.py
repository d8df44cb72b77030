"""confluent-kafka (librdkafka, a real client from PyPI) through the gateway:
keyed records with the Java client's partitioner (murmur2), then a consumer
group reading them all back."""
from __future__ import annotations

import pytest
from confluent_kafka import Consumer, Producer

from simulator.partitioners import partition_for_key

pytestmark = pytest.mark.django_db(transaction=True)

KEYS = [f"order-{i}" for i in range(10)]


def test_librdkafka_produces_where_murmur2_says_and_a_group_reads_it_back(gateway, learner):
    # librdkafka's default partitioner is CRC32-based; murmur2_random is the Java
    # client's (DefaultPartitioner / BuiltInPartitioner), which the diagram teaches.
    producer = Producer(learner.rdkafka(**{"partitioner": "murmur2_random",
                                           "enable.idempotence": True,
                                           "message.timeout.ms": 60_000}))
    delivered, failed = {}, []

    def on_delivery(err, msg):
        if err is not None:
            failed.append(err)
        else:
            delivered[msg.key().decode()] = (msg.partition(), msg.offset())

    for key in KEYS:
        producer.produce("orders", key=key, value=f"v-{key}", on_delivery=on_delivery)
    assert producer.flush(60) == 0
    assert failed == [] and set(delivered) == set(KEYS)
    for key, (partition, _) in delivered.items():
        assert partition == partition_for_key(key, 3)[0], key

    consumer = Consumer(learner.rdkafka(**{"group.id": "rd-app", "auto.offset.reset": "earliest",
                                           "session.timeout.ms": 10_000}))
    consumer.subscribe(["orders"])
    seen = {}
    try:
        for _ in range(90):
            msg = consumer.poll(1.0)
            if msg is None or msg.error():
                continue
            seen[msg.key().decode()] = (msg.partition(), msg.offset(), msg.value())
            if len(seen) == len(KEYS):
                break
    finally:
        consumer.close()
    assert {k: (p, o) for k, (p, o, _) in seen.items()} == delivered
    assert all(v == f"v-{k}".encode() for k, (_, _, v) in seen.items())
