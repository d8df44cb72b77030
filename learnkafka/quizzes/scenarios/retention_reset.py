"""Predict: a consumer comes back after retention may have deleted its committed offset.

Retention does not wait for readers. If a group's committed offset now lies
below the log start offset, the fetch is out of range and `auto.offset.reset`
decides: earliest (the oldest record still kept), latest (the end), or none
(OffsetOutOfRangeException). If it is still in the log, the group simply
resumes. Grading runs the story in the simulator, retention checks included.
"""

from __future__ import annotations

import random
from functools import lru_cache

from . import simrun

NAME = "retention-reset"
KIND = "predict"

OFFLINE = {"30 seconds": 30_000, "10 minutes": 600_000}

CHOICES = [
    {"id": "resume", "text": "It resumes at its committed offset; nothing was missed"},
    {
        "id": "earliest",
        "text": "Its offset is out of range; it restarts at the oldest record still kept, "
        "and the deleted ones are gone",
    },
    {
        "id": "latest",
        "text": "Its offset is out of range; it jumps to the end, "
        "skipping even the records still kept",
    },
    {
        "id": "error",
        "text": "`poll()` throws `OffsetOutOfRangeException` and nothing is read "
        "until someone resets the offsets",
    },
]


def draw(rng: random.Random) -> dict:
    return {
        "offline": rng.choice(sorted(OFFLINE)),
        "auto_offset_reset": rng.choice(["earliest", "latest", "none"]),
    }


def setup_text(params: dict) -> str:
    return (
        "Topic `orders` keeps records for `retention.ms=60000` (one minute); segments roll "
        "every 10 seconds and the broker checks retention every 5 minutes (the default "
        "`log.retention.check.interval.ms`). Group `billing` has read the first five records "
        f"and committed offset 5. Then its only consumer goes offline for **{params['offline']}** "
        "while producers keep writing, and comes back with "
        f"`auto.offset.reset=`**{params['auto_offset_reset']}**. What does its first poll do?"
    )


def choices(params: dict) -> list[dict]:
    return CHOICES


def run(params: dict, *, seed: int) -> dict:
    return consumer_back_after_retention(
        offline_ms=OFFLINE[params["offline"]],
        auto_offset_reset=params["auto_offset_reset"],
        seed=seed,
    )


@lru_cache(maxsize=256)
def consumer_back_after_retention(*, offline_ms: int, auto_offset_reset: str, seed: int) -> dict:
    """A group commits offset 5 on orders-0 (retention.ms one minute), its consumer goes
    offline for `offline_ms` while records keep coming, then returns with
    `auto_offset_reset`. Read off the events what its first poll does.

    Returns {"answer": retention-reset choice id, "observed": what happened}.
    """
    sim = simrun.simulation(
        simrun.cluster(
            3,
            [simrun.topic("orders", configs={"retention.ms": 60_000, "segment.ms": 10_000})],
            [{"name": "A", "configs": {"linger.ms": 0}}],
        ),
        seed,
    )
    # Start with earliest so the group reads and commits; the learner's setting
    # applies when the consumer comes back.
    simrun.apply(
        sim,
        {
            "type": "add_consumer",
            "consumer": "C1",
            "group": "billing",
            "topics": ["orders"],
            "configs": {"auto.offset.reset": "earliest"},
        },
    )
    sim.advance(10_000)
    for i in range(5):
        simrun.produce(sim, topic="orders", partition=0, value=f"order-{i}")
        sim.advance(2_000)
    sim.advance(8_000)  # past auto.commit.interval.ms: offset 5 is committed
    simrun.apply(sim, {"type": "crash_consumer", "consumer": "C1"})
    simrun.apply(
        sim,
        {
            "type": "set_consumer_config",
            "consumer": "C1",
            "configs": {"auto.offset.reset": auto_offset_reset},
        },
    )
    steps = 10
    for i in range(steps):
        simrun.produce(sim, topic="orders", partition=0, value=f"order-{i + 5}")
        sim.advance(offline_ms // steps)
    events = simrun.apply(sim, {"type": "restart_consumer", "consumer": "C1"})
    events += simrun.event_dicts(sim.advance(15_000))
    partition = simrun.partitions_of(simrun.topic_state(sim.snapshot(), "orders"))[0]
    start, end = partition["log_start_offset"], partition["high_watermark"]
    kept = f"the log now starts at offset {start} and ends at {end}"
    for e in events:
        if e["kind"] == "consumer_error" and e.get("consumer") in ("C1", "consumer:C1"):
            return {
                "answer": "error",
                "observed": f"poll() threw {e['error']}: {e['message']} ({kept}).",
            }
        if e["kind"] == "consumer_position_changed" and e.get("reason") == "reset":
            position = e["position"]
            answer = "earliest" if position == start else "latest" if position == end else None
            if answer is None:
                break
            return {
                "answer": answer,
                "observed": f"Offset 5 was out of range ({kept}); the "
                f"consumer reset to {position} and carried on.",
            }
    for e in events:
        if e["kind"] == "consumer_position_changed" and e.get("reason") == "committed":
            if e["position"] >= start:
                return {
                    "answer": "resume",
                    "observed": f"It resumed at the committed offset {e['position']} ({kept}).",
                }
    raise RuntimeError("the simulator showed no outcome for the returning consumer")
