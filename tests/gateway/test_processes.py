"""The gateway on several Daphne processes sharing Redis and PostgreSQL: a real
client connected to one process reaches a sandbox whose lease another holds.

Process A runs the learner's simulation (its page's socket opened it there)
and serves no gateway (LEARNKAFKA_GATEWAY_PORT=0); process B serves the
gateway. kafka-python produces through B; B's node forwards each request to A
and A's frames bring the answers back.
"""
from __future__ import annotations

import signal

import pytest
from kafka import KafkaProducer

from simulator.partitioners import partition_for_key
from tests.real_servers import Cluster
from tests.sandbox.wsclient import visit

from .clients import BrowserSocket
from .conftest import BROKER_PORTS, Learner, free_port_run, read_token, wait_listening


@pytest.fixture
def two_processes(request, fresh_pg_database, redis_url):
    cluster = Cluster(fresh_pg_database, redis_url, 2, "gateway-" + request.node.name[:40])
    base = free_port_run(BROKER_PORTS)
    a, b = cluster.servers
    a.env = {**a.env, "LEARNKAFKA_GATEWAY_PORT": "0"}
    b.env = {**b.env, "LEARNKAFKA_GATEWAY_PORT": str(base),
             "LEARNKAFKA_GATEWAY_HOST": "127.0.0.1"}
    a.start()
    b.start()
    wait_listening(base)
    yield cluster, base
    for server in cluster.servers:
        server.kill(signal.SIGTERM)


def test_a_client_on_one_process_reaches_the_simulation_another_holds(two_processes):
    cluster, base = two_processes
    a, b = cluster.servers
    cookie, sandbox = visit(a.url)
    page = BrowserSocket(a.ws, sandbox, cookie)  # the simulation now lives on A
    try:
        holder = cluster.sql("SELECT lease_holder FROM sandbox_sandbox WHERE public_id = %s",
                             sandbox)[0][0]
        assert holder
        token = read_token(b.url, cookie)
        learner = Learner(cookie, sandbox, token, f"127.0.0.1:{base}")
        producer = KafkaProducer(**learner.kafka(max_block_ms=60_000,
                                                 request_timeout_ms=30_000))
        try:
            meta = producer.send("orders", key=b"across", value=b"processes").get(timeout=60)
        finally:
            producer.close(timeout=10)
        assert meta.partition == partition_for_key("across", 3)[0]
        # The lease never moved: A ran it all, B only carried the bytes.
        assert cluster.sql("SELECT lease_holder FROM sandbox_sandbox WHERE public_id = %s",
                           sandbox)[0][0] == holder
        out = page.cli("kafka-console-consumer.sh --bootstrap-server broker-1:9092 "
                       f"--topic orders --partition {meta.partition} --from-beginning "
                       "--property print.key=true")
        assert "across\tprocesses" in out
        assert "Kafka gateway listening" in b.log() and "Kafka gateway listening" not in a.log()
    finally:
        page.close()
