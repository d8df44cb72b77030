"""Predict: two requests with one idempotency key, some ms apart: how many charges?

The attempt draws the handler (no UNIQUE, UNIQUE, or no UNIQUE plus one of the
guide's safeguards), how far apart the two requests reach the payment service
(0 to 8 ms: the guide's "two retries arrive simultaneously") and how long the
deduction takes. Grading sends both through the payments extension of the
simulator and counts the deductions that committed for that key.
"""

from __future__ import annotations

import random
from functools import lru_cache

NAME = "payment-retry-charges"
KIND = "predict"

HANDLERS = {
    "key_no_unique/none": "an idempotency key checked before processing, but **no UNIQUE "
                          "constraint** on `idempotency_store.idempotency_key` and no lock",
    "key_unique/none": "the guide's handler: the key is the **PRIMARY KEY** of "
                       "`idempotency_store` (UNIQUE), but **no FOR UPDATE** and no lock",
    "key_no_unique/for_update": "no UNIQUE constraint, but `SELECT ... FROM accounts WHERE id "
                                "= ? FOR UPDATE` before the check",
    "key_no_unique/redis_setnx": "no UNIQUE constraint, but `SET idempotency:<key> processing "
                                 "NX EX 30` before the check",
    "key_no_unique/advisory_lock": "no UNIQUE constraint, but `pg_advisory_xact_lock(hash(key))` "
                                   "before the check",
    "key_no_unique/for_update_key_row": "no UNIQUE constraint, but `SELECT * FROM "
                                        "idempotency_store WHERE idempotency_key = ? FOR UPDATE` "
                                        "before the check",
    "no_key/none": "**no idempotency key** at all",
}


def draw(rng: random.Random) -> dict:
    return {"handler": rng.choice(sorted(HANDLERS)), "gap_ms": rng.choice([0, 1, 2, 5, 8]),
            "process_ms": rng.choice([1, 5, 20])}


def setup_text(params: dict) -> str:
    return (
        f"Alice has 500. The payment service runs {HANDLERS[params['handler']]}; the claim "
        "(status PROCESSING) commits before the payment is processed. Two retries of one "
        f"$100 payment, with the same `Idempotency-Key`, reach the service "
        f"**{params['gap_ms']} ms apart**; each handler line takes 1 ms and the deduction "
        f"{params['process_ms']} ms. How many times is Alice charged?"
    )


def choices(params: dict) -> list[dict]:
    return [{"id": str(n), "text": f"{n} time{'s' if n != 1 else ''}"} for n in (0, 1, 2)]


def run(params: dict, *, seed: int) -> dict:
    return charges_for(handler=params["handler"], gap_ms=params["gap_ms"],
                       process_ms=params["process_ms"], seed=seed)


@lru_cache(maxsize=256)
def charges_for(*, handler: str, gap_ms: int, process_ms: int, seed: int) -> dict:
    from simulator import Simulation

    variant, safeguard = handler.split("/")
    scenario = {"name": "quiz-payments", "cluster": {"brokers": 1, "controllers": 1},
                "extensions": ["payments"],
                "payments": {"variant": variant, "safeguard": safeguard,
                             "process_ms": process_ms, "timeout_ms": 60_000,
                             "max_retries": 0}}
    sim = Simulation(scenario, seed=seed, checkpoint_interval_ms=None)
    sim.apply({"type": "pay", "request_id": "first"})
    if gap_ms:
        sim.advance(gap_ms)
    second = {"type": "pay", "request_id": "retry"}
    if variant != "no_key":
        second["same_key_as"] = "first"
    sim.apply(second)
    sim.advance(10_000)
    snap = sim.snapshot()["payments"]
    charges = sum(snap["charges"].values())
    answers = {t["request_id"]: t["status_code"] for t in snap["threads"]}
    return {
        "answer": str(charges),
        "observed": (f"The simulator charged {charges} time{'s' if charges != 1 else ''}: "
                     f"balance {snap['balances']['alice']}; the first request answered "
                     f"{answers.get('first')}, the retry {answers.get('retry')}."),
    }
