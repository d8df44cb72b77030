"""Predict (read this output): what is wrong with payment-service, from the CLI's text?

The generator stages one of four situations with random sizes (caught up; no member
left; an idle member; members holding partitions whose offsets do not move), runs
``kafka-consumer-groups --describe`` (twice, 20 s apart) and ``--members`` on the
simulated cluster, and shows exactly what they print. The grader classifies the same
simulation's state; nothing is decided from the parameters.
"""

from __future__ import annotations

import random
from functools import lru_cache

from . import debugrun

NAME = "describe-diagnosis"
KIND = "predict"
KINDS = ("caught-up", "no-members", "idle-member", "stuck")
CHOICES = [
    {"id": "caught-up", "text": "Nothing is wrong with the group: it has read everything there is"},
    {"id": "no-members", "text": "No consumer is running in the group: start (restart) it"},
    {"id": "idle-member", "text": "A member has no partitions: more consumers than partitions"},
    {"id": "stuck",
     "text": "Members hold the partitions but the offsets do not move: they are stuck"},
]


def draw(rng: random.Random) -> dict:
    return {"kind": rng.choice(KINDS), "per_partition": rng.randint(3, 15),
            "extra": rng.randint(1, 2)}


def _scenario(params: dict) -> dict:
    kind, n = params["kind"], params["per_partition"]
    base = {"auto.offset.reset": "earliest"}
    if kind == "caught-up":
        return debugrun.orders_scenario(configs=base, timeline=debugrun.produce(2_000, n))
    if kind == "no-members":
        timeline = debugrun.produce(2_000, n) + [
            {"at_ms": 6_000, "command": {"type": "crash_consumer", "consumer": "payment-1"}}
        ] + debugrun.produce(10_000, n)
        return debugrun.orders_scenario(configs=base, timeline=timeline)
    if kind == "idle-member":
        return debugrun.orders_scenario(consumers=3 + params["extra"], configs=base,
                                        timeline=debugrun.produce(2_000, n))
    # stuck: the shop writes Avro, the consumer expects JSON (a deserialization error).
    return debugrun.orders_scenario(configs={**base, "value.deserializer": "json"},
                                    producer_configs={"value.format": "avro"},
                                    timeline=debugrun.produce(2_000, n))


@lru_cache(maxsize=128)
def _observe(kind: str, per_partition: int, extra: int, seed: int) -> dict:
    sim = debugrun.simulation(_scenario({"kind": kind, "per_partition": per_partition,
                                         "extra": extra}), seed)
    sim.advance(60_000)
    first = debugrun.cli(sim, debugrun.DESCRIBE)
    before = debugrun.group(sim.snapshot())
    sim.advance(20_000)
    second = debugrun.cli(sim, debugrun.DESCRIBE)
    members = debugrun.cli(sim, debugrun.MEMBERS)
    after = debugrun.group(sim.snapshot())
    return {"text": debugrun.transcript((debugrun.DESCRIBE, first), ("# 20 seconds later", ""),
                                        (debugrun.DESCRIBE, second),
                                        (debugrun.MEMBERS, members)),
            "before": before, "after": after}


def _seed(params: dict) -> int:
    return params["per_partition"] * 7 + params["extra"]


def setup_text(params: dict) -> str:
    seen = _observe(params["kind"], params["per_partition"], params["extra"], _seed(params))
    return ("payment-service reads topic `orders` (3 partitions). The on-call engineer ran "
            "these commands on the cluster:\n\n" + seen["text"] + "\n\nWhat do they tell you?")


def choices(params: dict) -> list[dict]:
    return [dict(c) for c in CHOICES]


def classify(before: dict | None, after: dict | None) -> str:
    """The diagnosis, read off the group's state as the simulator has it."""
    if after is None or not after["members"]:
        return "no-members"
    if any(not m["assignment"] for m in after["members"]):
        return "idle-member"
    lag = sum(after["lag"].values())
    moved = before is not None and before["committed"] != after["committed"]
    if lag and not moved:
        return "stuck"
    return "caught-up"


def run(params: dict, *, seed: int) -> dict:
    seen = _observe(params["kind"], params["per_partition"], params["extra"], _seed(params))
    answer = classify(seen["before"], seen["after"])
    after = seen["after"]
    lag = sum(after["lag"].values()) if after else 0
    members = len(after["members"]) if after else 0
    return {"answer": answer,
            "observed": f"In the simulation: {members} member(s), total LAG {lag}, group "
                        f"state {after['state'] if after else 'absent'}."}
