"""The study guide's "consumer not consuming" symptom table, as runnable scenarios.

Each entry of `SYMPTOMS` stages one row of the guide's table (plus the
retention case of its checklist) on a small cluster: a scenario dict (the
same format as ``simulator/scenarios/*.yaml``, timeline included), the
simulated time by which the symptom shows, and the steps that fix it
(``fix_steps``: commands, each ``after_ms`` after the previous one). A
lesson or quiz can load ``symptom_scenario(id)`` into a sandbox, let the
learner investigate with the in-browser CLI, and apply the fix.

``tests/simulator/tools/test_debugging.py`` checks that every symptom
really appears and that its fix really works.
"""

from __future__ import annotations

import copy

CLUSTER = {"brokers": 3, "controllers": 1, "network": {"latency_ms": 2, "jitter_ms": 0}}
ORDERS = {
    "name": "orders",
    "partitions": 3,
    "replication_factor": 3,
    "replica_assignment": [[1, 2, 3], [2, 3, 1], [3, 1, 2]],
}


def _produce(at_ms: int, count: int, producer: str = "shop", value: str = "order") -> dict:
    return {
        "at_ms": at_ms,
        "command": {
            "type": "produce",
            "producer": producer,
            "topic": "orders",
            "value": value,
            "count": count,
        },
    }


def _scenario(
    name: str,
    groups: list,
    timeline: list,
    topic: dict | None = None,
    producers: list | None = None,
    acls: list | None = None,
) -> dict:
    data = {
        "name": name,
        "description": f"Debugging lesson: {name}",
        "cluster": CLUSTER,
        "topics": [topic or ORDERS],
        "producers": producers or [{"name": "shop", "configs": {}}],
        "consumer_groups": groups,
        "timeline": timeline,
    }
    if acls:
        data["acls"] = acls
    return data


def _now(commands: list) -> list:
    """Fix steps applied one after the other at the same moment."""
    return [{"after_ms": 0, "command": c} for c in commands]


def _group(consumers: list, topics=("orders",), **configs) -> dict:
    return {
        "group": "payment-service",
        "topics": list(topics),
        "configs": configs,
        "consumers": [{"name": c} for c in consumers],
    }


