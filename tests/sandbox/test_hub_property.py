"""Gap detection by frame number (no per-connection counter), as a property:
whatever a mirror's channel drops, reorders or duplicates, and whichever of its
sockets stop reading for a while, every watcher ends with exactly the holder's
state once the next frame gets through, never folds a frame out of turn, and
gets every reply addressed to it, in order (replies survive a drop)."""
import asyncio
import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from learnkafka.sandbox import hub as hub_module
from learnkafka.sandbox.backpressure import Probe
from learnkafka.sandbox.hub import Hub, Watcher, encode
from tests.sandbox.wsclient import check_follows

# One step of the holder's life: a frame (delivered, dropped, held back to come
# later, or delivered twice), a takeover (a new epoch, starting with a snapshot),
# or one of the mirror's sockets pausing or resuming its reading.
step = st.one_of(
    st.tuples(st.just("frame"), st.sampled_from(["deliver", "drop", "hold", "twice"])),
    st.tuples(st.just("takeover"), st.just(None)),
    st.tuples(st.just("pause"), st.integers(0, 2)),
    st.tuples(st.just("resume"), st.integers(0, 2)),
    st.tuples(st.just("release_held"), st.just(None)),
    st.tuples(st.just("reply"), st.integers(0, 2)),
)


class Browser:
    """What socket.js and the store do with what one socket receives."""

    def __init__(self):
        self.at = None
        self.state: list[int] = []
        self.replies: list[int] = []

    def write(self, frame) -> bool:
        message = json.loads(frame.text)
        self.at = check_follows(self.at, message)  # a gap never reaches the page
        if message["type"] == "error":
            self.replies.append(message["n"])
        elif message["type"] == "snapshot":
            self.state = list(message["state"])
        else:
            self.state.append(message["add"])
        return True


async def run(steps) -> None:
    state: list[int] = []
    holder = Hub("sim", None)
    holder.restart(1)

    async def snapshot_from_holder():
        await asyncio.sleep(0)  # an answer over the channel layer takes a turn
        return holder.epoch, holder.frame, encode(
            {"type": "snapshot", "state": state, "frame": holder.frame, "epoch": holder.epoch})

    mirror = Hub("sim", snapshot_from_holder)
    browsers = [Browser() for _ in range(3)]
    probes = [Probe() for _ in range(3)]
    watchers = [Watcher(None, write_now=b.write, probe=p) for b, p in zip(browsers, probes,
                                                                         strict=True)]
    for w in watchers:
        await mirror.join(w)
    held = []
    replies = [[], [], []]

    def publish(message, snapshot=False):
        frame = holder.publish(message, snapshot=snapshot)
        return frame.epoch, frame.number, frame.text, snapshot

    for n, (kind, arg) in enumerate(steps):
        if kind == "frame":
            state.append(n)
            sent = publish({"type": "events", "add": n})
            if arg in ("deliver", "twice"):
                mirror.receive(*sent[:3], snapshot=sent[3])
            if arg == "twice":
                mirror.receive(*sent[:3], snapshot=sent[3])
            if arg == "hold":
                held.append(sent)
        elif kind == "takeover":
            holder.restart(holder.epoch + 1)
            sent = publish({"type": "snapshot", "state": state}, snapshot=True)
            mirror.receive(*sent[:3], snapshot=True)
        elif kind == "pause":
            probes[arg].pauseProducing()
        elif kind == "resume":
            probes[arg].resumeProducing()
        elif kind == "reply":
            replies[arg].append(n)
            watchers[arg].send_message({"type": "error", "code": "x", "n": n})
        else:
            for sent in held:  # late, out of order: older than what followed them
                mirror.receive(*sent[:3], snapshot=sent[3])
            held.clear()
        await asyncio.sleep(0)
    for probe in probes:
        probe.resumeProducing()
    # The next frame gets through (a playing simulation sends one at least every
    # second): a watcher that missed the last ones sees the gap now and resyncs.
    state.append(-1)
    sent = publish({"type": "events", "add": -1})
    mirror.receive(*sent[:3], snapshot=False)
    for _ in range(20):
        await asyncio.sleep(0)
    for w in watchers:
        await w.drain()
    for browser, sent_to_it in zip(browsers, replies, strict=True):
        assert browser.state == state
        assert browser.replies == sent_to_it
    for w in watchers:
        w.close()


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(step, max_size=40))
def test_every_watcher_ends_with_the_holders_state(steps):
    # A small outbox, so that a paused socket falls behind after a few frames.
    real = hub_module.MAX_OUTBOX_BYTES
    hub_module.MAX_OUTBOX_BYTES = 300
    try:
        asyncio.run(run(steps))
    finally:
        hub_module.MAX_OUTBOX_BYTES = real
