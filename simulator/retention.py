"""Time and size retention: whole segments go, oldest first, never the active one.

Run by every broker on each replica every ``log.retention.check.interval.ms``.
A segment is deletable only when all its records are below the replica's high
watermark, and either its newest timestamp is older than ``retention.ms`` or
the log is over ``retention.bytes`` (by at least the segment's size, as
Kafka's size-based retention works). The log start offset moves to the first
remaining segment; followers also follow the leader's log start offset.
"""

from __future__ import annotations

from simulator import events as ev


def apply_retention(broker, replica) -> None:
    world = broker.world
    topic = world.topics.get(replica.topic)
    if topic is None:
        return
    log = replica.log
    retention_ms = topic.config("retention.ms")
    retention_bytes = topic.config("retention.bytes")
    now = world.now_ms
    count = 0
    reason = None
    total = log.size_bytes()
    segments = log.segments
    while count < len(segments) - 1:
        seg = segments[count]
        end = segments[count + 1].base_offset
        if end > replica.hw:
            break
        if retention_ms >= 0 and seg.max_timestamp_ms < now - retention_ms:
            reason = reason or "retention.ms"
        elif retention_bytes >= 0 and total - seg.size_bytes >= retention_bytes:
            reason = reason or "retention.bytes"
        else:
            break
        total -= seg.size_bytes
        count += 1
    if count:
        removed = log.delete_front_segments(count)
        world.emit(ev.SegmentsDeleted, broker=broker.broker_id, topic=replica.topic,
                   partition=replica.partition, deleted_segments=count, deleted_records=removed,
                   log_start_offset=log.start_offset, reason=reason)
