"""The one table of message kinds a broker handles: kind -> ``fn(broker, message)``.

The broker's own kinds are listed here; an extension adds its kinds to the
same table with the decorator (this is the plug-in API)::

    from simulator.broker import on_broker_message

    @on_broker_message("join_group")
    def _join(broker, message): ...

A kind belongs to one handler: registering a second function for a kind
already taken (a typo, or two plug-ins choosing the same name) raises at
import time instead of silently replacing the first. A message of a kind no
one handles is ignored, as a broker ignores an API it does not know.
"""

from __future__ import annotations

from collections.abc import Callable

from simulator import produce_handling, transactions
from simulator.broker import fetch_serving, follower_fetcher, replica_manager

BROKER_MESSAGE_HANDLERS: dict[str, Callable] = {
    # replication
    "fetch": fetch_serving.on_fetch,
    "fetch_response": follower_fetcher.on_fetch_response,
    # metadata from the controller, and for clients
    "metadata_update": replica_manager.on_metadata_message,
    "registration_response": replica_manager.on_metadata_message,
    "heartbeat_response": replica_manager.on_metadata_message,
    "alter_partition_response": replica_manager.on_alter_partition_response,
    "metadata_request": replica_manager.on_metadata_request,
    # producers and transactions
    "produce": produce_handling.handle_produce,
    "init_producer_id": transactions.on_init_producer_id,
    "end_txn": transactions.on_end_txn,
    "write_txn_markers": transactions.on_write_txn_markers,
    "write_txn_markers_response": transactions.on_write_txn_markers_response,
}


def _same_function(a: Callable, b: Callable) -> bool:
    # A module imported twice (importlib.reload) registers an equal function again.
    return (a.__module__, a.__qualname__) == (b.__module__, b.__qualname__)


def on_broker_message(kind: str) -> Callable:
    """Decorator: handle messages of `kind` arriving at any broker: ``fn(broker, message)``."""

    def register(fn: Callable) -> Callable:
        taken = BROKER_MESSAGE_HANDLERS.get(kind)
        if taken is not None and not _same_function(taken, fn):
            raise ValueError(f"broker message kind {kind!r} is already handled by "
                             f"{taken.__module__}.{taken.__qualname__}")
        BROKER_MESSAGE_HANDLERS[kind] = fn
        return fn

    return register


def dispatch(broker, message) -> None:
    handler = BROKER_MESSAGE_HANDLERS.get(message.kind)
    if handler is not None:
        handler(broker, message)
