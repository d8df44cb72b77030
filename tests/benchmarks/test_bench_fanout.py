"""The fan-out benchmark's reader: which produces a frame shows applied.

A frame that applies a command also carries the tick before it, and that tick
can name an earlier record (its batch sent or appended). Counting that as the
earlier record arriving again made the benchmark's p99 ~200 ms, all of it a
measuring error."""
import asyncio
import json

import pytest

from benchmarks.bench_fanout import _first_snapshot, applied_keys


def frame(*events):
    return json.dumps({"type": "events", "events": list(events)},
                      separators=(",", ":")).encode()


def produce(key):
    return {"kind": "command_applied", "command": {"type": "produce", "key": key}}


def test_a_frame_counts_the_produces_it_applies_not_the_records_it_mentions():
    earlier = {"kind": "batch_sent", "records": [{"key": "bench-4", "value": "v"}]}
    assert applied_keys(frame(earlier, produce("bench-5"))) == [b"bench-5"]
    assert applied_keys(frame(earlier)) == []


def test_every_produce_a_frame_applies_is_counted_once():
    assert applied_keys(frame(produce("bench-1"), {"kind": "records_queued"},
                              produce("bench-2"))) == [b"bench-1", b"bench-2"]


class _Socket:
    """A socket that hands out the messages it was given, then fails."""

    def __init__(self, *messages):
        self.messages = list(messages)

    async def recv(self, decode=False):
        if not self.messages:
            raise ConnectionError("closed")
        return self.messages.pop(0)


def test_a_reader_is_ready_only_after_its_socket_got_the_snapshot():
    sock = _Socket(b'{"type":"hello"}', b'{"type":"snapshot","frame":0}', b'{"type":"events"}')
    asyncio.run(_first_snapshot(sock))
    assert sock.messages == [b'{"type":"events"}']  # read up to the snapshot, no further


def test_a_socket_closed_before_its_snapshot_ends_the_wait_with_its_error():
    with pytest.raises(ConnectionError):
        asyncio.run(_first_snapshot(_Socket(b'{"type":"error","code":"too_many"}')))
