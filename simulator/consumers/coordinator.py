"""The group coordinator (classic protocol), on the broker leading the group's offsets partition.

Requests from consumers travel the simulated network to ``broker:<id>`` and are
handled here through the broker's extension point (``on_broker_message``). A
broker answers group requests only while it leads the group's
``__consumer_offsets`` partition (else NOT_COORDINATOR, and the client looks
for the coordinator again).

(The leader side of consumer fetches is in ``fetching``.)

The group state machine follows Kafka's ``ClassicGroup``:

    Empty --join--> PreparingRebalance --all joined--> CompletingRebalance
      ^                  ^      |                              | leader's SyncGroup
      |                  |      +--no members left--> Empty    v
      |                  +----member joins/leaves/fails---- Stable

A new group waits ``group.initial.rebalance.delay.ms`` (3000) before its first
generation so a fleet starting together lands in one rebalance. A rebalance
waits for every known member to rejoin, up to the rebalance timeout (the
members' ``max.poll.interval.ms``); members that never rejoin are removed. A
member whose heartbeats stop for ``session.timeout.ms`` is removed. Each
completed join bumps the generation; requests from an older generation are
fenced (ILLEGAL_GENERATION), which is what turns a late commit into
CommitFailedException.
"""

from __future__ import annotations

from simulator import events as ev
from simulator.broker import on_broker_message
from simulator.consumers.acls import denied_log, group_authorization_message
from simulator.consumers.assignors import choose_assignor, rebalance_protocol
from simulator.consumers.system import Group, Member, system
from simulator.engine import broker_lifecycle_hook, timer_function

INITIAL_REBALANCE_DELAY_MS = 3_000
OFFSETS_RETENTION_MINUTES = 10_080  # 7 days, Kafka's default since 2.0


# ---------------------------------------------------------------- state changes


def _emit_state(world, group: Group, log: str | None = None) -> None:
    world.emit(
        ev.GroupStateChanged,
        group=group.group_id,
        state=group.state,
        generation=group.generation,
        protocol=group.protocol,
        rebalance_protocol=group.rebalance_protocol,
        leader=group.leader,
        members=list(group.members),
        coordinator=group.coordinator,
        log=log,
    )


def _reset_session(world, group: Group, member: Member) -> None:
    world.cancel(member.session_timer)
    member.session_timer = world.schedule_function(
        member.session_timeout_ms, "consumers.expire_session", group.group_id, member.member_id
    )


def _prepare_rebalance(world, group: Group, reason: str) -> None:
    """Enter PreparingRebalance; members learn it from their next heartbeat."""
    if group.state == "CompletingRebalance":
        # Members waiting for SyncGroup are told to join again.
        for member in group.members.values():
            if member.sync_source is not None:
                _reply(
                    world,
                    group,
                    member.sync_source,
                    "sync_group_response",
                    {"error": "REBALANCE_IN_PROGRESS", "assignment": []},
                )
                member.sync_source = None
    initial = group.state == "Empty"
    old_generation = group.generation
    group.state = "PreparingRebalance"
    for member in group.members.values():
        member.joined = member.join_source is not None
    log = (
        f"Preparing to rebalance group {group.group_id} in state PreparingRebalance with "
        f"old generation {old_generation} (reason: {reason})."
    )
    _emit_state(world, group, log)
    world.cancel(group.join_timer)
    if initial:
        group.initial_deadline_ms = world.now_ms + _rebalance_timeout(group)
        group.join_timer = world.schedule_function(
            INITIAL_REBALANCE_DELAY_MS, "consumers.complete_join", group.group_id
        )
    else:
        group.initial_deadline_ms = None
        group.join_timer = world.schedule_function(
            _rebalance_timeout(group), "consumers.complete_join", group.group_id
        )
        _maybe_complete_join(world, group)


def _rebalance_timeout(group: Group) -> int:
    return max((m.rebalance_timeout_ms for m in group.members.values()), default=300_000)


def _maybe_complete_join(world, group: Group) -> None:
    if group.state != "PreparingRebalance" or group.initial_deadline_ms is not None:
        return
    if all(m.joined for m in group.members.values()):
        _complete_join(world, group)


@timer_function("consumers.complete_join")
def join_phase_timer(world, group_id: str) -> None:
    """The initial delay or the rebalance timeout ran out: finish the join phase."""
    group = system(world).groups.get(group_id)
    if group is None or group.state != "PreparingRebalance":
        return
    group.join_timer = None
    group.initial_deadline_ms = None
    _complete_join(world, group)


