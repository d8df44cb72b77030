"""The leader's side of replication: answering followers' fetches.

A follower's ``fetch`` names, per partition, its LEO, the epoch of its last
record and the leader epoch it believes in. The leader checks the epoch
(FENCED_LEADER_EPOCH / UNKNOWN_LEADER_EPOCH), tells a diverging follower
where its last epoch ended (it truncates there: KIP-101/279), records the
follower's progress (which may move the ISR and the HW), and returns records
from the follower's LEO with the idempotent producers' state they carry.
With nothing to return, the fetch waits in the broker's fetch waiting room
until an append or ``replica.fetch.wait.max.ms`` (Kafka:
ReplicaManager.fetchMessages, Partition.fetchRecords, DelayedFetch).
"""

from __future__ import annotations

from simulator.broker import high_watermark
from simulator.broker.fetch_waiting_room import FOLLOWER

MAX_FETCH_RECORDS = 2000


def on_fetch(broker, message) -> None:
    follower = message.body["replica"]
    fetch_id = message.body["fetch_id"]
    # A follower's fetch ids only grow. An older one is a request the follower
    # gave up on (its socket timed out and it fetched again): in Kafka it died
    # with the old connection. Serving it would replace the current held
    # fetch, leaving the follower waiting a whole socket timeout.
    if fetch_id < broker.newest_fetch_ids.get(follower, 0):
        return
    broker.newest_fetch_ids[follower] = fetch_id
    held = broker.fetch_room.take(follower)
    if held is not None:
        broker.world.cancel(held.timer)
    answer_fetch(broker, message, may_wait=True)


def answer_fetch(broker, message, may_wait: bool) -> None:
    world = broker.world
    body = message.body
    follower = body["replica"]
    now = world.now_ms
    out = []
    has_data = False
    for topic, partition, offset, last_epoch, epoch in body["parts"]:
        r = broker.replicas.get((topic, partition))
        error = None
        diverging = None
        records = ()
        if r is None or r.role != "leader":
            error = "NOT_LEADER_OR_FOLLOWER"
        elif epoch < r.leader_epoch:
            error = "FENCED_LEADER_EPOCH"
        elif epoch > r.leader_epoch:
            error = "UNKNOWN_LEADER_EPOCH"
        if error is not None:
            out.append((topic, partition, error, (), 0, 0, None, None))
            has_data = True
            continue
        log = r.log
        leo = log.leo
        if last_epoch >= 0 and offset > log.start_offset:
            found, end = log.epoch_end_offset(last_epoch)
            if found != last_epoch or end < offset:
                diverging = min(end, offset)
        if offset > leo and diverging is None:
            diverging = leo
        if diverging is not None:
            out.append((topic, partition, None, (), r.hw, log.start_offset, diverging, None))
            has_data = True
            continue
        if offset >= log.start_offset:
            progress = r.followers.get(follower)
            if progress is not None:
                if offset >= leo:
                    progress.last_caught_up_ms = now
                elif offset >= progress.last_fetch_leader_leo:
                    progress.last_caught_up_ms = progress.last_fetch_ms
                progress.last_fetch_leader_leo = leo
                progress.last_fetch_ms = now
                progress.leo = offset
                high_watermark.maybe_expand_isr(broker, r, follower, progress)
                high_watermark.maybe_advance_hw(broker, r)
            if offset < leo:
                records = log.read(offset, leo, MAX_FETCH_RECORDS)
                has_data = True
        else:
            has_data = True  # the follower must move to our log start
        # Followers keep the idempotent producers' state too (Kafka rebuilds it
        # from the batches it replicates, ProducerStateManager), so a new
        # leader still recognises a retry: each batch's metadata travels in
        # the response that carries the batch's last record.
        state = None
        if r.producers and records:
            end = records[-1].offset + 1
            state = {}
            for pid, e in r.producers.items():
                copied = tuple(b for b in e.batches if offset <= b[3] < end)
                if copied:
                    state[pid] = (e.producer_epoch, copied)
        out.append((topic, partition, None, records, r.hw, log.start_offset, None, state))
    if not has_data and may_wait:
        timer = world.schedule(broker.cfg("replica.fetch.wait.max.ms"), broker.actor_id,
                               "fetch_wait_expired", follower, body["fetch_id"],
                               broker.incarnation)
        broker.fetch_room.hold(follower, FOLLOWER, message, timer,
                               [(t, p) for t, p, *_ in body["parts"]])
        return
    summary = {"records": {f"{t}-{p}": len(recs) for t, p, _e, recs, *_ in out if recs},
               "high_watermarks": {f"{t}-{p}": hw for t, p, _e, _r, hw, *_ in out}}
    broker.reply(message, "fetch_response", {"fetch_id": body["fetch_id"], "parts": out},
                 summary)


def fetch_wait_expired(broker, follower: int, fetch_id: int) -> None:
    """replica.fetch.wait.max.ms passed: answer the held fetch with what there is."""
    held = broker.fetch_room.get(follower)
    if held is None or held.message.body["fetch_id"] != fetch_id:
        return
    broker.fetch_room.take(follower)
    answer_fetch(broker, held.message, may_wait=False)


def wake_followers(broker, r) -> None:
    """`r`'s log grew: answer the follower fetches held on it."""
    room = broker.fetch_room
    if not room:
        return
    for follower in room.waiting_on(r.topic, r.partition, FOLLOWER):
        held = room.take(follower)
        if held is None:
            continue
        broker.world.cancel(held.timer)
        answer_fetch(broker, held.message, may_wait=False)
