"""A WebSocket client for tests against real Daphne processes: it reads in the
background, checks that every frame follows on from the one before (or is a
snapshot: a fresh start), as the browser's socket.js does, and keeps them all."""
from __future__ import annotations

import asyncio
import json
import re
import urllib.request

from websockets.asyncio.client import connect

ORIGIN = "http://127.0.0.1"


def visit(base_url: str, path: str = "/playground/", cookie: str | None = None):
    """GET a page as a browser would: returns (session cookie, sandbox id on the page)."""
    request = urllib.request.Request(base_url + path)
    if cookie:
        request.add_header("Cookie", f"sessionid={cookie}")
    with urllib.request.urlopen(request, timeout=20) as response:
        page = response.read().decode()
        set_cookie = response.headers.get_all("Set-Cookie") or []
    for header in set_cookie:
        match = re.search(r"sessionid=([^;]+)", header)
        if match:
            cookie = match.group(1)
    sandbox = re.search(r'data-sandbox-id="([^"]+)"', page)
    return cookie, sandbox.group(1) if sandbox else None


class Socket:
    def __init__(self, ws_base: str, public_id: str, cookie: str):
        self.uri = f"{ws_base}/ws/sandbox/{public_id}/"
        self.cookie = cookie
        self.messages: list[dict] = []
        self.raw: list[bytes] = []
        self.at: tuple[int, int] | None = None  # (epoch, frame) of the last frame
        self.closed: int | None = None
        self._changed = asyncio.Event()

    async def open(self) -> Socket:
        self.conn = await connect(self.uri, origin=ORIGIN, open_timeout=20,
                                  additional_headers={"Cookie": f"sessionid={self.cookie}"},
                                  max_size=None, ping_interval=None)
        self._task = asyncio.get_running_loop().create_task(self._read())
        return self

    async def _read(self):
        try:
            while True:
                data = await self.conn.recv(decode=False)  # the payload's bytes as sent
                message = json.loads(data)
                self.at = check_follows(self.at, message)
                self.raw.append(data)
                self.messages.append(message)
                self._changed.set()
        except Exception:
            pass
        finally:
            self.closed = getattr(self.conn, "close_code", None) or -1
            self._changed.set()

    async def send(self, obj: dict) -> None:
        await self.conn.send(json.dumps(obj))

    async def wait_for(self, predicate, timeout: float = 15.0, start: int = 0) -> dict:
        """The first message from index `start` on that satisfies `predicate`."""
        deadline = asyncio.get_running_loop().time() + timeout
        seen = start
        while True:
            for message in self.messages[seen:]:
                if predicate(message):
                    return message
            seen = max(seen, len(self.messages))
            if self.closed is not None:
                raise AssertionError(f"socket closed ({self.closed}) before the message "
                                     f"came: {self.messages[-3:]}")
            remaining = deadline - asyncio.get_running_loop().time()
            if remaining <= 0:
                raise AssertionError(f"no such message within {timeout}s; last: "
                                     f"{[m.get('type') for m in self.messages[-5:]]}")
            self._changed.clear()
            try:
                await asyncio.wait_for(self._changed.wait(), remaining)
            except TimeoutError:
                pass

    async def close(self) -> None:
        await self.conn.close()
        self._task.cancel()


def frames(socket: Socket) -> list[dict]:
    """The frames (messages with a frame number) a socket received, in order."""
    return [m for m in socket.messages if "frame" in m]


def check_follows(at: tuple[int, int] | None, message: dict) -> tuple[int, int] | None:
    """Where a socket stands after `message`: a snapshot starts afresh at its
    (epoch, frame); any other frame must be the next one of the same epoch (the
    server never lets one socket see a gap); a reply has no number."""
    assert "seq" not in message, "no per-connection counter: frames are the same bytes for all"
    if "frame" not in message:
        assert message["type"] in ("error", "cli_output"), message
        return at
    here = (message["epoch"], message["frame"])
    if message["type"] != "snapshot":
        assert at is not None, "a frame before any snapshot"
        assert here == (at[0], at[1] + 1), f"frame {here} does not follow {at}"
    return here


def body(message: dict) -> dict:
    """What every watcher must share (the whole message: nothing is per socket)."""
    return dict(message)


def produced_keys(message: dict) -> set[str]:
    return {r["key"] for e in message.get("events", []) if e.get("kind") == "records_appended"
            for r in e.get("records", []) if r.get("key")}
