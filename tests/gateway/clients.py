"""Helpers the gateway tests share: the browser's own socket (to run terminal
lines and crash brokers as a learner does) and waits on conditions."""
from __future__ import annotations

import asyncio
import threading
import time

from tests.sandbox.wsclient import Socket


def until(predicate, timeout: float = 60.0, every: float = 0.2, what: str = "condition"):
    """Poll `predicate` until it returns something truthy (and return that)."""
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        last = predicate()
        if last:
            return last
        time.sleep(every)
    raise AssertionError(f"{what} not met within {timeout}s (last: {last!r})")


def browser(gateway, learner):
    """A sync wrapper around the sandbox WebSocket of this learner's page."""
    return BrowserSocket(gateway.ws, learner.sandbox, learner.cookie)


class BrowserSocket:
    def __init__(self, ws_base: str, sandbox: str, cookie: str):
        # The socket's loop runs in a thread of its own, so this sync wrapper works
        # whatever else (a library, another fixture) has a loop running in the
        # test's thread: run_until_complete there refuses to nest.
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self.loop.run_forever, daemon=True,
                                        name="gateway-test-browser-socket")
        self._thread.start()
        self.socket = self._run(Socket(ws_base, sandbox, cookie).open())
        self._run(self.socket.wait_for(lambda m: m["type"] == "snapshot"))
        self._cli_ids = 0

    def _run(self, coroutine):
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result()

    def cli(self, line: str, timeout: float = 20.0) -> str:
        self._cli_ids += 1
        request_id = f"t{self._cli_ids}"

        async def run():
            start = len(self.socket.messages)
            await self.socket.send({"type": "cli", "id": request_id, "line": line})
            message = await self.socket.wait_for(
                lambda m: m["type"] == "cli_output" and m.get("id") == request_id,
                timeout=timeout, start=start)
            return message["output"]

        return self._run(run())

    def command(self, command: dict) -> None:
        self._run(self.socket.send({"type": "command", "command": command}))

    def events(self) -> list[dict]:
        self._run(asyncio.sleep(0))
        return [e for m in self.socket.messages if m.get("type") == "events"
                for e in m.get("events", ())]

    def wait_event(self, predicate, timeout: float = 30.0) -> dict:
        async def run():
            message = await self.socket.wait_for(
                lambda m: m.get("type") == "events" and any(predicate(e) for e in m["events"]),
                timeout=timeout)
            return next(e for e in message["events"] if predicate(e))

        return self._run(run())

    def close(self) -> None:
        try:
            self._run(self.socket.conn.close())
        finally:
            self.loop.call_soon_threadsafe(self.loop.stop)
            self._thread.join(timeout=10)
            self.loop.close()
