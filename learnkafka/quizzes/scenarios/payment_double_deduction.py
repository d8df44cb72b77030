"""Click on the diagram: which row of `transactions` is the double deduction?

The attempt draws two or three payments (amounts) and which one loses its
response; none carries an idempotency key (the guide's "before" picture).
The simulator's payments extension runs them: the client times out and
retries the payment whose answer was lost, and the retry deducts again. The
diagram (static/js/diagrams/payment-ledger.js) draws the committed
`transactions` rows from the snapshot; the right rows are read off the
snapshot: every row of a payment after its first.
"""

from __future__ import annotations

import random
from functools import lru_cache

NAME = "payment-double-deduction"
KIND = "diagram"
START_BALANCE = 500


def draw(rng: random.Random) -> dict:
    count = rng.choice([2, 3])
    amounts = [rng.choice([40, 60, 100, 120]) for _ in range(count)]
    return {"amounts": amounts, "lost": rng.randrange(count)}


def _setup(params: dict) -> str:
    lines = ", ".join(f"`pay-{i + 1}` for {a}" for i, a in enumerate(params["amounts"]))
    return (f"Alice starts with {START_BALANCE}. Her app sends {lines}, one after the other, "
            "**without idempotency keys**. One response is lost on the way back; the client "
            "times out after 3 s and retries that request. Below: every committed row of "
            "`transactions`.")


def build(params: dict, *, seed: int) -> dict:
    return _build(tuple(params["amounts"]), params["lost"], seed)


@lru_cache(maxsize=128)
def _build(amounts: tuple, lost: int, seed: int) -> dict:
    from simulator import Simulation

    scenario = {"name": "quiz-double-deduction", "cluster": {"brokers": 1, "controllers": 1},
                "extensions": ["payments"],
                "payments": {"variant": "no_key", "accounts": {"alice": START_BALANCE}}}
    sim = Simulation(scenario, seed=seed, checkpoint_interval_ms=None)
    for i, amount in enumerate(amounts):
        if i == lost:
            sim.apply({"type": "drop_messages", "target": "client:shop",
                       "message_kind": "pay_response"})
        sim.apply({"type": "pay", "request_id": f"pay-{i + 1}", "amount": amount})
        sim.advance(10_000)
    snapshot = sim.snapshot()
    rows = snapshot["payments"]["transactions"]
    seen: set = set()
    answer = set()
    targets = []
    for row in sorted(rows, key=lambda r: (r["values"]["created_at_ms"], r["row_id"])):
        values = row["values"]
        if values["request_id"] in seen:
            answer.add(row["row_id"])
        seen.add(values["request_id"])
        targets.append({"id": row["row_id"],
                        "label": (f"row {row['row_id']}: alice -{values['amount']} "
                                  f"({values['request_id']}, at {values['created_at_ms']} ms)")})
    if not answer:
        raise RuntimeError("the simulator charged no payment twice; the question has no answer")
    return {"setup": _setup({"amounts": list(amounts), "lost": lost}),
            "diagram": "payment-ledger", "attribute": "data-txrow", "snapshot": snapshot,
            "targets": targets, "answer": answer, "conceal": []}
