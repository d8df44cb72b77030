"""Topic metadata as the controller holds it: configs, placement, partition state.

`TopicMeta`/`PartitionMeta` are the *committed* truth (the ``__cluster_metadata``
log of KRaft, folded). Brokers learn it through ``metadata_update`` messages
and act on their own copy, so for a moment they can disagree — as in Kafka.

Replica placement follows Kafka's rack-unaware assignment
(``AdminUtils.assignReplicasToBrokers``): a start index and a second-replica
shift, both drawn from the simulation's rng unless given; partition p's first
replica is broker ``(start + p) % n`` and is its preferred leader.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from simulator.errors import SimulationError

TOPIC_CONFIG_DEFAULTS: dict = {
    "retention.ms": 604_800_000,
    "retention.bytes": -1,
    "segment.bytes": 1_073_741_824,
    "segment.ms": 604_800_000,
    "min.insync.replicas": 1,
    "unclean.leader.election.enable": False,
    "cleanup.policy": "delete",
    "max.message.bytes": 1_048_588,
}

_INT_CONFIGS = {"retention.ms", "retention.bytes", "segment.bytes", "segment.ms",
                "min.insync.replicas", "max.message.bytes"}


def validate_topic_configs(configs: dict, replication_factor: int | None = None) -> dict:
    """Return the configs with types checked; raise on unknown keys or bad values.

    `replication_factor` is accepted for callers that know it; no config
    depends on it (min.insync.replicas may exceed it, see effective_min_isr).
    """
    if not isinstance(configs, dict):
        raise SimulationError("bad_config", "topic configs must be an object")
    out = {}
    for key, value in configs.items():
        if key not in TOPIC_CONFIG_DEFAULTS:
            known = ", ".join(sorted(TOPIC_CONFIG_DEFAULTS))
            raise SimulationError("bad_config", f"unknown topic config {key!r}; known: {known}")
        if key in _INT_CONFIGS:
            if isinstance(value, bool) or not isinstance(value, int):
                raise SimulationError("bad_config", f"{key} must be an integer")
            if key in ("retention.ms", "retention.bytes") and value < -1:
                raise SimulationError("bad_config", f"{key} must be -1 (unlimited) or more")
            if key not in ("retention.ms", "retention.bytes") and value < 1:
                raise SimulationError("bad_config", f"{key} must be at least 1")
        elif key == "unclean.leader.election.enable":
            if not isinstance(value, bool):
                raise SimulationError("bad_config", f"{key} must be true or false")
        elif key == "cleanup.policy" and value != "delete":
            raise SimulationError("bad_config", "only cleanup.policy=delete is simulated")
        out[key] = value
    # min.insync.replicas above the replication factor is accepted, as Kafka
    # does: the broker caps it (effective_min_isr), so writes still succeed.
    return out


def effective_min_isr(min_insync_replicas: int, replica_count: int) -> int:
    """The min ISR a leader enforces: min(min.insync.replicas, replication
    factor). Since Kafka 3.7 (KAFKA-15583, Partition.effectiveMinIsr) a
    min.insync.replicas above the replication factor no longer makes every
    acks=all write fail with NOT_ENOUGH_REPLICAS."""
    return min(min_insync_replicas, replica_count)


@dataclass(slots=True)
class PartitionMeta:
    topic: str
    partition: int
    replicas: list
    leader: int | None
    leader_epoch: int = 0
    partition_epoch: int = 0
    isr: list = field(default_factory=list)

    @property
    def preferred_leader(self) -> int:
        return self.replicas[0]

    def state(self) -> tuple:
        """An immutable copy sent to brokers in metadata updates."""
        return (self.topic, self.partition, tuple(self.replicas), self.leader,
                self.leader_epoch, self.partition_epoch, tuple(self.isr))

    def to_dict(self) -> dict:
        return {"partition": self.partition, "replicas": list(self.replicas),
                "leader": self.leader, "leader_epoch": self.leader_epoch,
                "isr": list(self.isr), "preferred_leader": self.preferred_leader}


@dataclass(slots=True)
class TopicMeta:
    name: str
    topic_id: str
    configs: dict
    partitions: list  # [PartitionMeta]
    internal: bool = False

    def config(self, key: str):
        return self.configs.get(key, TOPIC_CONFIG_DEFAULTS[key])

    def effective_configs(self) -> dict:
        merged = dict(TOPIC_CONFIG_DEFAULTS)
        merged.update(self.configs)
        return merged


def assign_replicas(broker_ids: list[int], partitions: int, replication_factor: int,
                    start_index: int, shift: int) -> list[list[int]]:
    """Kafka's rack-unaware placement over sorted `broker_ids`."""
    n = len(broker_ids)
    out = []
    next_shift = shift
    for p in range(partitions):
        if p > 0 and p % n == 0:
            next_shift += 1
        first = (start_index + p) % n
        replicas = [broker_ids[first]]
        for j in range(replication_factor - 1):
            step = 1 + (next_shift + j) % (n - 1)
            replicas.append(broker_ids[(first + step) % n])
        out.append(replicas)
    return out
