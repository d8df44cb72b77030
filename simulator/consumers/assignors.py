"""Partition assignors of Kafka's classic consumer group protocol, as pure functions.

The group leader (a consumer) runs one of these during a rebalance and sends the
result back through SyncGroup. Each assignor takes the subscribed topics' sizes
and the members (their subscriptions and, for the sticky ones, what they owned
before) and returns ``{member_id: [(topic, partition), ...]}``.

They follow Apache Kafka's Java client (``RangeAssignor``, ``RoundRobinAssignor``,
``StickyAssignor``, ``CooperativeStickyAssignor`` and ``AbstractStickyAssignor``),
including member ordering: static members (with a ``group.instance.id``) first,
ordered by instance id, then dynamic members by member id. Rack awareness is
left out: the simulator's consumers have no ``client.rack``.

Where Kafka's Java code iterates a ``HashMap`` (whose order depends on Java
string hashes), we iterate members in the order above, so results are
deterministic and readable. ``docs/events.md`` ("Consumers and groups") notes the
one visible consequence: the StickyAssignor javadoc's first example, after C1
leaves, shows the general algorithm, the only one up to 2.5; since 2.6
(KAFKA-9987) members with identical subscriptions take a faster path that keeps
the same five partitions in place and balances 4/4 but hands the three freed
partitions out round-robin, which is what we do.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from simulator.java_hash import java_string_hash

TopicPartition = tuple[str, int]

EAGER = "eager"
COOPERATIVE = "cooperative"


@dataclass(frozen=True)
class MemberSubscription:
    """What one member tells the leader in its JoinGroup metadata."""

    member_id: str
    topics: tuple[str, ...]
    # Partitions the member owned before this rebalance (cooperative protocol:
    # ``ownedPartitions``; StickyAssignor: the previous assignment in user data).
    owned: tuple[TopicPartition, ...] = ()
    # Generation of ``owned`` (StickyAssignor user data); None = unknown.
    generation: int | None = None
    group_instance_id: str | None = None


def member_sort_key(member: MemberSubscription) -> tuple[int, str]:
    """Kafka's ``MemberInfo`` order: static members by instance id first, then member id."""
    if member.group_instance_id is not None:
        return (0, member.group_instance_id)
    return (1, member.member_id)


def _sorted_members(members: Sequence[MemberSubscription]) -> list[MemberSubscription]:
    return sorted(members, key=member_sort_key)


def _all_partitions(partitions_per_topic: Mapping[str, int], topics) -> list[TopicPartition]:
    """Partitions of the given topics, topics by name, partitions in order."""
    return [
        (topic, p)
        for topic in sorted(set(topics))
        if topic in partitions_per_topic
        for p in range(partitions_per_topic[topic])
    ]


# --------------------------------------------------------------------------- range


def range_assign(
    partitions_per_topic: Mapping[str, int], members: Sequence[MemberSubscription]
) -> dict[str, list[TopicPartition]]:
    """RangeAssignor: per topic, contiguous runs; the first N % C members get one extra.

    This is why Range is unfair across many topics: the same first members get
    the extra partition of every topic.
    """
    assignment: dict[str, list[TopicPartition]] = {m.member_id: [] for m in members}
    topics = sorted({t for m in members for t in m.topics if t in partitions_per_topic})
    for topic in topics:
        consumers = [m for m in _sorted_members(members) if topic in m.topics]
        count = partitions_per_topic[topic]
        per_member, extra = divmod(count, len(consumers))
        start = 0
        for index, member in enumerate(consumers):
            length = per_member + (1 if index < extra else 0)
            assignment[member.member_id].extend((topic, p) for p in range(start, start + length))
            start += length
    return assignment


# ----------------------------------------------------------------------- round robin


def round_robin_assign(
    partitions_per_topic: Mapping[str, int], members: Sequence[MemberSubscription]
) -> dict[str, list[TopicPartition]]:
    """RoundRobinAssignor: deal every partition to sorted members in a circle,
    skipping members not subscribed to that partition's topic."""
    assignment: dict[str, list[TopicPartition]] = {m.member_id: [] for m in members}
    ordered = _sorted_members(members)
    if not ordered:
        return assignment
    all_topics = {t for m in members for t in m.topics}
    cursor = 0
    for topic, partition in _all_partitions(partitions_per_topic, all_topics):
        # Advance the circle to the next member subscribed to this topic.
        while topic not in ordered[cursor % len(ordered)].topics:
            cursor += 1
        assignment[ordered[cursor % len(ordered)].member_id].append((topic, partition))
        cursor += 1
    return assignment


# --------------------------------------------------------------------------- sticky


