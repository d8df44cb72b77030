"""Predict: how many consumers of a group sit idle, given partitions and members?

Grading starts the group in the simulator, lets the rebalance settle and
counts the members whose assignment is empty.
"""

from __future__ import annotations

import random
from functools import lru_cache

from . import simrun

NAME = "idle-consumers"
KIND = "predict"
MAX_CONSUMERS = 6


def draw(rng: random.Random) -> dict:
    partitions = rng.randint(1, 4)
    # Lean towards more consumers than partitions: that is the lesson's warning.
    consumers = rng.randint(max(1, partitions - 1), MAX_CONSUMERS)
    return {"partitions": partitions, "consumers": consumers}


def setup_text(params: dict) -> str:
    p, c = params["partitions"], params["consumers"]
    return (
        f"Topic `orders` has **{p}** partition{'s' if p > 1 else ''}. Consumer group "
        f"`payment-service` has **{c}** consumer{'s' if c > 1 else ''} subscribed to it "
        f"(the default assignor)."
    )


def choices(params: dict) -> list[dict]:
    return [
        {"id": str(n), "text": f"{n} idle consumer{'s' if n != 1 else ''}"}
        for n in range(params["consumers"] + 1)
    ]


def run(params: dict, *, seed: int) -> dict:
    return idle_members_after_rebalance(
        partitions=params["partitions"], consumers=params["consumers"], seed=seed
    )


@lru_cache(maxsize=256)
def idle_members_after_rebalance(*, partitions: int, consumers: int, seed: int) -> dict:
    """Start `consumers` members of one group on a topic, settle, count the idle ones."""
    sim = simrun.simulation(
        simrun.cluster(3, [simrun.topic("orders", partitions=partitions)]), seed
    )
    names = [f"C{i + 1}" for i in range(consumers)]
    for name in names:
        simrun.apply(
            sim,
            {
                "type": "add_consumer",
                "consumer": name,
                "group": "payment-service",
                "topics": ["orders"],
            },
        )
    sim.advance(simrun.SETTLE_MS)
    snapshot = sim.snapshot()
    if simrun.group_state(snapshot, "payment-service") != "Stable":
        raise RuntimeError("the group did not settle; the quiz cannot read an assignment")
    members = simrun.group_members(snapshot, "payment-service")
    idle = sorted(m for m, assignment in members.items() if not assignment)
    busy = {m: a for m, a in members.items() if a}
    detail = "; ".join(f"{m} reads {', '.join(a)}" for m, a in sorted(busy.items()))
    return {
        "answer": str(len(idle)),
        "observed": f"After the rebalance: {detail}. Idle: {', '.join(idle) or 'none'}.",
    }
