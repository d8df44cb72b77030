"""A kafka-python consumer group through the gateway: it joins, reads, commits,
and the in-browser terminal's kafka-consumer-groups --describe shows its offsets."""
from __future__ import annotations

import re

import pytest
from kafka import KafkaConsumer, KafkaProducer

from .clients import browser, until

pytestmark = pytest.mark.django_db(transaction=True)


def _committed(describe: str, group: str) -> dict[int, tuple[int, int]]:
    """{partition: (CURRENT-OFFSET, LOG-END-OFFSET)} from the tool's table."""
    rows = {}
    for line in describe.splitlines():
        cols = line.split()
        if len(cols) >= 5 and cols[0] == group and cols[1] == "orders" and cols[3].isdigit():
            rows[int(cols[2])] = (int(cols[3]), int(cols[4]))
    return rows


def test_a_group_consumes_and_its_offsets_show_in_the_terminal(gateway, learner):
    producer = KafkaProducer(**learner.kafka(max_block_ms=30_000))
    sent = {}
    try:
        for i in range(9):
            meta = producer.send("orders", key=f"k{i}".encode(), value=b"x").get(timeout=30)
            sent[meta.partition] = sent.get(meta.partition, 0) + 1
    finally:
        producer.close(timeout=10)

    consumer = KafkaConsumer("orders", **learner.kafka(
        group_id="real-app", auto_offset_reset="earliest", enable_auto_commit=False,
        request_timeout_ms=40_000, session_timeout_ms=10_000, heartbeat_interval_ms=1_000))
    got = 0
    try:
        for _ in range(60):
            for records in consumer.poll(timeout_ms=1000).values():
                got += len(records)
            if got >= 9:
                break
        assert got == 9
        consumer.commit()
        page = browser(gateway, learner)
        try:
            def described():
                out = page.cli("kafka-consumer-groups.sh --bootstrap-server broker-1:9092 "
                               "--describe --group real-app")
                rows = _committed(out, "real-app")
                return (out, rows) if rows and all(
                    rows.get(p, (0, 0))[0] == n for p, n in sent.items()) else None

            out, rows = until(described, timeout=30, what="committed offsets in --describe")
        finally:
            page.close()
    finally:
        consumer.close()
    # CURRENT-OFFSET is what the real client committed; LAG is 0: it read everything.
    for partition, count in sent.items():
        assert rows[partition] == (count, count), out
    assert re.search(r"real-app\s+orders\s+\d\s+\d+\s+\d+\s+0\s", out), out