def _owned_partitions(
    partitions_per_topic: Mapping[str, int], members: Sequence[MemberSubscription]
) -> dict[str, list[TopicPartition]]:
    """Each member's previously owned partitions that are still valid.

    As ``AbstractStickyAssignor.allSubscriptionsEqual``: a partition claimed by
    two members goes to the higher generation; claimed twice in the same
    generation, it is taken from both. Partitions of deleted topics or of topics
    the member no longer subscribes to are dropped.
    """
    owned: dict[str, list[TopicPartition]] = {m.member_id: [] for m in members}
    owner_of: dict[TopicPartition, MemberSubscription] = {}
    doubly_claimed: set[TopicPartition] = set()
    for member in _sorted_members(members):
        for tp in member.owned:
            topic, partition = tp
            if topic not in member.topics or partition >= partitions_per_topic.get(topic, 0):
                continue
            other = owner_of.get(tp)
            if other is None:
                owner_of[tp] = member
                owned[member.member_id].append(tp)
                continue
            mine, theirs = _generation(member), _generation(other)
            if mine == theirs:
                doubly_claimed.add(tp)
                if tp in owned[other.member_id]:
                    owned[other.member_id].remove(tp)
            elif mine > theirs:
                if tp in owned[other.member_id]:
                    owned[other.member_id].remove(tp)
                owned[member.member_id].append(tp)
                owner_of[tp] = member
    return owned


def _generation(member: MemberSubscription) -> int:
    return -1 if member.generation is None else member.generation


def _constrained_assign(
    partitions_per_topic: Mapping[str, int],
    members: Sequence[MemberSubscription],
    owned: Mapping[str, list[TopicPartition]],
) -> dict[str, list[TopicPartition]]:
    """Kafka's ``ConstrainedAssignmentBuilder`` (all members subscribe to the same topics).

    1. keep owned partitions up to the quota (owned ones sorted by partition, then topic);
    2. fill members under the minimum quota round-robin, in member order;
    3. then give one more to members at the minimum until every partition is placed.
    """
    ordered = [m.member_id for m in _sorted_members(members)]
    all_partitions = _all_partitions(partitions_per_topic, members[0].topics)
    total = len(all_partitions)
    min_quota, extra_members = divmod(total, len(ordered))
    max_quota = min_quota + (1 if extra_members else 0)
    members_over_min = 0

    assignment: dict[str, list[TopicPartition]] = {m: [] for m in ordered}
    assigned: set[TopicPartition] = set()
    under_min: list[str] = []
    at_min: list[str] = []
    for member_id in ordered:
        mine = sorted(owned.get(member_id, []), key=lambda tp: (tp[1], tp[0]))
        if len(mine) < min_quota:
            assignment[member_id].extend(mine)
            under_min.append(member_id)
        elif len(mine) >= max_quota and members_over_min < extra_members:
            members_over_min += 1
            if members_over_min == extra_members:
                at_min.clear()
            assignment[member_id].extend(mine[:max_quota])
        else:
            assignment[member_id].extend(mine[:min_quota])
            if members_over_min < extra_members:
                at_min.append(member_id)
        assigned.update(assignment[member_id])

    unassigned = [tp for tp in all_partitions if tp not in assigned]
    under_min.sort()
    at_min.sort()
    # Round-robin over members still under the minimum; once they are all
    # filled, members sitting at the minimum take one more each.
    index = 0
    for tp in unassigned:
        if under_min:
            index %= len(under_min)
            member_id = under_min[index]
        else:
            member_id = at_min.pop(0)
        assignment[member_id].append(tp)
        size = len(assignment[member_id])
        if member_id in under_min and size == min_quota:
            under_min.remove(member_id)
            at_min.append(member_id)
        elif member_id in under_min:
            index += 1
        elif size == max_quota:
            members_over_min += 1
    return assignment


def _general_assign(
    partitions_per_topic: Mapping[str, int],
    members: Sequence[MemberSubscription],
    owned: Mapping[str, list[TopicPartition]],
) -> dict[str, list[TopicPartition]]:
    """Kafka's ``GeneralAssignmentBuilder`` (members subscribe to different topics), simplified.

    Keep every valid owned partition; place each unassigned partition (topics
    with the fewest potential consumers first) on the eligible member holding
    the fewest; then move partitions from a member to an eligible one holding at
    least two fewer until no such move exists. Balance first, stickiness second.
    """
    ordered = [m.member_id for m in _sorted_members(members)]
    subscribed = {m.member_id: set(m.topics) for m in members}
    assignment: dict[str, list[TopicPartition]] = {m: list(owned.get(m, [])) for m in ordered}
    potential = {
        topic: [m for m in ordered if topic in subscribed[m]] for topic in partitions_per_topic
    }
    topics = sorted(
        (t for t in partitions_per_topic if potential[t]), key=lambda t: (len(potential[t]), t)
    )
    all_partitions = [(t, p) for t in topics for p in range(partitions_per_topic[t])]
    owner = {tp: m for m, tps in assignment.items() for tp in tps}

    def least_loaded(topic: str) -> str:
        return min(potential[topic], key=lambda m: (len(assignment[m]), m))

    for tp in all_partitions:
        if tp not in owner:
            target = least_loaded(tp[0])
            assignment[target].append(tp)
            owner[tp] = target

    moved = True
    while moved:
        moved = False
        for tp in all_partitions:
            source = owner[tp]
            target = least_loaded(tp[0])
            if len(assignment[source]) > len(assignment[target]) + 1:
                assignment[source].remove(tp)
                assignment[target].append(tp)
                owner[tp] = target
                moved = True
    return assignment


