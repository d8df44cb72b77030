"""The hub: one serialisation per frame (the same Frame object, so the same
bytes, for every socket), late join, gaps, replies that survive a drop, and a
socket that stops reading is never buffered without bound."""
import asyncio
import json

import pytest

from learnkafka.sandbox import hub as hub_module
from learnkafka.sandbox.backpressure import Probe
from learnkafka.sandbox.hub import Hub, Watcher

pytestmark = pytest.mark.asyncio


class Source:
    """A snapshot source that says which frame it is at."""

    def __init__(self):
        self.hub = None
        self.calls = 0

    async def __call__(self):
        self.calls += 1
        await asyncio.sleep(0)
        return self.hub.epoch, self.hub.frame, hub_module.encode(
            {"type": "snapshot", "frame": self.hub.frame, "epoch": self.hub.epoch})


def make_hub():
    source = Source()
    hub = Hub("sim", source)
    source.hub = hub
    hub.restart(1)
    return hub, source


def collecting(probe=None, direct=False):
    """A watcher that records what it was sent: through its pump (send_text), or,
    `direct`, written at once as Daphne's protocol takes it (backpressure.write_for)."""
    got = []

    async def send_text(text):
        assert not direct, "a direct watcher never goes through send_text"
        got.append(json.loads(text))

    def write_now(frame):
        got.append(json.loads(frame.text))
        return True

    return Watcher(send_text, probe=probe, write_now=write_now if direct else None), got


DIRECT = pytest.mark.parametrize("direct", [False, True], ids=["pumped", "direct"])


async def settle(*watchers):
    for w in watchers:
        await w.drain()
    await asyncio.sleep(0)


def continuous(got):
    """Every frame after a snapshot is the next one (what the browser checks)."""
    at = None
    for m in got:
        assert "seq" not in m
        if "frame" not in m:
            continue
        if m["type"] != "snapshot":
            assert at is not None and (m["epoch"], m["frame"]) == (at[0], at[1] + 1), (at, m)
        at = (m["epoch"], m["frame"])
    return True


async def test_every_watcher_gets_the_same_frame_object_once_serialised(monkeypatch):
    hub, _ = make_hub()
    sent = [[] for _ in range(3)]

    def writer(i):
        def write(frame):
            sent[i].append(frame)
            return True
        return write

    watchers = [Watcher(None, write_now=writer(i)) for i in range(3)]
    await asyncio.gather(*(hub.join(w) for w in watchers))  # joining together: one snapshot
    encodes = []
    real = hub_module.encode
    monkeypatch.setattr(hub_module, "encode", lambda m: encodes.append(1) or real(m))
    for i in range(5):
        hub.publish({"type": "events", "events": [{"i": i}]})
    await settle(*watchers)
    assert len(encodes) == 5, "one serialisation per frame, not per socket"
    for i in range(6):  # the snapshot they shared, then five frames
        assert sent[0][i] is sent[1][i] is sent[2][i], "the very same frame for every socket"
    got = [json.loads(f.text) for f in sent[0]]
    assert [m["frame"] for m in got] == [0, 1, 2, 3, 4, 5] and continuous(got)


async def test_a_mirror_joins_late_from_a_snapshot_and_resyncs_a_watcher_on_a_gap():
    hub, _ = make_hub()
    hub.restart(0)
    w, got = collecting()
    hub.receive(1, 7, hub_module.encode({"type": "events", "frame": 7, "epoch": 1}), snapshot=False)
    await hub.join(w)  # snapshot at frame 7
    hub.receive(1, 8, hub_module.encode({"type": "events", "frame": 8, "epoch": 1}), snapshot=False)
    await settle(w)
    assert [m["type"] for m in got] == ["snapshot", "events"] and got[-1]["frame"] == 8
    hub.receive(1, 10, hub_module.encode({"type": "events", "frame": 10, "epoch": 1}),
                snapshot=False)
    await settle(w)
    await asyncio.sleep(0.01)
    await settle(w)
    assert got[-1]["type"] == "snapshot" and got[-1]["frame"] == 10, "frame 9 lost: resync"
    assert continuous(got)