def _complete_join(world, group: Group) -> None:
    world.cancel(group.join_timer)
    group.join_timer = None
    for member in [m for m in group.members.values() if not m.joined]:
        _remove_member(
            world,
            group,
            member,
            "rebalance_timeout",
            f"Member {member.member_id} in group {group.group_id} has failed, "
            "removing it from the group.",
            rebalance=False,
        )
    group.generation += 1
    if not group.members:
        group.state = "Empty"
        group.protocol = group.rebalance_protocol = group.leader = None
        _emit_state(
            world, group, f"Group {group.group_id} with generation {group.generation} is now empty."
        )
        _schedule_offsets_expiry(world, group)
        return
    strategies = [m.strategies for m in group.members.values()]
    group.protocol = choose_assignor(strategies)
    group.rebalance_protocol = rebalance_protocol(strategies)
    if group.leader not in group.members:
        group.leader = next(iter(group.members))
    group.state = "CompletingRebalance"
    _emit_state(
        world,
        group,
        f"Stabilized group {group.group_id} generation "
        f"{group.generation} with {len(group.members)} members.",
    )
    subscriptions = [
        {
            "member_id": m.member_id,
            "topics": list(m.topics),
            "owned": [list(tp) for tp in m.owned],
            "instance_id": m.instance_id,
            "strategies": list(m.strategies),
        }
        for m in group.members.values()
    ]
    for member in group.members.values():
        body = {
            "error": None,
            "generation": group.generation,
            "member_id": member.member_id,
            "leader": group.leader,
            "protocol": group.protocol,
            "rebalance_protocol": group.rebalance_protocol,
            "members": subscriptions if member.member_id == group.leader else [],
        }
        _reply(world, group, member.join_source, "join_group_response", body)
        member.join_source = None
        member.joined = False
        _reset_session(world, group, member)


def _removal_reason(member: Member, reason: str, leave_reason: str | None) -> str:
    """The reason Kafka's coordinator gives in "Preparing to rebalance ..."."""
    if reason == "session_timeout":
        return f"removing member {member.member_id} on heartbeat expiration"
    if leave_reason is not None:
        return f"removing member {member.member_id} on LeaveGroup; client reason: {leave_reason}"
    return f"removing member {member.member_id} ({reason})"


def _remove_member(
    world,
    group: Group,
    member: Member,
    reason: str,
    log: str,
    rebalance: bool = True,
    leave_reason: str | None = None,
) -> None:
    world.cancel(member.session_timer)
    del group.members[member.member_id]
    world.emit(
        ev.MemberRemoved,
        group=group.group_id,
        member_id=member.member_id,
        consumer=member.consumer,
        reason=reason,
        log=log,
    )
    if member.join_source is not None:
        _reply(
            world, group, member.join_source, "join_group_response", {"error": "UNKNOWN_MEMBER_ID"}
        )
    if not rebalance:
        return
    if group.state in ("Stable", "CompletingRebalance"):
        _prepare_rebalance(world, group, _removal_reason(member, reason, leave_reason))
    elif group.state == "PreparingRebalance":
        _maybe_complete_join(world, group)


def _schedule_offsets_expiry(world, group: Group) -> None:
    """Committed offsets of an empty group expire after offsets.retention.minutes
    (counted from when it became empty, since Kafka 2.1)."""
    minutes = world.config.get("offsets.retention.minutes", OFFSETS_RETENTION_MINUTES)
    group.empty_since_ms = world.now_ms
    world.schedule_function(
        minutes * 60_000, "consumers.expire_offsets", group.group_id, world.now_ms
    )


@timer_function("consumers.expire_offsets")
def expire_offsets(world, group_id: str, empty_since_ms: int) -> None:
    sys_ = system(world)
    group = sys_.groups.get(group_id)
    if group is None or group.state != "Empty" or group.empty_since_ms != empty_since_ms:
        return  # the group came back to life meanwhile
    expired = sys_.offsets.expire_group(group_id)
    world.emit(
        ev.OffsetsExpired,
        group=group_id,
        partitions=[f"{t}-{p}" for t, p in expired],
        log=f"Removed {len(expired)} expired offsets in {world.now_ms - empty_since_ms} "
        "milliseconds.",
    )
    group.state = "Dead"
    _emit_state(
        world, group, f"Group {group_id} transitioned to Dead in generation {group.generation}."
    )
    del sys_.groups[group_id]


