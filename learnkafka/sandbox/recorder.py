"""The recorder: a live simulation's writes to the database, in order.

A command's row is written (and awaited) before its result is shown, so a
learner never sees a change that a crash could take back. Clock saves are
queued behind earlier writes without making anyone wait. Every write is
fenced by the lease (services.py): a process that lost the simulation to
another one gets `LeaseLost` and stores nothing.

All of a process's writes go through one journal (`JOURNAL`) with a thread of
its own: on Channels' shared sync thread a command's commit waited behind
whatever else was queued there (a room of sockets connecting loads as many
sessions). The journal commits in *rounds* (group commit): everything queued
while the last round ran goes into the next one, in order, in one
transaction. One write per transaction was the ceiling: with 200 simulations
playing, each saving its clock every second and a command every 2 s, the
writer thread needed ~5 ms a write (it waits for the GIL after every SQLite
call while the event loop is busy), fell behind by a second and every
command's frame waited with it (`python -m benchmarks fanout`). A clock save
queued behind another clock save of the same simulation replaces it, since
only the newest matters. When a round fails, its writes are retried one by
one, so one simulation's bad write never fails another learner's.
"""
from __future__ import annotations

import asyncio
import logging
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from django.db import IntegrityError, close_old_connections, transaction

from . import services

log = logging.getLogger(__name__)

# A clock save waits at most this long for a round (commands start rounds at
# once): after a crash a playing simulation resumes at most
# live.SAVE_CLOCK_EVERY_S + CLOCK_DELAY_S before where it was.
CLOCK_DELAY_S = 0.25
MAX_ROUND = 500  # writes in one transaction at most (SQL parameters stay well in bounds)


@dataclass(eq=False)
class _Write:
    kind: str      # "append", "clock" (services.sandbox_record) or "replace"
    kwargs: dict   # the fence (public_id, holder, epoch) and the write's fields
    waiters: list = field(default_factory=list)  # (loop, asyncio future)
    error: BaseException | None = None

    @property
    def public_id(self) -> str:
        return self.kwargs["public_id"]


class Journal:
    """The process's one database writer, committing queued writes in rounds."""

    def __init__(self):
        self._lock = threading.Lock()
        self._queue: list[_Write] = []
        # A simulation's queued clock save, while it is the last of its writes.
        self._clock_at_end: dict[str, _Write] = {}
        self._draining = False
        self._timer_loop = None  # the event loop a clock round is timed on, if any
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="lk-recorder")

    def submit(self, kind: str, kwargs: dict, *, at_once: bool = True):
        """Queue one write now (so writes keep the order they were asked in);
        returns a future that resolves when its round has committed. A write
        `at_once` starts a round if none is running; one that is not (a clock
        save while playing) goes with the next round, at the latest
        CLOCK_DELAY_S from now."""
        loop = asyncio.get_running_loop()
        future = loop.create_future()
        public_id = kwargs["public_id"]
        with self._lock:
            queued = self._clock_at_end.get(public_id) if kind == "clock" else None
            if queued is not None:
                queued.kwargs = kwargs  # only the newest clock matters
                queued.waiters.append((loop, future))
                if at_once:
                    self._start_locked()
                return future
            write = _Write(kind, kwargs, [(loop, future)])
            self._queue.append(write)
            if kind == "clock":
                self._clock_at_end[public_id] = write
            else:
                self._clock_at_end.pop(public_id, None)
            if at_once:
                self._start_locked()
            elif not self._draining and (self._timer_loop is None
                                         or self._timer_loop.is_closed()):
                self._timer_loop = loop
                loop.call_later(CLOCK_DELAY_S, self.kick)
        return future

    def kick(self) -> None:
        """Start a round now for whatever is queued (clock saves included)."""
        with self._lock:
            self._timer_loop = None
            if self._queue:
                self._start_locked()

    def _start_locked(self) -> None:
        if not self._draining:
            self._draining = True
            self._thread.submit(self._drain)

    def _drain(self) -> None:
        while True:
            with self._lock:
                batch, self._queue = self._queue[:MAX_ROUND], self._queue[MAX_ROUND:]
                if self._queue:  # what stays queued may still take newer clocks
                    left = set(self._queue)
                    self._clock_at_end = {p: w for p, w in self._clock_at_end.items()
                                          if w in left}
                else:
                    self._clock_at_end.clear()
                if not batch:
                    self._draining = False
                    return
            try:
                self._commit(batch)
            except BaseException as err:  # a bug here must not stall every writer for good
                log.exception("the journal failed a round of %d writes", len(batch))
                for write in batch:
                    write.error = write.error or err
            for write in batch:
                _resolve(write)

    def _commit(self, batch: list[_Write]) -> None:
        close_old_connections()  # as database_sync_to_async does: no stale connection
        try:
            with transaction.atomic():
                run: list[_Write] = []  # appends and clock saves: stored together
                for write in batch:
                    if write.kind != "replace":
                        run.append(write)
                        continue
                    _record(run)
                    run = []
                    try:
                        services.sandbox_replace_history(**write.kwargs)
                    except services.LeaseLost as err:  # that write changed nothing
                        write.error = err
                _record(run)
            return
        except Exception as err:  # the round rolled back: nothing in it was stored
            if len(batch) == 1:
                # A position already taken: another writer got there first.
                taken = isinstance(err, IntegrityError)
                batch[0].error = services.LeaseLost(batch[0].public_id) if taken else err
                return
            log.warning("a round of %d writes failed (%s); retrying them one by one",
                        len(batch), err)
        for write in batch:
            write.error = None
            self._commit([write])


