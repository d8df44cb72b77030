"""Every failure of the guide's consumer-not-consuming checklist can be staged."""

import pytest

from simulator import SimulationError
from simulator.tools.cli_output import AclEntry, acls_list

from .consumer_helpers import consumer, group, group_snapshot, kinds, produce, sim_with


def test_deserialization_mismatch_sticks_the_consumer_on_one_record_until_it_seeks():
    sim = sim_with(
        [group("g", ["A"], **{"auto.offset.reset": "earliest", "value.deserializer": "json"})],
        partitions=1,
    )
    sim.apply({"type": "add_producer", "producer": "AV", "configs": {"value.format": "avro"}})
    sim.advance(5_000)
    for i in range(2):  # JSON text: fine for a JSON deserializer
        produce(sim, 1, value=f'{{"id": {i}}}')
    sim.advance(2_000)
    sim.apply({"type": "produce", "producer": "AV", "topic": "orders", "value": "a", "count": 1})
    events = sim.advance(100)
    for i in range(3):
        produce(sim, 1, value=f'{{"id": {i}}}')
    events += sim.advance(10_000)
    errors = kinds(events, "consumer_error")
    assert len(errors) == 1  # the retrying loop does not repeat itself
    assert errors[0].error == "RecordDeserializationException"
    assert errors[0].message == (
        "Error deserializing VALUE for partition orders-0 at offset 2. If needed, please seek "
        "past the record to continue consumption."
    )
    assert consumer(sim, "A")["status"] == "stuck"
    assert consumer(sim, "A")["positions"] == {"orders-0": 2}
    assert group_snapshot(sim, "g")["lag"] == {"orders-0": 4}
    sim.apply({"type": "seek", "consumer": "A", "topic": "orders", "partition": 0, "offset": 3})
    events = sim.advance(10_000)
    assert kinds(events, "consumer_error_cleared")[0].error == "RecordDeserializationException"
    assert consumer(sim, "A")["positions"] == {"orders-0": 6}
    assert consumer(sim, "A")["status"] == "polling"


def test_string_deserializer_never_fails():
    sim = sim_with([group("g", ["A"], **{"auto.offset.reset": "earliest"})], partitions=1)
    sim.apply({"type": "add_producer", "producer": "AV", "configs": {"value.format": "avro"}})
    sim.advance(5_000)
    sim.apply({"type": "produce", "producer": "AV", "topic": "orders", "value": "a", "count": 2})
    events = sim.advance(5_000)
    assert not kinds(events, "consumer_error")
    assert consumer(sim, "A")["positions"] == {"orders-0": 2}


def test_topic_acl_denies_a_principal_until_it_is_allowed():
    acls = [
        {"resource_type": "TOPIC", "name": "orders", "principal": "User:alice", "operation": "READ"}
    ]
    sim = sim_with([], partitions=1, acls=acls)
    sim.apply(
        {
            "type": "add_consumer",
            "consumer": "B",
            "group": "g",
            "topics": ["orders"],
            "principal": "User:bob",
        }
    )
    events = sim.advance(10_000)
    error = kinds(events, "consumer_error")[0]
    assert error.error == "TopicAuthorizationException"
    assert error.message == "Not authorized to access topics: [orders]"
    assert consumer(sim, "B")["status"] == "error"
    assert len(kinds(events, "consumer_error")) == 1
    # What kafka-acls --list shows the learner.
    entries = [
        AclEntry(a["principal"], a["operation"], a["permission"], a["host"])
        for a in sim.snapshot()["acls"][0]["acls"]
    ]
    assert "(principal=User:alice, host=*, operation=READ, permissionType=ALLOW)" in (
        acls_list("TOPIC", "orders", entries)
    )
    sim.apply(
        {
            "type": "add_acl",
            "resource_type": "TOPIC",
            "name": "orders",
            "principal": "User:bob",
            "operation": "READ",
        }
    )
    produce(sim, 2)
    events = sim.advance(10_000)
    assert kinds(events, "consumer_error_cleared")
    assert consumer(sim, "B")["assignment"] == [["orders", 0]]


def test_group_acl_denies_joining():
    acls = [{"resource_type": "GROUP", "name": "g", "principal": "User:alice", "operation": "READ"}]
    sim = sim_with([], partitions=1, acls=acls)
    sim.apply(
        {
            "type": "add_consumer",
            "consumer": "B",
            "group": "g",
            "topics": ["orders"],
            "principal": "User:bob",
        }
    )
    events = sim.advance(10_000)
    error = kinds(events, "consumer_error")[0]
    assert error.error == "GroupAuthorizationException"
    assert error.message == "Not authorized to access group: g"
    assert "Principal = User:bob is Denied operation = DESCRIBE" in error.broker_log
    assert not kinds(events, "member_joined")


