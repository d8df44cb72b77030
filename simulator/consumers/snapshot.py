"""The ``groups``, ``consumers``, ``acls`` and ``consumer_offsets`` parts of ``snapshot()``.

Plain JSON-able data, enough to draw the consumer diagrams from scratch and to
print ``kafka-consumer-groups --describe`` (see `describe_group`).
"""

from __future__ import annotations

from simulator.consumers.system import system
from simulator.engine import snapshot_section
from simulator.tools.cli_output import DescribedGroup, DescribedMember


def _hw(world, topic: str, partition: int) -> int | None:
    """LOG-END-OFFSET as kafka-consumer-groups shows it: the leader's high watermark."""
    meta = world.topics.get(topic)
    if meta is None or partition >= len(meta.partitions):
        return None
    leader = meta.partitions[partition].leader
    broker = world.brokers.get(leader) if leader is not None else None
    replica = broker.leader_replica(topic, partition) if broker is not None else None
    return replica.hw if replica is not None else None


def _key(tp) -> str:
    return f"{tp[0]}-{tp[1]}"


def groups_section(world) -> list:
    if "consumers" not in world.ext:
        return []
    sys_ = system(world)
    out = []
    for group_id, group in sorted(sys_.groups.items()):
        committed = sys_.offsets.committed(group_id)
        lag = {}
        for tp, offset in sorted(committed.items()):
            hw = _hw(world, *tp)
            if hw is not None:
                lag[_key(tp)] = max(0, hw - offset)
        out.append(
            {
                "group_id": group_id,
                "state": group.state,
                "generation": group.generation,
                "protocol": group.protocol,
                "rebalance_protocol": group.rebalance_protocol,
                "leader": group.leader,
                "coordinator": sys_.offsets.coordinator(world, group_id),
                "offsets_partition": sys_.offsets.partition_for(group_id),
                "members": [
                    {
                        "member_id": m.member_id,
                        "client": m.consumer,
                        "client_id": m.client_id,
                        "host": m.host,
                        "topics": list(m.topics),
                        "assignment": [list(tp) for tp in m.assignment],
                        "state": "joined"
                        if m.joined
                        else ("awaiting_sync" if m.sync_source else "stable"),
                    }
                    for m in group.members.values()
                ],
                "committed": {_key(tp): o for tp, o in sorted(committed.items())},
                "lag": lag,
            }
        )
    return out


def consumers_section(world) -> list:
    if "consumers" not in world.ext:
        return []
    out = []
    for name, c in sorted(system(world).consumers.items()):
        out.append(
            {
                "id": name,
                "actor": c.actor_id,
                "group": c.group_id,
                "client_id": c.client_id,
                "principal": c.principal,
                "status": c.status,
                "member_id": c.member_id or None,
                "generation": c.generation,
                "topics": list(c.topics),
                "assignment": [list(tp) for tp in c.assignment],
                "positions": {_key(tp): p for tp, p in sorted(c.positions.items())},
                # The consumer's own lag (records-lag): HW minus its position, per partition.
                "lag": {
                    _key(tp): max(0, hw - p)
                    for tp, p in sorted(c.positions.items())
                    if (hw := _hw(world, *tp)) is not None
                },
                "configs": {
                    k: (list(v) if isinstance(v, list) else v) for k, v in c.configs.items()
                },
                "reachable": c.actor_id not in world.network.isolated,
                "last_error": dict(c.last_error) if c.last_error else None,
            }
        )
    return out


def acls_section(world) -> list:
    return system(world).acls.to_list() if "consumers" in world.ext else []


def offsets_topic_section(world) -> dict | None:
    return system(world).offsets.to_dict(world) if "consumers" in world.ext else None


snapshot_section("groups")(groups_section)
snapshot_section("consumers")(consumers_section)
snapshot_section("acls")(acls_section)
snapshot_section("consumer_offsets")(offsets_topic_section)


def describe_group(
    world, group_id: str, members_while_rebalancing: bool = False
) -> DescribedGroup | None:
    """The data ``kafka-consumer-groups --describe --group`` prints, from the live world."""
    if "consumers" not in world.ext:
        return None
    sys_ = system(world)
    group = sys_.groups.get(group_id)
    if group is None:
        return None
    committed = sys_.offsets.committed(group_id)
    members = []
    for m in group.members.values():
        members.append(
            DescribedMember(
                m.member_id, m.client_id, m.host, tuple(tuple(tp) for tp in m.assignment)
            )
        )
    partitions = set(committed) | {tp for m in group.members.values() for tp in m.assignment}
    ends = {tp: hw for tp in partitions if (hw := _hw(world, *tp)) is not None}
    # Outside Stable the coordinator describes members without their
    # assignment (ClassicGroup's summary), so the offsets view lists no member rows.
    if group.state != "Stable":
        if members_while_rebalancing:
            members = [DescribedMember(m.consumer_id, m.client_id, m.host) for m in members]
        else:
            members = []
    return DescribedGroup(group_id, group.state, tuple(members), committed, ends)
