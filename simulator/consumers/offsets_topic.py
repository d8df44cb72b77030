"""``__consumer_offsets``: where committed offsets live and who coordinates a group.

In Kafka it is a compacted internal topic of ``offsets.topic.num.partitions``
(50) partitions, replication factor ``offsets.topic.replication.factor`` (3).
A group belongs to partition ``abs(javaHash(group.id)) % 50`` and the broker
leading that partition is the group's coordinator.

Modelling 50 replicated partitions for every toy cluster would dwarf the
learner's own topics (150 replicas on three brokers), so this module keeps a
light model instead: the partition count, Kafka's replica placement for it
(``simulator.topics.assign_replicas``, start index and shift 0 so the toy is
predictable) and, per partition in use, a compacted record log written once.
The leader is the first replica that is online, as a clean election from a
fully caught-up ISR would pick. ``docs/events.md`` ("Consumers and groups")
says so to the learner.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from simulator.consumers.assignors import coordinator_partition
from simulator.topics import assign_replicas

OFFSETS_TOPIC = "__consumer_offsets"
DEFAULT_PARTITIONS = 50
DEFAULT_REPLICATION_FACTOR = 3
# A partition keeps at most this many records for display; compaction keeps
# only the latest value per key anyway.
TAIL_RECORDS = 20


@dataclass
class OffsetsPartition:
    """One ``__consumer_offsets`` partition: its log end and its compacted contents."""

    partition: int
    log_end_offset: int = 0
    latest: dict = field(default_factory=dict)  # (group, topic, partition) -> committed offset
    tail: list = field(default_factory=list)  # last records: {offset, key, value, timestamp_ms}


class OffsetsTopic:
    """Placement and contents of ``__consumer_offsets``."""

    def __init__(
        self,
        num_partitions: int = DEFAULT_PARTITIONS,
        replication_factor: int = DEFAULT_REPLICATION_FACTOR,
    ):
        self.num_partitions = num_partitions
        self.replication_factor = replication_factor
        # Kafka creates the topic when a broker first answers an authorized
        # FindCoordinator (KafkaApis.handleFindCoordinatorRequest -> getOrCreateInternalTopic),
        # even if that consumer then fails on a topic ACL and never joins a group.
        self.created = False
        self.partitions: dict[int, OffsetsPartition] = {}

    def partition_for(self, group_id: str) -> int:
        return coordinator_partition(group_id, self.num_partitions)

    def replicas(self, broker_ids: list[int], partition: int) -> list[int]:
        """Kafka's rack-unaware placement of this partition over the brokers."""
        ids = sorted(broker_ids)
        if not ids:
            return []
        rf = min(self.replication_factor, len(ids))
        # Placement of partition p only depends on p, n and the (fixed) start and shift.
        return assign_replicas(ids, partition + 1, rf, 0, 0)[partition]

    def leader(self, world, partition: int) -> int | None:
        """The first replica whose broker is online (None: the partition is offline)."""
        for broker_id in self.replicas(list(world.brokers), partition):
            if world.brokers[broker_id].state == "online":
                return broker_id
        return None

    def coordinator(self, world, group_id: str) -> int | None:
        return self.leader(world, self.partition_for(group_id))

    def write_commit(
        self, group_id: str, topic: str, partition: int, offset: int, now_ms: int
    ) -> tuple[int, int]:
        """Append an OffsetCommit record; returns (offsets partition, record offset)."""
        p = self.partition_for(group_id)
        log = self.partitions.get(p)
        if log is None:
            log = self.partitions[p] = OffsetsPartition(p)
        record_offset = log.log_end_offset
        log.log_end_offset += 1
        log.latest[(group_id, topic, partition)] = offset
        log.tail.append(
            {
                "offset": record_offset,
                "key": {"group": group_id, "topic": topic, "partition": partition},
                "value": {"offset": offset, "commit_timestamp": now_ms},
                "timestamp_ms": now_ms,
            }
        )
        del log.tail[:-TAIL_RECORDS]
        return p, record_offset

    def committed(self, group_id: str) -> dict[tuple[str, int], int]:
        """Every committed offset of the group: {(topic, partition): offset}."""
        log = self.partitions.get(self.partition_for(group_id))
        if log is None:
            return {}
        return {(t, p): o for (g, t, p), o in log.latest.items() if g == group_id}

    def expire_group(self, group_id: str) -> list[tuple[str, int]]:
        """Delete a group's committed offsets (a tombstone per key); returns what went."""
        log = self.partitions.get(self.partition_for(group_id))
        if log is None:
            return []
        gone = sorted((t, p) for (g, t, p) in log.latest if g == group_id)
        for topic, partition in gone:
            del log.latest[(group_id, topic, partition)]
        return gone

    def forget_topic(self, topic: str) -> None:
        """A deleted topic's committed offsets go too (Kafka expires them)."""
        for log in self.partitions.values():
            for key in [k for k in log.latest if k[1] == topic]:
                del log.latest[key]

    def to_dict(self, world) -> dict:
        brokers = list(world.brokers)
        return {
            "topic": OFFSETS_TOPIC,
            "partition_count": self.num_partitions,
            "replication_factor": min(self.replication_factor, len(brokers)) if brokers else 0,
            "partitions": [
                {
                    "partition": p,
                    "replicas": self.replicas(brokers, p),
                    "leader": self.leader(world, p),
                    "log_end_offset": log.log_end_offset,
                    "records": list(log.tail),
                }
                for p, log in sorted(self.partitions.items())
            ],
        }
