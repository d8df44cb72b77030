"""One replica's log: records, segments, leader-epoch cache.

`Record` objects are written once by the leader and then *shared* by every
replica that copies them and by every checkpoint (``__deepcopy__`` returns the
record itself): treat them as immutable. A `PartitionLog` holds the records
from the log start offset to the log end offset (LEO, the next offset to
write), the segments they sit in, and the leader-epoch cache
(``[(epoch, start_offset), ...]``) used to find where a returning leader's
log diverges.
"""

from __future__ import annotations

from dataclasses import dataclass

RECORD_OVERHEAD_BYTES = 14  # varint lengths, attributes, deltas of a v2 record
BATCH_OVERHEAD_BYTES = 61  # a v2 record batch header


@dataclass(slots=True)
class Record:
    offset: int
    timestamp_ms: int
    key: str | None
    value: str | None
    headers: tuple = ()
    producer_id: int = -1
    producer_epoch: int = -1
    sequence: int = -1
    leader_epoch: int = 0
    size_bytes: int = 0
    value_format: str = "string"
    transactional: bool = False
    control: str | None = None  # "commit" / "abort" for transaction markers

    def __deepcopy__(self, memo):
        return self

    def __copy__(self):
        return self

    def to_dict(self) -> dict:
        return {
            "offset": self.offset, "timestamp_ms": self.timestamp_ms, "key": self.key,
            "value": self.value, "headers": [list(h) for h in self.headers],
            "producer_id": self.producer_id, "producer_epoch": self.producer_epoch,
            "sequence": self.sequence, "leader_epoch": self.leader_epoch,
            "size_bytes": self.size_bytes, "value_format": self.value_format,
            "transactional": self.transactional, "control": self.control,
        }


def record_size(key: str | None, value: str | None, headers: tuple) -> int:
    size = RECORD_OVERHEAD_BYTES
    if key is not None:
        size += len(key) if key.isascii() else len(key.encode("utf-8"))
    if value is not None:
        size += len(value) if value.isascii() else len(value.encode("utf-8"))
    for name, header_value in headers:
        size += 2 + len(name) + len(str(header_value))
    return size


@dataclass(slots=True)
class Segment:
    base_offset: int
    created_ms: int
    size_bytes: int = 0
    record_count: int = 0
    max_timestamp_ms: int = -1

    def to_dict(self) -> dict:
        return {"base_offset": self.base_offset, "created_ms": self.created_ms,
                "size_bytes": self.size_bytes, "record_count": self.record_count,
                "max_timestamp_ms": self.max_timestamp_ms}


