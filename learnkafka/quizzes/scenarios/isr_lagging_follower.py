"""Diagram: click the replica that is out of the ISR.

The guide's ISR picture, made real: three brokers, partition 0 replicated
three times, one follower (chosen by the learner's seed) slowed so that it
falls behind for longer than `replica.lag.time.max.ms` while records keep
arriving. The simulator's snapshot is drawn with the cluster diagram; the
answer is the replica the simulator removed from the ISR. The diagram's own
"out of ISR" labels are concealed: the learner reads the offsets.
"""

from __future__ import annotations

import random
from functools import lru_cache

from . import simrun

NAME = "isr-lagging-follower"
KIND = "diagram"


def draw(rng: random.Random) -> dict:
    return {"slow_follower_index": rng.randint(0, 1), "records": rng.randint(12, 20)}


def build(params: dict, *, seed: int) -> dict:
    state = lagging_follower_snapshot(
        slow_follower_index=params["slow_follower_index"], records=params["records"], seed=seed
    )
    partition = state["partition"]
    leader = partition["leader"]
    leader_leo = state["leo_by_broker"][leader]
    out = [b for b in partition["replicas"] if b not in partition["isr"]]
    targets = [
        {
            "id": f"orders/0/{broker}",
            "label": f"Broker {broker}, {'leader' if broker == leader else 'follower'} of "
            f"{simrun.partition_word(0)}, log end offset {state['leo_by_broker'][broker]}",
        }
        for broker in sorted(partition["replicas"])
    ]
    return {
        "setup": (
            f"Topic `orders`, partition 0 ({simrun.partition_word(0)} in the diagram), three "
            f"replicas. The leader's log end offset is "
            f"**{leader_leo}**. `replica.lag.time.max.ms` is 30000 and the cluster has "
            f"been running for {state['now_ms'] // 1000} seconds."
        ),
        "diagram": "cluster",
        "attribute": "data-replica",
        "snapshot": state["snapshot"],
        "targets": targets,
        "answer": {f"orders/0/{b}" for b in out},
        "conceal": ["isr"],
    }


@lru_cache(maxsize=64)
def lagging_follower_snapshot(*, slow_follower_index: int, records: int, seed: int) -> dict:
    """orders-0 on three brokers; one follower slowed while records arrive, out of the ISR."""
    sim = simrun.simulation(
        simrun.cluster(
            3,
            [simrun.topic("orders")],
            [{"name": "A", "configs": {"acks": "1", "linger.ms": 0}}],
        ),
        seed,
    )
    followers = simrun.followers(sim.snapshot(), "orders", 0)
    slow = followers[slow_follower_index % len(followers)]
    for i in range(3):
        simrun.produce(sim, topic="orders", partition=0, key=f"order-{i}", value="paid")
    sim.advance(2_000)
    simrun.apply(sim, {"type": "slow_broker", "broker": slow, "slow_ms": 120_000})
    # Keep writing so the slow follower really falls behind, past replica.lag.time.max.ms.
    for i in range(records):
        simrun.produce(sim, topic="orders", partition=0, key=f"order-{i + 3}", value="paid")
        sim.advance(simrun.SETTLE_MS // records)
    snapshot = sim.snapshot()
    return {
        "snapshot": snapshot,
        "partition": simrun.partition_state(snapshot, "orders", 0),
        "leo_by_broker": simrun.log_end_offsets(snapshot, "orders", 0),
        "now_ms": sim.now_ms,
    }
