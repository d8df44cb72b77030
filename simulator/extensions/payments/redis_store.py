"""A Redis-like key store on the simulated clock: SET NX EX, GET, DEL, expiry.

Only what the lesson uses, with Redis's answers: ``SET k v NX EX s`` is "OK"
or nil (None) when the key exists; ``GET`` is the value or nil; ``DEL`` is
the number of keys removed. A key whose time has come is gone for every
command from that millisecond on (Redis expires lazily and in the
background; a reader never sees an expired key), and a timer announces the
expiry with ``redis_key_expired`` so a diagram can show it.
"""

from __future__ import annotations

from simulator.engine import timer_function
from simulator.extensions.payments import events as pev


class RedisStore:
    def __init__(self):
        self.data: dict[str, tuple[object, int | None]] = {}  # key -> (value, expires_at_ms)

    def _live(self, world, key: str):
        item = self.data.get(key)
        if item is not None and item[1] is not None and item[1] <= world.now_ms:
            del self.data[key]
            world.emit(pev.RedisKeyExpired, key=key)
            return None
        return item

    def set_nx(self, world, caller: str, key: str, value, ttl_ms: int):
        if self._live(world, key) is not None:
            result = None
            expires = self.data[key][1]
        else:
            expires = world.now_ms + ttl_ms
            self.data[key] = (value, expires)
            world.schedule_function(ttl_ms, "payments.redis_expire", key, expires)
            result = "OK"
        world.emit(pev.RedisCommandExecuted, caller=caller,
                   command=f"SET {key} {_text(value)} NX EX {ttl_ms // 1000}", key=key,
                   result=result, expires_at_ms=expires)
        return result

    def set(self, world, caller: str, key: str, value, ttl_ms: int) -> str:
        """SET k v EX s (overwrites)."""
        expires = world.now_ms + ttl_ms
        self.data[key] = (value, expires)
        world.schedule_function(ttl_ms, "payments.redis_expire", key, expires)
        world.emit(pev.RedisCommandExecuted, caller=caller,
                   command=f"SET {key} {_text(value)} EX {ttl_ms // 1000}", key=key,
                   result="OK", expires_at_ms=expires)
        return "OK"

    def get(self, world, caller: str, key: str):
        item = self._live(world, key)
        value = None if item is None else item[0]
        world.emit(pev.RedisCommandExecuted, caller=caller, command=f"GET {key}", key=key,
                   result=value, expires_at_ms=None if item is None else item[1])
        return value

    def delete(self, world, caller: str, key: str, only_if=None) -> int:
        """DEL key; with `only_if`, only while the value is still that (the
        compare-and-delete a lock holder should use, so it never frees a lock
        that expired and was taken by someone else)."""
        item = self._live(world, key)
        removed = 0
        if item is not None and (only_if is None or item[0] == only_if):
            del self.data[key]
            removed = 1
        world.emit(pev.RedisCommandExecuted, caller=caller, command=f"DEL {key}", key=key,
                   result=removed, expires_at_ms=None)
        return removed

    def to_dict(self) -> list[dict]:
        return [{"key": k, "value": v, "expires_at_ms": e}
                for k, (v, e) in sorted(self.data.items())]


def _text(value) -> str:
    return value if isinstance(value, str) else "<response>"


@timer_function("payments.redis_expire")
def redis_expire(world, key: str, expires_at_ms: int) -> None:
    store = world.ext["payments"].redis
    item = store.data.get(key)
    if item is not None and item[1] == expires_at_ms:
        store._live(world, key)
