"""The sandbox socket, /ws/sandbox/<id>/: thin, as docs/protocol.md describes it.

It checks who is asking (the learner key in the browser's session, and that
learner's role on the sandbox: owner, driver or viewer; a stranger may watch
only a shared sandbox), guards the door (size limit, token-bucket rate limit
read from the node's clock, JSON shape, what the role may send), then hands
each request to this process's node (node.py), which runs the simulation or
forwards to the process that does. The frames it sends are the hub's, the
same bytes for every watcher, numbered per simulation (`frame`, `epoch`), so
the browser can spot a gap and ask `resync`; its replies (`error`,
`cli_output`) are this socket's alone and carry no number.
"""
from __future__ import annotations

import secrets

from channels.db import database_sync_to_async

from learnkafka.core.learners import SESSION_FIELD
from learnkafka.core.sockets import SocketConsumer

from . import policy, services, wire
from .backpressure import probe_for, write_for
from .hub import Watcher
from .node import node
from .policy import Refused
from .selectors import member_role, sandbox_get

DEFAULT_SCENARIO = "playground"
RATE_PER_S = 20          # sustained client messages per second per connection
BURST = 40               # short bursts above the rate are fine
FLOOD_WARN_EVERY_S = 2.0
SANDBOX_RATE_PER_S = 30  # all sockets of one sandbox (on this process) together
SANDBOX_BURST = 60

CLOSE_NO_SESSION = 4401
CLOSE_FORBIDDEN = 4403
CLOSE_BUSY = 4429
CLOSE_NOT_READING = 4408  # replies piled up unread: the browser reconnects (not a refusal)


class TokenBucket:
    """Allows `burst` messages at once and `rate_per_s` sustained, on the node's clock."""

    def __init__(self, rate_per_s: float = RATE_PER_S, burst: int = BURST, clock=None):
        self.clock = clock or node.clock
        self.rate_per_s = rate_per_s
        self.burst = burst
        self.tokens = float(burst)
        self.last = self.clock.wall()

    def take(self) -> bool:
        now = self.clock.wall()
        self.tokens = min(self.burst, self.tokens + (now - self.last) * self.rate_per_s)
        self.last = now
        if self.tokens >= 1:
            self.tokens -= 1
            return True
        return False


_shared_buckets: dict[str, TokenBucket] = {}


@database_sync_to_async
def _learner_key(session) -> str | None:
    """The learner key of a session the server issued (None: no such session).
    A session from before learner keys gets one now (its cookie stays the same)."""
    if not session.exists(session.session_key):
        return None
    key = session.get(SESSION_FIELD)
    if not isinstance(key, str) or not key:
        key = secrets.token_hex(16)
        session[SESSION_FIELD] = key
        session.save()
    return key


@database_sync_to_async
def _row_and_role(public_id: str, learner_key: str):
    """(stored sandbox, this learner's role); a new id is created for this learner."""
    row = sandbox_get(public_id=public_id)
    if row is None:
        row = services.sandbox_create(owner_key=learner_key, scenario=DEFAULT_SCENARIO,
                                      public_id=public_id)
    role = policy.role_for(owner_key=row.owner_key, learner_key=learner_key,
                           member_role=member_role(sandbox=row, learner_key=learner_key),
                           shared=row.shared)
    return row, role