def _record(run: list[_Write]) -> None:
    if not run:
        return
    held = services.sandbox_record(writes=[{"kind": w.kind, **w.kwargs} for w in run])
    for write, ok in zip(run, held, strict=True):
        if not ok:
            write.error = services.LeaseLost(write.public_id)


def _resolve(write: _Write) -> None:
    for loop, future in write.waiters:
        def settle(future=future, error=write.error):
            if future.done():
                return
            if error is None:
                future.set_result(None)
            else:
                future.set_exception(error)
        try:
            loop.call_soon_threadsafe(settle)
        except RuntimeError:  # that event loop is closed (a test ended): nobody waits
            pass


JOURNAL = Journal()


class Recorder:
    """One live simulation's writes, fenced by its lease (holder, epoch)."""

    def __init__(self, public_id: str, *, holder: str, epoch: int, journal: Journal = JOURNAL):
        self.public_id = public_id
        self.holder = holder
        self.epoch = epoch
        self.journal = journal
        self._pending: set[asyncio.Future] = set()

    def _submit(self, kind: str, *, at_once: bool = True, **kwargs) -> asyncio.Future:
        fence = {"public_id": self.public_id, "holder": self.holder, "epoch": self.epoch}
        future = self.journal.submit(kind, {**fence, **kwargs}, at_once=at_once)
        self._pending.add(future)
        future.add_done_callback(self._pending.discard)
        return future

    async def append(self, *, position: int, entry: dict) -> None:
        """Store one accepted command durably (raises LeaseLost or a database error)."""
        await self._submit("append", position=position,
                           at_ms=entry["at_ms"], fired=entry.get("fired"),
                           command=entry["command"])

    async def replace(self, *, scenario: str, keep: int, position) -> None:
        await self._submit("replace", scenario=scenario, keep=keep,
                           now_ms=position[0], fired=position[1])

    def _clock(self, position, speed: float, playing: bool, *,
               at_once: bool = True) -> asyncio.Future:
        return self._submit("clock", at_once=at_once, now_ms=position[0],
                            fired=position[1], speed=speed, playing=playing)

    async def save_clock(self, *, position, speed: float, playing: bool) -> None:
        await self._clock(position, speed, playing)

    def save_clock_later(self, *, position, speed: float, playing: bool,
                         at_once: bool = True) -> None:
        """Queue a clock save behind earlier writes; errors are logged, not raised.
        `at_once=False` (the save every second while playing): it starts no round
        of its own and waits up to CLOCK_DELAY_S for one."""
        def logged(future: asyncio.Future) -> None:
            if future.cancelled():
                return
            err = future.exception()
            if isinstance(err, services.LeaseLost):
                log.info("sandbox %s: clock not saved, the lease moved on", self.public_id)
            elif err is not None:
                log.error("could not save the clock of sandbox %s: %s", self.public_id, err)

        self._clock(position, speed, playing, at_once=at_once).add_done_callback(logged)

    async def flush(self) -> None:
        """Wait until every write asked so far has committed (or failed)."""
        if self._pending:
            self.journal.kick()
        while self._pending:
            await asyncio.gather(*list(self._pending), return_exceptions=True)
