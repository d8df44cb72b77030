"""Broker message kinds that outside clients need and simulated clients never send.

Registered in the broker's one dispatch table (simulator.broker.dispatch):

* ``wire_list_offsets``: ListOffsets on the partition leader (earliest,
  latest, max timestamp, first offset at or after a timestamp), as Kafka's
  ``UnifiedLog.fetchOffsetByTimestamp``: "latest" is the HW (the LSO for
  read_committed), and a found offset must be below it.
* ``wire_find_txn_coordinator``: FindCoordinator for a transactional id.
* ``wire_leave_group``: the coordinator's own LeaveGroup handler
  (simulator.consumers.coordinator) plus the response Kafka sends and the
  simulated consumer does not wait for.
* ``wire_offset_fetch``: OffsetFetch for "all partitions" (topics null),
  resolved on the coordinator, then its own handler.
* ``wire_describe_group`` / ``wire_list_groups``: DescribeGroups and
  ListGroups, read from the coordinator's groups.
"""

from __future__ import annotations

from dataclasses import replace

from simulator.broker import on_broker_message
from simulator.consumers import coordinator
from simulator.consumers.system import system
from simulator.transactions import coordinator_for
from simulator.wire_clients import codec
from simulator.wire_clients.state import wire_state

EARLIEST, LATEST, MAX_TIMESTAMP, EARLIEST_LOCAL = -2, -1, -3, -4


def _reply(broker, message, kind: str, body: dict, summary: dict) -> None:
    broker.reply(message, kind, dict(body, request_id=message.body.get("request_id")), summary)


@on_broker_message("wire_list_offsets")
def _on_list_offsets(broker, message) -> None:
    world = broker.world
    b = message.body
    parts = []
    for topic, partition, timestamp in b["parts"]:
        out = {"topic": topic, "partition": partition, "error": None, "timestamp": -1,
               "offset": -1, "leader_epoch": -1}
        parts.append(out)
        if topic not in world.topics:
            out["error"] = "UNKNOWN_TOPIC_OR_PARTITION"
            continue
        r = broker.leader_replica(topic, partition)
        if r is None:
            out["error"] = "NOT_LEADER_OR_FOLLOWER"
            continue
        upper = r.lso if b["isolation_level"] == "read_committed" else r.hw
        if timestamp in (EARLIEST, EARLIEST_LOCAL, -5):
            out.update(offset=r.log.start_offset, leader_epoch=r.leader_epoch)
        elif timestamp == LATEST:
            out.update(offset=upper, leader_epoch=r.leader_epoch)
        else:
            found = None
            for rec in r.log.read(r.log.start_offset, upper, len(r.log.records)):
                if rec.control is not None:
                    continue
                if timestamp == MAX_TIMESTAMP:
                    if found is None or rec.timestamp_ms > found.timestamp_ms:
                        found = rec
                elif rec.timestamp_ms >= timestamp:
                    found = rec
                    break
            if found is not None:
                out.update(offset=found.offset, timestamp=found.timestamp_ms,
                           leader_epoch=found.leader_epoch)
    _reply(broker, message, "wire_list_offsets_response", {"parts": parts},
           {"parts": [f"{p['topic']}-{p['partition']}={p['offset']}" for p in parts]})


@on_broker_message("wire_find_txn_coordinator")
def _on_find_txn_coordinator(broker, message) -> None:
    node = coordinator_for(broker.world, message.body["key"])
    _reply(broker, message, "wire_find_txn_coordinator_response",
           {"key": message.body["key"], "broker": node, "error": None},
           {"coordinator": node})


def _answers_itself(broker, message, operation: str = "READ") -> bool:
    """True when the coordinator's handler answers on its own (not the
    coordinator, or the group is not allowed): see coordinator._coordinated_group."""
    world = broker.world
    sys_ = system(world)
    group_id = message.body["group"]
    principal = message.body.get("principal", "User:ANONYMOUS")
    return (sys_.offsets.coordinator(world, group_id) != broker.broker_id
            or not sys_.acls.allowed(principal, "GROUP", group_id, operation))


