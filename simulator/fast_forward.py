"""The `fast_forward` command: skip idle simulated time without simulating it.

A quiet cluster still does a lot of *routine* work: brokers heartbeat the
controller, followers and consumers long-poll empty fetches, consumers
heartbeat their coordinator, producers refresh metadata. A day of it is
millions of timers. ``{"type": "fast_forward", "by_ms": 86400000}`` jumps the
clock instead, and stays honest about it:

1. **Refuse unless quiet.** Every pending timer is classified (`classify`):
   *routine* (heartbeats, empty fetch polls, metadata refresh, the stale
   guard timers of requests already answered), a *time rule* (a periodic or
   one-off check whose outcome depends on the clock: log retention, the
   controller's leader-imbalance check, offsets expiry, the payments TTL
   cleanup and Redis EXPIRE), or anything else, which refuses the command
   (``not_quiet``, naming what is pending; nothing changes): an in-flight
   produce or payment, a rebalance, a crashed broker or controller, a
   scheduled fault, a consumer processing or with records still to read.
2. **Shift the routine part by `by_ms`.** Routine timers, in-flight routine
   messages and the "last seen" stamps that routine work keeps fresh (the
   controller's broker heartbeats, a follower's last caught-up time, a
   consumer's last poll) move `by_ms` later, exactly as if the heartbeats and
   polls had kept flowing: so no session can expire (Kafka's
   ``broker.session.timeout.ms``, ``session.timeout.ms`` and
   ``replica.lag.time.max.ms`` are all measured from the last heartbeat/fetch).
3. **Run the time rules at their own times.** What is left in the queue is
   only time rules; the engine runs them in order up to the destination, as
   `advance` would (with the same work budget): the broker's retention check
   every ``log.retention.check.interval.ms`` deletes segments older than
   ``retention.ms`` (Kafka's LogManager.cleanupLogs -> UnifiedLog
   .deleteOldSegments), the group coordinator expires an empty group's offsets
   ``offsets.retention.minutes`` after it became empty
   (GroupMetadataManager.cleanupGroupMetadata), the payments cleanup deletes
   idempotency keys past ``expires_at`` and Redis keys lapse. Whatever those
   rules do is then checked: if a rule started non-routine work (a leader
   election, a publish), the command is refused and everything is restored.

Kafka's ``producer.id.expiration.ms`` (1 day by default;
ProducerStateManager.removeExpiredProducers) is not modelled by the
simulator's broker, in `advance` or here: a broker keeps an idle idempotent
producer's state for ever. docs/events.md says so.

The routine counters (how many heartbeats ran, message ids, timer ids, the
rng's position after jitter) differ from a real advance; the observable state
(logs, offsets, group membership, producer state, the payments store) is the
same, which tests/simulator/test_fast_forward.py checks as a property.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass

from simulator import limits
from simulator.commands import Command, command, handles
from simulator.errors import SimulationError, WorkBudgetExceeded

# ---- the command ------------------------------------------------------------------


@command("fast_forward")
@dataclass(frozen=True)
class FastForward(Command):
    """Skip `by_ms` of quiet simulated time (see simulator/fast_forward.py)."""

    by_ms: int


# ---- classification of pending timers ----------------------------------------------

ROUTINE = "routine"
RULE = "rule"

# Messages a quiet cluster keeps exchanging. A fetch response is routine only
# while it carries no records (an empty long-poll).
ROUTINE_MESSAGES = frozenset({
    "broker_heartbeat", "heartbeat", "heartbeat_response", "metadata_request",
    "metadata_response", "fetch", "fetch_response", "consumer_fetch",
    "consumer_fetch_response",
})

# (actor kind, method) of timers that are routine periodic work or the guard
# of routine requests (each checks an id or incarnation and does nothing once
# its request was answered).
ROUTINE_METHODS = frozenset({
    ("broker", "heartbeat"), ("broker", "check_isr"), ("broker", "fetch_timed_out"),
    ("broker", "fetch_wait_expired"), ("broker", "resume_fetch"),
    ("quorum", "check_sessions"),
    ("producer", "metadata_age"), ("producer", "scheduled_metadata_refresh"),
    ("producer", "metadata_timed_out"),
    ("consumer", "heartbeat"), ("consumer", "request_timed_out"), ("consumer", "poll"),
})
# Guards left behind by produce requests; routine only once nothing is in flight.
PRODUCE_GUARDS = frozenset({
    ("producer", "request_timed_out"), ("producer", "expire_batch"),
    ("producer", "linger_expired"), ("broker", "produce_timed_out"),
})
ROUTINE_FUNCTIONS = frozenset({
    "consumers.answer_parked_fetch",  # an empty consumer long-poll held by a broker
    "consumers.expire_session",       # reset by every heartbeat: cannot fire while they flow
})
# Clock-driven rules, run at their own times during the jump.
RULE_METHODS = frozenset({
    ("broker", "check_retention"), ("quorum", "check_imbalance"),
})
RULE_FUNCTIONS = frozenset({
    "consumers.expire_offsets", "payments.cleanup", "payments.redis_expire",
})


def _carries_records(body, depth: int = 0) -> bool:
    """True if a message body holds any record (a fetch that is not empty)."""
    if depth > 4:
        return False
    if isinstance(body, dict):
        if body.get("records"):
            return True
        return any(_carries_records(v, depth + 1) for v in body.values()
                   if isinstance(v, (dict, list, tuple)))
    if isinstance(body, (list, tuple)):
        return any(_carries_records(v, depth + 1) for v in body
                   if isinstance(v, (dict, list, tuple)))
    return False


def _kind_of(actor_id: str) -> str:
    return actor_id.split(":", 1)[0]


def classify(world, entry: tuple) -> str:
    """ROUTINE, RULE or a sentence saying why this timer is not idle work."""
    at_ms, _seq, actor_id, method, args = entry
    if actor_id is None:
        if method in ROUTINE_FUNCTIONS:
            return ROUTINE
        if method in RULE_FUNCTIONS:
            return RULE
        return f"{method} is due at {at_ms} ms"
    if actor_id == "network" and method == "deliver":
        message = world.network.in_flight.get(args[0])
        if message is None:
            return ROUTINE  # already dropped: a no-op
        if message.kind in ROUTINE_MESSAGES and not _carries_records(message.body):
            return ROUTINE
        return (f"a {message.kind} message from {message.source} to {message.target} "
                "is in flight")
    if actor_id not in world.actors:
        return ROUTINE  # the actor is gone (removed): its timers do nothing
    key = (_kind_of(actor_id), method)
    if key in ROUTINE_METHODS or key in PRODUCE_GUARDS:
        return ROUTINE  # PRODUCE_GUARDS: `_busy` refuses while a produce is in flight
    if key in RULE_METHODS:
        return RULE
    return f"{actor_id} has {method} due at {at_ms} ms"


def _busy(world) -> str | None:
    """Non-routine work that shows in the state rather than in a timer."""
    for broker_id in sorted(world.brokers):
        broker = world.brokers[broker_id]
        if broker.crashed:
            return f"broker {broker_id} is crashed (its restart and fencing are pending)"
        for (topic, partition), r in sorted(broker.replicas.items()):
            if r.role == "follower":
                leader = world.brokers.get(r.leader)
                lr = leader.replicas.get((topic, partition)) if leader is not None else None
                if lr is not None and (r.hw, r.log.start_offset) != (lr.hw,
                                                                     lr.log.start_offset):
                    # Its next fetch response carries the leader's HW and log start.
                    return (f"broker {broker_id} has not yet learnt {topic}-{partition}'s "
                            "high watermark")
            if r.role != "leader":
                continue
            if r.waiters:
                return f"broker {broker_id} holds produce requests on {topic}-{partition}"
            if r.isr_pending_since is not None:
                return f"an ISR change of {topic}-{partition} is pending"
            if set(r.isr) != set(r.replicas):
                return f"{topic}-{partition} has replicas out of sync (they are catching up)"
    controller = world.controller
    if controller is not None and (controller.active is None
                                   or not all(controller.running.values())):
        return "a controller is down (an election is pending)"
    for name in sorted(world.producers):
        p = world.producers[name]
        if p.in_flight or any(p.queues.values()):
            return f"producer {name} has records in flight"
        if p.pid_in_flight:
            return f"producer {name} is waiting for its producer id"
        if p.txn_state is not None:
            return f"producer {name} has a transaction open ({p.txn_state})"
    groups = world.ext.get("consumers")
    if groups is not None:
        for group_id in sorted(groups.groups):
            group = groups.groups[group_id]
            if group.state not in ("Stable", "Empty") or group.pending:
                return f"group {group_id} is rebalancing ({group.state})"
        for actor_id in sorted(world.actors):
            if not actor_id.startswith("consumer:"):
                continue
            c = world.actors[actor_id]
            if c.running and (c.processing or c.joining or c.rejoin_needed or c.buffer):
                return f"{actor_id} is busy (processing, joining or holding fetched records)"
            if c.running and _lag(world, c):
                return f"{actor_id} has records still to read"
    payments = world.ext.get("payments")
    if payments is not None:
        reason = _payments_busy(world, payments)
        if reason:
            return reason
    return None


def _lag(world, consumer) -> bool:
    """True if a partition the consumer reads has records past its position."""
    for tp, position in consumer.positions.items():
        for broker in world.brokers.values():
            r = broker.replicas.get(tuple(tp))
            if r is not None and r.role == "leader" and position < r.hw:
                return True
    return False


def _payments_busy(world, st) -> str | None:
    """The payments extension: a request, a handler thread or a relay still working."""
    for actor_id in sorted(world.actors):
        actor = world.actors[actor_id]
        if actor_id.startswith("client:") and any(
                not r["done"] for r in getattr(actor, "requests", {}).values()):
            return f"{actor_id} has a payment request in flight"
    return None


def quiet_reason(world) -> str | None:
    """None when only routine work and time rules are pending, else why not."""
    reason = _busy(world)
    if reason:
        return reason
    for entry in sorted(world._queue):
        if entry[1] in world._cancelled:
            continue
        verdict = classify(world, entry)
        if verdict not in (ROUTINE, RULE):
            return verdict
    return None


# ---- the jump -----------------------------------------------------------------------


def _shift_stamps(world, by: int) -> None:
    """Move the stamps routine work keeps fresh `by` ms later (the heartbeats,
    fetches and polls of the skipped span are assumed to have flowed)."""
    controller = world.controller
    if controller is not None:
        for reg in controller.registered.values():
            reg["last_heartbeat_ms"] += by
    for broker in world.brokers.values():
        for r in broker.replicas.values():
            for progress in r.followers.values():
                progress.last_caught_up_ms += by
                progress.last_fetch_ms += by
    for name in world.producers:
        world.producers[name].last_metadata_ms += by
    for actor_id, actor in world.actors.items():
        if actor_id.startswith("consumer:"):
            actor.last_poll_ms += by
            actor.last_auto_commit_ms += by
    network = world.network
    for message in network.in_flight.values():
        message.sent_at_ms += by
        message.arrive_at_ms += by
    for link in network._last_arrival:
        network._last_arrival[link] += by


def _shift_routine_timers(world, by: int) -> None:
    shifted = []
    for entry in world._queue:
        if entry[1] not in world._cancelled and classify(world, entry) == ROUTINE:
            entry = (entry[0] + by, *entry[1:])
        shifted.append(entry)
    heapq.heapify(shifted)
    world._queue[:] = shifted


@handles(FastForward)
def _apply_fast_forward(world, cmd: FastForward) -> None:
    by = cmd.by_ms
    if by < 1 or by > limits.MAX_ADVANCE_MS:
        raise SimulationError("bad_command", f"fast_forward: by_ms is between 1 and "
                                             f"{limits.MAX_ADVANCE_MS} ms")
    reason = quiet_reason(world)
    if reason:
        raise SimulationError("not_quiet", f"fast_forward refused, nothing changed: {reason}. "
                                           "Only routine work (heartbeats, empty fetches, "
                                           "metadata refresh) may be skipped; advance instead")
    target = world.now_ms + by
    _shift_stamps(world, by)
    _shift_routine_timers(world, by)
    _run_rules(world, target)


def _run_rules(world, target: int) -> None:
    """Run the time rules due before `target`, one simulated ms at a time, and
    refuse (apply() then restores everything) as soon as one starts other work.
    Routine timers now sit at or after `target`, so only rules are due before it."""
    work = 0
    while True:
        due = world.next_timer_ms()
        if due is None or due >= target:
            break
        seen, fired, seq = world._timer_seq, world.timers_fired, world.last_seq
        world.run_until(due)
        work += (world.timers_fired - fired) + (world.last_seq - seq)
        if work > limits.FAST_FORWARD_WORK:
            raise WorkBudgetExceeded("per_command", world.now_ms, [],
                                     f"a fast_forward may run at most "
                                     f"{limits.FAST_FORWARD_WORK} timers and events of "
                                     "time rules (skip a shorter span)")
        quiet_rule = (world.timers_fired - fired == 1 and world.last_seq == seq
                      and world._timer_seq == seen + 1)
        if quiet_rule:
            continue  # one periodic rule that found nothing to do and rescheduled itself
        started = [e for e in world._queue if e[1] > seen and e[1] not in world._cancelled
                   and classify(world, e) != RULE]
        reason = (classify(world, min(started)) if started else None) or _busy(world)
        if reason:
            raise SimulationError("not_quiet", f"fast_forward refused, nothing changed: a time "
                                               f"rule at {world.now_ms} ms started work inside "
                                               f"the span ({reason}); advance instead")
    world.run_until(target)  # the routine timers due exactly at the destination


def rewind_target(history, at_ms: int):
    """Where `Simulation.rewind_to(at_ms)` should go when `at_ms` falls in a span
    a fast_forward skipped (that time was never simulated): ``(position,
    history_len)`` just before the command when `at_ms` is its own time, else a
    clear refusal. None when `at_ms` was simulated."""
    for index, entry in enumerate(history):
        cmd = entry.command
        if isinstance(cmd, FastForward) and entry.at_ms <= at_ms < entry.at_ms + cmd.by_ms:
            if at_ms == entry.at_ms and entry.fired is not None:
                return (entry.at_ms, entry.fired), index
            raise SimulationError("skipped_time", f"{at_ms} ms was skipped by fast_forward "
                                                  f"(from {entry.at_ms} to "
                                                  f"{entry.at_ms + cmd.by_ms} ms): go back "
                                                  f"to {entry.at_ms} ms or later than the skip")
    return None
