"""Is this socket still reading? Asked of Daphne's Twisted transport.

Daphne's ASGI `send` never waits: every frame goes straight into the
connection's Twisted write buffer, which grows without bound when the browser
stops reading (a background tab, a stalled network), about 1 MB/s at 8x. The
hub must not feed such a socket. Twisted's own producer API says when: a
streaming producer registered on the transport is told `pauseProducing()` once
the buffer holds more than its bufferSize (64 KB) and `resumeProducing()` when
it drained. We register a `Probe` as that producer and the watcher stops
sending (and drops to a resync) while it is paused.

The same protocol object can take a frame at once (`write_for`): the hub then
writes each frame straight to Daphne's WebSocket protocol, synchronously, in
the loop turn that made it, instead of through a task per socket and Channels'
send chain (session middleware, consumer, `Server.handle_reply`), which cost
more than the write itself when a room of hundreds watches (benchmarks/
bench_fanout.py). And since every socket gets the same `hub.Frame`, the
WebSocket frame (header + UTF-8 payload; a server's frames are not masked) is
built once, with autobahn's own `PreparedMessage`, and the same bytes are
written to every transport: no per-socket `sendMessage` (its framing, its
eagerly formatted debug-log arguments, its UTF-8 encoding). Only while the
socket is open; anything else (a closing socket, another server) goes the
ordinary way. A connection that negotiated compression, or one with autobahn's
own send queue in use, goes through autobahn (`sendPreparedMessage`), which
compresses or queues as it must.

Last, the write itself (`_send_now`): Twisted's `transport.write` only buffers
and registers the socket for writing (an `epoll_ctl`), the reactor's next turn
sends, then unregisters it (another `epoll_ctl`): three syscalls and a callback
per socket per frame, where a bare asyncio server makes one `send`. So when
the transport's buffer is empty, the bytes are sent at once with Twisted's own
`writeSomeData` (what its `doWrite` would call) and only what the kernel did
not take is left to `transport.write`, which buffers it, tells the probe to
pause past 64 KB and sends it in order, as before. Any other transport (TLS)
just gets `write`.

Finding the transport means looking through the ASGI `send` callable: Daphne
passes `partial(server.handle_reply, protocol)`, which Channels' session
middleware wraps in a bound method. Under another server (or the test
communicator) there is no transport to ask; `probe_for` returns None and the
watcher's own outbox bound still applies.
"""
from __future__ import annotations

import functools


class Probe:
    """A Twisted IPushProducer that only records whether writing should pause."""

    def __init__(self):
        self.congested = False
        self.on_resume = None

    def pauseProducing(self) -> None:  # noqa: N802 (Twisted's names)
        self.congested = True

    def resumeProducing(self) -> None:  # noqa: N802
        self.congested = False
        if self.on_resume is not None:
            self.on_resume()

    def stopProducing(self) -> None:  # noqa: N802
        self.congested = False


def _daphne_protocol(send):
    for _ in range(5):  # a few layers of middleware at most
        if isinstance(send, functools.partial):
            if send.args and hasattr(send.args[0], "registerProducer"):
                return send.args[0]
            send = send.func
            continue
        owner = getattr(send, "__self__", None)
        inner = getattr(owner, "real_send", None) if owner is not None else None
        if inner is None:
            return None
        send = inner
    return None


def _prepared(frame):
    """The WebSocket frame of `frame`, built once for every socket (hub.Frame.wire)."""
    if frame.wire is None:
        from autobahn.websocket.protocol import PreparedMessage

        frame.wire = PreparedMessage(frame.text.encode("utf-8"), isBinary=False,
                                     applyMask=False, doNotCompress=False)
    return frame.wire


def _send_now(transport, data: bytes) -> None:
    """transport.write(data), sending at once when nothing is buffered ahead of it."""
    from twisted.internet.tcp import Connection

    if (isinstance(transport, Connection) and transport.connected
            and not transport.disconnecting and not transport._tempDataBuffer
            and len(transport.dataBuffer) == transport.offset):
        sent = transport.writeSomeData(data)  # an int, or the loss (left to write's doWrite)
        if isinstance(sent, int):
            if sent >= len(data):
                return
            data = data[sent:]
    transport.write(data)


def write_for(send):
    """A function writing one hub.Frame to this socket now (True), or False when
    the socket is not open; None when `send` does not lead to Daphne."""
    protocol = _daphne_protocol(send)
    if protocol is None or not hasattr(protocol, "sendPreparedMessage"):
        return None

    def write(frame) -> bool:
        if protocol.state != protocol.STATE_OPEN:
            return False
        prepared = _prepared(frame)
        transport = protocol.transport
        if (getattr(protocol, "_perMessageCompress", None) is None and transport is not None
                and not getattr(protocol, "send_queue", None)):
            _send_now(transport, prepared.payloadHybi)  # sendPreparedMessage, minus its log
        else:
            protocol.sendPreparedMessage(prepared)
        return True

    return write


def probe_for(send) -> Probe | None:
    protocol = _daphne_protocol(send)
    if protocol is None or getattr(protocol, "transport", None) is None:
        return None
    probe = Probe()
    try:
        protocol.registerProducer(probe, True)
    except Exception:  # a transport that has a producer already, or is closing
        return None
    return probe
