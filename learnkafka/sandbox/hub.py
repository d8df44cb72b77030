"""The hub: who watches one simulation, and the frames they get.

A frame (an `events`, `status` or `snapshot` message) is serialised once, with
its frame number (`frame`, +1 per frame of the simulation, restarting at 1 with
each `epoch`, i.e. each time another process takes the simulation over), into
one `Frame`, and that same object goes to every watcher: no socket adds
anything of its own, so under Daphne the WebSocket frame bytes are built once
too (backpressure.write_for) and 500 sockets cost one `json.dumps`, one UTF-8
encoding and one frame header, not 500. The browser checks `frame`/`epoch` for
gaps (docs/protocol.md); there is no per-connection counter.

Replies (an `error`, a `cli_output`) are addressed to one socket and carry no
frame number. They go through the same outbox, in order with the frames, and
are never dropped with a lagging socket's frames: the browser has no way to
ask for them again. A socket that lets its replies alone pass MAX_OUTBOX_BYTES
(it sends requests and reads nothing) is hung up on; reconnecting starts from a
snapshot.

A watcher never buffers without bound. It has an outbox drained by its own
task, which stops writing while the socket's transport asks it to pause
(backpressure.py: Twisted holds at most ~64 KB); when the outbox then passes
MAX_OUTBOX_BYTES, the queued frames are dropped and the watcher is resynced
with a fresh snapshot once it reads again.

Late join: a watcher starts from a snapshot taken at frame K, then gets frames
K+1, K+2, ...; frames that arrived while the snapshot was being fetched wait in
a short ring. A gap (a frame lost between processes) resyncs the watcher.
"""
from __future__ import annotations

import asyncio
import json
import logging
from collections import deque
from collections.abc import Awaitable, Callable

log = logging.getLogger(__name__)

MAX_OUTBOX_BYTES = 512 * 1024  # a watcher this far behind is dropped to a resync
RING_FRAMES = 64               # recent frames a mirror keeps for watchers joining from a snapshot

SendText = Callable[[str], Awaitable[None]]
SnapshotSource = Callable[[], Awaitable[tuple[int, int, str]]]  # -> (epoch, frame, body)


def encode(message: dict) -> str:
    return json.dumps(message, separators=(",", ":"), ensure_ascii=False)


class Frame:
    """One serialised message, the same object for every socket it goes to.

    `number` is None for a reply (addressed to one socket, no frame number).
    `wire` is a cache the server's writer fills with the prebuilt WebSocket
    frame (backpressure.py) the first time a socket writes it."""

    __slots__ = ("text", "epoch", "number", "snapshot", "wire")

    def __init__(self, text: str, epoch: int | None = None, number: int | None = None,
                 snapshot: bool = False):
        self.text = text
        self.epoch = epoch
        self.number = number
        self.snapshot = snapshot
        self.wire = None

    @classmethod
    def reply(cls, message: dict) -> Frame:
        return cls(encode(message))

    @property
    def is_reply(self) -> bool:
        return self.number is None

    def __len__(self) -> int:
        return len(self.text)