@timer_function("consumers.expire_pending")
def expire_pending(world, group_id: str, member_id: str) -> None:
    """A member id handed out by MEMBER_ID_REQUIRED that never came back to join."""
    group = system(world).groups.get(group_id)
    if group is not None:
        group.pending.pop(member_id, None)


@timer_function("consumers.expire_session")
def expire_session(world, group_id: str, member_id: str) -> None:
    group = system(world).groups.get(group_id)
    member = group.members.get(member_id) if group else None
    if member is None:
        return
    member.session_timer = None
    if member.join_source is not None or member.sync_source is not None:
        # A member waiting for its JoinGroup/SyncGroup answer is kept alive
        # (Kafka's shouldKeepAlive): it cannot heartbeat while it waits.
        _reset_session(world, group, member)
        return
    _remove_member(
        world,
        group,
        member,
        "session_timeout",
        f"Member {member_id} in group {group_id} has failed, removing it from the group.",
    )


# ------------------------------------------------------------------ transport


def _reply(world, group: Group, to: tuple | None, kind: str, body: dict) -> None:
    """Answer a request; `to` is (source actor id, request id) of the request."""
    if to is None or group.coordinator is None:
        return
    target, request_id = to
    summary = {"group": group.group_id, "error": body.get("error")}
    world.network.send(
        f"broker:{group.coordinator}", target, kind, dict(body, request_id=request_id), summary
    )


def _origin(message) -> tuple:
    return (message.source, message.body.get("request_id"))


def _answer(broker, message, kind: str, body: dict, summary: dict) -> None:
    broker.reply(message, kind, dict(body, request_id=message.body.get("request_id")), summary)


def _coordinated_group(broker, message, response_kind: str) -> Group | None:
    """The group if this broker coordinates it now; otherwise answer NOT_COORDINATOR."""
    world = broker.world
    sys_ = system(world)
    group_id = message.body["group"]
    if sys_.offsets.coordinator(world, group_id) != broker.broker_id:
        _answer(
            broker,
            message,
            response_kind,
            {"error": "NOT_COORDINATOR", "group": group_id},
            {"group": group_id, "error": "NOT_COORDINATOR"},
        )
        return None
    principal = message.body.get("principal", "User:ANONYMOUS")
    if not sys_.acls.allowed(principal, "GROUP", group_id, "READ"):
        _answer(
            broker,
            message,
            response_kind,
            {
                "error": "GROUP_AUTHORIZATION_FAILED",
                "group": group_id,
                "message": group_authorization_message(group_id),
                "broker_log": denied_log(
                    principal,
                    message.body.get("host", "*"),
                    "READ",
                    "GROUP",
                    group_id,
                    response_kind,
                ),
            },
            {"group": group_id, "error": "GROUP_AUTHORIZATION_FAILED"},
        )
        return None
    group = sys_.group(group_id)
    group.coordinator = broker.broker_id
    return group


# ------------------------------------------------------------------ requests


@on_broker_message("find_coordinator")
def _on_find_coordinator(broker, message) -> None:
    world = broker.world
    sys_ = system(world)
    group_id = message.body["group"]
    principal = message.body.get("principal", "User:ANONYMOUS")
    body = {"group": group_id, "offsets_partition": sys_.offsets.partition_for(group_id)}
    if not sys_.acls.allowed(principal, "GROUP", group_id, "DESCRIBE"):
        body.update(
            error="GROUP_AUTHORIZATION_FAILED",
            broker=None,
            message=group_authorization_message(group_id),
            broker_log=denied_log(
                principal,
                message.body.get("host", "*"),
                "DESCRIBE",
                "GROUP",
                group_id,
                "FindCoordinator",
            ),
        )
    else:
        sys_.offsets.created = True  # the first authorized lookup creates the topic
        coordinator = sys_.offsets.coordinator(world, group_id)
        body.update(
            error=None if coordinator is not None else "COORDINATOR_NOT_AVAILABLE",
            broker=coordinator,
        )
    _answer(
        broker,
        message,
        "find_coordinator_response",
        body,
        {"group": group_id, "coordinator": body["broker"], "error": body["error"]},
    )