class PartitionLog:
    """Records of one replica plus segments and the leader-epoch cache."""

    __slots__ = ("records", "start_offset", "segments", "epochs")

    def __init__(self, now_ms: int, start_offset: int = 0):
        self.records: list[Record] = []
        self.start_offset = start_offset  # the log start offset
        self.segments: list[Segment] = [Segment(start_offset, now_ms)]
        self.epochs: list[list[int]] = []  # [[epoch, start_offset], ...]

    @property
    def leo(self) -> int:
        return self.start_offset + len(self.records)

    def last_epoch(self) -> int:
        return self.epochs[-1][0] if self.epochs else -1

    def note_epoch(self, epoch: int, start_offset: int) -> None:
        if not self.epochs or epoch > self.epochs[-1][0]:
            self.epochs.append([epoch, start_offset])

    def append(self, record: Record, now_ms: int, segment_bytes: int, segment_ms: int) -> bool:
        """Append one record (its offset must be the LEO). Returns True if a segment rolled."""
        rolled = False
        active = self.segments[-1]
        if active.record_count and (
            active.size_bytes + record.size_bytes > segment_bytes
            or now_ms - active.created_ms >= segment_ms
        ):
            active = Segment(record.offset, now_ms)
            self.segments.append(active)
            rolled = True
        self.records.append(record)
        active.size_bytes += record.size_bytes
        active.record_count += 1
        if record.timestamp_ms > active.max_timestamp_ms:
            active.max_timestamp_ms = record.timestamp_ms
        if not self.epochs or record.leader_epoch > self.epochs[-1][0]:
            self.epochs.append([record.leader_epoch, record.offset])
        return rolled

    def append_batch(self, records: list[Record], now_ms: int, segment_bytes: int,
                     segment_ms: int, one_batch: bool) -> list[int]:
        """Append records in order (the first at the LEO); returns the base offsets
        of the segments rolled on the way.

        A leader writes a producer batch as a unit (`one_batch`): like Kafka, it
        rolls the segment *before* the batch if the batch would not fit or the
        segment is older than segment.ms. A follower copying a fetch response
        (many batches) rolls at record boundaries when the response overflows.
        """
        active = self.segments[-1]
        size = 0
        for rec in records:
            size += rec.size_bytes
        rolled = []
        fits = active.size_bytes + size <= segment_bytes and now_ms - active.created_ms < segment_ms
        if active.record_count and not fits:
            if not one_batch:
                return [rec.offset for rec in records
                        if self.append(rec, now_ms, segment_bytes, segment_ms)]
            active = Segment(records[0].offset, now_ms)
            self.segments.append(active)
            rolled.append(active.base_offset)
        self.records.extend(records)
        active.size_bytes += size
        active.record_count += len(records)
        newest = max(records[0].timestamp_ms, records[-1].timestamp_ms)
        if newest > active.max_timestamp_ms:
            active.max_timestamp_ms = newest
        epochs = self.epochs
        if not epochs or records[-1].leader_epoch > epochs[-1][0]:
            for rec in records:
                if not epochs or rec.leader_epoch > epochs[-1][0]:
                    epochs.append([rec.leader_epoch, rec.offset])
        return rolled

    def read(self, from_offset: int, until_offset: int, max_records: int) -> list[Record]:
        """Records with ``from_offset <= offset < until_offset``, at most `max_records`."""
        start = from_offset - self.start_offset
        if start < 0:
            start = 0
        stop = min(until_offset - self.start_offset, start + max_records, len(self.records))
        if stop <= start:
            return []
        return self.records[start:stop]

    def record_at(self, offset: int) -> Record | None:
        index = offset - self.start_offset
        if 0 <= index < len(self.records):
            return self.records[index]
        return None

    def epoch_end_offset(self, epoch: int, leo: int | None = None) -> tuple[int, int]:
        """(largest epoch <= `epoch` this log knows, the offset where it ended)."""
        leo = self.leo if leo is None else leo
        found = -1
        end = self.start_offset if self.epochs else leo
        for i, (e, _start) in enumerate(self.epochs):
            if e > epoch:
                end = self.epochs[i][1]
                break
            found = e
            end = leo
        return found, end

    def truncate_to(self, offset: int) -> int:
        """Drop records at or above `offset`; returns how many were removed."""
        offset = max(offset, self.start_offset)
        removed = self.leo - offset
        if removed <= 0:
            return 0
        del self.records[offset - self.start_offset:]
        while len(self.segments) > 1 and self.segments[-1].base_offset >= offset:
            self.segments.pop()
        self._recount_active(offset)
        while self.epochs and self.epochs[-1][1] >= offset:
            self.epochs.pop()
        return removed

    def _recount_active(self, leo: int) -> None:
        active = self.segments[-1]
        records = self.records[active.base_offset - self.start_offset: leo - self.start_offset]
        active.record_count = len(records)
        active.size_bytes = sum(r.size_bytes for r in records)
        active.max_timestamp_ms = max((r.timestamp_ms for r in records), default=-1)

    def delete_front_segments(self, count: int) -> int:
        """Delete the `count` oldest segments (never the active one); returns records removed."""
        count = min(count, len(self.segments) - 1)
        if count <= 0:
            return 0
        new_start = self.segments[count].base_offset
        return self.advance_start(new_start)

    def advance_start(self, new_start: int) -> int:
        """Move the log start offset up to `new_start` (a segment boundary or the LEO)."""
        if new_start <= self.start_offset:
            return 0
        leo = self.leo
        removed = min(new_start, leo) - self.start_offset
        del self.records[:removed]  # past the LEO (a follower told to start past
        self.start_offset = new_start  # everything it has) this empties the log
        while len(self.segments) > 1 and self.segments[1].base_offset <= new_start:
            self.segments.pop(0)
        first = self.segments[0]
        if first.base_offset < new_start:
            first.base_offset = new_start
            if len(self.segments) == 1:
                self._recount_active(self.leo)
        while len(self.epochs) > 1 and self.epochs[1][1] <= new_start:
            self.epochs.pop(0)
        return removed

    def size_bytes(self) -> int:
        return sum(s.size_bytes for s in self.segments)
