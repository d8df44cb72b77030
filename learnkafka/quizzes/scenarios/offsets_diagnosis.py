"""Predict (read this output): is the producer writing, and is the group reading?

Step 1 of the checklist. One of three situations with random rates: the shop writes
and payment-service keeps up; the shop's writes fail (acks=all, min.insync.replicas=3,
a broker down); the shop writes but the only consumer crashed. The learner sees
``kafka-get-offsets`` run twice 20 s apart and ``kafka-consumer-groups --describe``,
exactly as the simulated cluster prints them; the grader compares the same
simulation's end offsets and lag.
"""

from __future__ import annotations

import random
from functools import lru_cache

from . import debugrun

NAME = "offsets-diagnosis"
KIND = "predict"
KINDS = ("all-well", "producer-failing", "consumer-down")
CHOICES = [
    {"id": "all-well", "text": "The producer writes and the group keeps up"},
    {"id": "producer-failing", "text": "Nothing new reaches the log: look at the producer first"},
    {"id": "consumer-down", "text": "Orders arrive, but the group is not reading them"},
]


def draw(rng: random.Random) -> dict:
    return {"kind": rng.choice(KINDS), "per_batch": rng.randint(2, 6)}


def _scenario(kind: str, per_batch: int) -> dict:
    configs = {"auto.offset.reset": "earliest"}
    timeline = []
    for at in range(2_000, 100_000, 5_000):
        timeline += debugrun.produce(at, per_batch)
    if kind == "producer-failing":
        timeline.append({"at_ms": 20_000, "command": {"type": "crash_broker", "broker": 3}})
        return debugrun.orders_scenario(configs=configs, timeline=timeline,
                                        topic_configs={"min.insync.replicas": 3})
    if kind == "consumer-down":
        timeline.append({"at_ms": 8_000, "command": {"type": "crash_consumer",
                                                     "consumer": "payment-1"}})
    return debugrun.orders_scenario(configs=configs, timeline=timeline)


@lru_cache(maxsize=64)
def _observe(kind: str, per_batch: int) -> dict:
    sim = debugrun.simulation(_scenario(kind, per_batch), per_batch)
    sim.advance(70_000)
    first = debugrun.cli(sim, debugrun.OFFSETS)
    ends_before = _ends(sim)
    sim.advance(20_000)
    second = debugrun.cli(sim, debugrun.OFFSETS)
    describe = debugrun.cli(sim, debugrun.DESCRIBE)
    return {"text": debugrun.transcript((debugrun.OFFSETS, first), ("# 20 seconds later", ""),
                                        (debugrun.OFFSETS, second),
                                        (debugrun.DESCRIBE, describe)),
            "grew": _ends(sim) != ends_before,
            "group": debugrun.group(sim.snapshot())}


def _ends(sim) -> dict:
    from simulator.tools.levels import _bounds_all

    return {p: b[1] if b else None for p, b in _bounds_all(sim.world).items()}


def setup_text(params: dict) -> str:
    seen = _observe(params["kind"], params["per_batch"])
    return ("The ticket says payment-service processes no new orders. You start where the "
            "checklist starts:\n\n" + seen["text"])


def choices(params: dict) -> list[dict]:
    return [dict(c) for c in CHOICES]


def run(params: dict, *, seed: int) -> dict:
    seen = _observe(params["kind"], params["per_batch"])
    group = seen["group"]
    reading = bool(group and group["members"]) and sum(group["lag"].values()) < 3 * 3 * 6
    if not seen["grew"]:
        answer = "producer-failing"
    elif reading:
        answer = "all-well"
    else:
        answer = "consumer-down"
    return {"answer": answer,
            "observed": "In the simulation the end offsets "
                        + ("grew" if seen["grew"] else "did not move")
                        + f" and the group had {len(group['members']) if group else 0} member(s)."}
