"""The room socket, /ws/room/<code>/: pushes the room to a student or its instructor.

It only ever sends. Every change is made over HTTP (forms with CSRF, views.py)
and comes back here through fanout.py: the public room state to everyone,
a student's own score to that student, the presenter's state (live histogram,
roster) to the room's instructor only. A student may ask for nothing but a
fresh copy (`refresh`); anything else is refused with `forbidden`, so a socket
cannot drive the room, read a poll's answers early or answer for anyone.

Who is asking: the instructor is the logged-in user who owns the room; a
student is the browser's learner key (core/learners.py) on the room's roster.
Anyone else is refused (close 4403) and told to join first.
"""
from __future__ import annotations

import asyncio
import json

from channels.db import database_sync_to_async

from learnkafka.core.learners import SESSION_FIELD
from learnkafka.core.sockets import SocketConsumer
from learnkafka.sandbox.consumers import TokenBucket

from . import selectors, services
from .broadcast import PRESENCE, apublish
from .fanout import encode, sockets

CLOSE_FORBIDDEN = 4403
CLOSE_NOT_FOUND = 4404
MAX_QUEUED = 50  # room states are whole: a socket this far behind needs only the newest


@database_sync_to_async
def _who(code: str, session, user):
    """(room, student or None, is_instructor) for this socket."""
    room = selectors.room_by_code(code)
    if room is None:
        return None, None, False
    is_instructor = bool(user is not None and user.is_authenticated
                         and room.instructor_id == user.id)
    student = None
    key = session.get(SESSION_FIELD) if session is not None else None
    if isinstance(key, str) and key:
        student = selectors.student_for(room=room, learner_key=key)
    return room, student, is_instructor


@database_sync_to_async
def _initial(room_id: int, student_id: int | None, is_instructor: bool) -> list[dict]:
    from .models import Room, Student

    room = Room.objects.get(pk=room_id)
    out = [selectors.public_state(room)]
    if student_id is not None:
        out.append(selectors.student_state(Student.objects.get(pk=student_id)))
    if is_instructor:
        out.append(selectors.presenter_state(room))
    return out


class RoomConsumer(SocketConsumer):
    room_id: int | None = None
    student_id: int | None = None
    is_instructor = False
    joined = False

    async def connect(self):
        await self.accept()
        self._queue: asyncio.Queue[str] = asyncio.Queue()
        self._pump = asyncio.get_running_loop().create_task(self._drain())
        code = self.scope["url_route"]["kwargs"]["code"]
        room, student, is_instructor = await _who(code, self.scope.get("session"),
                                                  self.scope.get("user"))
        if room is None:
            await self._refuse(CLOSE_NOT_FOUND, "not_found", "There is no room with that code.")
            return
        if student is None and not is_instructor:
            await self._refuse(CLOSE_FORBIDDEN, "forbidden", "Join the room first.")
            return
        self.room_id, self.is_instructor = room.id, is_instructor
        self.student_id = student.id if student else None
        self.bucket = TokenBucket(rate_per_s=2, burst=10)
        await database_sync_to_async(services.presence_open)(
            channel_name=self.channel_name, room=room, student=student,
            node=sockets.channel or "")
        await sockets.join(room.id, self)
        self.joined = True
        await self._send_initial()
        if student is not None:
            await apublish(room.id, PRESENCE)

    async def disconnect(self, code):
        if hasattr(self, "_pump"):
            self._pump.cancel()
        if not self.joined:
            return
        await sockets.leave(self.room_id, self)
        await database_sync_to_async(services.presence_close)(channel_name=self.channel_name)
        if self.student_id is not None:
            await apublish(self.room_id, PRESENCE)

    async def _send_initial(self) -> None:
        for message in await _initial(self.room_id, self.student_id, self.is_instructor):
            self.push(encode(message))

    async def _refuse(self, close_code: int, code: str, message: str) -> None:
        await self.send(text_data=encode({"type": "error", "code": code, "message": message}))
        await self.close(code=close_code)

    # ---- sending: in order, never piling up ---------------------------------------

    def push(self, text: str) -> None:
        if self._queue.qsize() >= MAX_QUEUED:
            while not self._queue.empty():
                self._queue.get_nowait()
            asyncio.get_running_loop().create_task(self._send_initial())
            return
        self._queue.put_nowait(text)

    async def _drain(self) -> None:
        while True:
            text = await self._queue.get()
            try:
                await self.send(text_data=text)
            except Exception:  # the socket went away mid-send
                return

    # ---- receiving -------------------------------------------------------------

    async def receive(self, text_data=None, bytes_data=None):
        if not self.joined or not self.bucket.take():
            return
        try:
            message = json.loads(text_data or "")
            kind = message.get("type") if isinstance(message, dict) else None
        except (ValueError, TypeError):
            kind = None
        if kind == "refresh":
            await self._send_initial()
            return
        self.push(encode({"type": "error", "code": "forbidden",
                          "message": "This socket only listens: answers and the "
                                     "instructor's controls go through the page."}))
