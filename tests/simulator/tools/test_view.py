"""The CLI sees the cluster through a read-only ClusterView: any line, however odd, runs
without changing the simulation, and what the view hands out cannot be changed either."""
import base64
import dataclasses
import json
import shutil
import subprocess
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from simulator.tools.cli import _SPECS, run_cli, tool_names
from simulator.tools.java_order import hash_map_order, topic_partition_hash
from simulator.tools.view import ClusterView, kafka_uuid
from tests.simulator.consumers.consumer_helpers import group, produce, sim_with

_SIM = sim_with([group("payment-service", ["A", "B"])], partitions=3)
_SIM.advance(6_000)
produce(_SIM, 9)
_SIM.advance(3_000)

_words = st.sampled_from(["orders", "payment-service", "broker-1:9092", "1", "-1", "x", "",
                          "earliest", "10", "print.key=true", "User:alice", "Read",
                          "retention.ms=1000", "'", '"', "<b>", "1970-01-01T00:00:05.000"])


@st.composite
def command_lines(draw):
    tool = draw(st.sampled_from(tool_names()))
    flags = [f"--{o.name}" for o in _SPECS[tool].options] if tool in _SPECS else ["--x"]
    parts = [draw(st.sampled_from([tool, tool + ".sh", "bin/" + tool + ".sh"]))]
    for _ in range(draw(st.integers(0, 7))):
        parts.append(draw(st.one_of(st.sampled_from(flags + ["--bogus"]), _words)))
    return " ".join(parts)


@settings(max_examples=300, deadline=None)
@given(command_lines())
def test_no_line_changes_the_simulation_or_raises(line):
    before = json.dumps(_SIM.snapshot(), sort_keys=True)
    result = run_cli(_SIM.world, line)
    assert isinstance(result.output, str)
    assert json.dumps(_SIM.snapshot(), sort_keys=True) == before
    for command in result.commands:  # what a changing tool asks for is a plain command
        assert isinstance(command["type"], str)


def test_what_the_view_hands_out_is_frozen():
    view = ClusterView(_SIM.world)
    topic = view.topic("orders")
    with pytest.raises(dataclasses.FrozenInstanceError):
        topic.name = "other"
    with pytest.raises(TypeError):
        topic.configs["retention.ms"] = "1"
    with pytest.raises(TypeError):
        view.committed("payment-service")[("orders", 0)] = 0
    assert not hasattr(view, "world") and not hasattr(view, "_world")
    assert isinstance(topic.partitions, tuple) and isinstance(topic.partitions[0].isr, tuple)


def test_topic_ids_print_as_kafka_uuids():
    for raw in ("0123456789abcdef", "ffffffffffffffff", "deadbeef00000000"):
        text = kafka_uuid(raw)
        assert len(text) == 22 and not text.startswith("-")
        assert len(base64.urlsafe_b64decode(text + "==")) == 16
        assert set(text) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                                "0123456789-_")
        assert kafka_uuid(raw) == text
    described = run_cli(_SIM.world, "kafka-topics --bootstrap-server broker-1:9092 "
                                    "--describe --topic orders").output
    assert f"TopicId: {ClusterView(_SIM.world).topic('orders').topic_id}\t" in described


# Printed by java.util.HashMap for TopicPartition keys inserted in partition order and
# collected as Collectors.toMap does: tests/simulator/tools/java/HashMapOrder.java
# (test_the_table_is_what_java_prints reruns it where a JDK is installed).
JAVA_HASHMAP_ORDER = {
    ("orders", 3): "0,1,2",
    ("payments", 3): "0,2,1",
    ("payment-events", 3): "2,1,0",
    ("orders", 12): "7,8,9,10,11,0,1,2,3,4,5,6",
    ("payments", 12): "4,3,6,5,0,2,1,11,8,7,10,9",
    ("payment-events", 12): "3,2,5,4,7,6,9,8,11,10,1,0",
    ("orders", 13): "7,8,9,10,11,12,0,1,2,3,4,5,6",
    ("payments", 13): "4,3,6,5,0,2,1,12,11,8,7,10,9",
    ("payment-events", 13): "1,0,3,2,5,4,7,6,9,8,11,10,12",
}


@pytest.mark.parametrize("topic,count", sorted(JAVA_HASHMAP_ORDER))
def test_reset_plans_print_in_java_hashmap_order(topic, count):
    keys = [(topic, p) for p in range(count)]
    order = ",".join(str(p) for _, p in hash_map_order(keys, topic_partition_hash))
    assert order == JAVA_HASHMAP_ORDER[(topic, count)]


@pytest.mark.skipif(not shutil.which("java"), reason="needs a JDK")
def test_the_table_is_what_java_prints():
    source = Path(__file__).parent / "java" / "HashMapOrder.java"
    printed = subprocess.run(["java", str(source)], capture_output=True, text=True,
                             timeout=120, check=True).stdout
    table = {}
    for line in printed.splitlines():
        topic, count, order = line.split(" ")
        table[(topic, int(count))] = order
    assert table == JAVA_HASHMAP_ORDER
