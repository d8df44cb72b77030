"""Record batches (Kafka's message format v2) to plain records and back.

kafka-python's `kafka.record` does the bytes: it reads every codec Kafka
clients send by default (none, gzip; snappy/lz4/zstd when their libraries are
installed) and checks each batch's CRC. kio's own record reader fails on
compressed batches, so it is not used for them.

The simulator's shapes (simulator/wire_clients, docs/events.md "Outside
clients"): a produce partition carries its batch's fields flat
(`producer_id`, `producer_epoch`, `base_sequence`, `is_transactional`) and
`records` as a list of `{key, value, headers: [{key, value}], timestamp_ms}`
(base64 bytes); a fetch partition answers `records` as a list of
`{offset, timestamp_ms, key, value, headers, producer_id, producer_epoch,
base_sequence, leader_epoch, is_transactional}`, which is encoded here into
batches (one per run of records that share a producer and leader epoch).
"""
from __future__ import annotations

import base64

from kafka.record.default_records import DefaultRecordBatchBuilder
from kafka.record.memory_records import MemoryRecords

from .codec import Malformed

MAX_RECORDS_PER_REQUEST = 10_000


def _b64(data) -> str | None:
    return None if data is None else base64.b64encode(bytes(data)).decode("ascii")


def _unb64(text) -> bytes | None:
    return None if text is None else base64.b64decode(text, validate=True)


def decode_batches(data: bytes) -> list[dict]:
    """Every batch of `data`, decoded (raises Malformed)."""
    out = []
    total = 0
    try:
        memory = MemoryRecords(bytes(data))
        while (batch := memory.next_batch()) is not None:
            if batch.magic != 2:
                raise Malformed(f"record batch magic {batch.magic}: only v2 batches are read")
            if not batch.validate_crc():
                raise Malformed("record batch CRC mismatch")
            items = []
            for record in batch:
                items.append({
                    "offset_delta": record.offset - batch.base_offset,
                    "timestamp": record.timestamp,
                    "key": _b64(record.key),
                    "value": _b64(record.value),
                    "headers": [{"key": k, "value": _b64(v)} for k, v in record.headers],
                })
            total += len(items)
            if total > MAX_RECORDS_PER_REQUEST:
                raise Malformed(f"more than {MAX_RECORDS_PER_REQUEST} records in one request")
            out.append({
                "base_offset": batch.base_offset,
                "producer_id": batch.producer_id,
                "producer_epoch": batch.producer_epoch,
                "base_sequence": batch.base_sequence,
                "is_transactional": bool(batch.is_transactional),
                "is_control": bool(batch.is_control_batch),
                "compression": batch.compression_type,
                "records": items,
            })
    except Malformed:
        raise
    except Exception as err:  # kafka.record raises CorruptRecordError, struct/ValueErrors...
        raise Malformed(f"unreadable record batch: {type(err).__name__}: {err}") from None
    return out


def decode_produce(request: dict) -> int:
    """Replace each partition's `records` bytes of a plain Produce request by the
    simulator's shape; returns how many records it carries (for the records/s budget)."""
    count = 0
    for topic in request.get("topic_data") or ():
        for partition in topic.get("partition_data") or ():
            raw = _unb64(partition.get("records")) or b""
            batches = decode_batches(raw)
            if len(batches) > 1:
                # Kafka: produce v3+ carries exactly one batch per partition
                # (kafka.log.LogValidator refuses more with INVALID_RECORD).
                raise Malformed("more than one record batch for one partition")
            batch = batches[0] if batches else {}
            partition.update(
                producer_id=batch.get("producer_id", -1),
                producer_epoch=batch.get("producer_epoch", -1),
                base_sequence=batch.get("base_sequence", -1),
                is_transactional=batch.get("is_transactional", False),
                records=[{"key": r["key"], "value": r["value"], "headers": r["headers"],
                          "timestamp_ms": r["timestamp"]} for r in batch.get("records", ())])
            count += len(partition["records"])
    return count


def _same_batch(first: dict, base: int, record: dict) -> bool:
    keys = ("producer_id", "producer_epoch", "is_transactional", "leader_epoch")
    if any(first.get(k) != record.get(k) for k in keys):
        return False
    if _or(first.get("producer_id")) >= 0 and _or(first.get("base_sequence")) >= 0:
        return record.get("base_sequence") == first["base_sequence"] + (record["offset"] - base)
    return True


def encode_records(records: list[dict]) -> bytes:
    """The simulator's fetched records as v2 record batches."""
    out = []
    i = 0
    while i < len(records):
        first = records[i]
        base = int(first["offset"])
        run = [first]
        i += 1
        while i < len(records) and _same_batch(first, base, records[i]):
            run.append(records[i])
            i += 1
        out.append(encode_batch({
            "base_offset": base, "producer_id": first.get("producer_id", -1),
            "producer_epoch": first.get("producer_epoch", -1),
            "base_sequence": first.get("base_sequence", -1),
            "is_transactional": first.get("is_transactional", False),
            "records": [{"offset_delta": int(r["offset"]) - base,
                         "timestamp": r.get("timestamp_ms", 0), "key": r.get("key"),
                         "value": r.get("value"), "headers": r.get("headers") or ()}
                        for r in run]}))
    return b"".join(out)


def encode_batch(batch: dict) -> bytes:
    """One plain batch (as decode_batches gives, with its `base_offset`) as bytes."""
    builder = DefaultRecordBatchBuilder(
        magic=2, compression_type=0,
        is_transactional=bool(batch.get("is_transactional")),
        producer_id=_or(batch.get("producer_id")), producer_epoch=_or(batch.get("producer_epoch")),
        base_sequence=_or(batch.get("base_sequence")), batch_size=2**31 - 1)
    for record in batch.get("records", ()):
        builder.append(record.get("offset_delta", 0), record.get("timestamp") or 0,
                       _unb64(record.get("key")), _unb64(record.get("value")),
                       [(h["key"], _unb64(h.get("value"))) for h in record.get("headers", ())])
    out = bytearray(builder.build())
    base = int(batch.get("base_offset", 0))
    out[0:8] = base.to_bytes(8, "big", signed=True)  # the base offset lies outside the CRC
    return bytes(out)


def _or(value, default: int = -1) -> int:
    return default if value is None else int(value)


def encode_fetch(response: dict) -> None:
    """Turn each partition's `records` list of a plain Fetch response into the
    batch bytes the client reads (empty bytes, never null: kafka-python cannot
    read a null records field)."""
    for topic in response.get("responses") or ():
        for partition in topic.get("partitions") or ():
            records = partition.get("records")
            if isinstance(records, list):
                partition["records"] = _b64(encode_records(records))
            elif records is None:
                partition["records"] = ""
