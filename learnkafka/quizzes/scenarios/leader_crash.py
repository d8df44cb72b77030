"""Predict: the leader crashes right after writing a payment. Is the payment safe?

The acks lesson's central picture: with acks=1 the producer is told "done"
as soon as the leader has the record, so a leader crash before the followers
copy it loses an acknowledged record; with acks=all (min.insync.replicas=2)
the producer is not told until the followers have it, so it retries and the
new leader ends up with the record. Grading runs exactly this in the simulator.
"""

from __future__ import annotations

import random
from functools import lru_cache

from . import simrun

NAME = "leader-crash"
KIND = "predict"

CHOICES = [
    {
        "id": "lost",
        "text": "Lost: the producer was told it succeeded, but the new leader never had it",
    },
    {
        "id": "kept-after-retry",
        "text": "Safe: the producer was not told it succeeded, retried, and the new leader has it",
    },
    {
        "id": "kept-acked",
        "text": "Safe: it was acknowledged before the crash and the new leader has it",
    },
    {"id": "duplicated", "text": "Written twice: once by each leader"},
]


def draw(rng: random.Random) -> dict:
    return {"acks": rng.choice(["1", "all"]), "payment": f"payment-{rng.randint(100, 999)}"}


def setup_text(params: dict) -> str:
    return (
        "Topic `payments`: replication factor 3, `min.insync.replicas=2`. Both followers are "
        f"slow to fetch. A producer with `acks=`**{params['acks']}** (idempotence on, retries "
        f"on) sends `{params['payment']}`. Right after the leader has written it, and "
        "acknowledged it if `acks` allows, the leader's broker crashes; the controller elects "
        "a follower from the ISR. A minute later, what became of the payment?"
    )


def choices(params: dict) -> list[dict]:
    return CHOICES


def run(params: dict, *, seed: int) -> dict:
    return leader_crash_after_write(
        acks=params["acks"], payment=params["payment"], seed=seed
    )


@lru_cache(maxsize=256)
def leader_crash_after_write(*, acks: str, payment: str, seed: int) -> dict:
    """payments-0 on three brokers, followers slow to fetch; the leader crashes right
    after writing (and, if acks allows, acknowledging) one record. A minute later:
    was the producer told it succeeded, and does the new leader hold the record?

    Returns {"answer": leader-crash choice id, "observed": what happened}.
    """
    sim = simrun.simulation(
        simrun.cluster(
            3,
            [simrun.topic("payments", configs={"min.insync.replicas": 2})],
            [{"name": "A", "configs": {"acks": acks, "linger.ms": 0}}],
        ),
        seed,
    )
    old_leader = simrun.partition_state(sim.snapshot(), "payments", 0)["leader"]
    followers = simrun.followers(sim.snapshot(), "payments", 0)
    # Slow followers widen the window between the leader's write and their copy,
    # which real Kafka has too (it is only shorter).
    for broker in followers:
        simrun.apply(sim, {"type": "slow_broker", "broker": broker, "slow_ms": 5_000})
    sim.advance(1_000)
    simrun.produce(sim, topic="payments", partition=0, key=payment, value=payment)
    acked_before_crash = False
    deadline_ms = sim.now_ms + 3_000
    while sim.now_ms < deadline_ms and not acked_before_crash:
        acked_before_crash = any(
            e["kind"] == "produce_acknowledged" for e in simrun.event_dicts(sim.step())
        )
    simrun.apply(sim, {"type": "crash_broker", "broker": old_leader})
    for broker in followers:
        simrun.apply(sim, {"type": "slow_broker", "broker": broker, "slow_ms": 0})
    later = simrun.event_dicts(sim.advance(60_000))
    acked_later = any(e["kind"] == "produce_acknowledged" for e in later)
    snapshot = sim.snapshot()
    after = simrun.partition_state(snapshot, "payments", 0)
    records = simrun.partitions_of(simrun.topic_state(snapshot, "payments"))[0].get("records", [])
    copies = sum(1 for r in records if r.get("value") == payment)
    where = f"the new leader is broker {after['leader']}" if after["leader"] else "no leader"
    told = (
        "acknowledged before the crash"
        if acked_before_crash
        else (
            "acknowledged only after a retry to the new leader"
            if acked_later
            else "never acknowledged"
        )
    )
    observed = (
        f"{payment} was {told}; {where}, holding {copies} cop{'y' if copies == 1 else 'ies'}."
    )
    if copies > 1:
        return {"answer": "duplicated", "observed": observed}
    if acked_before_crash and copies == 0:
        return {"answer": "lost", "observed": observed}
    if acked_before_crash and copies == 1:
        return {"answer": "kept-acked", "observed": observed}
    if not acked_before_crash and copies == 1:
        return {"answer": "kept-after-retry", "observed": observed}
    raise RuntimeError(f"unexpected outcome for the leader-crash question: {observed}")
