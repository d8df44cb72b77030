"""The gateway's listeners: one TCP port per simulated broker, inside Daphne.

Broker b listens on LEARNKAFKA_GATEWAY_PORT + b - 1 (broker 1 on 9092 by
default), for b = 1..simulator.limits.MAX_BROKERS, and Metadata and
FindCoordinator answers advertise exactly those ports on
LEARNKAFKA_GATEWAY_HOST, so a client that bootstraps from broker 1's port
then reaches each partition's leader on its own port.

The listeners run on Daphne's own event loop (docs/architecture.md, "The
Kafka gateway"): started once the Twisted reactor runs, they share the
process's node with its WebSockets. Every Daphne process of a deployment
binds the same ports with SO_REUSEPORT, so the kernel spreads connections
over them and any one of them may die; a connection's requests reach the
process holding its sandbox's lease through the node, as a socket's do.
"""
from __future__ import annotations

import asyncio
import logging
import sys

from django.conf import settings

from simulator.limits import MAX_BROKERS

log = logging.getLogger(__name__)

_servers: list[asyncio.AbstractServer] = []


def port_of(broker: int) -> int:
    return settings.GATEWAY_PORT + broker - 1


def advertise(api: str, response: dict) -> dict:
    """The gateway's own host and ports in place of the simulation's broker names."""
    host = settings.GATEWAY_HOST
    if api == "metadata":
        for broker in response.get("brokers") or ():
            broker["host"], broker["port"] = host, port_of(broker.get("node_id", 1))
    elif api == "find_coordinator":
        for coordinator in [response, *(response.get("coordinators") or ())]:
            node_id = coordinator.get("node_id", -1)
            if isinstance(node_id, int) and node_id >= 1:
                coordinator["host"], coordinator["port"] = host, port_of(node_id)
    return response


async def start() -> list[int]:
    """Listen on every broker's port (idempotent); returns the ports bound."""
    if _servers or not settings.GATEWAY_PORT:
        return [s.sockets[0].getsockname()[1] for s in _servers if s.sockets]
    # The codec (kio, kafka.record) is imported here, once the process already
    # serves HTTP, so the gateway never slows a Daphne's start.
    from .connection import Connection

    ports = []
    for broker in range(1, MAX_BROKERS + 1):
        def serve(reader, writer, broker=broker):
            return Connection(reader, writer, broker, advertise).serve()
        try:
            server = await asyncio.start_server(
                serve, host=settings.GATEWAY_BIND, port=port_of(broker),
                reuse_port=sys.platform.startswith("linux"), limit=64 * 1024)
        except OSError as err:
            log.warning("Kafka gateway: broker %s's port %s is taken (%s); it is not served "
                        "from this process", broker, port_of(broker), err)
            continue
        _servers.append(server)
        ports.append(port_of(broker))
    if ports:
        log.info("Kafka gateway listening on %s ports %s-%s (broker 1 = %s)",
                 settings.GATEWAY_BIND, ports[0], ports[-1], port_of(1))
    return ports


async def stop() -> None:
    for server in _servers:
        server.close()
    _servers.clear()


def start_when_daphne_runs() -> None:
    """Called from asgi.py: under Daphne (its Twisted reactor on an asyncio loop)
    start the listeners once the loop runs; anywhere else (a test's ASGI
    communicator, a management command) do nothing."""
    if not settings.GATEWAY_PORT or "twisted.internet.reactor" not in sys.modules:
        return
    from twisted.internet import reactor

    loop = getattr(reactor, "_asyncioEventloop", None)
    if loop is None:
        return

    def begin():
        loop.create_task(_start_logged())

    reactor.callWhenRunning(begin)


async def _start_logged() -> None:
    try:
        await start()
    except Exception:
        log.exception("Kafka gateway did not start")
