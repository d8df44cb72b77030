"""The sandbox socket, /ws/sandbox/<id>/: thin, as docs/protocol.md describes it.

It checks who is asking (the browser session must own the sandbox), guards the
door (size limit, token-bucket rate limit, JSON shape), then hands each request
to the live sandbox in runtime.py. Every message it sends carries this
connection's `seq` (+1 each), so the browser can spot a gap and ask `resync`.
"""
from __future__ import annotations

import json
import time

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer

from . import services, wire
from .runtime import DEFAULT_SCENARIO, RuntimeError_, registry
from .selectors import sandbox_get

RATE_PER_S = 20          # sustained client messages per second per connection
BURST = 40               # short bursts above the rate are fine
FLOOD_WARN_EVERY_S = 2.0
SANDBOX_RATE_PER_S = 30  # all sockets of one sandbox together
SANDBOX_BURST = 60
MAX_SOCKETS_PER_SANDBOX = 8

CLOSE_NO_SESSION = 4401
CLOSE_FORBIDDEN = 4403
CLOSE_BUSY = 4429


class TokenBucket:
    """Allows BURST messages at once and RATE_PER_S sustained."""

    def __init__(self, rate_per_s: float = RATE_PER_S, burst: int = BURST):
        self.rate_per_s = rate_per_s
        self.burst = burst
        self.tokens = float(burst)
        self.last = time.monotonic()

    def take(self) -> bool:
        now = time.monotonic()
        self.tokens = min(self.burst, self.tokens + (now - self.last) * self.rate_per_s)
        self.last = now
        if self.tokens >= 1:
            self.tokens -= 1
            return True
        return False


@database_sync_to_async
def _session_exists(session, session_key: str) -> bool:
    return session.exists(session_key)


@database_sync_to_async
def _owned_row(public_id: str, session_key: str):
    """The stored sandbox if this session owns it (created if the id is new), else None."""
    row = sandbox_get(public_id=public_id)
    if row is None:
        return services.sandbox_create(
            session_key=session_key, scenario=DEFAULT_SCENARIO, public_id=public_id)
    return row if row.owner_session_key == session_key else None


class SandboxConsumer(AsyncWebsocketConsumer):
    live = None
    seq = 0
    flood_warned_at = float("-inf")

    async def connect(self):
        public_id = self.scope["url_route"]["kwargs"]["public_id"]
        session = self.scope.get("session")
        session_key = getattr(session, "session_key", None)
        await self.accept()
        # A cookie the server never issued (or that expired) is no session:
        # otherwise made-up keys could each claim a quota of sandboxes.
        if not session_key or not await _session_exists(session, session_key):
            await self._refuse(CLOSE_NO_SESSION, "no_session",
                               "Open the page first: it gives your browser a session.")
            return
        if not wire.valid_public_id(public_id):
            await self._refuse(CLOSE_FORBIDDEN, "forbidden", "That sandbox is not yours.")
            return
        try:
            row = await _owned_row(public_id, session_key)
        except services.SandboxLimitReached:
            await self._refuse(CLOSE_BUSY, "too_many_sandboxes",
                               "This browser already has too many sandboxes.")
            return
        if row is None:
            await self._refuse(CLOSE_FORBIDDEN, "forbidden", "That sandbox is not yours.")
            return
        try:
            live = await registry.get(row)
        except RuntimeError_ as err:
            await self._refuse(CLOSE_BUSY, err.code, err.message)
            return
        if len(live.subscribers) >= MAX_SOCKETS_PER_SANDBOX:
            await self._refuse(CLOSE_BUSY, "too_many_sockets",
                               "This sandbox is already open in too many tabs.")
            return
        self.live = live
        self.bucket = TokenBucket()
        # All sockets of one sandbox also share a bucket: more tabs, no more rate.
        self.shared_bucket = live.extras.setdefault(
            "bucket", TokenBucket(SANDBOX_RATE_PER_S, SANDBOX_BURST))
        await self.send_message(self.live.snapshot_message())
        if self.live.notice:
            notice, self.live.notice = self.live.notice, None
            await self.send_error("sandbox_reset", notice)
        self.live.attach(self.send_message)

    async def disconnect(self, code):
        if self.live is not None:
            await self.live.detach(self.send_message)

    async def _refuse(self, close_code: int, code: str, message: str) -> None:
        await self.send_error(code, message)
        await self.close(code=close_code)

    # ---- sending -----------------------------------------------------------

    async def send_message(self, message: dict) -> None:
        self.seq += 1
        await self.send(text_data=json.dumps({**message, "seq": self.seq}))

    async def send_error(self, code: str, message: str) -> None:
        await self.send_message({"type": "error", "code": code, "message": message})

    # ---- receiving ---------------------------------------------------------

    async def receive(self, text_data=None, bytes_data=None):
        if self.live is None:
            return
        if not (self.bucket.take() and self.shared_bucket.take()):
            # At most one error per FLOOD_WARN_EVERY_S, not one per message:
            # answering every message of a flood would turn it around at us.
            now = time.monotonic()
            if now - self.flood_warned_at >= FLOOD_WARN_EVERY_S:
                self.flood_warned_at = now
                await self.send_error("rate_limited", "Too many messages; slow down.")
            return
        try:
            message = wire.parse_frame(text_data, bytes_data)  # size, depth, JSON, text
        except wire.WireError as err:
            await self.send_error(err.code, err.message)
            return
        try:
            await self.handle(message)
        except RuntimeError_ as err:
            await self.send_error(err.code, err.message)

    async def handle(self, message: dict) -> None:
        live, kind = self.live, message["type"]
        live.touch()
        if kind == "command":
            command = message.get("command")
            if not isinstance(command, dict):
                raise RuntimeError_("bad_command", '"command" must be an object.')
            await live.apply_command(command)
        elif kind == "play":
            await live.play()
        elif kind == "pause":
            await live.pause()
        elif kind == "speed":
            await live.set_speed(message.get("speed"))
        elif kind == "step":
            await live.step()
        elif kind == "rewind":
            await live.rewind(message.get("to_ms"))
        elif kind == "reset":
            await live.reset()
        elif kind == "load_scenario":
            await live.load(message.get("name"))
        elif kind == "resync":
            await self.send_message(live.snapshot_message())
        else:
            raise RuntimeError_("unknown_type", f"Unknown message type {kind!r}.")
