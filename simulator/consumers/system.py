"""The consumers package's state on a `World`, and its hooks into the engine.

Everything consumer-related lives in one `ConsumerSystem` kept at
``world.ext["consumers"]`` and registered as the actor ``group-coordinator``.
The coordinator's timers (session expiry, the join phase, offsets expiry) and
the expiry of held consumer fetches (kept in each broker's fetch waiting
room) name functions of coordinator.py and fetching.py
registered with `simulator.engine.timer_function`, so this module needs
neither: they import it, never the other way round. The consumers themselves
are actors ``consumer:<name>``. Being plain attributes of the world, all of
it is deep-copied with it, so rewind and fork just work.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from simulator.consumers.acls import AclStore
from simulator.consumers.offsets_topic import OffsetsTopic
from simulator.engine import Actor

SYSTEM_ACTOR = "group-coordinator"
MAX_CONSUMERS = 32


@dataclass
class Member:
    """A group member as the coordinator knows it."""

    member_id: str
    consumer: str
    client_id: str
    host: str
    topics: list
    owned: list
    strategies: list
    session_timeout_ms: int
    rebalance_timeout_ms: int
    instance_id: str | None = None
    joined: bool = False  # sent JoinGroup in the current rebalance
    join_source: tuple | None = None  # (actor, request id) of the pending JoinGroup
    sync_source: tuple | None = None  # (actor, request id) of the pending SyncGroup
    assignment: list = field(default_factory=list)
    session_timer: int | None = None


@dataclass
class Group:
    """A classic consumer group on its coordinator."""

    group_id: str
    state: str = "Empty"
    generation: int = 0
    protocol: str | None = None
    rebalance_protocol: str | None = None
    leader: str | None = None
    members: dict = field(default_factory=dict)  # member_id -> Member, in join order
    pending: dict = field(default_factory=dict)  # member ids given out, not yet joined -> timer
    join_timer: int | None = None
    initial_deadline_ms: int | None = None  # while the initial rebalance delay runs
    coordinator: int | None = None  # the broker it was last seen on
    empty_since_ms: int | None = None


class ConsumerSystem(Actor):
    """All consumer-group state of one world.

    Still registered as the actor ``group-coordinator`` (its id since the timers
    named its methods), so a drop rule naming it keeps being accepted as before.
    """

    actor_id = SYSTEM_ACTOR

    def __init__(self, world):
        super().__init__(world)
        cfg = world.config
        self.offsets = OffsetsTopic(
            cfg.get("offsets.topic.num.partitions", 50),
            cfg.get("offsets.topic.replication.factor", 3),
        )
        self.acls = AclStore()
        self.groups: dict[str, Group] = {}
        self.consumers: dict[str, object] = {}  # name -> ConsumerClient (also an actor)
        self.hosts_given = 0
        self.clients_per_group: dict[str, int] = {}

    def on_message(self, message) -> None:  # pragma: no cover - nothing is sent here
        pass

    # ---- helpers --------------------------------------------------------------------
    def group(self, group_id: str) -> Group:
        group = self.groups.get(group_id)
        if group is None:
            group = self.groups[group_id] = Group(group_id)
        return group

    def new_host(self) -> str:
        self.hosts_given += 1
        return f"/10.0.1.{self.hosts_given}"

    def new_client_id(self, group_id: str) -> str:
        n = self.clients_per_group.get(group_id, 0) + 1
        self.clients_per_group[group_id] = n
        return f"consumer-{group_id}-{n}"


def system(world) -> ConsumerSystem:
    """The world's ConsumerSystem, created on first use."""
    found = world.ext.get("consumers")
    if found is None:
        found = world.ext["consumers"] = ConsumerSystem(world)
        world.add_actor(found)
    return found
