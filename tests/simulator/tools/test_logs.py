"""The log panel's lines: what Kafka's clients and brokers write as the simulator does the
thing (simulator/tools/logs.py), from real simulations."""
from simulator.events import event_to_dict
from simulator.tools.logs import log_lines, log_time
from tests.simulator.consumers.consumer_helpers import group, produce, sim_with


def _lines(events):
    return log_lines([event_to_dict(e) for e in events])


def _find(lines, text):
    found = [line for line in lines if text in line["text"]]
    assert found, f"no line with {text!r}"
    return found


def test_log4j_layout_and_simulated_time():
    assert log_time(0) == "1970-01-01 00:00:00,000"
    assert log_time(86_400_000 * 366 + 3_723_004) == "1971-01-02 01:02:03,004"


def test_a_group_forming_writes_coordinator_rebalance_and_assignment_lines():
    sim = sim_with([group("payment-service", ["A", "B"])], partitions=3)
    lines = _lines(sim.advance(8_000))
    found = _find(lines, "Discovered group coordinator broker-")[0]
    assert found["source"] == "client" and found["about"] == {"consumer": found["client"]}
    prepare = _find(lines, "Preparing to rebalance group payment-service in state "
                           "PreparingRebalance with old generation 0")[0]
    assert prepare["source"] == "broker" and prepare["level"] == "INFO"
    assert prepare["about"] == {"broker": int(prepare["client"].removeprefix("broker-"))}
    assert prepare["logger"] == "org.apache.kafka.coordinator.group.GroupMetadataManager"
    _find(lines, "Stabilized group payment-service generation 1 with 2 members.")
    assigned = _find(lines, "Adding newly assigned partitions: ")
    assert {a["client"] for a in assigned} == {"A", "B"}
    assert assigned[0]["text"].startswith("[1970-01-01 00:00:")
    assert assigned[0]["text"].endswith(
        " (org.apache.kafka.clients.consumer.internals.ConsumerCoordinator)")
    # Kafka's order: the coordinator stabilises before members learn their assignment.
    order = [line["text"] for line in lines]
    assert order.index(_find(lines, "Stabilized group")[0]["text"]) < order.index(
        assigned[0]["text"])


def test_a_slow_consumer_writes_the_poll_timeout_warn_and_its_removal_and_revocation():
    sim = sim_with([group("g", ["A", "B"], **{"max.poll.interval.ms": 2_000,
                                              "processing.ms.per.record": 3_000,
                                              "auto.offset.reset": "earliest"})])
    events = sim.advance(6_000)
    events += produce(sim, 3)
    lines = _lines(events + sim.advance(30_000))
    warn = _find(lines, "consumer poll timeout has expired. This means the time between "
                        "subsequent calls to poll() was longer than the configured "
                        "max.poll.interval.ms")[0]
    assert warn["level"] == "WARN" and warn["source"] == "client"
    left = _find(lines, "has left group through explicit `LeaveGroup` request")[0]
    assert left["source"] == "broker" and "consumer" in left["about"]


def test_a_crashed_member_is_removed_by_the_coordinator():
    sim = sim_with([group("g", ["A", "B"])])
    sim.advance(8_000)
    sim.apply({"type": "crash_consumer", "consumer": "B"})
    lines = _lines(sim.advance(60_000))
    failed = _find(lines, "in group g has failed, removing it from the group")[0]
    assert failed["about"] == {"consumer": "B"}
    revoked = _find(lines, "Revoke previously assigned partitions")
    assert all(r["client"] == "A" for r in revoked)


def test_deserialization_and_authorization_errors_are_error_lines():
    sim = sim_with([group("g", ["A"], **{"auto.offset.reset": "earliest",
                                         "value.deserializer": "json"})], partitions=1)
    sim.apply({"type": "add_producer", "producer": "AV", "configs": {"value.format": "avro"}})
    sim.advance(5_000)
    sim.apply({"type": "produce", "producer": "AV", "topic": "orders", "value": "a", "count": 1})
    lines = _lines(sim.advance(5_000))
    error = _find(lines, "org.apache.kafka.common.errors.RecordDeserializationException: "
                         "Error deserializing VALUE for partition orders-0 at offset 0")[0]
    assert error["level"] == "ERROR" and error["about"] == {"consumer": "A"}

    acls = [{"resource_type": "TOPIC", "name": "orders", "principal": "User:alice",
             "operation": "READ"}]
    sim = sim_with([], partitions=1, acls=acls)
    sim.apply({"type": "add_consumer", "consumer": "B", "group": "g", "topics": ["orders"],
               "principal": "User:bob"})
    lines = _lines(sim.advance(10_000))
    _find(lines, "org.apache.kafka.common.errors.TopicAuthorizationException: Not authorized "
                 "to access topics: [orders]")

    acls = [{"resource_type": "GROUP", "name": "g", "principal": "User:alice",
             "operation": "READ"}]
    sim = sim_with([], partitions=1, acls=acls)
    sim.apply({"type": "add_consumer", "consumer": "B", "group": "g", "topics": ["orders"],
               "principal": "User:bob"})
    lines = _lines(sim.advance(10_000))
    _find(lines, "GroupAuthorizationException: Not authorized to access group: g")
    denied = _find(lines, "Principal = User:bob is Denied operation = ")[0]
    assert denied["source"] == "broker" and denied["logger"] == "kafka.authorizer.logger"


def test_retention_past_the_position_writes_the_out_of_range_reset():
    sim = sim_with([group("g", ["A"], **{"auto.offset.reset": "earliest"})], partitions=1,
                   topic_configs={"retention.ms": 60_000, "segment.ms": 10_000},
                   cluster_configs={"log.retention.check.interval.ms": 5_000})
    sim.advance(5_000)
    produce(sim, 5)
    sim.advance(6_000)
    sim.apply({"type": "crash_consumer", "consumer": "A"})
    events = []
    for _ in range(10):
        produce(sim, 5)
        events += sim.advance(15_000)
    sim.apply({"type": "restart_consumer", "consumer": "A"})
    lines = _lines(events + sim.advance(20_000))
    _find(lines, "is out of range for partition orders-0, resetting offset")


def test_events_without_a_log_line_write_nothing_and_text_is_bounded():
    assert log_lines([{"kind": "message_sent"}, {"kind": "records_appended"}]) == []
    long = {"kind": "poll_timeout_expired", "consumer": "A", "group": "g", "at_ms": 1,
            "log": "x" * 10_000}
    (line,) = log_lines([long])
    assert len(line["text"]) < 2_200
