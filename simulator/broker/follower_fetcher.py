"""The follower's side of replication: one fetcher per leader, copying its log.

A follower keeps one fetch in flight to each broker that leads any of its
partitions (Kafka's ReplicaFetcherThread, one per source broker). A response
truncates a divergent tail where the leader says its last epoch ended,
restarts from the leader's log start when it fell behind it, appends the
records with their producers' state, and follows the leader's HW and log
start. A fetch that times out (``replica.fetch.wait.max.ms`` +
``replica.socket.timeout.ms``), is refused or loses its connection is sent
again after ``replica.fetch.backoff.ms``; a response with a partition error
backs off before the next fetch too.
"""

from __future__ import annotations

from simulator import events as ev
from simulator import produce_handling
from simulator.broker.record_cap import enforce_cap


def ensure_fetchers(broker) -> None:
    """A fetch in flight to every leader of a partition this broker follows."""
    if broker.crashed:
        return
    wanted = sorted({r.leader for r in broker.replicas.values()
                     if r.role == "follower" and r.leader is not None})
    for leader in wanted:
        if broker.fetchers.get(leader) is None:
            send_fetch(broker, leader)
    for leader in list(broker.fetchers):
        if leader not in wanted and broker.fetchers[leader] is None:
            del broker.fetchers[leader]


def send_fetch(broker, leader: int) -> None:
    parts = []
    summary = {}
    for key in sorted(broker.replicas):
        r = broker.replicas[key]
        if r.role == "follower" and r.leader == leader:
            parts.append((r.topic, r.partition, r.log.leo, r.log.last_epoch(), r.leader_epoch))
            summary[r.name] = r.log.leo
    if not parts:
        broker.fetchers.pop(leader, None)
        return
    broker.next_fetch_id += 1
    fetch_id = broker.next_fetch_id
    broker.fetchers[leader] = fetch_id
    broker.world.network.send(broker.actor_id, f"broker:{leader}", "fetch",
                              {"fetch_id": fetch_id, "replica": broker.broker_id, "parts": parts},
                              {"fetch_offsets": summary})
    timeout = broker.cfg("replica.fetch.wait.max.ms") + broker.cfg("replica.socket.timeout.ms")
    broker.world.schedule(timeout, broker.actor_id, "fetch_timed_out", leader, fetch_id,
                          broker.incarnation)


def fetch_timed_out(broker, leader: int, fetch_id: int) -> None:
    if broker.fetchers.get(leader) != fetch_id:
        return
    broker.fetchers[leader] = None
    ensure_fetchers(broker)


def fetch_refused(broker, message) -> None:
    """Connection refused: back off, then try again (replica.fetch.backoff.ms)."""
    leader = int(message.target.split(":")[1])
    if broker.fetchers.get(leader) == message.body["fetch_id"]:
        broker.world.schedule(broker.cfg("replica.fetch.backoff.ms"), broker.actor_id,
                              "fetch_timed_out", leader, message.body["fetch_id"],
                              broker.incarnation)


def connection_broken(broker, peer: str) -> None:
    """A reset connection to a leader fails the fetch outstanding on it at once:
    back off replica.fetch.backoff.ms and fetch again, as Kafka's replica
    fetcher does on a disconnect (see simulator.network)."""
    if broker.crashed or not peer.startswith("broker:"):
        return
    leader = int(peer.split(":")[1])
    fetch_id = broker.fetchers.get(leader)
    if fetch_id is not None:
        broker.world.schedule(broker.cfg("replica.fetch.backoff.ms"), broker.actor_id,
                              "fetch_timed_out", leader, fetch_id, broker.incarnation)


def on_fetch_response(broker, message) -> None:
    world = broker.world
    body = message.body
    leader = int(message.source.split(":")[1])
    if broker.fetchers.get(leader) != body["fetch_id"]:
        return
    broker.fetchers[leader] = None
    backoff = False
    for topic, partition, error, records, hw, log_start, diverging, state in body["parts"]:
        r = broker.replicas.get((topic, partition))
        if r is None or r.role != "follower" or r.leader != leader:
            continue
        if error is not None:
            backoff = True
            continue
        log = r.log
        if diverging is not None:
            removed = log.truncate_to(min(diverging, log.leo))
            if removed:
                produce_handling.forget_truncated(r, log.leo)
                world.emit(ev.LogTruncated, broker=broker.broker_id, topic=topic,
                           partition=partition, leo=log.leo, removed_records=removed,
                           reason="diverged from the leader's log (leader epoch)")
            if r.hw > log.leo:
                r.hw = log.leo
            continue
        if log_start > log.leo or (records and records[0].offset != log.leo):
            # Behind the leader's log start: start over from there.
            removed = log.truncate_to(log.start_offset)
            log.advance_start(log_start)
            world.emit(ev.SegmentsDeleted, broker=broker.broker_id, topic=topic,
                       partition=partition, deleted_segments=0, deleted_records=removed,
                       log_start_offset=log.start_offset, reason="leader_log_start")
            continue
        if records:
            configs = world.topics[topic]
            segment_bytes = configs.config("segment.bytes")
            segment_ms = configs.config("segment.ms")
            base = records[0].offset
            for rolled in log.append_batch(records, world.now_ms, segment_bytes, segment_ms,
                                           one_batch=False):
                world.emit(ev.SegmentRolled, broker=broker.broker_id, topic=topic,
                           partition=partition, base_offset=rolled,
                           segment_count=len(log.segments))
            if not r.has_markers:
                r.has_markers = any(rec.control is not None for rec in records)
            world.emit(ev.RecordsAppended, broker=broker.broker_id, topic=topic,
                       partition=partition, role="follower", base_offset=base,
                       last_offset=records[-1].offset, leo=log.leo, records=())
            enforce_cap(broker, r)
        if state:
            for pid, (epoch, batches) in state.items():
                for first, last, base_offset, last_offset in batches:
                    produce_handling.remember_batch(r, pid, epoch, first, last - first + 1,
                                                    base_offset, last_offset)
        new_hw = min(hw, log.leo)
        if new_hw != r.hw:
            r.hw = new_hw
        if log_start > log.start_offset:
            before = len(log.segments)
            removed = log.advance_start(log_start)
            world.emit(ev.SegmentsDeleted, broker=broker.broker_id, topic=topic,
                       partition=partition, deleted_segments=before - len(log.segments),
                       deleted_records=removed, log_start_offset=log.start_offset,
                       reason="leader_log_start")
    if backoff:
        world.schedule(broker.cfg("replica.fetch.backoff.ms"), broker.actor_id,
                       "resume_fetch", leader, broker.incarnation)
    else:
        send_fetch(broker, leader)


def resume_fetch(broker, leader: int) -> None:
    if broker.fetchers.get(leader) is None:
        ensure_fetchers(broker)
