"""kio's typed Kafka messages to plain JSON-able dicts and back.

The simulator speaks plain dicts (docs/events.md, `wire_request`): the field
names are kio's (snake_case, as generated from Kafka's JSON schemas), bytes
and record batches are base64 text, UUIDs are strings and error codes plain
integers. Durations and timestamps, which kio types as timedelta/datetime and
names without Kafka's `Ms` suffix (`timeout`, `max_wait`, `log_append_time`),
are whole milliseconds under Kafka's name (`timeout_ms`, `max_wait_ms`,
`log_append_time_ms`; a missing timestamp is -1, as on the wire).

`from_plain` builds a response of any version from a dict that may name more
fields than that version has (they are left out) or fewer (a field the dict
does not name takes its schema default, else a zero value: 0, "", an empty
list, None where the field is nullable). So the simulator answers once,
version-agnostic, and the version the client asked for is written here.
"""
from __future__ import annotations

import base64
import dataclasses
import datetime
import uuid
from types import NoneType, UnionType
from typing import Any, get_args, get_origin

from kio.schema.errors import ErrorCode

_EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)


def _unwrap(tp) -> tuple[Any, bool]:
    """(inner type, nullable) of `X | None`."""
    if get_origin(tp) is UnionType:
        args = [a for a in get_args(tp) if a is not NoneType]
        return args[0], True
    return tp, False


def _is_entity_tuple(tp) -> Any | None:
    if get_origin(tp) is tuple:
        inner = get_args(tp)[0]
        return inner
    return None


# ---- entity -> plain ---------------------------------------------------------

_MILLIS = ("timedelta_i32", "timedelta_i64", "datetime_i64")


def _plain_name(f) -> str:
    return f.name + "_ms" if f.metadata.get("kafka_type") in _MILLIS else f.name


def to_plain(entity) -> dict:
    out = {}
    for f in dataclasses.fields(entity):
        value = _value_to_plain(getattr(entity, f.name))
        if value is None and f.metadata.get("kafka_type") == "datetime_i64":
            value = -1
        out[_plain_name(f)] = value
    return out


def _value_to_plain(value):
    if value is None:
        return None
    if dataclasses.is_dataclass(value):
        return to_plain(value)
    if isinstance(value, tuple):
        return [_value_to_plain(v) for v in value]
    if isinstance(value, ErrorCode):
        return int(value.value)
    if isinstance(value, bool):
        return value
    if isinstance(value, bytes | bytearray | memoryview):
        return base64.b64encode(bytes(value)).decode("ascii")
    if isinstance(value, datetime.timedelta):
        return int(value / datetime.timedelta(milliseconds=1))
    if isinstance(value, datetime.datetime):
        return int((value - _EPOCH) / datetime.timedelta(milliseconds=1))
    if isinstance(value, uuid.UUID):
        return _uuid_to_plain(value)
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return float(value)
    if isinstance(value, str):
        return str(value)
    raise TypeError(f"no plain form for {type(value).__name__}")


# ---- plain -> entity ---------------------------------------------------------

def from_plain(cls, data: dict | None):
    """An instance of the kio class `cls` from `data` (see the module docstring)."""
    data = data or {}
    kwargs = {}
    for f in dataclasses.fields(cls):
        name = _plain_name(f)
        if name in data or f.name in data:
            value = data[name] if name in data else data[f.name]
            if f.metadata.get("kafka_type") == "datetime_i64" and isinstance(value, int) \
                    and value < 0:
                value = None
            kwargs[f.name] = _value_from_plain(f, f.type, value)
        elif f.default is not dataclasses.MISSING:
            continue
        elif f.default_factory is not dataclasses.MISSING:
            continue
        else:
            kwargs[f.name] = _zero(f, f.type)
    return cls(**kwargs)


def _zero(f, tp):
    inner, nullable = _unwrap(tp)
    element = _is_entity_tuple(inner)
    if element is not None:
        return ()
    if nullable:
        return None
    if dataclasses.is_dataclass(inner):
        return from_plain(inner, {})
    return _value_from_plain(f, tp, _ZERO.get(f.metadata.get("kafka_type"), 0))


_ZERO = {"string": "", "bytes": "", "records": "", "bool": False, "float64": 0.0,
         "uuid": "0"}


# The simulator names a topic by 16 hex digits (64 random bits, simulator/cluster.py);
# on the wire that is the UUID with those bits, and the zero UUID is Kafka's "none".
def _uuid_to_plain(value: uuid.UUID) -> str | None:
    if value.int == 0:
        return None
    return f"{value.int:016x}" if value.int < 2**64 else str(value)


def _uuid_from_plain(value) -> uuid.UUID:
    text = str(value)
    if "-" not in text and 0 < len(text) <= 32:
        return uuid.UUID(int=int(text, 16))
    return uuid.UUID(text)


def _value_from_plain(f, tp, value):
    inner, nullable = _unwrap(tp)
    if value is None:
        if nullable:
            return None
        return _zero(f, inner)
    element = _is_entity_tuple(inner)
    if element is not None:
        if dataclasses.is_dataclass(element):
            return tuple(from_plain(element, v) for v in value)
        return tuple(_primitive(f.metadata.get("kafka_type"), element, v) for v in value)
    if dataclasses.is_dataclass(inner):
        return from_plain(inner, value)
    return _primitive(f.metadata.get("kafka_type"), inner, value)


def _primitive(kafka_type: str | None, tp, value):
    """kio's primitive types are phantom types (a predicate over a plain value),
    so the plain Python value is the instance."""
    if kafka_type == "error_code":
        return ErrorCode(int(value))
    if kafka_type in ("bytes", "records"):
        return value if isinstance(value, bytes) else base64.b64decode(value, validate=True)
    if kafka_type in ("timedelta_i32", "timedelta_i64"):
        return datetime.timedelta(milliseconds=int(value))
    if kafka_type == "datetime_i64":
        return _EPOCH + datetime.timedelta(milliseconds=int(value))
    if kafka_type == "uuid":
        return _uuid_from_plain(value)
    if kafka_type == "bool":
        return bool(value)
    if kafka_type == "float64":
        return float(value)
    if kafka_type == "string":
        return str(value)
    return int(value)
