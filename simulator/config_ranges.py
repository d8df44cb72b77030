"""The range of every config a command or scenario can set, next to Kafka's own.

One table per scope (producer, consumer, topic, broker). Each entry says what
Kafka's `ConfigDef` accepts (type and validator, read in apache/kafka's source:
`clients/.../producer/ProducerConfig.java`, `clients/.../consumer/ConsumerConfig.java`,
`storage/.../log/LogConfig.java` for topic configs, and for brokers
`ReplicationConfigs`, `KRaftConfigs`, `QuorumConfig`, `GroupCoordinatorConfig`,
`LogConfig` (log.retention.check.interval.ms)) and what the simulator runs.
Where the simulator's range is narrower, `bound` says why; docs/events.md
("Bounds and budgets") lists those bounds.

`check_configs(scope, configs)` and `check_command_configs(cmd)` raise
``SimulationError("bad_config")`` before anything changes. Keys this table does
not know are left to the model's own validators (which name the known keys);
a test keeps this table complete for every key the model knows.
"""

from __future__ import annotations

from dataclasses import dataclass

from simulator import limits
from simulator.errors import SimulationError
from simulator.partitioners import PARTITIONERS

INT_MAX = 2**31 - 1    # Kafka Type.INT
LONG_MAX = 2**63 - 1   # Kafka Type.LONG
SHORT_MAX = 2**15 - 1  # Kafka Type.SHORT


@dataclass(frozen=True)
class Range:
    """One config: `kind` int/bool/choice/text/list; `low`..`high` (ints) or
    `choices` is what the simulator accepts; `kafka` is Kafka's type and
    validator as written in `source`; `bound` explains a narrower range."""

    kind: str
    source: str
    kafka: str
    low: int | None = None
    high: int | None = None
    choices: tuple = ()
    bound: str = ""
    nullable: bool = False


def _int(source: str, kafka: str, low: int, high: int, bound: str = "") -> Range:
    return Range("int", source, kafka, low, high, bound=bound)


_ZERO_PERIOD = "a 0 ms period would fire again at the same millisecond forever"
_P, _C = "ProducerConfig", "ConsumerConfig"

PRODUCER: dict[str, Range] = {
    "acks": Range("choice", _P, 'STRING in("all", "-1", "0", "1")',
                  choices=("all", "-1", "0", "1", -1, 0, 1)),
    "enable.idempotence": Range("bool", _P, "BOOLEAN"),
    "retries": _int(_P, "INT between(0, Integer.MAX_VALUE)", 0, INT_MAX),
    "delivery.timeout.ms": _int(_P, "INT atLeast(0)", 0, INT_MAX),
    "request.timeout.ms": _int(_P, "INT atLeast(0)", 1, INT_MAX,
                               "a 0 ms request timeout expires every request the moment it "
                               "is sent"),
    "retry.backoff.ms": _int(_P, "LONG atLeast(0)", 0, LONG_MAX),
    "linger.ms": _int(_P, "LONG atLeast(0)", 0, LONG_MAX),
    "batch.size": _int(_P, "INT atLeast(0)", 1, INT_MAX,
                       "batch.size=0 (batching off) is not modelled; 1 gives one record "
                       "per batch"),
    "compression.type": Range("choice", _P, "STRING in(none, gzip, snappy, lz4, zstd)",
                              choices=("none", "gzip", "snappy", "lz4", "zstd")),
    "max.in.flight.requests.per.connection": _int(_P, "INT atLeast(1)", 1, 100,
                                                  "a simulator cap: at most 100 requests "
                                                  "in flight"),
    # The simulator's own: Kafka chooses with partitioner.class (a Java class).
    "partitioner": Range("choice", "simulator", "(partitioner.class)",
                         choices=PARTITIONERS),
    "value.format": Range("choice", "simulator", "(value.serializer)",
                          choices=("string", "json", "avro", "protobuf")),
    "transactional.id": Range("text", _P, "STRING NonEmptyString, default null", 1, 255,
                              "at most 255 characters", nullable=True),
    "metadata.max.age.ms": _int(_P, "LONG atLeast(0)", 1, LONG_MAX,
                                f"metadata.max.age.ms=0: {_ZERO_PERIOD}"),
    "reconnect.backoff.ms": _int(_P, "LONG atLeast(0)", 0, LONG_MAX),
    "reconnect.backoff.max.ms": _int(_P, "LONG atLeast(0)", 0, LONG_MAX),
}