@on_broker_message("join_group")
def _on_join_group(broker, message) -> None:
    group = _coordinated_group(broker, message, "join_group_response")
    if group is None:
        return
    world = broker.world
    b = message.body
    member_id = b["member_id"]
    if not member_id:
        # KIP-394: a new member first gets its id, then joins again with it, so a
        # retried JoinGroup can never leave a ghost member behind.
        member_id = f"{b['client_id']}-{_uuid(world)}"
        group.pending[member_id] = world.schedule_function(
            b["session_timeout_ms"], "consumers.expire_pending", group.group_id, member_id
        )
        _answer(
            broker,
            message,
            "join_group_response",
            {"error": "MEMBER_ID_REQUIRED", "member_id": member_id},
            {"group": group.group_id, "error": "MEMBER_ID_REQUIRED"},
        )
        return
    if member_id not in group.members and member_id not in group.pending:
        _answer(
            broker,
            message,
            "join_group_response",
            {"error": "UNKNOWN_MEMBER_ID"},
            {"group": group.group_id, "error": "UNKNOWN_MEMBER_ID"},
        )
        return
    others = [m.strategies for m in group.members.values() if m.member_id != member_id]
    if others and not set(b["strategies"]).intersection(*map(set, others)):
        # Kafka refuses a member that shares no assignor with the rest of the group.
        _answer(
            broker,
            message,
            "join_group_response",
            {"error": "INCONSISTENT_GROUP_PROTOCOL"},
            {"group": group.group_id, "error": "INCONSISTENT_GROUP_PROTOCOL"},
        )
        return
    if member_id in group.pending:
        world.cancel(group.pending.pop(member_id))
        member = Member(
            member_id,
            b["consumer"],
            b["client_id"],
            b["host"],
            list(b["topics"]),
            [tuple(tp) for tp in b["owned"]],
            list(b["strategies"]),
            b["session_timeout_ms"],
            b["rebalance_timeout_ms"],
            b.get("instance_id"),
        )
        group.members[member_id] = member
        reason = f"Adding new member {member_id} with group instance id {b.get('instance_id')}"
    else:
        member = group.members[member_id]
        member.topics = list(b["topics"])
        member.owned = [tuple(tp) for tp in b["owned"]]
        member.strategies = list(b["strategies"])
        reason = f"Updating metadata for member {member_id} during {group.state}"
    member.joined = True
    member.join_source = _origin(message)
    _reset_session(world, group, member)
    world.emit(
        ev.MemberJoined,
        group=group.group_id,
        member_id=member_id,
        consumer=member.consumer,
        topics=list(member.topics),
        owned=[list(tp) for tp in member.owned],
    )
    if group.state in ("Empty", "Stable", "CompletingRebalance"):
        _prepare_rebalance(world, group, reason)
    elif group.initial_deadline_ms is not None:
        # Another member during the initial delay: wait a little longer for more.
        world.cancel(group.join_timer)
        delay = min(INITIAL_REBALANCE_DELAY_MS, max(0, group.initial_deadline_ms - world.now_ms))
        group.join_timer = world.schedule_function(
            delay, "consumers.complete_join", group.group_id
        )
    else:
        _maybe_complete_join(world, group)


def _uuid(world) -> str:
    """A member id suffix shaped like Kafka's (a UUID), drawn from the seeded rng."""
    h = f"{world.rng.getrandbits(128):032x}"
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-a{h[17:20]}-{h[20:]}"


@on_broker_message("sync_group")
def _on_sync_group(broker, message) -> None:
    group = _coordinated_group(broker, message, "sync_group_response")
    if group is None:
        return
    world = broker.world
    b = message.body
    member = group.members.get(b["member_id"])
    error = None
    if member is None:
        error = "UNKNOWN_MEMBER_ID"
    elif b["generation"] != group.generation:
        error = "ILLEGAL_GENERATION"
    elif group.state == "PreparingRebalance":
        error = "REBALANCE_IN_PROGRESS"
    if error is not None:
        _answer(
            broker,
            message,
            "sync_group_response",
            {"error": error, "assignment": []},
            {"group": group.group_id, "error": error},
        )
        return
    _reset_session(world, group, member)
    if group.state == "Stable":
        _reply(
            world,
            group,
            _origin(message),
            "sync_group_response",
            {
                "error": None,
                "assignment": [list(tp) for tp in member.assignment],
                "generation": group.generation,
            },
        )
        return
    member.sync_source = _origin(message)
    if member.member_id == group.leader:
        assignments = b.get("assignments") or {}
        for m in group.members.values():
            m.assignment = [tuple(tp) for tp in assignments.get(m.member_id, [])]
        group.state = "Stable"
        _emit_state(world, group)
    if group.state == "Stable":
        for m in group.members.values():
            if m.sync_source is not None:
                _reply(
                    world,
                    group,
                    m.sync_source,
                    "sync_group_response",
                    {
                        "error": None,
                        "assignment": [list(tp) for tp in m.assignment],
                        "generation": group.generation,
                    },
                )
                m.sync_source = None