class SandboxConsumer(SocketConsumer):
    watcher: Watcher | None = None
    public_id: str | None = None
    joined = False
    flood_warned_at = float("-inf")

    async def connect(self):
        public_id = self.scope["url_route"]["kwargs"]["public_id"]
        session = self.scope.get("session")
        await self.accept()
        self.watcher = Watcher(self._send_text, probe=probe_for(self.base_send),
                               write_now=write_for(self.base_send),
                               name=f"socket of {public_id[:8]}")
        self.watcher.kick = lambda: self._close_soon(CLOSE_FORBIDDEN)
        self.watcher.hang_up = lambda: self._close_soon(CLOSE_NOT_READING)
        # A cookie the server never issued (or that expired) is no session:
        # otherwise made-up keys could each claim a quota of sandboxes.
        learner_key = None
        if session is not None and getattr(session, "session_key", None):
            learner_key = await _learner_key(session)
        if not learner_key:
            await self._refuse(CLOSE_NO_SESSION, "no_session",
                               "Open the page first: it gives your browser a session.")
            return
        if not wire.valid_public_id(public_id):
            await self._refuse(CLOSE_FORBIDDEN, "forbidden", "That sandbox is not yours.")
            return
        try:
            row, role = await _row_and_role(public_id, learner_key)
        except services.SandboxLimitReached:
            await self._refuse(CLOSE_BUSY, "too_many_sandboxes",
                               "This browser already has too many sandboxes.")
            return
        if role is None:
            await self._refuse(CLOSE_FORBIDDEN, "forbidden", "That sandbox is not yours.")
            return
        self.watcher.learner_key, self.watcher.role = learner_key, role
        self.public_id = public_id
        self.bucket = TokenBucket()
        # All sockets of one sandbox also share a bucket: more tabs, no more rate.
        self.shared_bucket = _shared_buckets.setdefault(
            public_id, TokenBucket(SANDBOX_RATE_PER_S, SANDBOX_BURST))
        try:
            await node.watch(row, self.watcher)
        except Refused as err:
            await self._refuse(CLOSE_BUSY, err.code, err.message)
            return
        self.joined = True

    async def disconnect(self, code):
        if self.watcher is not None:
            node.unwatch(self.watcher)
        if self.public_id and not node.watchers_of(self.public_id):
            _shared_buckets.pop(self.public_id, None)

    async def _refuse(self, close_code: int, code: str, message: str) -> None:
        self.send_error(code, message)
        await self.watcher.drain()
        await self.close(code=close_code)

    def _close_soon(self, code: int) -> None:
        import asyncio

        async def close():
            await self.watcher.drain()
            await self.close(code=code)

        asyncio.get_running_loop().create_task(close())

    # ---- sending -----------------------------------------------------------

    async def _send_text(self, text: str) -> None:
        await self.send(text_data=text)

    def send_error(self, code: str, message: str) -> None:
        self.watcher.send_message({"type": "error", "code": code, "message": message})

    # ---- receiving ---------------------------------------------------------

    async def receive(self, text_data=None, bytes_data=None):
        if not self.joined:
            return
        if not (self.bucket.take() and self.shared_bucket.take()):
            # At most one error per FLOOD_WARN_EVERY_S, not one per message:
            # answering every message of a flood would turn it around at us.
            now = node.clock.wall()
            if now - self.flood_warned_at >= FLOOD_WARN_EVERY_S:
                self.flood_warned_at = now
                self.send_error("rate_limited", "Too many messages; slow down.")
            return
        try:
            message = wire.parse_frame(text_data, bytes_data)  # size, depth, JSON, text
        except wire.WireError as err:
            self.send_error(err.code, err.message)
            return
        try:
            await self.handle(message)
        except Refused as err:
            self.send_error(err.code, err.message)

    async def handle(self, message: dict) -> None:
        kind = message["type"]
        if kind == "resync":
            self.watcher.ask_resync()
            return
        if kind in policy.TERMINAL:
            await self._cli(message)
            return
        if kind not in policy.DRIVING | policy.OWNING:
            raise Refused("unknown_type", f"Unknown message type {kind!r}.")
        policy.check_allowed(self.watcher.role, kind)
        if kind == "command":
            policy.check_browser_command(message)
        await node.request(self.public_id, self.watcher, message)

    async def _cli(self, message: dict) -> None:
        """A terminal line: run where the simulation lives; the answer goes to this
        socket only (never published to the other watchers)."""
        policy.check_cli(message)
        request = {"type": "cli", "line": message["line"], "input": message.get("input"),
                   "input_number": message.get("input_number", 1),
                   "close": message.get("close", False),
                   # decided here, from this socket's role; never taken from the client
                   "may_drive": policy.may_drive(self.watcher.role)}
        result = await node.request(self.public_id, self.watcher, request)
        self.watcher.send_message({"type": "cli_output", "id": message.get("id"),
                                   **(result or {"output": "", "interactive": False,
                                                 "applied": 0})})
