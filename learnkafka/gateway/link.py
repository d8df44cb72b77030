"""One sandbox's link from this process's gateway connections to its simulation.

The gateway's connections are clients of this process's node
(learnkafka/sandbox/node.py), exactly like a browser's socket: every request
goes in through the node's one door as a `wire_request` command (recorded
before it is shown, forwarded to the process holding the lease when that is
another one), and the answers come back in the simulation's frames, which the
link watches as one hub watcher (one per sandbox per process, however many
connections): it picks out the `wire_response` and `wire_disconnect` events
addressed to its connections (docs/events.md "Outside clients").

It uses only the node's public calls (watch, unwatch, request) and reads the
frames as the browser does, as JSON text.
"""
from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Callable

from learnkafka.sandbox import policy
from learnkafka.sandbox.hub import Watcher
from learnkafka.sandbox.node import node

log = logging.getLogger(__name__)

RESPONSE_TIMEOUT_S = 120.0  # a paused simulation answers nothing; past this the connection closes
LEARNER_KEY = "kafka-gateway"  # the watcher's name in the hub (it counts as one tab)


class Gone(Exception):
    """The simulation ended this connection (a broker crashed) or cannot answer."""


class SandboxLink:
    def __init__(self, public_id: str):
        self.public_id = public_id
        self.watcher: Watcher | None = None
        self.users = 0
        self._waiting: dict[tuple[str, int, int], asyncio.Future] = {}
        self._on_disconnect: dict[tuple[str, int], Callable[[str], None]] = {}
        self._opened: asyncio.Future | None = None

    # ---- life -------------------------------------------------------------------

    async def open(self, row) -> None:
        """Watch the simulation (once per link; every later caller waits for it)."""
        if self._opened is None:
            self._opened = asyncio.ensure_future(self._watch(row))
        await asyncio.shield(self._opened)

    async def _watch(self, row) -> None:
        self.watcher = Watcher(self._on_text, learner_key=LEARNER_KEY, role=policy.DRIVER,
                               name=f"gateway of {self.public_id[:8]}")
        await node.watch(row, self.watcher)

    def close(self) -> None:
        if self.watcher is not None:
            node.unwatch(self.watcher)
        for future in self._waiting.values():
            if not future.done():
                future.set_exception(Gone("the gateway stopped watching this sandbox"))
        self._waiting.clear()

    # ---- requests --------------------------------------------------------------

    async def command(self, command: dict) -> None:
        """One command through the node's door (raises policy.Refused)."""
        await node.request(self.public_id, self.watcher, {"type": "command",
                                                          "command": command})

    def expect(self, client: str, broker: int, correlation_id: int) -> asyncio.Future:
        key = (client, broker, correlation_id)
        future = asyncio.get_running_loop().create_future()
        self._waiting[key] = future
        future.add_done_callback(lambda _: self._waiting.pop(key, None))
        return future

    def on_disconnect(self, client: str, broker: int, callback: Callable[[str], None]) -> None:
        self._on_disconnect[(client, broker)] = callback

    def forget(self, client: str, broker: int) -> None:
        self._on_disconnect.pop((client, broker), None)
        for key, future in list(self._waiting.items()):
            if key[:2] == (client, broker) and not future.done():
                future.cancel()

    # ---- frames ----------------------------------------------------------------

    async def _on_text(self, text: str) -> None:
        if '"wire_' not in text:  # most frames: nothing for us, and no parse
            return
        try:
            message = json.loads(text)
        except ValueError:
            return
        if message.get("type") != "events":
            return
        for event in message.get("events", ()):
            kind = event.get("kind")
            if kind == "wire_response":
                key = (event.get("client"), event.get("broker"), event.get("correlation_id"))
                future = self._waiting.get(key)
                if future is not None and not future.done():
                    future.set_result(event.get("response") or {})
            elif kind == "wire_disconnect":
                callback = self._on_disconnect.get((event.get("client"), event.get("broker")))
                if callback is not None:
                    callback(event.get("reason") or "disconnected")


_links: dict[str, SandboxLink] = {}


async def acquire(row) -> SandboxLink:
    """The link of this sandbox (watching it from now on); pair with release()."""
    link = _links.get(row.public_id)
    if link is None:
        link = _links[row.public_id] = SandboxLink(row.public_id)
    link.users += 1
    try:
        await link.open(row)
    except BaseException:
        release(link)
        raise
    return link


def release(link: SandboxLink) -> None:
    link.users -= 1
    if link.users <= 0 and _links.get(link.public_id) is link:
        _links.pop(link.public_id, None)
        link.close()