@on_broker_message("heartbeat")
def _on_heartbeat(broker, message) -> None:
    group = _coordinated_group(broker, message, "heartbeat_response")
    if group is None:
        return
    b = message.body
    member = group.members.get(b["member_id"])
    if member is None:
        error = "UNKNOWN_MEMBER_ID"
    elif b["generation"] != group.generation:
        error = "ILLEGAL_GENERATION"
    else:
        _reset_session(broker.world, group, member)
        error = "REBALANCE_IN_PROGRESS" if group.state == "PreparingRebalance" else None
    _reply(broker.world, group, _origin(message), "heartbeat_response", {"error": error})


@on_broker_message("leave_group")
def _on_leave_group(broker, message) -> None:
    group = _coordinated_group(broker, message, "leave_group_response")
    if group is None:
        return
    b = message.body
    member = group.members.get(b["member_id"])
    if member is None:
        return
    _remove_member(
        broker.world,
        group,
        member,
        b.get("reason_code", "left"),
        f"[Group {group.group_id}] Dynamic member {member.member_id} has left group "
        f"through explicit `LeaveGroup` request; client reason: {b['reason']}",
        leave_reason=b["reason"],
    )


@on_broker_message("offset_commit")
def _on_offset_commit(broker, message) -> None:
    group = _coordinated_group(broker, message, "offset_commit_response")
    if group is None:
        return
    world = broker.world
    b = message.body
    error = None
    if group.members or b["member_id"]:
        member = group.members.get(b["member_id"])
        if member is None:
            error = "UNKNOWN_MEMBER_ID"
        elif b["generation"] != group.generation:
            error = "ILLEGAL_GENERATION"
        elif group.state == "CompletingRebalance":
            error = "REBALANCE_IN_PROGRESS"
    if error is None:
        commit(world, group.group_id, b["consumer"], b["offsets"], b["kind"], broker.broker_id)
    _reply(
        world,
        group,
        _origin(message),
        "offset_commit_response",
        {"error": error, "offsets": b["offsets"], "kind": b["kind"]},
    )


def commit(
    world, group_id: str, consumer: str | None, offsets: list, kind: str, coordinator: int | None
) -> None:
    """Write committed offsets as __consumer_offsets records and say so."""
    sys_ = system(world)
    group = sys_.group(group_id)  # committing offsets creates an (empty) group, as in Kafka
    if group.state == "Empty":
        _schedule_offsets_expiry(world, group)
    for topic, partition, offset in offsets:
        offsets_partition, record_offset = sys_.offsets.write_commit(
            group_id, topic, partition, offset, world.now_ms
        )
        world.emit(
            ev.OffsetCommitted,
            group=group_id,
            consumer=consumer,
            topic=topic,
            partition=partition,
            offset=offset,
            commit_kind=kind,
            coordinator=coordinator,
            offsets_partition=offsets_partition,
            record_offset=record_offset,
        )


@on_broker_message("offset_fetch")
def _on_offset_fetch(broker, message) -> None:
    group = _coordinated_group(broker, message, "offset_fetch_response")
    if group is None:
        return
    committed = system(broker.world).offsets.committed(group.group_id)
    offsets = [[t, p, committed.get((t, p))] for t, p in message.body["partitions"]]
    _reply(
        broker.world,
        group,
        _origin(message),
        "offset_fetch_response",
        {"error": None, "offsets": offsets, "request_id": message.body["request_id"]},
    )


@broker_lifecycle_hook
def _on_broker_lifecycle(world, broker_id: int, what: str) -> None:
    if "consumers" not in world.ext:
        return
    sys_ = system(world)
    # A coordinator that moved loads its groups and gives every member a fresh session.
    for group in sys_.groups.values():
        now_on = sys_.offsets.coordinator(world, group.group_id)
        if now_on != group.coordinator and group.members:
            group.coordinator = now_on
            for member in group.members.values():
                if now_on is None:
                    # No coordinator at all: nobody can expire anyone until one returns.
                    world.cancel(member.session_timer)
                    member.session_timer = None
                else:
                    _reset_session(world, group, member)
