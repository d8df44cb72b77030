"""Consumer configuration: Kafka's names, today's defaults, validation.

A learner sets configs with Kafka's own keys (``max.poll.records``...), so what
they learn here is what they type later. ``processing.ms.per.record`` is the
simulator's own knob: how long the application spends on each record, which is
how "slow processing" and the endless rebalance loop are staged.
"""

from __future__ import annotations

import re

from simulator.consumers.assignors import ASSIGNOR_CLASS_NAMES, ASSIGNORS, DEFAULT_STRATEGY
from simulator.errors import SimulationError

# Formats a producer can write (the record's ``value_format``) and a consumer can expect.
FORMATS = ("string", "json", "avro", "protobuf")

DEFAULTS: dict = {
    "auto.offset.reset": "latest",
    "enable.auto.commit": True,
    "auto.commit.interval.ms": 5_000,
    "max.poll.records": 500,
    "max.poll.interval.ms": 300_000,
    "session.timeout.ms": 45_000,
    "heartbeat.interval.ms": 3_000,
    "fetch.max.wait.ms": 500,
    "isolation.level": "read_uncommitted",
    "partition.assignment.strategy": list(DEFAULT_STRATEGY),
    "value.deserializer": "string",
    "bootstrap.servers": "broker-1:9092",
    "client.id": "",  # empty: Kafka makes "consumer-<group>-<n>"
    # The simulator's own: application time per record, to stage slow processing.
    "processing.ms.per.record": 2,
}

_INT_RANGES = {
    "auto.commit.interval.ms": (1, 86_400_000),
    "max.poll.records": (1, 10_000),
    "max.poll.interval.ms": (1, 86_400_000),
    "session.timeout.ms": (1, 3_600_000),
    "heartbeat.interval.ms": (1, 3_600_000),
    "fetch.max.wait.ms": (0, 25_000),  # below the 30 s request timeout
    "processing.ms.per.record": (0, 3_600_000),
}
_CHOICES = {
    "auto.offset.reset": ("earliest", "latest", "none"),
    "isolation.level": ("read_uncommitted", "read_committed"),
    "value.deserializer": FORMATS,
}
# Java class names a learner may paste instead of our short format names.
_DESERIALIZER_CLASSES = {
    "org.apache.kafka.common.serialization.StringDeserializer": "string",
    "io.confluent.kafka.serializers.KafkaAvroDeserializer": "avro",
    "io.confluent.kafka.serializers.protobuf.KafkaProtobufDeserializer": "protobuf",
    "io.confluent.kafka.serializers.json.KafkaJsonSchemaDeserializer": "json",
}
MAX_NAME_CHARS = 120


def validate_configs(configs: dict, base: dict | None = None) -> dict:
    """Return ``base`` (or the defaults) updated with `configs`, or raise SimulationError."""
    if not isinstance(configs, dict):
        raise SimulationError("bad_config", "consumer configs must be an object")
    out = dict(DEFAULTS if base is None else base)
    for key, value in configs.items():
        if key not in DEFAULTS:
            known = ", ".join(sorted(DEFAULTS))
            raise SimulationError("bad_config", f"unknown consumer config {key!r}; known: {known}")
        out[key] = _validate_one(key, value)
    if out["heartbeat.interval.ms"] >= out["session.timeout.ms"]:
        # Kafka refuses this too: heartbeats must come well inside the session.
        raise SimulationError(
            "bad_config", "heartbeat.interval.ms must be lower than session.timeout.ms"
        )
    return out


def _validate_one(key: str, value):
    if key in _INT_RANGES:
        low, high = _INT_RANGES[key]
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise SimulationError("bad_config", f"{key} must be an integer from {low} to {high}")
        return value
    if key == "enable.auto.commit":
        if not isinstance(value, bool):
            raise SimulationError("bad_config", "enable.auto.commit must be true or false")
        return value
    if key == "value.deserializer" and value in _DESERIALIZER_CLASSES:
        return _DESERIALIZER_CLASSES[value]
    if key in _CHOICES:
        if value not in _CHOICES[key]:
            raise SimulationError("bad_config", f"{key} must be one of {', '.join(_CHOICES[key])}")
        return value
    if key == "partition.assignment.strategy":
        names = [value] if isinstance(value, str) else value
        if not isinstance(names, list) or not names:
            raise SimulationError("bad_config", f"{key} must be a non-empty list of assignors")
        out = []
        for name in names:
            short = ASSIGNOR_CLASS_NAMES.get(name, name)
            if short not in ASSIGNORS:
                known = ", ".join(ASSIGNORS)
                raise SimulationError("bad_config", f"unknown assignor {name!r}; known: {known}")
            out.append(short)
        return out
    # bootstrap.servers, client.id
    if not isinstance(value, str) or len(value) > MAX_NAME_CHARS:
        raise SimulationError("bad_config", f"{key} must be a string of at most 120 characters")
    return value


# Consumer names become actor ids (``consumer:<name>``): the same alphabet as producers.
_CONSUMER_NAME = re.compile(r"^[a-zA-Z0-9_-]{1,40}$")


def check_consumer_name(name) -> str:
    if not isinstance(name, str) or not _CONSUMER_NAME.match(name):
        raise SimulationError("bad_name", "a consumer name is 1 to 40 letters, digits, '_' or '-'")
    return name


def check_name(kind: str, name) -> str:
    """Group and topic names: short printable text (they are labels, never markup)."""
    if not isinstance(name, str) or not name or len(name) > MAX_NAME_CHARS:
        raise SimulationError("bad_name", f"{kind} must be 1 to {MAX_NAME_CHARS} characters")
    if any(ch.isspace() or not ch.isprintable() for ch in name):
        raise SimulationError("bad_name", f"{kind} {name!r} must not contain spaces")
    return name