@on_broker_message("wire_leave_group")
def _on_leave_group(broker, message) -> None:
    inner = replace(message, kind="leave_group")
    if _answers_itself(broker, message):
        coordinator._on_leave_group(broker, inner)  # it answers NOT_COORDINATOR / denied
        return
    group = system(broker.world).groups.get(message.body["group"])
    known = group is not None and message.body["member_id"] in group.members
    coordinator._on_leave_group(broker, inner)
    error = None if known else "UNKNOWN_MEMBER_ID"
    _reply(broker, message, "wire_leave_group_response",
           {"error": error, "member_id": message.body["member_id"]},
           {"group": message.body["group"], "error": error})


@on_broker_message("wire_offset_fetch")
def _on_offset_fetch(broker, message) -> None:
    body = dict(message.body)
    if body["partitions"] is None:
        committed = system(broker.world).offsets.committed(body["group"])
        body["partitions"] = [list(tp) for tp in sorted(committed)]
    coordinator._on_offset_fetch(broker, replace(message, kind="offset_fetch", body=body))


def member_metadata(world, group_id: str, member) -> str:
    """A member's JoinGroup metadata (base64) for the group's protocol: the bytes an
    outside member sent, or a simulated member's subscription encoded."""
    group = system(world).groups.get(group_id)
    sent = wire_state(world).protocols.get((group_id, member.member_id), {})
    protocol = group.protocol if group is not None else None
    if protocol in sent:
        return sent[protocol]
    return codec.bytes_to_b64(codec.encode_subscription(list(member.topics),
                                                        list(member.owned)))


def member_assignment(world, group_id: str, member, generation: int) -> str:
    """A member's assignment (base64): the leader's bytes for this generation when an
    outside leader sent them, else the coordinator's list encoded."""
    kept = wire_state(world).assignments.get((group_id, member.member_id))
    if kept is not None and kept[0] == generation:
        return kept[1]
    return codec.bytes_to_b64(codec.encode_assignment(list(member.assignment)))


@on_broker_message("wire_describe_group")
def _on_describe_group(broker, message) -> None:
    world = broker.world
    sys_ = system(world)
    group_id = message.body["group"]
    out = {"group_id": group_id, "error": None, "group_state": "Dead", "protocol_type": "",
           "protocol_data": "", "members": []}
    if sys_.offsets.coordinator(world, group_id) != broker.broker_id:
        out["error"] = "NOT_COORDINATOR"
    elif not sys_.acls.allowed(message.body.get("principal", "User:ANONYMOUS"), "GROUP",
                               group_id, "DESCRIBE"):
        out["error"] = "GROUP_AUTHORIZATION_FAILED"
    else:
        group = sys_.groups.get(group_id)
        if group is not None:
            stable = group.state == "Stable"
            out.update(group_state=group.state, protocol_type="consumer",
                       protocol_data=group.protocol or "")
            out["members"] = [{
                "member_id": m.member_id, "group_instance_id": m.instance_id,
                "client_id": m.client_id, "client_host": m.host,
                "member_metadata": member_metadata(world, group_id, m),
                # Kafka sends assignments only once the group is Stable.
                "member_assignment": member_assignment(world, group_id, m, group.generation)
                if stable else "",
            } for m in group.members.values()]
    _reply(broker, message, "wire_describe_group_response", out,
           {"group": group_id, "state": out["group_state"], "error": out["error"]})


@on_broker_message("wire_list_groups")
def _on_list_groups(broker, message) -> None:
    world = broker.world
    sys_ = system(world)
    wanted = message.body.get("states") or []
    groups = [{"group_id": g.group_id, "protocol_type": "consumer", "group_state": g.state}
              for g in sys_.groups.values()
              if sys_.offsets.coordinator(world, g.group_id) == broker.broker_id
              and (not wanted or g.state in wanted)]
    _reply(broker, message, "wire_list_groups_response", {"groups": groups},
           {"groups": len(groups)})
