"""Predict: will this consumer fall into the rebalancing loop?

Random max.poll.records, processing time per record and max.poll.interval.ms; a
backlog large enough for full batches. The grader runs the consumer in the simulator
for 150 simulated seconds and counts "poll timeout has expired" (the client leaving
the group) — the answer is what happened, not the inequality.
"""

from __future__ import annotations

import random
from functools import lru_cache

from . import debugrun

NAME = "poll-loop-outcome"
KIND = "predict"
CHOICES = [
    {"id": "loop", "text": "It is removed from the group again and again and never catches up"},
    {"id": "fine", "text": "It works through the backlog without leaving the group"},
]


def draw(rng: random.Random) -> dict:
    return {"records": rng.choice([10, 20, 50, 100]),
            "per_record_ms": rng.choice([200, 500, 1_000]),
            "interval_ms": rng.choice([15_000, 30_000, 60_000])}


def setup_text(params: dict) -> str:
    return (f"payment-service (one consumer) has `max.poll.records={params['records']}` and "
            f"`max.poll.interval.ms={params['interval_ms']}`; handling one order takes "
            f"**{params['per_record_ms']} ms**. There are 100 orders waiting on each of 3 "
            f"partitions.")


def choices(params: dict) -> list[dict]:
    return [dict(c) for c in CHOICES]


@lru_cache(maxsize=128)
def _timeouts(records: int, per_record_ms: int, interval_ms: int, seed: int) -> int:
    configs = {"auto.offset.reset": "earliest", "max.poll.records": records,
               "processing.ms.per.record": per_record_ms, "max.poll.interval.ms": interval_ms}
    sim = debugrun.simulation(debugrun.orders_scenario(configs=configs,
                                                       timeline=debugrun.produce(1_000, 100)),
                              seed)
    events = sim.advance(150_000)
    return sum(1 for e in events if e.kind == "poll_timeout_expired")


def run(params: dict, *, seed: int) -> dict:
    count = _timeouts(params["records"], params["per_record_ms"], params["interval_ms"],
                      seed % 1000)
    return {"answer": "loop" if count else "fine",
            "observed": f"In 150 simulated seconds the poll timeout expired {count} time(s)."}
