"""Predict: what does a producer get back, given RF, min.insync.replicas, brokers down and acks?

The guide's "RF=3, min.insync.replicas=2, two brokers down, acks=all" with
the numbers drawn at random. Grading builds that cluster in the simulator,
crashes followers of partition 0, waits until the controller has shrunk the
ISR, sends one record and reads the producer's outcome off the events.
"""

from __future__ import annotations

import random

from . import simrun

NAME = "acks-outcome"
KIND = "predict"

CHOICES = [
    {
        "id": "acknowledged",
        "text": "An acknowledgement with the record's offset: the write succeeded",
    },
    {"id": "no-response", "text": "No response at all: it only knows the record was sent"},
    {
        "id": "not-enough-replicas",
        "text": "A `NotEnoughReplicas` error (retried until `delivery.timeout.ms`)",
    },
    {
        "id": "not-leader",
        "text": "A `NotLeaderOrFollower` error: that broker no longer leads the partition",
    },
]


def draw(rng: random.Random) -> dict:
    replication_factor = rng.choice([2, 3, 3])
    min_insync = rng.randint(1, replication_factor)
    # The leader stays up: the question is about acks and the ISR, not elections.
    brokers_down = rng.randint(0, replication_factor - 1)
    acks = rng.choice(["all", "all", "all", "1", "0"])
    return {
        "replication_factor": replication_factor,
        "min_insync_replicas": min_insync,
        "brokers_down": brokers_down,
        "acks": acks,
    }


def setup_text(params: dict) -> str:
    down = params["brokers_down"]
    down_text = (
        "All brokers are up."
        if down == 0
        else f"{down} broker{'s' if down > 1 else ''} holding a follower of partition 0 "
        f"{'have' if down > 1 else 'has'} crashed, and the controller has updated the ISR."
    )
    return (
        f"Topic `orders` has replication factor **{params['replication_factor']}** and "
        f"`min.insync.replicas=`**{params['min_insync_replicas']}**, on "
        f"{params['replication_factor']} brokers. {down_text} The leader of partition 0 "
        f"is up. A producer with `acks=`**{params['acks']}** sends one record to partition 0."
    )


def choices(params: dict) -> list[dict]:
    return CHOICES


def run(params: dict, *, seed: int) -> dict:
    """Run the scenario in the simulator; the answer is what the producer got."""
    return simrun.produce_with_brokers_down(
        replication_factor=params["replication_factor"],
        min_insync_replicas=params["min_insync_replicas"],
        brokers_down=params["brokers_down"],
        acks=params["acks"],
        seed=seed,
    )
