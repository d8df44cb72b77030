"""Predict: the response to a payment is lost and the client retries: the balance after?

The guide's problem scenario with drawn numbers: a balance, an amount, whether
the request carries an idempotency key (with the guide's UNIQUE handler) and
whether the response of the first attempt is lost in the network. Grading runs
the payments extension and reads the committed balance.
"""

from __future__ import annotations

import random
from functools import lru_cache

NAME = "payment-lost-response"
KIND = "predict"


def draw(rng: random.Random) -> dict:
    return {"balance": rng.choice([300, 500, 800]), "amount": rng.choice([50, 100, 200]),
            "with_key": rng.random() < 0.5, "lost": rng.random() < 0.75}


def setup_text(params: dict) -> str:
    key = ("carries an `Idempotency-Key` (the service stores it in `idempotency_store`, "
           "UNIQUE)" if params["with_key"] else "carries **no** idempotency key")
    lost = ("The service processes it, but **its response is lost** in the network: the "
            "client times out after 3 s and retries the same request." if params["lost"]
            else "The response arrives in time.")
    return (f"The balance is **{params['balance']}**. The client sends `POST /pay` for "
            f"**{params['amount']}**; the request {key}. {lost} What is the balance once "
            "everything has settled?")


def _balances(params: dict) -> list[int]:
    b, a = params["balance"], params["amount"]
    return [b, b - a, b - 2 * a]


def choices(params: dict) -> list[dict]:
    return [{"id": str(v), "text": str(v)} for v in _balances(params)]


def run(params: dict, *, seed: int) -> dict:
    return balance_after(balance=params["balance"], amount=params["amount"],
                         with_key=params["with_key"], lost=params["lost"], seed=seed)


@lru_cache(maxsize=256)
def balance_after(*, balance: int, amount: int, with_key: bool, lost: bool, seed: int) -> dict:
    from simulator import Simulation

    scenario = {"name": "quiz-payments", "cluster": {"brokers": 1, "controllers": 1},
                "extensions": ["payments"],
                "payments": {"variant": "key_unique" if with_key else "no_key",
                             "accounts": {"alice": balance}}}
    sim = Simulation(scenario, seed=seed, checkpoint_interval_ms=None)
    if lost:
        sim.apply({"type": "drop_messages", "target": "client:shop",
                   "message_kind": "pay_response"})
    sim.apply({"type": "pay", "amount": amount})
    sim.advance(20_000)
    snap = sim.snapshot()["payments"]
    charges = snap["charges"].get("pay-1", 0)
    return {"answer": str(snap["balances"]["alice"]),
            "observed": (f"The simulator deducted {charges} time{'s' if charges != 1 else ''}: "
                         f"the balance is {snap['balances']['alice']}.")}
