"""FindCoordinator, JoinGroup, SyncGroup, Heartbeat, LeaveGroup, OffsetCommit,
OffsetFetch, DescribeGroups and ListGroups for outside clients.

The requests go to the group coordinator's own handlers
(simulator.consumers.coordinator), with the message shapes the simulated
consumer uses. The adapters: JoinGroup's protocol metadata and SyncGroup's
assignments are Kafka's opaque ConsumerProtocol bytes; they are kept as sent
(simulator.wire_clients.state) and decoded only for the coordinator's own
view of topics and partitions (what the diagram and ``kafka-consumer-groups
--describe`` show), so an outside leader's members get its bytes back
exactly and a mixed group (simulated and outside members) still works.
"""

from __future__ import annotations

from simulator.consumers.assignors import ASSIGNORS
from simulator.errors import SimulationError
from simulator.wire_clients import codec
from simulator.wire_clients import shape as s
from simulator.wire_clients.broker_side import member_metadata
from simulator.wire_clients.errors import code
from simulator.wire_clients.state import wire_state

MAX_GROUP_ID_CHARS = 249
# group.min.session.timeout.ms / group.max.session.timeout.ms (GroupCoordinatorConfig)
MIN_SESSION_TIMEOUT_MS = 6_000
MAX_SESSION_TIMEOUT_MS = 1_800_000
MAX_GROUPS_PER_REQUEST = 100


def _group(request: dict, where: str, key: str = "group_id") -> str:
    return s.get_str(request, key, where, max_len=MAX_GROUP_ID_CHARS)


def _only(entry: dict) -> dict:
    return next(iter(entry["results"].values()))


# ---- FindCoordinator ----------------------------------------------------------------


def parse_find_coordinator(world, client, request: dict) -> dict:
    key_type = s.get_int(request, "key_type", "find_coordinator", default=0, lo=0, hi=1)
    keys = s.strs(request, "coordinator_keys", "find_coordinator", default=None,
                  max_len=MAX_GROUPS_PER_REQUEST) if "coordinator_keys" in request else None
    if keys is None:
        keys = [s.get_str(request, "key", "find_coordinator", max_len=MAX_GROUP_ID_CHARS)]
    if any(len(k) > MAX_GROUP_ID_CHARS for k in keys):
        raise SimulationError("bad_command", "wire_request: a coordinator key is at most "
                                             f"{MAX_GROUP_ID_CHARS} characters")
    return {"key_type": key_type, "keys": keys}


def send_find_coordinator(client, broker: int, entry: dict) -> None:
    plan = entry["plan"]
    entry["order"] = []
    for key in plan["keys"]:
        if plan["key_type"] == 1:
            rid = client.send(broker, entry, "wire_find_txn_coordinator", {"key": key},
                              {"api": "find_coordinator", "transactional_id": key})
        else:
            rid = client.send(broker, entry, "find_coordinator",
                              {"consumer": client.name, "group": key,
                               "principal": client.principal, "host": client.host},
                              {"api": "find_coordinator", "group": key})
        entry["order"].append([rid, key])


def part_store(client, entry: dict, rid: int, kind: str, body: dict) -> None:
    entry["results"][rid] = body


def finish_find_coordinator(client, entry: dict) -> dict:
    coordinators = []
    for rid, key in entry["order"]:
        body = entry["results"].get(rid, {})
        error = body.get("error")
        node = body.get("broker")
        coordinators.append({"key": key, "node_id": -1 if node is None or error else node,
                             "error_code": code(error),
                             "error_message": body.get("message") if error else None})
    first = coordinators[0] if coordinators else {"node_id": -1, "error_code": 0,
                                                  "error_message": None}
    return {"throttle_time_ms": 0, "coordinators": coordinators,
            # The one-key shape of FindCoordinator v0-v3:
            "error_code": first["error_code"], "error_message": first["error_message"],
            "node_id": first["node_id"]}


# ---- JoinGroup ----------------------------------------------------------------------


def parse_join_group(world, client, request: dict) -> dict:
    w = "join_group"
    session = s.get_int(request, "session_timeout_ms", w, lo=-(2**31), hi=s.INT32_MAX)
    protocols = []
    for i, p in enumerate(s.objects(request, "protocols", w, max_len=32)):
        name = s.get_str(p, "name", f"{w}.protocols[{i}]", max_len=255)
        metadata = codec.b64_to_bytes(p.get("metadata", ""), f"{w}.protocols[{i}].metadata")
        protocols.append([name, codec.bytes_to_b64(metadata or b"")])
    return {"group": _group(request, w),
            "session_timeout_ms": session,
            "rebalance_timeout_ms": s.get_int(request, "rebalance_timeout_ms", w,
                                              default=session, lo=-1, hi=s.INT32_MAX),
            "member_id": s.get_str(request, "member_id", w, default="", max_len=1_000),
            "protocol_type": s.get_str(request, "protocol_type", w, default="consumer",
                                       max_len=255),
            "reason": s.get_str(request, "reason", w, default=None, nullable=True),
            "protocols": protocols}


