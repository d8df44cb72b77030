"""Consumer-group invariants, checked from outside the model (tests only).

Registered with `simulator.checks.invariant`, so ``check_invariants(world)``
runs them with the core ones. Nothing in the model imports this module.
"""

from __future__ import annotations

from simulator.checks import invariant


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


@invariant
def positions_never_pass_the_high_watermark(world, memory: dict) -> list[str]:
    """A consumer's position never exceeds the highest HW (or LSO) its partition has had."""
    if "consumers" not in world.ext:
        return []
    seen = memory.setdefault("consumer_hw_max", {})
    for broker in world.brokers.values():
        for key, replica in broker.replicas.items():
            if replica.role == "leader":
                hw, lso = seen.get(key, (0, 0))
                seen[key] = (max(hw, replica.hw), max(lso, replica.lso))
    problems = []
    for client in world.ext["consumers"].consumers.values():
        committed_reader = client.configs["isolation.level"] == "read_committed"
        for tp, position in client.positions.items():
            hw, lso = seen.get(tuple(tp), (0, 0))
            limit = lso if committed_reader else hw
            if position > limit:
                problems.append(
                    f"consumer {client.name} at {tp[0]}-{tp[1]}:{position} "
                    f"beyond {'LSO' if committed_reader else 'HW'} {limit}"
                )
    return problems