SYMPTOMS: list[dict] = [
    {
        "id": "producer-not-writing",
        "symptom": "Consumer healthy, LAG = 0, yet new orders never arrive",
        "cause": "The producer is failing, not the consumer: orders needs 3 in-sync "
        "replicas (min.insync.replicas=3, acks=all) and broker 3 is down, so every write "
        "gets NOT_ENOUGH_REPLICAS and is retried until delivery.timeout.ms.",
        "fix": "Check the producer first: bring the replica back (restart broker 3) or "
        "lower min.insync.replicas; the retried orders then arrive.",
        "scenario": _scenario(
            "producer-not-writing",
            [_group(["A"], **{"auto.offset.reset": "earliest"})],
            [
                {"at_ms": 1_000, "command": {"type": "crash_broker", "broker": 3}},
                _produce(4_000, 10),
            ],
            topic={**ORDERS, "configs": {"min.insync.replicas": 3}},
        ),
        "observe_at_ms": 12_000,
        "fix_steps": _now([{"type": "restart_broker", "broker": 3}]),
    },
    {
        "id": "wrong-group-id",
        "symptom": "LAG = 0, no messages (a different group)",
        "cause": "The new deploy runs with group.id=payment-service-v2: a new group that "
        "started at the end (auto.offset.reset=latest), while payment-service keeps its "
        "committed offsets and has no members.",
        "fix": "Deploy with the right group.id: the group resumes from its commits.",
        "scenario": _scenario(
            "wrong-group-id",
            [],
            [
                _produce(500, 12),
                {
                    "at_ms": 1_000,
                    "command": {"type": "add_consumer", "consumer": "old",
                                "group": "payment-service", "topics": ["orders"],
                                "configs": {"auto.offset.reset": "earliest"}},
                },
                {"at_ms": 8_000, "command": {"type": "remove_consumer", "consumer": "old"}},
                {
                    "at_ms": 9_000,
                    "command": {"type": "add_consumer", "consumer": "A",
                                "group": "payment-service-v2", "topics": ["orders"]},
                },
                _produce(12_000, 18),
            ],
        ),
        "observe_at_ms": 20_000,
        "fix_steps": [
            {"after_ms": 0, "command": {"type": "remove_consumer", "consumer": "A"}},
            {
                "after_ms": 0,
                "command": {"type": "add_consumer", "consumer": "A",
                            "group": "payment-service", "topics": ["orders"]},
            },
        ],
    },
    {
        "id": "lag-zero-no-messages",
        "symptom": "LAG = 0, no messages",
        "cause": "A new group with auto.offset.reset=latest starts at the end: the 30 "
        "orders written before it started are invisible to it.",
        "fix": "Reset the group's offsets to the earliest (or start with earliest).",
        "scenario": _scenario(
            "lag-zero-no-messages",
            [],
            [
                _produce(0, 30),
                {
                    "at_ms": 2_000,
                    "command": {
                        "type": "add_consumer",
                        "consumer": "A",
                        "group": "payment-service",
                        "topics": ["orders"],
                    },
                },
            ],
        ),
        "observe_at_ms": 12_000,
        # Offsets can only be reset while the group is empty: stop, reset, start.
        "fix_steps": [
            {"after_ms": 0, "command": {"type": "remove_consumer", "consumer": "A"}},
            {
                "after_ms": 1_000,
                "command": {
                    "type": "reset_offsets",
                    "group": "payment-service",
                    "topic": "orders",
                    "to": "earliest",
                },
            },
            {
                "after_ms": 0,
                "command": {
                    "type": "add_consumer",
                    "consumer": "A",
                    "group": "payment-service",
                    "topics": ["orders"],
                },
            },
        ],
    },
    {
        "id": "lag-growing-consumer-active",
        "symptom": "LAG growing, consumer active",
        "cause": "Processing takes 500 ms a record while 4 orders a second arrive: the "
        "consumer polls and processes all the time and still falls behind.",
        "fix": "Make processing faster (or add consumers, up to the partition count).",
        "scenario": _scenario(
            "lag-growing-consumer-active",
            [_group(["A"], **{"processing.ms.per.record": 500, "auto.offset.reset": "earliest"})],
            [_produce(at, 20) for at in range(5_000, 60_000, 5_000)],
        ),
        "observe_at_ms": 60_000,
        "fix_steps": _now(
            [
                {
                    "type": "set_consumer_config",
                    "consumer": "A",
                    "configs": {"processing.ms.per.record": 5},
                },
            ]
        ),
    },
    {
        "id": "lag-growing-no-consumer",
        "symptom": "LAG growing, no active consumer",
        "cause": "The only consumer crashed; after session.timeout.ms (45 s) the group "
        "is empty and nobody reads.",
        "fix": "Restart the consumer.",
        "scenario": _scenario(
            "lag-growing-no-consumer",
            [_group(["A"], **{"auto.offset.reset": "earliest"})],
            [
                _produce(5_000, 10),
                {"at_ms": 15_000, "command": {"type": "crash_consumer", "consumer": "A"}},
                _produce(20_000, 10),
                _produce(40_000, 10),
            ],
        ),
        "observe_at_ms": 60_000,
        "fix_steps": _now([{"type": "restart_consumer", "consumer": "A"}]),
    },
    {
        "id": "assigned-zero-partitions-too-many-consumers",
        "symptom": "Consumer assigned 0 partitions",
        "cause": "Four consumers for three partitions: one sits idle.",
        "fix": "Scale down to the partition count (or add partitions).",
        "scenario": _scenario(
            "assigned-zero-partitions-too-many-consumers", [_group(["A", "B", "C", "D"])], []
        ),
        "observe_at_ms": 6_000,
        "fix_steps": _now([{"type": "remove_consumer", "consumer": "D"}]),
    },
    {
        "id": "assigned-zero-partitions-wrong-topic",
        "symptom": "Consumer assigned 0 partitions",
        "cause": 'The consumer subscribed to "ordrs", a topic that does not exist.',
        "fix": "Subscribe to the right topic name.",
        "scenario": _scenario(
            "assigned-zero-partitions-wrong-topic",
            [_group(["A"], topics=("ordrs",))],
            [_produce(5_000, 10)],
        ),
        "observe_at_ms": 8_000,
        "fix_steps": _now([{"type": "subscribe", "consumer": "A", "topics": ["orders"]}]),
    },
    {
        "id": "constant-rebalancing",
        "symptom": "Constant rebalancing",
        "cause": "Each batch of 50 records takes 50 × 2 s, longer than "
        "max.poll.interval.ms (60 s): the consumer is kicked out, rejoins, gets "
        "the same records again, and never commits.",
        "fix": "Increase max.poll.interval.ms or reduce max.poll.records.",
        "scenario": _scenario(
            "constant-rebalancing",
            [
                _group(
                    ["A"],
                    **{
                        "auto.offset.reset": "earliest",
                        "max.poll.records": 50,
                        "processing.ms.per.record": 2_000,
                        "max.poll.interval.ms": 60_000,
                    },
                )
            ],
            [_produce(5_000, 100)],
        ),
        "observe_at_ms": 240_000,
        "fix_steps": _now(
            [{"type": "set_consumer_config", "consumer": "A", "configs": {"max.poll.records": 10}}]
        ),
    },
    {
        "id": "deserialization-errors",
        "symptom": "Deserialization errors in logs",
        "cause": "The producer writes Avro, the consumer expects JSON: it stops at the "
        "first record it cannot read.",
        "fix": "Align the deserializer with the producer's format (Schema Registry).",
        "scenario": _scenario(
            "deserialization-errors",
            [_group(["A"], **{"auto.offset.reset": "earliest", "value.deserializer": "json"})],
            [_produce(5_000, 10)],
            producers=[{"name": "shop", "configs": {"value.format": "avro"}}],
        ),
        "observe_at_ms": 10_000,
        "fix_steps": _now(
            [
                {
                    "type": "set_consumer_config",
                    "consumer": "A",
                    "configs": {"value.deserializer": "avro"},
                }
            ]
        ),
    },
    {
        "id": "reads-nothing-acl",
        "symptom": "Consumer starts but reads nothing",
        "cause": 'ACLs on "orders" allow only User:analytics; the consumer runs as '
        "User:payments (TopicAuthorizationException).",
        "fix": "Grant READ on the topic to the consumer's principal.",
        "scenario": {
            **_scenario(
                "reads-nothing-acl",
                [],
                [
                    _produce(5_000, 10),
                    {
                        "at_ms": 1_000,
                        "command": {
                            "type": "add_consumer",
                            "consumer": "A",
                            "group": "payment-service",
                            "topics": ["orders"],
                            "principal": "User:payments",
                            "configs": {"auto.offset.reset": "earliest"},
                        },
                    },
                ],
                acls=[
                    {
                        "resource_type": "TOPIC",
                        "name": "orders",
                        "principal": "User:analytics",
                        "operation": "READ",
                    }
                ],
            ),
        },
        "observe_at_ms": 10_000,
        "fix_steps": _now(
            [
                {
                    "type": "add_acl",
                    "resource_type": "TOPIC",
                    "name": "orders",
                    "principal": "User:payments",
                    "operation": "READ",
                }
            ]
        ),
    },
    {
        "id": "reads-nothing-bootstrap",
        "symptom": "Consumer starts but reads nothing",
        "cause": "bootstrap.servers points at kafka-prod:9092, where no broker of this "
        "cluster listens.",
        "fix": "Point bootstrap.servers at the cluster (broker-1:9092).",
        "scenario": _scenario(
            "reads-nothing-bootstrap",
            [
                _group(
                    ["A"],
                    **{"bootstrap.servers": "kafka-prod:9092", "auto.offset.reset": "earliest"},
                )
            ],
            [_produce(5_000, 10)],
        ),
        "observe_at_ms": 10_000,
        "fix_steps": _now(
            [
                {
                    "type": "set_consumer_config",
                    "consumer": "A",
                    "configs": {"bootstrap.servers": "broker-1:9092"},
                }
            ]
        ),
    },
    {
        "id": "retention-deleted-offsets",
        "symptom": "Consumer offline too long: its position was deleted",
        "cause": "retention.ms is one minute; while the consumer was down for five, the "
        "segments holding its committed position were deleted. On restart it gets "
        "OFFSET_OUT_OF_RANGE and auto.offset.reset decides where it resumes.",
        "fix": "Keep consumers up, raise retention.ms, and choose auto.offset.reset "
        "knowingly (earliest re-reads what is left, latest skips it).",
        "scenario": {
            **_scenario(
                "retention-deleted-offsets",
                [_group(["A"], **{"auto.offset.reset": "earliest"})],
                [
                    _produce(5_000, 10),
                    {"at_ms": 10_000, "command": {"type": "crash_consumer", "consumer": "A"}},
                ]
                + [_produce(at, 10) for at in range(20_000, 300_000, 20_000)],
                topic={
                    **ORDERS,
                    "partitions": 1,
                    "replica_assignment": [[1, 2, 3]],
                    "configs": {"retention.ms": 60_000, "segment.ms": 10_000},
                },
            ),
            "cluster": {**CLUSTER, "configs": {"log.retention.check.interval.ms": 5_000}},
        },
        "observe_at_ms": 300_000,
        "fix_steps": _now([{"type": "restart_consumer", "consumer": "A"}]),
    },
]


SCENARIO_PREFIX = "symptom-"


def symptom_scenario_names() -> list[str]:
    """The sandbox scenario names of the symptoms (``symptom-<id>``)."""
    return [SCENARIO_PREFIX + entry["id"] for entry in SYMPTOMS]


def scenario_for_name(name: str) -> dict | None:
    """Scenario provider for simulator.scenarios: ``symptom-<id>`` -> that symptom's scenario."""
    if not isinstance(name, str) or not name.startswith(SCENARIO_PREFIX):
        return None
    symptom_id = name[len(SCENARIO_PREFIX):]
    if not any(entry["id"] == symptom_id for entry in SYMPTOMS):
        return None
    data = symptom_scenario(symptom_id)
    data["name"] = name
    return data


def symptom(symptom_id: str) -> dict:
    for entry in SYMPTOMS:
        if entry["id"] == symptom_id:
            return entry
    raise KeyError(symptom_id)


def symptom_scenario(symptom_id: str) -> dict:
    """A fresh copy of the scenario dict staging `symptom_id`."""
    return copy.deepcopy(symptom(symptom_id)["scenario"])
