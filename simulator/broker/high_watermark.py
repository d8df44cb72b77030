"""The leader's ISR and high watermark, and the callbacks waiting for the HW.

As Kafka's Partition.scala does: a caught-up follower is proposed for the ISR
(``maybeExpandIsr``), followers that lag more than ``replica.lag.time.max.ms``
are proposed for removal (``maybeShrinkIsr``, checked every half of it), both
through the controller (AlterPartition); the HW is the lowest LEO over the
ISR and the caught-up eligible followers (``maybeIncrementLeaderHW``) and does
not move while the ISR is below ``min.insync.replicas`` (3.7+). The LSO is the
HW or the first offset of the oldest open transaction. `Waiter`s (acks=all
produces, coordinators' writes) are called when the HW passes their offset,
or failed with NOT_LEADER_OR_FOLLOWER when leadership goes.
"""

from __future__ import annotations

from simulator import events as ev
from simulator.broker.record_cap import enforce_cap
from simulator.broker.replica import FollowerProgress, Replica
from simulator.topics import effective_min_isr

ALTER_PARTITION_RETRY_MS = 5000  # an AlterPartition the controller never answered is sent again


def maybe_expand_isr(broker, r: Replica, follower: int, progress: FollowerProgress) -> None:
    if follower in r.isr or r.isr_pending_since is not None:
        return
    epoch_start = next((s for e, s in r.log.epochs if e == r.leader_epoch), r.log.leo)
    if progress.leo >= r.hw and progress.leo >= epoch_start:
        alter_isr(broker, r, tuple(b for b in r.replicas if b in r.isr or b == follower))


def alter_isr(broker, r: Replica, new_isr: tuple) -> None:
    r.isr_pending_since = broker.world.now_ms
    broker.send_controller(
        "alter_partition",
        {"broker": broker.broker_id, "topic": r.topic, "partition": r.partition,
         "leader_epoch": r.leader_epoch, "partition_epoch": r.partition_epoch,
         "isr": list(new_isr), "high_watermark": r.hw, "leo": r.log.leo,
         "follower_leos": {b: p.leo for b, p in r.followers.items()},
         "follower_caught_up_ms": {b: p.last_caught_up_ms for b, p in r.followers.items()}},
        {"partition": r.name, "isr": list(new_isr)})


def shrink_lagging_isrs(broker) -> None:
    """Propose dropping the followers that lag, on every partition this broker leads."""
    world = broker.world
    lag_max = broker.cfg("replica.lag.time.max.ms")
    for key in sorted(broker.replicas):
        r = broker.replicas[key]
        if r.role != "leader":
            continue
        if (r.isr_pending_since is not None
                and world.now_ms - r.isr_pending_since > ALTER_PARTITION_RETRY_MS):
            r.isr_pending_since = None  # the controller never answered: try again
        if r.isr_pending_since is not None:
            continue
        lagging = [b for b in r.isr if b != broker.broker_id
                   and world.now_ms - r.followers[b].last_caught_up_ms > lag_max]
        if lagging:
            alter_isr(broker, r, tuple(b for b in r.isr if b not in lagging))


def maybe_advance_hw(broker, r: Replica) -> None:
    """HW = lowest LEO over the ISR and the caught-up eligible followers;
    it does not move while the ISR is below min.insync.replicas (3.7+)."""
    world = broker.world
    topic = world.topics.get(r.topic)
    if topic is None or len(r.isr) < effective_min_isr(topic.config("min.insync.replicas"),
                                                       len(r.replicas)):
        return  # since 3.7 the HW does not advance while the ISR is too small
    hw = r.log.leo
    now = world.now_ms
    lag_max = broker.cfg("replica.lag.time.max.ms")
    quorum = world.controller
    for b, progress in r.followers.items():
        # The ISR, plus followers that are caught up and eligible to join it
        # (Kafka waits for them so they can ever catch up to the HW).
        if progress.leo < hw and (b in r.isr or (
                now - progress.last_caught_up_ms <= lag_max and not quorum.is_fenced(b))):
            hw = progress.leo
    if hw > r.hw:
        r.hw = hw
        world.emit(ev.HighWatermarkChanged, broker=broker.broker_id, topic=r.topic,
                   partition=r.partition, high_watermark=hw)
        update_lso(broker, r)
        enforce_cap(broker, r)
        if r.waiters:
            ready = [w for w in r.waiters if w.required_offset <= hw]
            if ready:
                r.waiters = [w for w in r.waiters if w.required_offset > hw]
                for w in ready:
                    actor = world.actors.get(w.actor_id)
                    if actor is not None:
                        getattr(actor, w.method)(*w.args, None)


def update_lso(broker, r: Replica) -> None:
    lso = min([r.hw, *r.ongoing_txns.values()])
    if lso != r.lso:
        r.lso = lso
        broker.world.emit(ev.LastStableOffsetChanged, broker=broker.broker_id, topic=r.topic,
                          partition=r.partition, last_stable_offset=lso)


def fail_waiters(broker, r: Replica) -> None:
    """Leadership is gone: everyone waiting for this replica's HW hears so."""
    waiters, r.waiters = r.waiters, []
    for w in waiters:
        actor = broker.world.actors.get(w.actor_id)
        if actor is not None:
            getattr(actor, w.method)(*w.args, "NOT_LEADER_OR_FOLLOWER")
