"""Telling every process that a room changed: one channel-layer message per change,
sent after the change is committed, to the room's group (fanout.py has one member
per process, never one per socket)."""
from __future__ import annotations

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

CHANGED = "room.changed"      # what students see changed (state, step, a poll, a reveal)
ANSWERED = "room.answered"    # a student answered: the presenter's histogram
PRESENCE = "room.presence"    # someone came or went: the roster


def room_group(room_id: int) -> str:
    return f"lk-room.{room_id}"


def publish(room_id: int, kind: str, *, scores: bool = False, step: bool = False) -> None:
    """From sync code (views, services): sent once the transaction commits.
    `step`: the room moved to another step (each process pushes the step's fragment)."""
    message = {"type": kind, "room": room_id, "scores": scores, "step": step}

    def send():
        async_to_sync(get_channel_layer().group_send)(room_group(room_id), message)

    transaction.on_commit(send)


async def apublish(room_id: int, kind: str) -> None:
    await get_channel_layer().group_send(room_group(room_id),
                                         {"type": kind, "room": room_id, "scores": False})