def test_wrong_bootstrap_server_reads_nothing():
    sim = sim_with([group("g", ["A"], **{"bootstrap.servers": "kafka-prod:9092"})])
    events = sim.advance(10_000)
    error = kinds(events, "consumer_error")[0]
    assert error.error == "ConnectionError"
    assert error.message.endswith(
        "Connection to node -1 (kafka-prod/kafka-prod:9092) could not be established. "
        "Node may not be available."
    )
    assert not kinds(events, "member_joined")
    sim.apply(
        {
            "type": "set_consumer_config",
            "consumer": "A",
            "configs": {"bootstrap.servers": "broker-1:9092"},
        }
    )
    sim.advance(10_000)
    assert consumer(sim, "A")["assignment"]


def test_a_consumer_cut_off_from_the_network_is_dropped_from_its_group():
    sim = sim_with([group("g", ["A", "B"])])
    sim.advance(5_000)
    sim.apply({"type": "set_consumer_network", "consumer": "B", "reachable": False})
    events = sim.advance(60_000)
    removed = kinds(events, "member_removed")
    assert [(e.consumer, e.reason) for e in removed] == [("B", "session_timeout")]
    sim.apply({"type": "set_consumer_network", "consumer": "B", "reachable": True})
    sim.advance(60_000)
    assert len(group_snapshot(sim, "g")["members"]) == 2


def test_misspelt_topic_gets_no_assignment():
    sim = sim_with([group("g", ["A"], topics=("ordrs",))])
    events = sim.advance(10_000)
    warning = kinds(events, "consumer_error")[0]
    assert warning.error == "UNKNOWN_TOPIC_OR_PARTITION"
    assert "{ordrs=UNKNOWN_TOPIC_OR_PARTITION}" in warning.message
    assignment = kinds(events, "assignment_changed")[0]
    assert assignment.assignment == []
    assert assignment.log.endswith("Adding newly assigned partitions: ")
    assert consumer(sim, "A")["status"] == "idle"
    sim.apply({"type": "subscribe", "consumer": "A", "topics": ["orders"]})
    sim.advance(10_000)
    assert len(consumer(sim, "A")["assignment"]) == 3


def test_retention_deleting_the_committed_position_resets_with_a_log_line():
    topic_configs = {"retention.ms": 60_000, "segment.ms": 10_000}
    cluster = {"log.retention.check.interval.ms": 5_000}
    sim = sim_with(
        [group("g", ["A"], **{"auto.offset.reset": "earliest"})],
        partitions=1,
        topic_configs=topic_configs,
        cluster_configs=cluster,
    )
    sim.advance(5_000)
    produce(sim, 5)
    sim.advance(6_000)
    sim.apply({"type": "crash_consumer", "consumer": "A"})  # offline for a long time
    for _ in range(10):
        produce(sim, 5)
        sim.advance(15_000)
    start = sim.snapshot()["topics"][0]["partitions"][0]
    sim.apply({"type": "restart_consumer", "consumer": "A"})
    events = sim.advance(10_000)
    resets = [e for e in kinds(events, "consumer_position_changed") if e.reason == "reset"]
    assert resets, f"no reset; partition is {start}"
    assert "is out of range for partition orders-0, resetting offset" in resets[0].log
    assert resets[0].previous_position == 5


def test_auto_offset_reset_none_raises_offset_out_of_range_after_retention():
    topic_configs = {"retention.ms": 60_000, "segment.ms": 10_000}
    cluster = {"log.retention.check.interval.ms": 5_000}
    sim = sim_with(
        [group("g", ["A"], **{"auto.offset.reset": "earliest"})],
        partitions=1,
        topic_configs=topic_configs,
        cluster_configs=cluster,
    )
    sim.advance(5_000)
    produce(sim, 5)
    sim.advance(6_000)
    sim.apply({"type": "crash_consumer", "consumer": "A"})
    for _ in range(10):
        produce(sim, 5)
        sim.advance(15_000)
    sim.apply(
        {"type": "set_consumer_config", "consumer": "A", "configs": {"auto.offset.reset": "none"}}
    )
    sim.apply({"type": "restart_consumer", "consumer": "A"})
    events = sim.advance(10_000)
    error = kinds(events, "consumer_error")[0]
    assert error.error == "OffsetOutOfRangeException"
    # Kafka 3.0+ wording (FetchCollector), FetchPosition as SubscriptionState prints it.
    assert error.message.startswith("Fetch position FetchPosition{offset=5, offsetEpoch=")
    assert error.message.endswith("} is out of range for partition orders-0")
    assert "currentLeader=LeaderAndEpoch{leader=Optional[broker-" in error.message