def send_join_group(client, broker: int, entry: dict) -> None:
    plan = entry["plan"]
    known = [name for name, _m in plan["protocols"] if name in ASSIGNORS]
    if plan["protocol_type"] != "consumer" or not known:
        entry["immediate"] = "INCONSISTENT_GROUP_PROTOCOL"
        return
    if not MIN_SESSION_TIMEOUT_MS <= plan["session_timeout_ms"] <= MAX_SESSION_TIMEOUT_MS:
        entry["immediate"] = "INVALID_SESSION_TIMEOUT"
        return
    first = dict(plan["protocols"])[known[0]]
    decoded = codec.decode_subscription(codec.b64_to_bytes(first, "metadata")) or ([], [])
    topics, owned = decoded
    if plan["member_id"]:
        wire_state(client.world).protocols[(plan["group"], plan["member_id"])] = {
            name: metadata for name, metadata in plan["protocols"]}
    client.send(broker, entry, "join_group", {
        "consumer": client.name, "group": plan["group"], "member_id": plan["member_id"],
        "client_id": client.client_id or client.name, "host": client.host,
        "topics": list(topics), "owned": [list(tp) for tp in owned], "strategies": known,
        "session_timeout_ms": plan["session_timeout_ms"],
        "rebalance_timeout_ms": max(0, plan["rebalance_timeout_ms"]),
        "instance_id": None, "principal": client.principal},
        {"api": "join_group", "group": plan["group"], "member_id": plan["member_id"] or None})


def finish_join_group(client, entry: dict) -> dict:
    plan = entry["plan"]
    error = entry.get("immediate")
    body = _only(entry) if error is None else {"error": error}
    error = body.get("error")
    members = []
    world = client.world
    if error is None and body.get("members"):
        from simulator.consumers.system import system

        group = system(world).groups.get(plan["group"])
        for m in body["members"]:
            member = group.members.get(m["member_id"]) if group is not None else None
            if member is not None:
                metadata = member_metadata(world, plan["group"], member)
            else:
                metadata = codec.bytes_to_b64(codec.encode_subscription(
                    list(m["topics"]), [tuple(tp) for tp in m["owned"]]))
            members.append({"member_id": m["member_id"], "group_instance_id": None,
                            "metadata": metadata})
    return {"throttle_time_ms": 0, "error_code": code(error),
            "generation_id": body.get("generation", -1) if error is None else -1,
            "protocol_type": "consumer",
            "protocol_name": body.get("protocol") if error is None else None,
            "leader": body.get("leader") or "" if error is None else "",
            "skip_assignment": False,
            "member_id": body.get("member_id") or plan["member_id"],
            "members": members}


# ---- SyncGroup ------------------------------------------------------------------------


def parse_sync_group(world, client, request: dict) -> dict:
    w = "sync_group"
    assignments = []
    for i, a in enumerate(s.objects(request, "assignments", w, default=[], max_len=1_000)):
        aw = f"{w}.assignments[{i}]"
        member = s.get_str(a, "member_id", aw, max_len=1_000)
        raw = codec.b64_to_bytes(a.get("assignment", ""), f"{aw}.assignment") or b""
        assignments.append([member, codec.bytes_to_b64(raw)])
    return {"group": _group(request, w),
            "generation": s.get_int(request, "generation_id", w, lo=-(2**31), hi=s.INT32_MAX),
            "member_id": s.get_str(request, "member_id", w, max_len=1_000),
            "protocol_type": s.get_str(request, "protocol_type", w, default=None,
                                       nullable=True),
            "protocol_name": s.get_str(request, "protocol_name", w, default=None,
                                       nullable=True),
            "assignments": assignments}


def send_sync_group(client, broker: int, entry: dict) -> None:
    plan = entry["plan"]
    decoded = {}
    kept = wire_state(client.world).assignments
    for member_id, raw in plan["assignments"]:
        partitions = codec.decode_assignment(codec.b64_to_bytes(raw, "assignment")) or []
        decoded[member_id] = [list(tp) for tp in partitions]
        kept[(plan["group"], member_id)] = (plan["generation"], raw)
    client.send(broker, entry, "sync_group", {
        "consumer": client.name, "group": plan["group"], "member_id": plan["member_id"],
        "generation": plan["generation"], "assignments": decoded,
        "principal": client.principal},
        {"api": "sync_group", "group": plan["group"], "generation": plan["generation"],
         "leader": bool(plan["assignments"])})


