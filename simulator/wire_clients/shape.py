"""Reading a decoded Kafka request safely: each getter checks one field's type.

A ``wire_request``'s ``request`` is whatever the gateway decoded; a field of
the wrong type is refused with ``SimulationError("bad_command")`` naming the
field, before anything changes (the command contract of simulator.commands).
"""

from __future__ import annotations

from simulator.errors import SimulationError

_MISSING = object()
INT32_MAX = 2**31 - 1
INT64_MAX = 2**63 - 1


def _bad(where: str, what: str) -> SimulationError:
    return SimulationError("bad_command", f"wire_request: {where} must be {what}")


def obj(value, where: str) -> dict:
    if not isinstance(value, dict):
        raise _bad(where, "an object")
    return value


def get_int(d: dict, key: str, where: str, default=_MISSING, lo: int = -(2**63),
            hi: int = INT64_MAX) -> int:
    value = d.get(key, default)
    if value is _MISSING:
        raise _bad(f"{where}.{key}", "present")
    if isinstance(value, bool) or not isinstance(value, int) or not lo <= value <= hi:
        raise _bad(f"{where}.{key}", f"an integer in [{lo}, {hi}]")
    return value


def get_str(d: dict, key: str, where: str, default=_MISSING, nullable: bool = False,
            max_len: int = 32_767):
    value = d.get(key, default)
    if value is _MISSING:
        raise _bad(f"{where}.{key}", "present")
    if value is None and nullable:
        return None
    if not isinstance(value, str) or len(value) > max_len:
        raise _bad(f"{where}.{key}", f"a string of at most {max_len} characters")
    return value


def get_bool(d: dict, key: str, where: str, default=False) -> bool:
    value = d.get(key, default)
    if not isinstance(value, bool):
        raise _bad(f"{where}.{key}", "true or false")
    return value


def get_list(d: dict, key: str, where: str, default=_MISSING, nullable: bool = False,
             max_len: int = 10_000):
    value = d.get(key, default)
    if value is _MISSING:
        raise _bad(f"{where}.{key}", "present")
    if value is None and nullable:
        return None
    if not isinstance(value, list) or len(value) > max_len:
        raise _bad(f"{where}.{key}", f"a list of at most {max_len} items")
    return value


def objects(d: dict, key: str, where: str, default=_MISSING, nullable: bool = False,
            max_len: int = 10_000):
    """A list whose items are objects (None when `nullable` and null)."""
    items = get_list(d, key, where, default, nullable, max_len)
    if items is None:
        return None
    for i, item in enumerate(items):
        obj(item, f"{where}.{key}[{i}]")
    return items


def ints(d: dict, key: str, where: str, default=_MISSING, max_len: int = 10_000,
         lo: int = -(2**31), hi: int = INT32_MAX) -> list:
    items = get_list(d, key, where, default, max_len=max_len)
    for i, item in enumerate(items):
        if isinstance(item, bool) or not isinstance(item, int) or not lo <= item <= hi:
            raise _bad(f"{where}.{key}[{i}]", f"an integer in [{lo}, {hi}]")
    return items


def strs(d: dict, key: str, where: str, default=_MISSING, max_len: int = 10_000) -> list:
    items = get_list(d, key, where, default, max_len=max_len)
    for i, item in enumerate(items):
        if not isinstance(item, str):
            raise _bad(f"{where}.{key}[{i}]", "a string")
    return items