def sticky_assign(
    partitions_per_topic: Mapping[str, int], members: Sequence[MemberSubscription]
) -> dict[str, list[TopicPartition]]:
    """StickyAssignor: as balanced as possible, then as few moves as possible."""
    if not members:
        return {}
    owned = _owned_partitions(partitions_per_topic, members)
    first = set(members[0].topics)
    if all(set(m.topics) == first for m in members):
        return _constrained_assign(partitions_per_topic, members, owned)
    return _general_assign(partitions_per_topic, members, owned)


def cooperative_sticky_assign(
    partitions_per_topic: Mapping[str, int], members: Sequence[MemberSubscription]
) -> dict[str, list[TopicPartition]]:
    """CooperativeStickyAssignor: the sticky assignment minus partitions changing owner.

    A partition moving from A to B is first only revoked from A (left out of
    B's assignment); A gives it up and rejoins, and the follow-up rebalance
    hands it to B. Nobody stops consuming the partitions they keep.
    """
    target = sticky_assign(partitions_per_topic, members)
    owned_by = {tp: m.member_id for m in members for tp in m.owned}
    return {
        member_id: [tp for tp in tps if owned_by.get(tp, member_id) == member_id]
        for member_id, tps in target.items()
    }


@dataclass(frozen=True)
class Assignor:
    """A named assignor and the rebalance protocols it supports (first = preferred)."""

    name: str
    protocols: tuple[str, ...]
    assign: object  # the function; typed loosely to keep the dataclass frozen and hashable


ASSIGNORS: dict[str, Assignor] = {
    "range": Assignor("range", (EAGER,), range_assign),
    "roundrobin": Assignor("roundrobin", (EAGER,), round_robin_assign),
    "sticky": Assignor("sticky", (EAGER,), sticky_assign),
    "cooperative-sticky": Assignor(
        "cooperative-sticky", (COOPERATIVE, EAGER), cooperative_sticky_assign
    ),
}

# Java class names, as learners write them in partition.assignment.strategy.
ASSIGNOR_CLASS_NAMES = {
    "org.apache.kafka.clients.consumer.RangeAssignor": "range",
    "org.apache.kafka.clients.consumer.RoundRobinAssignor": "roundrobin",
    "org.apache.kafka.clients.consumer.StickyAssignor": "sticky",
    "org.apache.kafka.clients.consumer.CooperativeStickyAssignor": "cooperative-sticky",
}

DEFAULT_STRATEGY = ("range", "cooperative-sticky")


def choose_assignor(strategies: Sequence[Sequence[str]]) -> str:
    """The assignor the group uses: a vote among the assignors every member supports.

    As ``ClassicGroup.selectProtocol``: each member votes for the first of its
    own (ordered) assignors that all members support; the most votes win (ties
    go to the candidate named first by the earliest member). Raises ValueError
    when members share none (Kafka: INCONSISTENT_GROUP_PROTOCOL).
    """
    if not strategies:
        raise ValueError("no members")
    common = set(strategies[0]).intersection(*map(set, strategies[1:]))
    if not common:
        raise ValueError("members share no partition.assignment.strategy")
    votes: dict[str, int] = {}
    for member_strategies in strategies:
        choice = next(name for name in member_strategies if name in common)
        votes[choice] = votes.get(choice, 0) + 1
    return max(votes, key=lambda name: votes[name])  # first maximum: insertion order


def rebalance_protocol(strategies: Sequence[Sequence[str]]) -> str:
    """EAGER unless every assignor all members list supports COOPERATIVE.

    As ``ConsumerCoordinator``: the protocol is the highest one supported by all
    configured assignors, so the default [range, cooperative-sticky] is eager.
    """
    for member_strategies in strategies:
        for name in member_strategies:
            if COOPERATIVE not in ASSIGNORS[name].protocols:
                return EAGER
    return COOPERATIVE


def kafka_abs(n: int) -> int:
    """Kafka's ``Utils.abs``: like Math.abs, but Integer.MIN_VALUE maps to 0."""
    return 0 if n == -(1 << 31) else abs(n)


def coordinator_partition(group_id: str, offsets_topic_partitions: int = 50) -> int:
    """The ``__consumer_offsets`` partition whose leader coordinates ``group_id``."""
    return kafka_abs(java_string_hash(group_id)) % offsets_topic_partitions
