"""The order in which a Java ``HashMap`` iterates, for output Kafka prints from one.

``kafka-consumer-groups --reset-offsets`` collects its plan with
``Collectors.toMap`` (a ``HashMap<TopicPartition, ...>``) and prints it in
iteration order, which is not sorted: a learner comparing our output with a
real cluster's would see the rows in the same order only if we follow the
same rule. ``java.util.HashMap``: table of 16 buckets, doubling when the size
passes 0.75 of it; a key's bucket is ``(h ^ (h >>> 16)) & (n - 1)`` of its
``hashCode()``; a bucket keeps insertion order (a resize splits buckets
keeping it too). Buckets of 8 and more become trees; plans here are far
smaller, so that case is not modelled.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable

from simulator.java_hash import java_string_hash


def _int32(n: int) -> int:
    n &= 0xFFFFFFFF
    return n - (1 << 32) if n & 0x80000000 else n


def topic_partition_hash(tp: tuple[str, int]) -> int:
    """``TopicPartition.hashCode()``: 31 * (31 + partition) + topic.hashCode()."""
    topic, partition = tp
    return _int32(31 * (31 + partition) + java_string_hash(topic))


def hash_map_order(keys: list[Hashable], hash_code: Callable[[Hashable], int]) -> list:
    """`keys` (inserted in this order, distinct) as a HashMap iterates them."""
    capacity = 16
    while len(keys) > capacity * 0.75:
        capacity *= 2

    def bucket(key) -> int:
        h = hash_code(key) & 0xFFFFFFFF
        return (h ^ (h >> 16)) & (capacity - 1)

    position = {k: i for i, k in enumerate(keys)}
    return sorted(keys, key=lambda k: (bucket(k), position[k]))
