"""The recorder: a live simulation's writes to the database, in order.

A command's row is written (and awaited) before its result is shown, so a
learner never sees a change that a crash could take back. Clock saves are
queued behind earlier writes without making anyone wait. The writes run on
one thread of their own (`_writer`, FIFO, one per process): on Channels' shared
sync thread a command's commit waited behind whatever else was queued there (a
room of sockets connecting loads as many sessions), and the frame showing it
waited with it. Every write is fenced
by the lease (services.py): a process that lost the simulation to another one
gets `LeaseLost` and stores nothing.
"""
from __future__ import annotations

import asyncio
import logging
from concurrent.futures import ThreadPoolExecutor

from django.db import close_old_connections

from . import services

log = logging.getLogger(__name__)

_writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="lk-recorder")


def _on_writer(fn, kwargs):
    def run():
        close_old_connections()  # as database_sync_to_async does: no stale connection
        return fn(**kwargs)

    return asyncio.get_running_loop().run_in_executor(_writer, run)


class Recorder:
    def __init__(self, public_id: str, *, holder: str, epoch: int):
        self.public_id = public_id
        self.holder = holder
        self.epoch = epoch
        self._lock = asyncio.Lock()  # FIFO: writes land in the order they were asked
        self._pending: set[asyncio.Task] = set()

    def _fence(self) -> dict:
        return {"public_id": self.public_id, "holder": self.holder, "epoch": self.epoch}

    async def _write(self, fn, **kwargs) -> None:
        async with self._lock:
            await _on_writer(fn, {**self._fence(), **kwargs})

    async def append(self, *, position: int, entry: dict) -> None:
        """Store one accepted command durably (raises LeaseLost or a database error)."""
        await self._write(services.sandbox_append_command, position=position,
                          at_ms=entry["at_ms"], fired=entry.get("fired"),
                          command=entry["command"])

    async def replace(self, *, scenario: str, keep: int, position) -> None:
        await self._write(services.sandbox_replace_history, scenario=scenario, keep=keep,
                          now_ms=position[0], fired=position[1])

    async def save_clock(self, *, position, speed: float, playing: bool) -> None:
        await self._write(services.sandbox_save_clock, now_ms=position[0], fired=position[1],
                          speed=speed, playing=playing)

    def save_clock_later(self, **kwargs) -> None:
        """Queue a clock save behind earlier writes; errors are logged, not raised."""
        async def run():
            try:
                await self.save_clock(**kwargs)
            except services.LeaseLost:
                log.info("sandbox %s: clock not saved, the lease moved on", self.public_id)
            except Exception:
                log.exception("could not save the clock of sandbox %s", self.public_id)

        task = asyncio.get_running_loop().create_task(run())
        self._pending.add(task)
        task.add_done_callback(self._pending.discard)

    async def flush(self) -> None:
        while self._pending:
            await asyncio.gather(*list(self._pending), return_exceptions=True)
