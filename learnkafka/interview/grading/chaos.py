"""Q3's chaos run: the candidate's design, run by the payments simulator, charges counted.

The design phase (grading/design.py) records what the candidate built; this
turns it into the payments extension's `Design`
(simulator/extensions/payments/chaos.py, built on h/paysim) and runs
`chaos_run`, which fires a lost response and a client retry, a lost produce
response and a producer retry, a consumer dying before its offsets commit
(a rebalance), and a service crash between the database commit and the
publish. The counts come from the simulator's ground truth (the charges
ledger and the payment-events log); nothing here decides them.

How the candidate's choices map:
- the key: a trap that makes a new key per try ("the server makes a fresh
  key", "retry with a new key") or keeping keys only in a cache is no key
  at all for the database layer (variant ``no_key``); processing before the
  check is too: the check then stops nothing. Otherwise the UNIQUE box picks
  ``key_unique`` or ``key_no_unique``.
- "one transaction" -> transaction_scope ``one_transaction``, else the claim
  commits on its own first (``claim_committed_first``).
- the first race guard picked -> ``for_update`` / ``redis_setnx`` / ``advisory_lock``.
- the gateway cache, producer idempotence and the outbox as picked. (Kafka's
  producer is idempotent by default since 3.0; a design that does not count
  on it runs without it, to show what that layer catches.)
"""

from __future__ import annotations

from simulator.extensions.payments.chaos import Design, chaos_run

from . import Check

LESSON = "payment-idempotency"
NO_KEY_TRAPS = {"server-key", "new-key-on-retry", "cache-only"}
RACE_GUARDS = (("select-for-update", "for_update"), ("setnx", "redis_setnx"),
               ("advisory-lock", "advisory_lock"))


def simulator_design(design: dict) -> Design:
    picked = set(design["safeguards"])
    order = design["order"]
    no_key = bool(picked & NO_KEY_TRAPS) or order.index("process") < order.index("check")
    variant = "no_key" if no_key else ("key_unique" if design["unique_key"] else "key_no_unique")
    safeguard = "none"
    if not no_key:
        safeguard = next((sim for ours, sim in RACE_GUARDS if ours in picked), "none")
    return Design(
        variant=variant, safeguard=safeguard,
        gateway_cache="gateway-cache" in picked,
        producer_idempotence="producer-idempotence" in picked,
        outbox="outbox" in picked,
        transaction_scope="one_transaction" if design["one_transaction"] else
        "claim_committed_first",
    )


def run_chaos(design: dict, *, seed: int) -> dict:
    """The simulator's report as JSON (the Simulation itself is not kept)."""
    report = chaos_run(simulator_design(design), seed=seed)
    return report.to_dict()


def grade_chaos(report: dict) -> list[Check]:
    def check(cid, label, step, count, what):
        c = Check(id=f"chaos-{cid}", label=label, passed=True, dimension="idempotency",
                  lesson=LESSON, step=step)
        return c if count == 0 else c.failed(f"{count} {what} under the chaos run.")

    return [
        check("duplicate-charges", "No payment charged twice", "race",
              report["duplicate_charges"], "extra charges"),
        check("lost-charges", "No payment the client was told succeeded goes uncharged",
              "store", report["lost_charges"], "payments accepted but never charged"),
        check("duplicate-events", "No payment-completed event published twice", "layers",
              report["duplicate_events"], "duplicate events"),
        check("lost-events", "Every charge's event reaches payment-events", "outbox",
              report["lost_events"], "charges whose event was lost"),
    ]


def model_report() -> dict:
    """What the guide's design scores: nothing duplicated, nothing lost."""
    return {"duplicate_charges": 0, "lost_charges": 0, "duplicate_events": 0,
            "lost_events": 0}
