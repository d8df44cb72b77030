"""Partition choice, byte-exact with Kafka's Java client where it is defined.

* `murmur2` is ``org.apache.kafka.common.utils.Utils.murmur2`` (signed result).
* `partition_for_key`: ``(murmur2(key) & 0x7fffffff) % num_partitions``.
* For records without a key the producer keeps a `StickyState` per topic and
  asks `choose_uniform_sticky` (3.3+, KIP-794, the default), `choose_sticky_2_4`
  (KIP-480) or `choose_round_robin` (up to 2.3). Their randomness comes from
  the simulation's `random.Random`, never the global one.
"""

from __future__ import annotations

from dataclasses import dataclass, field

_M = 0x5BD1E995
_SEED = 0x9747B28C
_MASK = 0xFFFFFFFF


def murmur2(data: bytes) -> int:
    """Kafka's murmur2 of `data` as a signed 32-bit int."""
    length = len(data)
    h = (_SEED ^ length) & _MASK
    whole = length & ~3
    for i in range(0, whole, 4):
        k = data[i] | (data[i + 1] << 8) | (data[i + 2] << 16) | (data[i + 3] << 24)
        k = (k * _M) & _MASK
        k ^= k >> 24
        k = (k * _M) & _MASK
        h = (h * _M) & _MASK
        h ^= k
    tail = length & 3
    if tail == 3:
        h ^= data[whole + 2] << 16
    if tail >= 2:
        h ^= data[whole + 1] << 8
    if tail >= 1:
        h ^= data[whole]
        h = (h * _M) & _MASK
    h ^= h >> 13
    h = (h * _M) & _MASK
    h ^= h >> 15
    return h - 0x100000000 if h & 0x80000000 else h


def key_bytes(key: str) -> bytes:
    """Keys are serialized with Kafka's StringSerializer (UTF-8)."""
    return key.encode("utf-8")


def partition_for_key(key: str, num_partitions: int) -> tuple[int, int]:
    """Return (partition, murmur2) for a string key."""
    h = murmur2(key_bytes(key))
    return (h & 0x7FFFFFFF) % num_partitions, h


PARTITIONERS = ("uniform_sticky", "sticky", "round_robin")


@dataclass(slots=True)
class StickyState:
    """Per-topic memory of the keyless partitioners."""

    current: int | None = None
    bytes_in_current: int = 0
    round_robin_next: int = 0
    queue_sizes: dict = field(default_factory=dict)


def choose_uniform_sticky(state: StickyState, available: list[int], all_count: int,
                          record_bytes: int, batch_size: int, queue_sizes, rng) -> int:
    """Stick to one partition until `batch_size` bytes went there, then switch,
    choosing among partitions with a leader weighted toward shorter queues
    (BuiltInPartitioner with adaptive partitioning). `queue_sizes()` returns
    {partition: queued batches}; it is only called when switching."""
    if state.current is None or state.bytes_in_current >= batch_size or (
        available and state.current not in available
    ):
        candidates = available or list(range(all_count))
        sizes = queue_sizes()
        longest = max((sizes.get(p, 0) for p in candidates), default=0)
        weights = [longest + 1 - sizes.get(p, 0) for p in candidates]
        pick = rng.randrange(sum(weights))
        for p, w in zip(candidates, weights, strict=True):
            if pick < w:
                state.current = p
                break
            pick -= w
        state.bytes_in_current = 0
    state.bytes_in_current += record_bytes
    return state.current


def choose_sticky_2_4(state: StickyState, available: list[int], all_count: int,
                      new_batch_needed: bool, rng) -> int:
    """KIP-480: stay on a partition until its batch is sent (a new batch is
    needed), then pick another one at random among those with a leader."""
    if state.current is None or new_batch_needed or (available and state.current not in available):
        candidates = available or list(range(all_count))
        if len(candidates) > 1 and state.current in candidates:
            candidates = [p for p in candidates if p != state.current]
        state.current = candidates[rng.randrange(len(candidates))]
    return state.current


def choose_round_robin(state: StickyState, available: list[int], all_count: int) -> int:
    """Up to 2.3: next partition in a circle (over partitions with a leader if any)."""
    candidates = available or list(range(all_count))
    p = candidates[state.round_robin_next % len(candidates)]
    state.round_robin_next += 1
    return p
