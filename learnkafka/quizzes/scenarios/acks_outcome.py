"""Predict: what does a producer get back, given RF, min.insync.replicas, brokers down and acks?

The guide's "RF=3, min.insync.replicas=2, two brokers down, acks=all" with
the numbers drawn at random. Grading builds that cluster in the simulator,
crashes followers of partition 0, waits until the controller has shrunk the
ISR, sends one record and reads the producer's outcome off the events.
"""

from __future__ import annotations

import random
from functools import lru_cache

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
    return produce_with_brokers_down(
        replication_factor=params["replication_factor"],
        min_insync_replicas=params["min_insync_replicas"],
        brokers_down=params["brokers_down"],
        acks=params["acks"],
        seed=seed,
    )


# How long a produce may take to show its outcome (a NotEnoughReplicas retry
# shows within the first request; delivery.timeout.ms is much longer).
PRODUCE_WINDOW_MS = 5_000


@lru_cache(maxsize=256)
def produce_with_brokers_down(
    *, replication_factor: int, min_insync_replicas: int, brokers_down: int, acks: str, seed: int
) -> dict:
    """Crash `brokers_down` followers of orders-0, let the ISR settle, produce once.

    Returns {"answer": acks-outcome choice id, "observed": what happened}.
    """
    sim = simrun.simulation(
        simrun.cluster(
            replication_factor,
            [
                simrun.topic(
                    "orders",
                    replication_factor=replication_factor,
                    configs={"min.insync.replicas": min_insync_replicas},
                )
            ],
            [{"name": "A", "configs": {"acks": acks, "linger.ms": 0}}],
        ),
        seed,
    )
    for broker in simrun.followers(sim.snapshot(), "orders", 0)[:brokers_down]:
        simrun.apply(sim, {"type": "crash_broker", "broker": broker})
    sim.advance(simrun.SETTLE_MS)
    isr_before = simrun.partition_state(sim.snapshot(), "orders", 0)["isr"]
    events = simrun.produce(sim, topic="orders", partition=0, key="quiz", value="order-1")
    events += simrun.event_dicts(sim.advance(PRODUCE_WINDOW_MS))
    outcome = _classify_produce(events, acks=acks, isr=isr_before, min_insync=min_insync_replicas)
    if outcome["answer"] in ("acknowledged", "no-response"):
        # What consumers can see is a separate question: the HW follows the ISR
        # (and, since Kafka 3.7, stays put while the ISR is below min.insync.replicas).
        # The topic is fresh, so the record is offset 0 and visible once the HW passes 0.
        topic = simrun.topic_state(sim.snapshot(), "orders")
        hw = simrun.partitions_of(topic)[0]["high_watermark"]
        visible = "so consumers can read it" if hw > 0 else "so consumers cannot read it yet"
        outcome["observed"] += f" The high watermark is {hw}, {visible}."
    return outcome


def _classify_produce(events: list[dict], *, acks: str, isr: list[int], min_insync: int) -> dict:
    isr_text = f"the ISR was {{{', '.join(map(str, sorted(isr)))}}}"
    for e in events:
        if e["kind"] == "produce_acknowledged" and e.get("producer") in ("A", "producer:A"):
            if e.get("base_offset") is None:
                return {
                    "answer": "no-response",
                    "observed": f"The record was sent; acks=0 gets no response ({isr_text}).",
                }
            return {
                "answer": "acknowledged",
                "observed": f"Acknowledged at offset {e['base_offset']} with acks={acks} "
                f"({isr_text}, min.insync.replicas={min_insync}).",
            }
        if e["kind"] in ("produce_failed", "produce_rejected"):
            error = str(e.get("error", ""))
            if "NOT_ENOUGH_REPLICAS" in error.upper():
                return {
                    "answer": "not-enough-replicas",
                    "observed": f"The leader answered {error}: {isr_text}, fewer than "
                    f"min.insync.replicas={min_insync}.",
                }
            if "NOT_LEADER" in error.upper():
                return {"answer": "not-leader", "observed": f"The producer got {error}."}
    # Never guess: a question the simulator cannot answer must fail loudly (the
    # content test runs many draws), not grade a learner against a made-up outcome.
    raise RuntimeError(f"the simulator showed no produce outcome within {PRODUCE_WINDOW_MS} ms")
