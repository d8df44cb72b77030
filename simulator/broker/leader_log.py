"""The leader's log: appends, and the reads and writes other actors make through it.

`append` writes a batch at the LEO (a produce request, a coordinator's
internal write), remembers the idempotent producer's batch, then lets the HW
move and wakes the follower fetches waiting for data. `read_for_consumer`
is what a consumer fetch gets (up to the HW or the LSO, aborted records and
markers left out); `when_high_watermark` calls back once the HW reaches an
offset. These back the plug-in API that `simulator.broker.Broker` offers.
"""

from __future__ import annotations

from simulator import events as ev
from simulator import produce_handling
from simulator.broker import fetch_serving, high_watermark
from simulator.broker.record_cap import enforce_cap
from simulator.broker.replica import Replica, Waiter
from simulator.log import Record, record_size


def append(broker, r: Replica, batch: list, producer_id: int, producer_epoch: int,
           base_sequence: int, transactional: bool) -> tuple[int, int]:
    """Write a batch of (key, value, headers, size, format) at the LEO as leader."""
    world = broker.world
    log = r.log
    topic = world.topics[r.topic]
    segment_bytes = topic.config("segment.bytes")
    segment_ms = topic.config("segment.ms")
    now = world.now_ms
    epoch = r.leader_epoch
    base = log.leo
    offset = base
    appended = []
    seq = base_sequence
    step = 1 if seq >= 0 else 0
    for key, value, headers, size, fmt in batch:
        appended.append(Record(offset, now, key, value, headers, producer_id,
                               producer_epoch, seq, epoch, size, fmt, transactional))
        offset += 1
        seq += step
    for rolled in log.append_batch(appended, now, segment_bytes, segment_ms, one_batch=True):
        world.emit(ev.SegmentRolled, broker=broker.broker_id, topic=r.topic,
                   partition=r.partition, base_offset=rolled,
                   segment_count=len(log.segments))
    if producer_id >= 0 and base_sequence >= 0:
        # Before any follower is answered: the state travels with the records.
        produce_handling.remember_batch(r, producer_id, producer_epoch, base_sequence,
                                        len(appended), base, offset - 1)
    if transactional and producer_id not in r.ongoing_txns:
        r.ongoing_txns[producer_id] = base
    world.emit(ev.RecordsAppended, broker=broker.broker_id, topic=r.topic,
               partition=r.partition, role="leader", base_offset=base,
               last_offset=offset - 1, leo=log.leo, records=tuple(appended))
    high_watermark.maybe_advance_hw(broker, r)
    enforce_cap(broker, r)
    fetch_serving.wake_followers(broker, r)
    return base, offset - 1


def marker_written(broker, r: Replica) -> None:
    """A transaction marker was appended to `r` (simulator.transactions): the LSO
    may move, then the HW, and the followers waiting for data get the marker."""
    high_watermark.update_lso(broker, r)
    high_watermark.maybe_advance_hw(broker, r)
    fetch_serving.wake_followers(broker, r)


def read_for_consumer(broker, topic: str, partition: int, offset: int, max_records: int,
                      isolation_level: str) -> dict:
    r = broker.leader_replica(topic, partition)
    if r is None:
        return {"error": "NOT_LEADER_OR_FOLLOWER", "records": [], "high_watermark": None,
                "last_stable_offset": None, "log_start_offset": None}
    upper = r.lso if isolation_level == "read_committed" else r.hw
    out = {"error": None, "records": [], "high_watermark": r.hw,
           "last_stable_offset": r.lso, "log_start_offset": r.log.start_offset,
           "next_offset": offset}
    if offset < r.log.start_offset or offset > r.log.leo:
        out["error"] = "OFFSET_OUT_OF_RANGE"
        return out
    records = r.log.read(offset, upper, max_records)
    if records:
        out["next_offset"] = records[-1].offset + 1
    if isolation_level == "read_committed" and r.aborted:
        records = [rec for rec in records if not r.is_aborted(rec)]
    if r.has_markers:
        records = [rec for rec in records if rec.control is None]
    out["records"] = records
    return out


def append_as_leader(broker, topic: str, partition: int, entries: list[dict]) -> tuple[int, int]:
    r = broker.leader_replica(topic, partition)
    if r is None:
        raise ValueError(f"broker {broker.broker_id} does not lead {topic}-{partition}")
    batch = []
    for e in entries:
        headers = tuple(sorted((e.get("headers") or {}).items()))
        batch.append((e.get("key"), e.get("value"), headers,
                      record_size(e.get("key"), e.get("value"), headers),
                      e.get("value_format", "json")))
    return append(broker, r, batch, -1, -1, -1, False)


def when_high_watermark(broker, topic: str, partition: int, offset: int, actor_id: str,
                        method: str, args: tuple) -> None:
    r = broker.replicas[(topic, partition)]
    if r.hw >= offset:
        getattr(broker.world.actors[actor_id], method)(*args, None)
    else:
        r.waiters.append(Waiter(offset, actor_id, method, args))