@DIRECT
async def test_a_socket_that_stops_reading_is_dropped_to_a_resync_not_buffered(direct):
    hub, source = make_hub()
    probe = Probe()
    w, got = collecting(probe, direct)
    await hub.join(w)
    await settle(w)
    probe.pauseProducing()  # the transport's buffer is full: the browser stopped reading
    big = "x" * 10_000
    for i in range(500):  # 5 MB of frames
        hub.publish({"type": "events", "events": [big], "i": i})
    assert w._outbox_bytes <= hub_module.MAX_OUTBOX_BYTES and w.lagging
    assert len(got) == 1, "nothing was written while the transport was paused"
    calls = source.calls
    probe.resumeProducing()
    await asyncio.sleep(0.01)
    await settle(w)
    assert source.calls == calls + 1
    assert got[-1]["type"] == "snapshot" and got[-1]["frame"] == hub.frame
    assert continuous(got)
    hub.publish({"type": "events", "events": []})
    await settle(w)
    assert got[-1]["frame"] == hub.frame


async def test_a_routine_disconnect_mid_send_is_one_info_line(caplog):
    hub, _ = make_hub()

    async def gone(text):
        raise ConnectionResetError("peer went away")

    w = Watcher(gone, name="socket of test")
    with caplog.at_level("INFO"):
        await hub.join(w)
        await asyncio.sleep(0.01)
    lines = [r for r in caplog.records if "went away" in r.getMessage()]
    assert len(lines) == 1 and lines[0].levelname == "INFO" and not lines[0].exc_info


async def test_a_direct_watcher_writes_in_the_turn_that_made_the_frame_in_order():
    hub, _ = make_hub()
    probe = Probe()
    w, got = collecting(probe, direct=True)
    await hub.join(w)
    assert [m["type"] for m in got] == ["snapshot"], "written at once, no task hop"
    hub.publish({"type": "events", "events": [], "i": 1})
    assert got[-1]["i"] == 1
    probe.pauseProducing()
    hub.publish({"type": "events", "events": [], "i": 2})
    hub.publish({"type": "events", "events": [], "i": 3})
    assert got[-1]["i"] == 1, "queued while the transport is paused"
    probe.resumeProducing()
    hub.publish({"type": "events", "events": [], "i": 4})  # behind the queue, not ahead
    await settle(w)
    assert [m.get("i") for m in got[1:]] == [1, 2, 3, 4]
    assert continuous(got)


async def test_a_direct_watcher_whose_socket_closed_stops_with_one_info_line(caplog):
    hub, _ = make_hub()
    w = Watcher(lambda text: None, write_now=lambda frame: False, name="socket of test")
    with caplog.at_level("INFO"):
        await hub.join(w)
        hub.publish({"type": "events", "events": []})
        await asyncio.sleep(0.01)
    lines = [r for r in caplog.records if "went away" in r.getMessage()]
    assert len(lines) == 1 and lines[0].levelname == "INFO"
    assert w._closed and not w._outbox


async def test_replies_survive_a_drop_and_a_socket_that_only_piles_up_replies_is_hung_up(
        monkeypatch):
    monkeypatch.setattr(hub_module, "MAX_OUTBOX_BYTES", 2_000)
    hub, _ = make_hub()
    probe = Probe()
    w, got = collecting(probe, direct=True)
    hung_up = []
    w.hang_up = lambda: hung_up.append(True)
    await hub.join(w)
    probe.pauseProducing()
    w.send_message({"type": "error", "code": "kept", "message": "a reply"})
    for i in range(20):  # frames enough to pass the bound: they go, the reply stays
        hub.publish({"type": "events", "events": ["x" * 200], "i": i})
    assert w.lagging and [f.is_reply for f in w._outbox] == [True]
    probe.resumeProducing()
    await asyncio.sleep(0.01)
    await settle(w)
    assert [m["type"] for m in got] == ["snapshot", "error", "snapshot"]
    assert continuous(got) and not hung_up
    probe.pauseProducing()
    for _ in range(30):  # replies alone, never read
        w.send_message({"type": "error", "code": "x", "message": "y" * 100})
    assert hung_up == [True] and w._closed and not w._outbox