class Watcher:
    """One socket: its role, where it is in the frame numbering, an outbox and
    the task draining it."""

    def __init__(self, send_text: SendText, *, learner_key: str = "", role: str = "",
                 probe=None, name: str = "socket", write_now=None):
        self.send_text = send_text
        # write_now(frame: Frame) -> bool: write at once, synchronously
        # (backpressure.write_for); False: the socket is no longer open.
        # None: always through send_text(frame.text).
        self.write_now = write_now
        self.learner_key = learner_key
        self.role = role
        self.name = name
        self.after_frame: int | None = None  # None: not joined to a hub yet
        self.epoch: int | None = None
        self.hub: Hub | None = None
        self.lagging = False
        self.dropped = 0
        self._outbox: deque[Frame] = deque()
        self._outbox_bytes = 0
        self._wake = asyncio.Event()
        self._closed = False
        self.probe = probe
        self.kick = lambda: None     # the socket sets this: close me (my role was revoked)
        self.hang_up = lambda: None  # the socket sets this: close me (replies pile up unread)
        if probe is not None:
            probe.on_resume = self._wake.set
        self._task = asyncio.get_running_loop().create_task(self._pump())

    # ---- what the hub and the socket call ------------------------------------

    def send(self, frame: Frame, *, always: bool = False) -> None:
        """Queue one message for this socket (a reply or a frame).

        While the transport is paused (backpressure.py) nothing is written and
        the outbox grows; past MAX_OUTBOX_BYTES the socket falls behind: its
        queued frames are dropped and it is resynced when it reads again. A
        snapshot (`always`) is queued whatever its size, so a big one cannot loop."""
        if self._closed:
            return
        if self.write_now is not None and not self._outbox and not self._congested():
            self._write(frame)  # nothing queued ahead of it: straight to the socket
            return
        if not always and self._outbox_bytes + len(frame) > MAX_OUTBOX_BYTES:
            self.fall_behind()  # frames go; replies stay
            if not frame.is_reply:
                return
            if self._outbox_bytes + len(frame) > MAX_OUTBOX_BYTES:
                self._give_up()
                return
        self._outbox.append(frame)
        self._outbox_bytes += len(frame)
        self._wake.set()

    def send_message(self, message: dict) -> None:
        """A reply to this socket alone (an error, a terminal's output)."""
        self.send(Frame.reply(message))

    def offer_frame(self, frame: Frame) -> None:
        if self.lagging or self.after_frame is None:
            return
        if frame.epoch == self.epoch and frame.number <= self.after_frame:
            return  # already in the snapshot this watcher started from
        if frame.epoch != self.epoch or frame.number != self.after_frame + 1:
            self.fall_behind()  # a frame was lost on the way: start again from a snapshot
            return
        self.after_frame = frame.number
        self.send(frame)

    def poke(self) -> None:
        """Try again now (a lagging watcher whose resync found no holder yet)."""
        self._wake.set()

    def ask_resync(self) -> None:
        """The browser asked for a snapshot (`resync`)."""
        self.lagging = True
        self._wake.set()

    def fall_behind(self) -> None:
        """Drop the queued frames (not the replies); the socket gets a snapshot
        when it reads again."""
        if not self.lagging:
            self.dropped += 1
            log.info("%s fell behind; it will be resynced", self.name)
        self.lagging = True
        self._drop_frames()
        self._wake.set()

    def start_from(self, snapshot: Frame) -> None:
        """Begin (or begin again) from a snapshot frame taken at (epoch, number)."""
        self.epoch, self.after_frame, self.lagging = snapshot.epoch, snapshot.number, False
        self._drop_frames()
        self.send(snapshot, always=True)

    async def drain(self) -> None:
        """Wait until the outbox is empty (tests; orderly close)."""
        while self._outbox and not self._closed:
            await asyncio.sleep(0.005)

    def close(self) -> None:
        self._closed = True
        self._wake.set()
        if self.hub is not None:
            self.hub.leave(self)

    # ---- the pump ---------------------------------------------------------------

    async def _pump(self) -> None:
        while not self._closed:
            await self._wake.wait()
            self._wake.clear()
            if self.lagging and self.hub is not None and not self._congested():
                await self.hub.resync(self)
            while self._outbox and not self._closed and not self._congested():
                frame = self._outbox.popleft()
                self._outbox_bytes -= len(frame)
                if self.write_now is not None:
                    self._write(frame)
                    continue
                try:
                    await self.send_text(frame.text)
                except Exception as err:  # a routine disconnect mid-send: one line
                    self._went_away(err)
                    return

    def _write(self, frame: Frame) -> None:
        """Write one message now (write_now): no await, so nothing comes between."""
        try:
            if self.write_now(frame):
                return
            err = ConnectionError("not open")
        except Exception as exc:
            err = exc
        self._went_away(err)

    def _drop_frames(self) -> None:
        if any(f.is_reply for f in self._outbox):
            self._outbox = deque(f for f in self._outbox if f.is_reply)
            self._outbox_bytes = sum(len(f) for f in self._outbox)
        else:
            self._outbox.clear()
            self._outbox_bytes = 0

    def _give_up(self) -> None:
        log.info("%s reads nothing while its replies pile up; hanging up", self.name)
        self._closed = True
        self._outbox.clear()
        self._outbox_bytes = 0
        self._wake.set()
        self.hang_up()

    def _went_away(self, err: BaseException) -> None:
        log.info("%s went away while sending (%s)", self.name, type(err).__name__)
        self._closed = True
        self._outbox.clear()
        self._outbox_bytes = 0
        self._wake.set()  # the pump sees it closed and ends

    def _congested(self) -> bool:
        return self.probe is not None and self.probe.congested


