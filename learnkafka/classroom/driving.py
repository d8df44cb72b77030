"""The room's simulation, driven from the server: a step change loads that step's
scenario into the room's sandbox.

It goes through the live layer's public door, as a socket would: a short-lived
hub.Watcher joins the simulation through this process's node (which opens it
here if no process holds it, or forwards to the process that does), sends one
request, and leaves. So the room's sandbox is changed by exactly the code that
changes every sandbox, under the same lease and the same history.
"""
from __future__ import annotations

from channels.db import database_sync_to_async

from learnkafka.sandbox.hub import Watcher
from learnkafka.sandbox.node import node
from learnkafka.sandbox.policy import OWNER, Refused
from learnkafka.sandbox.selectors import sandbox_get


async def _discard(text: str) -> None:
    return None


async def drive(public_id: str, message: dict) -> None:
    """Send one driving request (e.g. load_scenario) to a sandbox. Raises Refused."""
    row = await database_sync_to_async(sandbox_get)(public_id=public_id)
    if row is None:
        raise Refused("unavailable", "The room's simulation is gone.")
    watcher = Watcher(_discard, learner_key=f"classroom-{public_id[:12]}", role=OWNER,
                      name="classroom driver")
    try:
        await node.watch(row, watcher)
        await node.request(public_id, watcher, message)
    finally:
        node.unwatch(watcher)
