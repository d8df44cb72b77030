"""This process's room sockets, and one subscription per room per process.

A change to a room reaches every process once (broadcast.py); the process
reads the room's public state once, serialises it once and sends the same
text to each of its local sockets (as the sandbox hub does with frames). The
instructor's sockets also get the presenter's state (histogram, roster);
after a step change every socket gets the step's fragment (`step`, fragments.py)
first, the same text for all;
after a reveal each student socket gets its own score, from one query.

Presence follows the sockets: each socket has a Presence row, deleted when it
closes and refreshed every HEARTBEAT_S by its process, so the rows of a process
that died go stale (selectors.PRESENCE_STALE_S) and drop off the roster; the
instructor's screens get the roster again on every beat, so they see that too.
"""
from __future__ import annotations

import asyncio
import json
import logging

from channels.db import database_sync_to_async
from channels.layers import get_channel_layer

from . import fragments, selectors, services
from .broadcast import ANSWERED, CHANGED, PRESENCE, room_group
from .models import Room

log = logging.getLogger(__name__)

HEARTBEAT_S = 5.0
PRESENTER_EVERY_S = 0.25  # the presenter's histogram and roster: at most 4 updates a second


def encode(message: dict) -> str:
    return json.dumps(message, separators=(",", ":"), ensure_ascii=False)


class RoomSockets:
    def __init__(self):
        self.channel: str | None = None
        self.layer = None
        self.rooms: dict[int, set] = {}
        self._loop = None
        self._tasks: list[asyncio.Task] = []
        self._presenter_due: dict[int, asyncio.Task] = {}
        self._lock: asyncio.Lock | None = None

    async def start(self) -> None:
        loop = asyncio.get_running_loop()
        if self._loop is not loop:  # a new event loop (tests): start afresh
            for task in self._tasks:
                task.cancel()
            self._loop, self.channel, self.rooms = loop, None, {}
            self._presenter_due = {}
            self._lock = asyncio.Lock()
        async with self._lock:
            if self.channel is None:
                self.layer = get_channel_layer()
                self.channel = await self.layer.new_channel()
                self._tasks = [loop.create_task(self._receive()), loop.create_task(self._beat())]

    async def join(self, room_id: int, sock) -> None:
        await self.start()
        members = self.rooms.setdefault(room_id, set())
        if not members:
            await self.layer.group_add(room_group(room_id), self.channel)
        members.add(sock)

    async def leave(self, room_id: int, sock) -> None:
        members = self.rooms.get(room_id)
        if members is None:
            return
        members.discard(sock)
        if not members:
            self.rooms.pop(room_id, None)
            if self.layer is not None and self.channel is not None:
                await self.layer.group_discard(room_group(room_id), self.channel)

    # ---- from the channel layer ------------------------------------------------

    async def _receive(self) -> None:
        while True:
            try:
                message = await self.layer.receive(self.channel)
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("room channel receive failed; retrying")
                await asyncio.sleep(0.5)
                continue
            try:
                await self._deliver(message)
            except Exception:
                log.exception("could not deliver a change of room %s", message.get("room"))

    async def _deliver(self, message: dict) -> None:
        room_id = message.get("room")
        socks = self.rooms.get(room_id)
        if not socks:
            return
        kind = message.get("type")
        if kind == CHANGED:
            public, points, step = await database_sync_to_async(_public_and_scores)(
                room_id, message.get("scores"), message.get("step"))
            text = encode(public)
            for sock in list(socks):
                if step is not None:  # before the state, so a page swaps, then reads it
                    sock.push(step)
                sock.push(text)
                if points is not None and sock.student_id is not None:
                    sock.push(encode({"type": "score", "score": points.get(sock.student_id, 0)}))
        if kind in (CHANGED, ANSWERED, PRESENCE):
            self._presenter_soon(room_id)

    def _presenter_soon(self, room_id: int) -> None:
        """Coalesced: a class answering at once makes a few presenter updates, not one each."""
        if not any(s.is_instructor for s in self.rooms.get(room_id, ())):
            return
        task = self._presenter_due.get(room_id)
        if task is not None and not task.done():
            return

        async def later():
            await asyncio.sleep(PRESENTER_EVERY_S)
            socks = [s for s in self.rooms.get(room_id, ()) if s.is_instructor]
            if socks:
                text = encode(await database_sync_to_async(_presenter)(room_id))
                for sock in socks:
                    sock.push(text)

        self._presenter_due[room_id] = asyncio.get_running_loop().create_task(later())

    async def _beat(self) -> None:
        while True:
            await asyncio.sleep(HEARTBEAT_S)
            names = [s.channel_name for socks in self.rooms.values() for s in socks]
            try:
                await database_sync_to_async(services.presence_refresh)(channel_names=names)
            except Exception:
                log.exception("could not refresh room presence")
            # A socket of a process that died (a restart) drops off the roster when
            # its row goes stale, with no socket closing to say so: tell the
            # instructor's screens on each beat.
            for room_id in list(self.rooms):
                self._presenter_soon(room_id)


def _public_and_scores(room_id: int, with_scores: bool, with_step: bool):
    """The room's public state, scores after a reveal, and after a step change the
    `step` message: the step's fragment (rendered once per step per process,
    fragments.py), serialised once here for every socket of the room."""
    room = Room.objects.get(pk=room_id)
    step = None
    if with_step:
        step = encode({"type": "step", "version": room.version, "step": room.step_index,
                       "html": fragments.step_fragment(room.lesson_slug, room.step_index)})
    return (selectors.public_state(room), selectors.scores(room) if with_scores else None,
            step)


def _presenter(room_id: int) -> dict:
    return selectors.presenter_state(Room.objects.get(pk=room_id))


sockets = RoomSockets()