class Hub:
    """The watchers of one simulation in this process, and its frame numbering."""

    def __init__(self, public_id: str, snapshot_source: SnapshotSource):
        self.public_id = public_id
        self.snapshot_source = snapshot_source
        self.watchers: set[Watcher] = set()
        self.epoch = 0
        self.frame = 0
        self._ring: deque[Frame] = deque(maxlen=RING_FRAMES)
        self._snapshot_in_flight: asyncio.Future | None = None

    def __len__(self) -> int:
        return len(self.watchers)

    # ---- frames ---------------------------------------------------------------

    def publish(self, message: dict, *, snapshot: bool = False) -> Frame:
        """The holder's side: number and serialise one frame, hand it to every
        local watcher; returns it for the other processes. A `snapshot` (a
        rewind, a reset, a takeover) is a fresh start for every watcher."""
        self.frame += 1
        frame = Frame(encode({**message, "frame": self.frame, "epoch": self.epoch}),
                      self.epoch, self.frame, snapshot)
        # No ring here: on the holder a snapshot is taken under the simulation's
        # mutex, so a joining watcher never misses a frame (and memory stays flat).
        self._fan_out(frame)
        return frame

    def receive(self, epoch: int, number: int, body: str, *, snapshot: bool) -> None:
        """A frame from the holder on another process (each watcher checks it
        follows on from what it has, and resyncs on a gap)."""
        if (epoch, number) > (self.epoch, self.frame):
            self.epoch, self.frame = epoch, number
        frame = Frame(body, epoch, number, snapshot)
        self._ring.append(frame)
        self._fan_out(frame)

    def _fan_out(self, frame: Frame) -> None:
        for w in list(self.watchers):
            if frame.snapshot:
                w.start_from(frame)
            else:
                w.offer_frame(frame)

    def restart(self, epoch: int) -> None:
        """A new holder (this process, at `epoch`): numbering starts over."""
        self.epoch, self.frame = epoch, 0
        self._ring.clear()

    # ---- watchers ----------------------------------------------------------------

    async def snapshot(self) -> Frame:
        """A snapshot; sockets asking at the same moment (a room joining at once)
        share one: it is taken at one frame K, and each gets the frames after K."""
        if self._snapshot_in_flight is None or self._snapshot_in_flight.done():
            self._snapshot_in_flight = asyncio.ensure_future(self._take_snapshot())
        return await asyncio.shield(self._snapshot_in_flight)

    async def _take_snapshot(self) -> Frame:
        epoch, number, body = await self.snapshot_source()
        return Frame(body, epoch, number, snapshot=True)

    async def join(self, watcher: Watcher) -> None:
        """Snapshot first (at frame K), then every frame after K. If no snapshot
        can be had right now (the holder is moving), the watcher waits as a
        lagging one and is resynced as soon as there is a holder again."""
        watcher.hub = self
        # A member from the start, while the snapshot is on its way (after_frame
        # None: frames pass it by): a hub whose only watcher is still joining is
        # not empty, so the node's lease watchdog neither forgets it nor stops
        # looking after its lease (the SIGKILL restart: the first snapshot waits
        # on a dead holder, and the takeover must still find this watcher).
        self.watchers.add(watcher)
        try:
            snapshot = await self.snapshot()
        except Exception as err:
            log.info("no snapshot of %s for a new watcher yet (%s)", self.public_id, err)
            if watcher.after_frame is None:  # nobody started it meanwhile
                watcher.lagging = True
                watcher.after_frame = -1
            return
        if watcher.after_frame is not None and not watcher.lagging:
            return  # a fresher snapshot (a takeover) started it while it waited
        self._start(watcher, snapshot)

    async def resync(self, watcher: Watcher) -> None:
        try:
            snapshot = await self.snapshot()
        except Exception as err:
            log.info("no snapshot for a resync of %s yet (%s)", self.public_id, err)
            return
        self._start(watcher, snapshot)

    def _start(self, watcher: Watcher, snapshot: Frame) -> None:
        watcher.start_from(snapshot)
        for frame in list(self._ring):
            watcher.offer_frame(frame)

    def leave(self, watcher: Watcher) -> None:
        self.watchers.discard(watcher)

    def resync_all(self) -> None:
        for w in list(self.watchers):
            w.fall_behind()
