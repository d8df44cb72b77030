"""Limits and isolation: a token reaches only its own sandbox; a sandbox's
connections are capped; over its byte or record budget a connection waits
(as Kafka's quotas mute a channel) rather than being refused."""
from __future__ import annotations

import pytest
from kafka import KafkaProducer
from kio.schema.errors import ErrorCode

from learnkafka.gateway import limits
from tests.sandbox.wsclient import visit

from .clients import browser, until
from .conftest import Learner, read_token
from .rawclient import Raw

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_token_reaches_only_its_own_sandbox(gateway, learner):
    cookie, sandbox = visit(gateway.url)
    other = Learner(cookie, sandbox, read_token(gateway.url, cookie), gateway.bootstrap)
    assert other.sandbox != learner.sandbox and other.token != learner.token
    mine = browser(gateway, learner)
    try:
        producer = KafkaProducer(**other.kafka(max_block_ms=60_000))
        try:
            producer.send("orders", partition=0, value=b"theirs").get(timeout=60)
        finally:
            producer.close(timeout=10)
        theirs = browser(gateway, other)
        try:
            out = theirs.cli("kafka-console-consumer.sh --bootstrap-server broker-1:9092 "
                             "--topic orders --partition 0 --from-beginning")
            assert "theirs" in out
        finally:
            theirs.close()
        out = mine.cli("kafka-console-consumer.sh --bootstrap-server broker-1:9092 "
                       "--topic orders --partition 0 --from-beginning")
        assert "theirs" not in out and "Processed a total of 0 messages" in out
        assert not [e for e in mine.events() if e["kind"].startswith("wire_")]
    finally:
        mine.close()


def test_a_sandbox_takes_a_bounded_number_of_connections(gateway, learner):
    raws = []
    try:
        for _ in range(limits.MAX_CONNECTIONS):
            raw = Raw(gateway.base_port)
            raws.append(raw)
            assert raw.authenticate(learner.token).error_code == ErrorCode.none
        extra = Raw(gateway.base_port)
        raws.append(extra)
        refused = extra.authenticate(learner.token)
        assert refused.error_code == ErrorCode.sasl_authentication_failed
        assert f"{limits.MAX_CONNECTIONS} gateway connections" in refused.error_message
        assert extra.closed_by_peer()
        # One closes: there is room again.
        raws.pop(0).close()

        def admitted():
            again = Raw(gateway.base_port)
            raws.append(again)
            return again.authenticate(learner.token).error_code == ErrorCode.none

        until(admitted, timeout=30, every=0.5, what="a freed connection slot")
    finally:
        for raw in raws:
            raw.close()


class FakeClock:
    def __init__(self):
        self.now = 100.0

    def __call__(self):
        return self.now


def test_over_budget_a_connection_waits_for_the_refill_instead_of_failing():
    clock = FakeClock()
    bucket = limits.Bucket(rate=100, burst=200, clock=clock)
    assert bucket.take(200) == 0.0       # the burst
    assert bucket.take(50) == pytest.approx(0.5)  # 50 over: half a second at 100/s
    clock.now += 0.5
    assert bucket.take(0) == 0.0         # refilled to zero debt
    clock.now += 100
    assert bucket.take(150) == 0.0       # refills only up to the burst
    assert bucket.take(100) == pytest.approx(0.5)
    assert limits.Bucket(rate=1, burst=1, clock=clock).take(10**6) == limits.MAX_WAIT_S


def test_connections_a_crashed_broker_drops_give_their_client_slot_back(gateway, learner):
    """A client reconnecting to a crashed broker again and again (kafka-python does,
    every retry_backoff_ms) must not use up the simulation's outside-client slots:
    each dropped connection's client is closed in the simulation too, so the client
    can still reach the new leader. (It once leaked one slot per reconnect.)"""
    from simulator.wire_clients.state import MAX_WIRE_CLIENTS

    page = browser(gateway, learner)
    try:
        page.command({"type": "crash_broker", "broker": 1})
        page.wait_event(lambda e: e["kind"] == "broker_crashed" and e.get("broker") == 1)
        for _ in range(MAX_WIRE_CLIENTS + 4):
            raw = Raw(gateway.base_port)  # broker 1's port: the process is gone there
            try:
                assert raw.authenticate(learner.token).error_code == ErrorCode.none
                with pytest.raises(ConnectionError):
                    raw.request(3, 12, {"topics": None, "allow_auto_topic_creation": False})
            finally:
                raw.close()
        survivor = Raw(gateway.base_port + 1)  # broker 2
        try:
            assert survivor.authenticate(learner.token).error_code == ErrorCode.none
            metadata = survivor.request(3, 12, {"topics": None})
            assert {b.node_id for b in metadata.brokers} >= {2, 3}
        finally:
            survivor.close()
        # ...and the simulation forgot every dropped client.
        closed = [e for e in page.events() if e["kind"] == "wire_client_closed"]
        assert len(closed) >= MAX_WIRE_CLIENTS + 4
    finally:
        page.close()