def finish_sync_group(client, entry: dict) -> dict:
    plan = entry["plan"]
    body = _only(entry)
    error = body.get("error")
    assignment = ""
    if error is None:
        kept = wire_state(client.world).assignments.get((plan["group"], plan["member_id"]))
        generation = body.get("generation", plan["generation"])
        if kept is not None and kept[0] == generation:
            assignment = kept[1]
        else:
            assignment = codec.bytes_to_b64(codec.encode_assignment(
                [tuple(tp) for tp in body.get("assignment", [])]))
    return {"throttle_time_ms": 0, "error_code": code(error),
            "protocol_type": plan["protocol_type"], "protocol_name": plan["protocol_name"],
            "assignment": assignment}


# ---- Heartbeat ------------------------------------------------------------------------


def parse_heartbeat(world, client, request: dict) -> dict:
    w = "heartbeat"
    return {"group": _group(request, w),
            "generation": s.get_int(request, "generation_id", w, lo=-(2**31), hi=s.INT32_MAX),
            "member_id": s.get_str(request, "member_id", w, max_len=1_000)}


def send_heartbeat(client, broker: int, entry: dict) -> None:
    plan = entry["plan"]
    client.send(broker, entry, "heartbeat", {
        "consumer": client.name, "group": plan["group"], "member_id": plan["member_id"],
        "generation": plan["generation"], "principal": client.principal},
        {"api": "heartbeat", "member_id": plan["member_id"], "generation": plan["generation"]})


def finish_heartbeat(client, entry: dict) -> dict:
    return {"throttle_time_ms": 0, "error_code": code(_only(entry).get("error"))}


# ---- LeaveGroup -----------------------------------------------------------------------


def parse_leave_group(world, client, request: dict) -> dict:
    w = "leave_group"
    if "members" in request:  # v3+
        members = [[s.get_str(m, "member_id", f"{w}.members[{i}]", max_len=1_000),
                    s.get_str(m, "reason", f"{w}.members[{i}]", default=None, nullable=True)]
                   for i, m in enumerate(s.objects(request, "members", w, max_len=100))]
        batched = True
    else:
        members = [[s.get_str(request, "member_id", w, max_len=1_000), None]]
        batched = False
    return {"group": _group(request, w), "members": members, "batched": batched}


def send_leave_group(client, broker: int, entry: dict) -> None:
    plan = entry["plan"]
    entry["order"] = []
    for member_id, reason in plan["members"]:
        rid = client.send(broker, entry, "wire_leave_group", {
            "consumer": client.name, "group": plan["group"], "member_id": member_id,
            "reason": reason or "the consumer is being closed", "reason_code": "left",
            "principal": client.principal},
            {"api": "leave_group", "member_id": member_id})
        entry["order"].append([rid, member_id])


def finish_leave_group(client, entry: dict) -> dict:
    members = []
    top = None
    for rid, member_id in entry["order"]:
        body = entry["results"].get(rid, {})
        error = body.get("error")
        if error in ("NOT_COORDINATOR", "GROUP_AUTHORIZATION_FAILED", "COORDINATOR_NOT_AVAILABLE"):
            top = error
        members.append({"member_id": member_id, "group_instance_id": None,
                        "error_code": code(error)})
    if not entry["plan"]["batched"] and top is None and members:
        top = next((e for e in [entry["results"].get(r, {}).get("error")
                                for r, _m in entry["order"]] if e), None)
    return {"throttle_time_ms": 0, "error_code": code(top),
            "members": members if top is None else []}


# ---- OffsetCommit ---------------------------------------------------------------------


def parse_offset_commit(world, client, request: dict) -> dict:
    w = "offset_commit"
    generation = request.get("generation_id_or_member_epoch", request.get("generation_id", -1))
    generation = s.get_int({"generation_id": generation}, "generation_id", w,
                           lo=-(2**31), hi=s.INT32_MAX)
    offsets = []
    for i, t in enumerate(s.objects(request, "topics", w, max_len=2_000)):
        name = s.get_str(t, "name", f"{w}.topics[{i}]", max_len=249)
        for j, p in enumerate(s.objects(t, "partitions", f"{w}.topics[{i}]", max_len=2_000)):
            pw = f"{w}.topics[{i}].partitions[{j}]"
            offsets.append([name, s.get_int(p, "partition_index", pw, lo=0, hi=s.INT32_MAX),
                            s.get_int(p, "committed_offset", pw, lo=-1)])
    return {"group": _group(request, w), "generation": generation,
            "member_id": s.get_str(request, "member_id", w, default="", max_len=1_000),
            "offsets": offsets}