CONSUMER: dict[str, Range] = {
    "auto.offset.reset": Range("choice", _C, "STRING in(latest, earliest, none)",
                               choices=("earliest", "latest", "none")),
    "enable.auto.commit": Range("bool", _C, "BOOLEAN"),
    "auto.commit.interval.ms": _int(_C, "INT atLeast(0)", 1, 86_400_000,
                                    f"auto.commit.interval.ms=0: {_ZERO_PERIOD}; at most a "
                                    "day"),
    "max.poll.records": _int(_C, "INT atLeast(1)", 1, 10_000,
                             "a simulator cap: at most 10000 records per poll"),
    "max.poll.interval.ms": _int(_C, "INT atLeast(1)", 1, 86_400_000, "at most a day"),
    "session.timeout.ms": _int(_C, "INT (no validator)", 1, 3_600_000,
                               "at least 1 ms and at most an hour"),
    "heartbeat.interval.ms": _int(_C, "INT (no validator)", 1, 3_600_000,
                                  f"heartbeat.interval.ms=0: {_ZERO_PERIOD}; at most an hour"),
    "fetch.max.wait.ms": _int(_C, "INT atLeast(0)", 0, 25_000,
                              "below the 30 s request timeout the simulator's fetches use"),
    "isolation.level": Range("choice", _C, "STRING in(read_committed, read_uncommitted)",
                             choices=("read_uncommitted", "read_committed")),
    "partition.assignment.strategy": Range("list", _C, "LIST NonNullValidator"),
    "value.deserializer": Range("text", _C, "CLASS", 1, 200),
    "bootstrap.servers": Range("text", _C, "LIST", 0, 120, "at most 120 characters"),
    "client.id": Range("text", _C, 'STRING, default ""', 0, 120, "at most 120 characters"),
    "processing.ms.per.record": _int("simulator", "(the application's own time)", 0,
                                     3_600_000),
}

_L = "LogConfig"
TOPIC: dict[str, Range] = {
    "retention.ms": _int(_L, "LONG atLeast(-1)", -1, LONG_MAX),
    "retention.bytes": _int(_L, "LONG (no validator; negative means unlimited)", -1, LONG_MAX,
                            "-1 is unlimited; other negative values are refused"),
    # Wider than Kafka 4.1 on purpose: KIP-1030 raised the minimum to 1 MiB
    # (log.segment.bytes in 4.0, topic segment.bytes with KAFKA-19080), but a
    # lesson must show segments rolling after a few records. docs/events.md says so.
    "segment.bytes": _int(_L, "INT atLeast(LegacyRecord.RECORD_OVERHEAD_V0 = 14); "
                              "atLeast(1 MiB) since KIP-1030 / KAFKA-19080", 14, INT_MAX),
    "segment.ms": _int(_L, "LONG atLeast(1)", 1, LONG_MAX),
    "min.insync.replicas": _int(_L, "INT atLeast(1)", 1, INT_MAX),
    "unclean.leader.election.enable": Range("bool", _L, "BOOLEAN"),
    "cleanup.policy": Range("choice", _L, "LIST ValidList.in(compact, delete)",
                            choices=("delete",),
                            bound="only cleanup.policy=delete is simulated"),
    "max.message.bytes": _int(_L, "INT atLeast(0)", 1, INT_MAX,
                              "0 would refuse every record; the simulator needs at least 1"),
}

