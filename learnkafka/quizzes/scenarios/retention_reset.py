"""Predict: a consumer comes back after retention may have deleted its committed offset.

Retention does not wait for readers. If a group's committed offset now lies
below the log start offset, the fetch is out of range and `auto.offset.reset`
decides: earliest (the oldest record still kept), latest (the end), or none
(OffsetOutOfRangeException). If it is still in the log, the group simply
resumes. Grading runs the story in the simulator, retention checks included.
"""

from __future__ import annotations

import random

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
    return simrun.consumer_back_after_retention(
        offline_ms=OFFLINE[params["offline"]],
        auto_offset_reset=params["auto_offset_reset"],
        seed=seed,
    )
