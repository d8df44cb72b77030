"""murmur2 and key partitioning agree byte for byte with Kafka's Java client."""

import random

import pytest
from kafka.partitioner.default import murmur2 as kafka_python_murmur2

from simulator.partitioners import murmur2, partition_for_key

JAVA_VECTORS = [
    ("21", -973932308, 0), ("foobar", -790332482, 0), ("abc", 479470107, 0),
    ("a-little-bit-long-string", -985981536, 2), ("a-little-bit-longer-string", -1486304829, 2),
    ("lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8", -58897971, 2),
]


@pytest.mark.parametrize(("key", "expected_hash", "expected_partition"), JAVA_VECTORS)
def test_murmur2_matches_kafkas_own_test_vectors(key, expected_hash, expected_partition):
    assert murmur2(key.encode()) == expected_hash
    assert partition_for_key(key, 3) == (expected_partition, expected_hash)


@pytest.mark.parametrize(("data", "partition"),
                         [(b"", 681), (b"a", 524), (b"ab", 434), (b"abc", 107),
                          (b"123456789", 566)])
def test_partition_of_1000_matches_kafkas_vectors(data, partition):
    assert (murmur2(data) & 0x7FFFFFFF) % 1000 == partition


def test_murmur2_agrees_with_kafka_python_over_thousands_of_random_keys():
    rng = random.Random(2024)
    alphabet = "abcXYZ0123456789-_ éß漢🙂"
    for _ in range(5000):
        key = "".join(rng.choice(alphabet) for _ in range(rng.randrange(0, 40)))
        data = key.encode("utf-8")
        ours = murmur2(data)
        assert ours & 0xFFFFFFFF == kafka_python_murmur2(data) & 0xFFFFFFFF, key
        assert -(2**31) <= ours < 2**31


def test_partition_uses_the_positive_mask_not_abs():
    # -973932308 & 0x7fffffff = 1173551340 -> % 3 == 0, while abs() % 3 would give 2.
    assert abs(-973932308) % 3 == 2
    assert partition_for_key("21", 3)[0] == 0