@pytest.mark.parametrize(
    "command, code",
    [
        ({"type": "add_consumer", "consumer": "has space", "group": "g"}, "bad_name"),
        ({"type": "add_consumer", "consumer": "A", "group": "g"}, "consumer_exists"),
        (
            {
                "type": "add_consumer",
                "consumer": "Z",
                "group": "g",
                "configs": {"max.poll.records": 0},
            },
            "bad_config",
        ),
        (
            {
                "type": "add_consumer",
                "consumer": "Z",
                "group": "g",
                "configs": {"session.timeout.ms": 1000},
            },
            "bad_config",
        ),
        (
            {
                "type": "add_consumer",
                "consumer": "Z",
                "group": "g",
                "configs": {"partition.assignment.strategy": ["fastest"]},
            },
            "bad_config",
        ),
        (
            {"type": "add_consumer", "consumer": "Z", "group": "g", "principal": "bob"},
            "bad_principal",
        ),
        ({"type": "remove_consumer", "consumer": "nobody"}, "unknown_consumer"),
        ({"type": "restart_consumer", "consumer": "A"}, "consumer_running"),
        (
            {"type": "seek", "consumer": "A", "topic": "orders", "partition": 9, "offset": 0},
            "not_assigned",
        ),
        (
            {"type": "reset_offsets", "group": "other", "topic": "orders", "to": "offset"},
            "bad_command",
        ),
        (
            {"type": "reset_offsets", "group": "other", "topic": "nope", "to": "earliest"},
            "unknown_topic",
        ),
        (
            {
                "type": "add_acl",
                "resource_type": "CLUSTER",
                "name": "x",
                "principal": "User:a",
                "operation": "READ",
            },
            "bad_acl",
        ),
        (
            {
                "type": "remove_acl",
                "resource_type": "TOPIC",
                "name": "x",
                "principal": "User:a",
                "operation": "READ",
            },
            "unknown_acl",
        ),
        (
            {
                "type": "set_consumer_config",
                "consumer": "A",
                "configs": {"value.deserializer": "xml"},
            },
            "bad_config",
        ),
    ],
)
def test_bad_commands_are_refused_and_change_nothing(command, code):
    sim = sim_with([group("g", ["A"])])
    sim.advance(5_000)
    before = sim.snapshot()
    log_before = list(sim.command_log)
    with pytest.raises(SimulationError) as raised:
        sim.apply(command)
    assert raised.value.code == code
    assert sim.snapshot() == before
    assert sim.command_log == log_before


def test_group_acl_error_is_announced_once_while_the_loop_retries():
    acls = [{"resource_type": "GROUP", "name": "g", "principal": "User:alice", "operation": "READ"}]
    sim = sim_with([], partitions=1, acls=acls)
    sim.apply(
        {
            "type": "add_consumer",
            "consumer": "B",
            "group": "g",
            "topics": ["orders"],
            "principal": "User:bob",
        }
    )
    events = sim.advance(30_000)
    assert len(kinds(events, "consumer_error")) == 1
    assert not kinds(events, "consumer_error_cleared")
    sim.apply(
        {
            "type": "add_acl",
            "resource_type": "GROUP",
            "name": "g",
            "principal": "User:bob",
            "operation": "READ",
        }
    )
    events = sim.advance(10_000)
    assert len(kinds(events, "consumer_error_cleared")) == 1
    assert consumer(sim, "B")["assignment"] == [["orders", 0]]


def test_a_consumer_without_a_subscription_throws_and_leaves_its_group():
    sim = sim_with([group("g", ["A", "B"])])
    sim.advance(6_000)
    sim.apply({"type": "subscribe", "consumer": "B", "topics": []})
    events = sim.advance(10_000)
    error = kinds(events, "consumer_error")[0]
    assert error.error == "IllegalStateException"
    assert error.message == "Consumer is not subscribed to any topics or assigned any partitions"
    assert [m["client"] for m in group_snapshot(sim, "g")["members"]] == ["A"]
    assert len(consumer(sim, "A")["assignment"]) == 3
    assert len(kinds(events, "consumer_error")) == 1
