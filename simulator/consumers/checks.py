"""Consumer-group invariants, checked from outside the model (tests only).

Registered with `simulator.checks.invariant`, so ``check_invariants(world)``
runs them with the core ones. Nothing in the model imports this module.
"""

from __future__ import annotations

import weakref

from simulator import events as ev
from simulator.checks import invariant
from simulator.engine import on_event


def _settled(world, group) -> bool:
    """A group is settled when it is Stable and every running member agrees on it."""
    if group.state != "Stable":
        return False
    clients = world.ext["consumers"].consumers
    for member in group.members.values():
        client = clients.get(member.consumer)
        if client is None or not client.running or client.joining or client.rejoin_needed:
            return False
        if client.member_id != member.member_id or client.generation != group.generation:
            return False
        if sorted(client.assignment) != sorted(member.assignment):
            return False
    return True


@invariant
def one_owner_per_partition_in_a_settled_group(world, memory: dict) -> list[str]:
    """After a group settles, each partition of its subscribed topics has exactly one owner."""
    if "consumers" not in world.ext:
        return []
    problems = []
    for group in world.ext["consumers"].groups.values():
        if not group.members or not _settled(world, group):
            continue
        owners: dict = {}
        for member in group.members.values():
            for tp in member.assignment:
                owners.setdefault(tuple(tp), []).append(member.consumer)
        subscribed = {t for m in group.members.values() for t in m.topics if t in world.topics}
        for topic in subscribed:
            for p in range(len(world.topics[topic].partitions)):
                found = owners.get((topic, p), [])
                if len(found) != 1:
                    problems.append(f"group {group.group_id}: {topic}-{p} owned by {found}")
    return problems


# The highest HW / LSO each partition ever had, per world, learnt from events as
# they are emitted (between two checks a HW can rise, be read up to, and fall
# back on a new leader). Kept beside the world, never in it.
_HIGHEST: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _highest(world) -> dict:
    found = _HIGHEST.get(world)
    if found is None:
        found = _HIGHEST[world] = {}
        # A world we first meet (e.g. a rewound copy): start from what replicas hold now.
        for broker in world.brokers.values():
            for key, replica in broker.replicas.items():
                hw, lso = found.get(key, (0, 0))
                found[key] = (max(hw, replica.hw), max(lso, replica.lso))
    return found


@on_event(ev.HighWatermarkChanged)
def _note_hw(world, event) -> None:
    highest = _highest(world)
    key = (event.topic, event.partition)
    hw, lso = highest.get(key, (0, 0))
    highest[key] = (max(hw, event.high_watermark), lso)


@on_event(ev.LastStableOffsetChanged)
def _note_lso(world, event) -> None:
    highest = _highest(world)
    key = (event.topic, event.partition)
    hw, lso = highest.get(key, (0, 0))
    highest[key] = (hw, max(lso, event.last_stable_offset))


_SEEN_TOO_FAR: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


@on_event(ev.ConsumerPositionChanged)
def _note_poll(world, event) -> None:
    """Check each poll as it happens: what it returned ends below the HW (or LSO)."""
    if event.reason != "poll":
        return  # seek may point anywhere, as in Kafka; only what poll() returns counts
    client = world.ext["consumers"].consumers.get(event.consumer)
    committed_reader = client is not None and client.configs["isolation.level"] == (
        "read_committed"
    )
    hw, lso = _highest(world).get((event.topic, event.partition), (0, 0))
    limit = lso if committed_reader else hw
    if event.position > limit:
        _SEEN_TOO_FAR.setdefault(world, []).append(
            f"consumer {event.consumer} read {event.topic}-{event.partition} up to "
            f"{event.position} beyond {'LSO' if committed_reader else 'HW'} {limit}"
        )


@invariant
def consumers_never_read_past_the_high_watermark(world, memory: dict) -> list[str]:
    """No poll ever returned a record at or beyond the HW (LSO for read_committed)."""
    return list(_SEEN_TOO_FAR.get(world, []))