def send_offset_commit(client, broker: int, entry: dict) -> None:
    plan = entry["plan"]
    client.send(broker, entry, "offset_commit", {
        "consumer": client.name, "group": plan["group"], "member_id": plan["member_id"],
        "generation": plan["generation"], "offsets": plan["offsets"], "kind": "manual",
        "principal": client.principal},
        {"api": "offset_commit", "offsets": [f"{t}-{p}={o}" for t, p, o in plan["offsets"]]})


def finish_offset_commit(client, entry: dict) -> dict:
    error = _only(entry).get("error")
    topics: dict[str, list] = {}
    for t, p, _o in entry["plan"]["offsets"]:
        topics.setdefault(t, []).append({"partition_index": p, "error_code": code(error)})
    return {"throttle_time_ms": 0,
            "topics": [{"name": n, "partitions": ps} for n, ps in topics.items()]}


# ---- OffsetFetch ----------------------------------------------------------------------


def parse_offset_fetch(world, client, request: dict) -> dict:
    w = "offset_fetch"
    batched = "groups" in request  # v8+: one group per request is taken
    if batched:
        groups = s.objects(request, "groups", w, max_len=1)
        if len(groups) != 1:
            raise SimulationError("bad_command", "wire_request: offset_fetch asks one group")
        inner, key, topics_key, names_key = groups[0], "group_id", "topics", "partition_indexes"
    else:
        inner, key, topics_key, names_key = request, "group_id", "topics", "partition_indexes"
    topics = s.objects(inner, topics_key, w, default=None, nullable=True, max_len=2_000)
    partitions = None
    if topics is not None:
        partitions = []
        for i, t in enumerate(topics):
            name = s.get_str(t, "name", f"{w}.topics[{i}]", max_len=249)
            partitions.extend([name, p] for p in s.ints(t, names_key, f"{w}.topics[{i}]",
                                                        lo=0))
    return {"group": _group(inner, w, key), "partitions": partitions, "batched": batched}


def send_offset_fetch(client, broker: int, entry: dict) -> None:
    plan = entry["plan"]
    client.send(broker, entry, "wire_offset_fetch", {
        "consumer": client.name, "group": plan["group"], "partitions": plan["partitions"],
        "principal": client.principal},
        {"api": "offset_fetch", "group": plan["group"]})


def finish_offset_fetch(client, entry: dict) -> dict:
    plan = entry["plan"]
    body = _only(entry)
    error = body.get("error")
    topics: dict[str, list] = {}
    for t, p, offset in body.get("offsets", []) if error is None else []:
        topics.setdefault(t, []).append({
            "partition_index": p, "committed_offset": -1 if offset is None else offset,
            "committed_leader_epoch": -1, "metadata": "", "error_code": 0})
    listed = [{"name": n, "partitions": ps} for n, ps in topics.items()]
    if plan["batched"]:
        return {"throttle_time_ms": 0, "groups": [
            {"group_id": plan["group"], "topics": listed, "error_code": code(error)}]}
    return {"throttle_time_ms": 0, "topics": listed, "error_code": code(error)}


# ---- DescribeGroups / ListGroups --------------------------------------------------------


def parse_describe_groups(world, client, request: dict) -> dict:
    groups = s.strs(request, "groups", "describe_groups", max_len=MAX_GROUPS_PER_REQUEST)
    return {"groups": [g[:MAX_GROUP_ID_CHARS] for g in groups]}


def send_describe_groups(client, broker: int, entry: dict) -> None:
    entry["order"] = []
    for group in entry["plan"]["groups"]:
        rid = client.send(broker, entry, "wire_describe_group",
                          {"group": group, "principal": client.principal},
                          {"api": "describe_groups", "group": group})
        entry["order"].append(rid)


def finish_describe_groups(client, entry: dict) -> dict:
    groups = []
    for rid in entry["order"]:
        body = dict(entry["results"].get(rid, {}))
        error = body.pop("error", None)
        body.pop("request_id", None)
        groups.append(dict(body, error_code=code(error), authorized_operations=-(2**31)))
    return {"throttle_time_ms": 0, "groups": groups}


def parse_list_groups(world, client, request: dict) -> dict:
    return {"states": s.strs(request, "states_filter", "list_groups", default=[], max_len=16)}


def send_list_groups(client, broker: int, entry: dict) -> None:
    client.send(broker, entry, "wire_list_groups", {"states": entry["plan"]["states"]},
                {"api": "list_groups"})


def finish_list_groups(client, entry: dict) -> dict:
    return {"throttle_time_ms": 0, "error_code": 0, "groups": _only(entry).get("groups", [])}
