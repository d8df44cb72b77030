"""A read-only view of a simulation, for tools that look at it from outside.

The command line (`cli`) sees the cluster only through a `ClusterView`: plain,
frozen data and copies, never the mutable world. So a tool cannot change the
simulation by mistake; what it wants changed it returns as simulator commands,
which the caller applies through the simulation's one door
(`Simulation.apply`), logged and replayable like any other change.

It also holds the two translations between the simulator's identities and
Kafka's printed forms: `kafka_uuid` (a topic id as ``Uuid.toString()``) and
the broker addresses a ``--bootstrap-server`` may name.
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass, field
from types import MappingProxyType

from simulator.consumers.offsets_topic import OFFSETS_TOPIC
from simulator.consumers.snapshot import describe_group
from simulator.tools.cli_output import DescribedGroup
from simulator.topics import TOPIC_CONFIG_DEFAULTS


def kafka_uuid(topic_id: str) -> str:
    """The topic id as Kafka prints it: ``Uuid.toString()``, 22 characters of
    URL-safe base64 of 16 bytes, without padding (org.apache.kafka.common.Uuid).

    The simulator draws 64-bit ids; we widen them to 128 bits deterministically
    (SHA-256 of the id). Like ``Uuid.randomUuid()``, which draws again when the
    string would start with "-" (it would read as a command-line flag), we
    re-hash until it does not.
    """
    data = topic_id.encode()
    while True:
        data = hashlib.sha256(data).digest()
        text = base64.urlsafe_b64encode(data[:16]).decode().rstrip("=")
        if not text.startswith("-"):
            return text


@dataclass(frozen=True)
class PartitionInfo:
    partition: int
    leader: int | None
    replicas: tuple[int, ...]
    isr: tuple[int, ...]


@dataclass(frozen=True)
class TopicInfo:
    name: str
    topic_id: str  # Kafka's printed form (kafka_uuid)
    internal: bool
    partitions: tuple[PartitionInfo, ...]
    # Only configs set on the topic (what Kafka calls dynamic topic configs).
    configs: MappingProxyType = field(default_factory=lambda: MappingProxyType({}))

    @property
    def replication_factor(self) -> int:
        return len(self.partitions[0].replicas) if self.partitions else 0


@dataclass(frozen=True)
class RecordInfo:
    partition: int
    offset: int
    timestamp_ms: int
    key: str | None
    value: str | None
    control: bool


@dataclass(frozen=True)
class GroupInfo:
    group_id: str
    state: str
    protocol: str | None
    members: int
    # members' configs: the keys a terminal may change with kafka-configs for groups
    consumers: tuple[str, ...] = ()


def _config_text(value) -> str:
    return str(value).lower() if isinstance(value, bool) else str(value)


class ClusterView:
    """What Kafka's tools can learn about the cluster, read from a world.

    Every method returns fresh immutable data; the world itself is private.
    """

    def __init__(self, world):
        self.__world = world

    @classmethod
    def of(cls, world_or_view) -> ClusterView:
        return world_or_view if isinstance(world_or_view, ClusterView) else cls(world_or_view)

    # ---- the cluster ------------------------------------------------------------

    @property
    def now_ms(self) -> int:
        return self.__world.now_ms

    def broker_ids(self) -> tuple[int, ...]:
        return tuple(sorted(self.__world.brokers))

    def live_broker_ids(self) -> tuple[int, ...]:
        return tuple(
            sorted(b for b, broker in self.__world.brokers.items() if broker.state == "online")
        )

    def bootstrap_addresses(self) -> frozenset[str]:
        return frozenset({f"broker-{b}:9092" for b in self.__world.brokers} | {"localhost:9092"})

    # ---- topics -------------------------------------------------------------------

    def topic_names(self, *, include_internal: bool = True) -> tuple[str, ...]:
        names = {
            name
            for name, meta in self.__world.topics.items()
            if include_internal or not meta.internal
        }
        if include_internal and self._offsets_topic() is not None:
            names.add(OFFSETS_TOPIC)
        return tuple(sorted(names))

    def _offsets_topic(self):
        """The consumers' light model of ``__consumer_offsets``, once a broker answered a
        FindCoordinator or a group exists (Kafka creates the topic on the first one)."""
        system = self._system()
        if (system is None or not (system.groups or system.offsets.created)
                or OFFSETS_TOPIC in self.__world.topics):
            return None
        return system.offsets

    def _offsets_topic_info(self, offsets) -> TopicInfo:
        brokers = list(self.__world.brokers)
        online = set(self.live_broker_ids())
        partitions = []
        for p in range(offsets.num_partitions):
            replicas = tuple(offsets.replicas(brokers, p))
            isr = tuple(b for b in replicas if b in online)
            partitions.append(PartitionInfo(p, offsets.leader(self.__world, p), replicas, isr))
        # The broker creates it with cleanup.policy=compact and these overrides
        # (GroupCoordinator.groupMetadataTopicConfigs).
        configs = {"compression.type": "producer", "cleanup.policy": "compact",
                   "segment.bytes": "104857600"}
        return TopicInfo(OFFSETS_TOPIC, kafka_uuid(OFFSETS_TOPIC), True, tuple(partitions),
                         MappingProxyType(configs))

    def topic(self, name: str) -> TopicInfo | None:
        meta = self.__world.topics.get(name)
        if meta is None:
            offsets = self._offsets_topic() if name == OFFSETS_TOPIC else None
            return self._offsets_topic_info(offsets) if offsets is not None else None
        return TopicInfo(
            name=meta.name,
            topic_id=kafka_uuid(meta.topic_id),
            internal=meta.internal,
            partitions=tuple(
                PartitionInfo(pm.partition, pm.leader, tuple(pm.replicas), tuple(pm.isr))
                for pm in meta.partitions
            ),
            configs=MappingProxyType({k: _config_text(v) for k, v in meta.configs.items()}),
        )

    @staticmethod
    def topic_config_defaults() -> MappingProxyType:
        return MappingProxyType({k: _config_text(v) for k, v in TOPIC_CONFIG_DEFAULTS.items()})

    def _leader_replica(self, topic: str, partition: int):
        meta = self.__world.topics.get(topic)
        if meta is None or not 0 <= partition < len(meta.partitions):
            return None
        leader = meta.partitions[partition].leader
        broker = self.__world.brokers.get(leader) if leader is not None else None
        return broker.leader_replica(topic, partition) if broker is not None else None

    def log_bounds(self, topic: str, partition: int) -> tuple[int, int] | None:
        """(log start offset, high watermark) on the leader; None without a leader."""
        offsets = self._offsets_topic() if topic == OFFSETS_TOPIC else None
        if offsets is not None:
            if offsets.leader(self.__world, partition) is None:
                return None
            kept = offsets.partitions.get(partition)
            return (0, kept.log_end_offset if kept is not None else 0)
        replica = self._leader_replica(topic, partition)
        if replica is None:
            return None
        return (replica.log.start_offset, replica.hw)

    def records(self, topic: str, partition: int, start: int, end: int, limit: int):
        """Records in [start, end) of the leader's log, at most `limit`, as frozen copies."""
        replica = self._leader_replica(topic, partition)
        if replica is None or limit <= 0:
            return ()
        return tuple(
            RecordInfo(partition, r.offset, r.timestamp_ms, r.key, r.value, r.control is not None)
            for r in replica.log.read(max(start, replica.log.start_offset), end, limit)
        )

    def offset_for_time(self, topic: str, partition: int, timestamp_ms: int) -> int | None:
        """ListOffsets by timestamp: the first offset whose timestamp is >= it, below
        the HW; None when there is none (Kafka answers UNKNOWN_OFFSET)."""
        bounds = self.log_bounds(topic, partition)
        if bounds is None:
            return None
        start, end = bounds
        for record in self.records(topic, partition, start, end, end - start):
            if record.timestamp_ms >= timestamp_ms:
                return record.offset
        return None

    # ---- groups ------------------------------------------------------------------

    def _system(self):
        return self.__world.ext.get("consumers")

    def group_ids(self) -> tuple[str, ...]:
        system = self._system()
        return tuple(sorted(system.groups)) if system is not None else ()

    def group(self, group_id: str) -> GroupInfo | None:
        system = self._system()
        group = system.groups.get(group_id) if system is not None else None
        if group is None:
            return None
        consumers = tuple(sorted(m.consumer for m in group.members.values()))
        return GroupInfo(group_id, group.state, group.protocol, len(group.members), consumers)

    def describe_group(
        self, group_id: str, *, members_while_rebalancing: bool = False
    ) -> DescribedGroup | None:
        return describe_group(
            self.__world, group_id, members_while_rebalancing=members_while_rebalancing
        )

    def committed(self, group_id: str) -> MappingProxyType:
        system = self._system()
        return MappingProxyType(dict(system.offsets.committed(group_id)) if system else {})

    def coordinator(self, group_id: str) -> int | None:
        system = self._system()
        return system.offsets.coordinator(self.__world, group_id) if system else None

    def consumer_names(self) -> tuple[str, ...]:
        system = self._system()
        return tuple(sorted(system.consumers)) if system is not None else ()

    def group_configs(self, group_id: str) -> MappingProxyType:
        """Dynamic group configs (KIP-848 ``consumer.*``); the simulator keeps none yet."""
        return MappingProxyType({})

    def producer_names(self) -> tuple[str, ...]:
        return tuple(sorted(self.__world.producers))

    def producer_unfinished(self, name: str) -> int:
        """Records a producer accepted but that are not yet acknowledged or failed:
        waiting for metadata, batched, or in flight (what KafkaProducer.close() waits
        for). 0 for an unknown producer."""
        producer = self.__world.producers.get(name)
        if producer is None:
            return 0
        batches = {b.batch_id: b for queue in producer.queues.values() for b in queue}
        batches.update(producer.in_flight)
        return (sum(len(items) for _, items in producer.waiting)
                + sum(len(b.records) for b in batches.values()))

    # ---- ACLs --------------------------------------------------------------------

    def acls(self) -> tuple[tuple[str, str, tuple[MappingProxyType, ...]], ...]:
        """((resource type, name, entries), ...) sorted by resource."""
        system = self._system()
        if system is None:
            return ()
        return tuple(
            (t, n, tuple(MappingProxyType(dict(e)) for e in entries))
            for (t, n), entries in sorted(system.acls.by_resource.items())
        )
