"""Record batches (Kafka's message format v2) to plain records and back.

kafka-python's `kafka.record` does the bytes: it reads every codec Kafka
clients send by default (none, gzip; snappy/lz4/zstd when their libraries are
installed) and checks each batch's CRC. kio's own record reader fails on
compressed batches, so it is not used for them.

A produce request's `records` (base64 of the batches) gets a decoded twin,
`batches`, for the simulator: each batch with its producer id, epoch and base
sequence (what idempotence checks) and its records, keys, values and header
values as base64. A fetch response's partitions come back from the simulator
with `batches`; they are encoded here into the `records` bytes the client reads.
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
    """Add `batches` beside each partition's `records` in a plain Produce request;
    returns how many records it carries (for the records/s budget)."""
    count = 0
    for topic in request.get("topic_data") or ():
        for partition in topic.get("partition_data") or ():
            raw = _unb64(partition.get("records")) or b""
            batches = decode_batches(raw)
            partition["batches"] = batches
            count += sum(len(b["records"]) for b in batches)
    return count


def encode_batch(batch: dict) -> bytes:
    """One plain batch (as decode_batches gives, with its `base_offset`) as bytes."""
    builder = DefaultRecordBatchBuilder(
        magic=2, compression_type=0,
        is_transactional=bool(batch.get("is_transactional")),
        producer_id=batch.get("producer_id", -1), producer_epoch=batch.get("producer_epoch", -1),
        base_sequence=batch.get("base_sequence", -1), batch_size=2**31 - 1)
    base = batch.get("base_offset", 0)
    for record in batch.get("records", ()):
        builder.append(record.get("offset_delta", 0), record.get("timestamp") or 0,
                       _unb64(record.get("key")), _unb64(record.get("value")),
                       [(h["key"], _unb64(h.get("value"))) for h in record.get("headers", ())])
    out = bytearray(builder.build())
    out[0:8] = int(base).to_bytes(8, "big", signed=True)  # the base offset lies outside the CRC
    return bytes(out)


def encode_fetch(response: dict) -> None:
    """Fill each partition's `records` of a plain Fetch response from its `batches`
    (empty bytes, never null: kafka-python cannot read a null records field)."""
    for topic in response.get("responses") or ():
        for partition in topic.get("partitions") or ():
            batches = partition.pop("batches", None)
            if batches is not None:
                partition["records"] = _b64(b"".join(encode_batch(b) for b in batches))
            elif partition.get("records") is None:
                partition["records"] = ""
