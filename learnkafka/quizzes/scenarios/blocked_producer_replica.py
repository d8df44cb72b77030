"""Diagram: the producer's writes fail; click the replica whose absence blocks them.

Checklist step 1 (verify the producer): `orders-0` needs `min.insync.replicas=3`, the
producer uses acks=all, and one broker (drawn from the seed) is down. The snapshot is
drawn with the cluster diagram; the answer is every replica the simulator no longer
counts in the ISR. The diagram's "out of ISR" marks are concealed.
"""

from __future__ import annotations

import random
from functools import lru_cache

from . import simrun

NAME = "blocked-producer-replica"
KIND = "diagram"


def draw(rng: random.Random) -> dict:
    return {"down_index": rng.randint(0, 1), "records": rng.randint(3, 8)}


def build(params: dict, *, seed: int) -> dict:
    state = _blocked(down_index=params["down_index"], records=params["records"], seed=seed)
    partition = state["partition"]
    out = [b for b in partition["replicas"] if b not in partition["isr"]]
    return {
        "setup": (f"The shop (acks=all) writes to `orders-0`, which has "
                  f"`min.insync.replicas=3`. Its last {params['records']} writes failed with "
                  f"NOT_ENOUGH_REPLICAS. Which replica must come back before they succeed?"),
        "diagram": "cluster",
        "attribute": "data-replica",
        "snapshot": state["snapshot"],
        "targets": [{"id": f"orders/0/{b}",
                     "label": f"Broker {b}: replica of orders-0"
                              f"{' (leader)' if b == partition['leader'] else ''}"}
                    for b in sorted(partition["replicas"])],
        "answer": {f"orders/0/{b}" for b in out},
        "conceal": ["isr"],
    }


@lru_cache(maxsize=64)
def _blocked(*, down_index: int, records: int, seed: int) -> dict:
    sim = simrun.simulation(
        simrun.cluster(3, [simrun.topic("orders", configs={"min.insync.replicas": 3})],
                       [{"name": "shop", "configs": {"acks": "all", "linger.ms": 0}}]),
        seed,
    )
    followers = simrun.followers(sim.snapshot(), "orders", 0)
    down = followers[down_index % len(followers)]
    simrun.apply(sim, {"type": "crash_broker", "broker": down})
    sim.advance(simrun.SETTLE_MS)
    for i in range(records):
        simrun.produce(sim, topic="orders", partition=0, value=f"order-{i}", producer="shop")
    sim.advance(5_000)
    snapshot = sim.snapshot()
    return {"snapshot": snapshot, "partition": simrun.partition_state(snapshot, "orders", 0)}
