"""Predict: the leader crashes right after writing a payment. Is the payment safe?

The acks lesson's central picture: with acks=1 the producer is told "done"
as soon as the leader has the record, so a leader crash before the followers
copy it loses an acknowledged record; with acks=all (min.insync.replicas=2)
the producer is not told until the followers have it, so it retries and the
new leader ends up with the record. Grading runs exactly this in the simulator.
"""

from __future__ import annotations

import random

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
    return simrun.leader_crash_after_write(
        acks=params["acks"], payment=params["payment"], seed=seed
    )
