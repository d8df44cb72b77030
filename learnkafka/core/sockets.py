"""The base class of our WebSocket consumers: Channels' async consumer without
a thread hop on every message.

Channels (4.2 and later) awaits `aclose_old_connections()` before handling
each message a consumer receives: one trip to the shared sync thread, meant
for consumers that touch the ORM on the event loop. Ours never do; every
database call goes through `database_sync_to_async`, which closes stale
connections itself before and after each call. The trip was paid by every
frame a socket sent and every channel-layer message, and queued behind
whatever else was waiting for that one thread (with 200 sandboxes playing,
the fan-out benchmark's median produce -> frame time went from 17 to 12 ms
without it, in one run each).
"""
from __future__ import annotations

from channels.consumer import get_handler_name
from channels.generic.websocket import AsyncWebsocketConsumer


class SocketConsumer(AsyncWebsocketConsumer):
    """AsyncWebsocketConsumer whose handlers run straight from the loop."""

    async def dispatch(self, message):
        handler = getattr(self, get_handler_name(message), None)
        if handler is None:
            raise ValueError(f"No handler for message type {message['type']}")
        await handler(message)
