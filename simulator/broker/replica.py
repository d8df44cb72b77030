"""One broker's copy of one partition (`Replica`) and what its leader tracks about it.

Plain data: the log, HW, LSO, role and epochs, the ISR, each follower's
progress (`FollowerProgress`), the idempotent producers' state, open and
aborted transactions, and the callbacks waiting for the HW (`Waiter`). The
duties that change it live beside it in this package.
"""

from __future__ import annotations

from dataclasses import dataclass

from simulator.log import PartitionLog, Record
from simulator.produce_handling import ProducerEntry


@dataclass(slots=True)
class FollowerProgress:
    """The leader's view of one follower (Kafka's `Replica` state in Partition.scala)."""

    leo: int = 0
    last_caught_up_ms: int = 0
    last_fetch_ms: int = 0
    last_fetch_leader_leo: int = 0


@dataclass(slots=True)
class Waiter:
    """Someone waiting for the HW: ``actors[actor_id].<method>(*args, error)``."""

    required_offset: int  # HW must reach this
    actor_id: str
    method: str
    args: tuple


class Replica:
    """One broker's copy of one partition."""

    __slots__ = ("topic", "partition", "log", "hw", "lso", "role", "leader", "leader_epoch",
                 "partition_epoch", "replicas", "isr", "followers", "isr_pending_since",
                 "producers", "ongoing_txns", "aborted", "waiters", "has_markers")

    def __init__(self, topic: str, partition: int, now_ms: int):
        self.topic = topic
        self.partition = partition
        self.log = PartitionLog(now_ms)
        self.hw = 0
        self.lso = 0
        self.role = "none"
        self.leader: int | None = None
        self.leader_epoch = -1
        self.partition_epoch = -1
        self.replicas: tuple = ()
        self.isr: tuple = ()
        self.followers: dict[int, FollowerProgress] = {}
        self.isr_pending_since: int | None = None
        self.producers: dict[int, ProducerEntry] = {}
        self.ongoing_txns: dict[int, int] = {}  # producer id -> first offset
        self.aborted: list[tuple[int, int, int]] = []  # (producer id, first, marker offset)
        self.waiters: list[Waiter] = []
        self.has_markers = False  # any transaction marker in this log (readers skip them)

    @property
    def name(self) -> str:
        return f"{self.topic}-{self.partition}"

    def is_aborted(self, record: Record) -> bool:
        """True if `record` belongs to an aborted transaction (read_committed skips it)."""
        if not record.transactional:
            return False
        for pid, first, marker in self.aborted:
            if pid == record.producer_id and first <= record.offset < marker:
                return True
        return False