_R, _K = "ReplicationConfigs", "KRaftConfigs"
_TIME = limits.MAX_SCENARIO_MS
_TIME_BOUND = f"at most {_TIME} ms (a week, the simulator's longest scenario)"
BROKER: dict[str, Range] = {
    "replica.lag.time.max.ms": _int(_R, "LONG (no validator)", 2, _TIME,
                                    "the ISR check runs every replica.lag.time.max.ms / 2 ms, "
                                    "so at least 2 (1 would be a 0 ms period)"),
    "replica.fetch.wait.max.ms": _int(_R, "INT (no validator)", 1, _TIME, _TIME_BOUND),
    "replica.fetch.backoff.ms": _int(_R, "INT atLeast(0)", 1, _TIME, _TIME_BOUND),
    "replica.socket.timeout.ms": _int(_R, "INT (no validator)", 1, _TIME, _TIME_BOUND),
    "broker.heartbeat.interval.ms": _int(_K, "INT (no validator)", 1, _TIME,
                                         f"broker.heartbeat.interval.ms=0: {_ZERO_PERIOD}"),
    "broker.session.timeout.ms": _int(_K, "INT (no validator)", 1, _TIME, _TIME_BOUND),
    "log.retention.check.interval.ms": _int(_L, "LONG atLeast(1)", 1, _TIME, _TIME_BOUND),
    "controller.quorum.election.timeout.ms": _int("QuorumConfig", "INT (no validator)", 1,
                                                  _TIME, _TIME_BOUND),
    "offsets.topic.num.partitions": _int("GroupCoordinatorConfig", "INT atLeast(1)", 1,
                                         limits.MAX_PARTITIONS_PER_TOPIC,
                                         "a simulator cap on partitions per topic"),
    "offsets.topic.replication.factor": _int("GroupCoordinatorConfig", "SHORT atLeast(1)", 1,
                                             SHORT_MAX),
    "offsets.retention.minutes": _int("GroupCoordinatorConfig", "INT atLeast(1)", 1, INT_MAX),
    "auto.leader.rebalance.enable": Range("bool", _R, "BOOLEAN"),
    "leader.imbalance.check.interval.seconds": _int(_R, "LONG atLeast(1)", 1, _TIME // 1000,
                                                    _TIME_BOUND),
    "leader.imbalance.per.broker.percentage": _int(_R, "INT (no validator)", 0, 100,
                                                   "a percentage: 0 to 100"),
}

SCOPES: dict[str, dict[str, Range]] = {"producer": PRODUCER, "consumer": CONSUMER,
                                       "topic": TOPIC, "broker": BROKER}
# The config dict of each command and the scope it belongs to.
COMMAND_CONFIGS: dict[str, str] = {"add_producer": "producer", "create_topic": "topic",
                                   "alter_topic_config": "topic", "add_consumer": "consumer",
                                   "set_consumer_config": "consumer"}


def _is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _refuse(key: str, spec: Range, what: str) -> SimulationError:
    why = f"; simulator bound: {spec.bound}" if spec.bound else ""
    return SimulationError("bad_config", f"{key} must be {what} (Kafka's {spec.source}: "
                                         f"{spec.kafka}{why})")


def check_value(scope: str, key: str, value) -> None:
    """Refuse `value` for `key` if it is outside the simulator's range."""
    spec = SCOPES[scope].get(key)
    if spec is None:
        return
    if value is None and spec.nullable:
        return
    if spec.kind == "int":
        if not _is_int(value) or not spec.low <= value <= spec.high:
            raise _refuse(key, spec, f"an integer from {spec.low} to {spec.high}")
    elif spec.kind == "bool":
        if not isinstance(value, bool):
            raise _refuse(key, spec, "true or false")
    elif spec.kind == "choice":
        if isinstance(value, bool) or value not in spec.choices:
            shown = ", ".join(str(c) for c in spec.choices if isinstance(c, str))
            raise _refuse(key, spec, f"one of {shown}")
    elif spec.kind == "text":
        if not isinstance(value, str) or not spec.low <= len(value) <= spec.high:
            raise _refuse(key, spec, f"a string of {spec.low} to {spec.high} characters")
    elif spec.kind == "list":
        items = [value] if isinstance(value, str) else value
        if not isinstance(items, list) or not items or len(items) > 8 or not all(
                isinstance(i, str) and 0 < len(i) <= 200 for i in items):
            raise _refuse(key, spec, "a non-empty list of at most 8 names")


def check_configs(scope: str, configs, where: str = "") -> None:
    """Check every known key of a config dict; raises bad_config."""
    if not isinstance(configs, dict):
        raise SimulationError("bad_config", f"{where or scope} configs must be an object")
    for key, value in configs.items():
        if not isinstance(key, str):
            raise SimulationError("bad_config", "config names are strings")
        check_value(scope, key, value)


def check_command_configs(cmd) -> None:
    """The configs a command carries, against its scope's ranges."""
    scope = COMMAND_CONFIGS.get(getattr(cmd, "type", None))
    if scope is not None:
        check_configs(scope, cmd.configs, cmd.type)
