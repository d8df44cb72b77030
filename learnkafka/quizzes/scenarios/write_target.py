"""Diagram: click the replica a producer's write for partition N goes to.

Three brokers, topic `orders` with three partitions, replication factor 3,
leaders spread by the controller. The partition asked about comes from the
learner's seed; the answer is that partition's leader in the simulator's
snapshot (the replica producers send to; followers fetch from it).
"""

from __future__ import annotations

import random
from functools import lru_cache

from . import simrun

NAME = "write-target"
KIND = "diagram"


def draw(rng: random.Random) -> dict:
    return {"partition": rng.randint(0, 2)}


def build(params: dict, *, seed: int) -> dict:
    state = three_partition_snapshot(seed=seed)
    number = params["partition"]
    targets = []
    answer = set()
    for p in state["partitions"]:
        for broker in sorted(p["replicas"]):
            replica_id = f"orders/{p['partition']}/{broker}"
            role = "leader" if broker == p["leader"] else "follower"
            # The list is the diagram's text alternative, so it says what the diagram shows.
            targets.append(
                {
                    "id": replica_id,
                    "label": f"Broker {broker}, {role} of "
                    f"{simrun.partition_word(p['partition'])}",
                }
            )
            if p["partition"] == number and broker == p["leader"]:
                answer.add(replica_id)
    return {
        "setup": (
            f"Producer A sends a record to **partition {number}** "
            f"({simrun.partition_word(number)} in the diagram) of topic `orders` "
            f"(three partitions, replication factor 3)."
        ),
        "diagram": "cluster",
        "attribute": "data-replica",
        "snapshot": state["snapshot"],
        "targets": targets,
        "answer": answer,
        "conceal": [],
    }


@lru_cache(maxsize=64)
def three_partition_snapshot(*, seed: int) -> dict:
    """orders with 3 partitions, RF 3, on 3 brokers, settled, a few records written."""
    sim = simrun.simulation(
        simrun.cluster(
            3,
            [simrun.topic("orders", partitions=3)],
            [{"name": "A", "configs": {"linger.ms": 0}}],
        ),
        seed,
    )
    for i in range(3):
        simrun.produce(sim, topic="orders", partition=i, key=f"order-{i}", value="paid")
    sim.advance(2_000)
    snapshot = sim.snapshot()
    return {
        "snapshot": snapshot,
        "partitions": [simrun.partition_state(snapshot, "orders", p) for p in range(3)],
    }
