"""Render once: every socket watching a simulation gets the very same bytes for
each frame, on the holder's process and on a mirror (issue 10, item 5).

The unit half checks that the Daphne writer builds one WebSocket frame per hub
frame and hands that one bytes object to every transport; the real half runs
two Daphne processes (real PostgreSQL and Redis, tests/real_servers.py) and
compares the payload bytes each of 24 sockets read.
"""
import asyncio
import functools
import json

import pytest

from learnkafka.sandbox.backpressure import write_for
from learnkafka.sandbox.hub import Hub, Watcher
from tests.sandbox.wsclient import Socket, visit

pytestmark = [pytest.mark.asyncio]


class Transport:
    def __init__(self):
        self.written: list[bytes] = []

    def write(self, data: bytes) -> None:
        self.written.append(data)


class FakeDaphneProtocol:
    """Daphne's WebSocketProtocol as far as backpressure.write_for reaches into it."""

    STATE_OPEN = 1
    state = 1
    _perMessageCompress = None

    def __init__(self):
        self.transport = Transport()
        self.send_queue = []

    def registerProducer(self, producer, streaming):  # noqa: N802
        pass

    def sendPreparedMessage(self, prepared):  # noqa: N802
        raise AssertionError("an uncompressed socket gets the prebuilt bytes directly")


async def test_one_websocket_frame_is_built_per_hub_frame_and_written_to_every_socket():
    async def no_snapshot():
        return 1, 0, json.dumps({"type": "snapshot", "frame": 0, "epoch": 1})

    hub = Hub("sim", no_snapshot)
    hub.restart(1)
    protocols = [FakeDaphneProtocol() for _ in range(50)]
    watchers = [Watcher(None, write_now=write_for(functools.partial(lambda p, m: None, p)))
                for p in protocols]
    await asyncio.gather(*(hub.join(w) for w in watchers))
    for i in range(3):
        hub.publish({"type": "events", "events": [{"kind": "x", "i": i, "text": "€"}]})
    first = protocols[0].transport.written
    assert len(first) == 4
    for p in protocols:
        assert len(p.transport.written) == 4
        for mine, theirs in zip(p.transport.written, first, strict=True):
            assert mine is theirs, "the same bytes object: built once, not per socket"
    payload = json.dumps({"type": "events", "events": [{"kind": "x", "i": 2, "text": "€"}],
                          "frame": 3, "epoch": 1}, separators=(",", ":"),
                         ensure_ascii=False).encode()
    n = len(payload)  # an unmasked text frame: FIN + opcode 1, the length, the payload
    header = bytes([0x81, n]) if n <= 125 else bytes([0x81, 126]) + n.to_bytes(2, "big")
    assert first[-1] == header + payload


async def test_every_socket_on_both_processes_reads_byte_identical_frames(daphne_cluster):
    cluster = daphne_cluster(2)
    p1, p2 = cluster.servers
    cookie, public_id = await asyncio.to_thread(visit, p1.url)
    driver = await Socket(p1.ws, public_id, cookie).open()
    await driver.wait_for(lambda m: m["type"] == "snapshot")
    await driver.send({"type": "share", "shared": True})
    watchers = []
    for i in range(24):
        server = p1 if i % 2 else p2
        viewer, _ = await asyncio.to_thread(visit, server.url)
        watchers.append(Socket(server.ws, public_id, viewer))
    await asyncio.gather(*(w.open() for w in watchers))
    await asyncio.gather(*(w.wait_for(lambda m: m["type"] == "snapshot", timeout=60)
                           for w in watchers))
    for i in range(6):
        await driver.send({"type": "command", "command": {
            "type": "produce", "producer": "A", "topic": "orders", "key": f"b{i}",
            "value": "€ and ü"}})
        await asyncio.sleep(0.1)
    await driver.send({"type": "pause"})
    paused = await driver.wait_for(lambda m: m["type"] == "status" and not m["playing"])
    await asyncio.gather(*(w.wait_for(lambda m: (m.get("epoch"), m.get("frame")) == (
        paused["epoch"], paused["frame"]), timeout=30) for w in watchers))
    by_number: dict[tuple[int, int], set[bytes]] = {}
    for w in [driver, *watchers]:
        for data, message in zip(w.raw, w.messages, strict=True):
            if "frame" in message and message is not w.messages[0]:
                by_number.setdefault((message["epoch"], message["frame"]), set()).add(data)
    assert len(by_number) >= 6
    for number, variants in by_number.items():
        assert len(variants) == 1, f"frame {number} reached the sockets as different bytes"
    await asyncio.gather(*(w.close() for w in [driver, *watchers]))
