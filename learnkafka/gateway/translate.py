"""kio's typed Kafka messages to plain JSON-able dicts and back.

The simulator speaks plain dicts (docs/events.md, `wire_request`): the field
names are kio's (snake_case, as generated from Kafka's JSON schemas), bytes
and record batches are base64 text, durations are whole milliseconds, UUIDs
are strings and error codes plain integers.

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

def to_plain(entity) -> dict:
    out = {}
    for f in dataclasses.fields(entity):
        out[f.name] = _value_to_plain(getattr(entity, f.name))
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
        return str(value)
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
        if f.name in data:
            kwargs[f.name] = _value_from_plain(f, f.type, data[f.name])
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
         "uuid": "00000000-0000-0000-0000-000000000000"}


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
        return uuid.UUID(str(value))
    if kafka_type == "bool":
        return bool(value)
    if kafka_type == "float64":
        return float(value)
    if kafka_type == "string":
        return str(value)
    return int(value)
