"""Java's String.hashCode, the one copy the simulator uses.

Kafka places things by it: a group's coordinator is the `__consumer_offsets`
partition `Utils.abs(groupId.hashCode()) % 50` (GroupCoordinator's
partitionFor), a transactional id's coordinator likewise; the tools print
members and partitions in Java's HashMap order, which follows it too.
"""
from __future__ import annotations


def java_string_hash(text: str) -> int:
    """java.lang.String.hashCode(): s[0]*31^(n-1) + ... + s[n-1] over the string's
    UTF-16 code units (a `char` each), as a signed 32-bit int. A character outside
    the Basic Multilingual Plane counts as its two surrogates, so "\\U0001F600"
    hashes to 0xD83D*31 + 0xDE00 = 1772899 (checked with a JDK), not to 0x1F600."""
    h = 0
    data = text.encode("utf-16-be", "surrogatepass")
    for i in range(0, len(data), 2):
        h = (31 * h + ((data[i] << 8) | data[i + 1])) & 0xFFFFFFFF
    return h - 0x100000000 if h & 0x80000000 else h
