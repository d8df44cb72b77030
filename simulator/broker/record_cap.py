"""The simulator's records-per-partition cap (not Kafka behaviour; see simulator.limits).

When a replica's log holds more than ``MAX_RECORDS_PER_PARTITION`` records,
the oldest committed ones are deleted and the learner is told so, so a long
session cannot grow one partition without bound.
"""

from __future__ import annotations

from simulator import events as ev
from simulator.limits import MAX_RECORDS_PER_PARTITION


def enforce_cap(broker, r) -> None:
    log = r.log
    if len(log.records) <= MAX_RECORDS_PER_PARTITION:
        return
    target = log.leo - MAX_RECORDS_PER_PARTITION // 2
    new_start = min(r.hw, target)
    removed = log.advance_start(new_start) if new_start > log.start_offset else 0
    broker.world.emit(ev.CapReached, cap="records_per_partition",
                      limit=MAX_RECORDS_PER_PARTITION,
                      message=f"{r.name} on broker {broker.broker_id} holds more than "
                              f"{MAX_RECORDS_PER_PARTITION} records: the oldest {removed} "
                              "were deleted (a simulator cap, not Kafka behaviour)")
    if removed:
        broker.world.emit(ev.SegmentsDeleted, broker=broker.broker_id, topic=r.topic,
                          partition=r.partition, deleted_segments=0, deleted_records=removed,
                          log_start_offset=log.start_offset, reason="cap")
