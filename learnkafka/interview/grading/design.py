"""Grade the payment handler the candidate designed (Q3), before the chaos run tests it.

The design is what the chaos run later executes: the order of the four
steps of the guide's ``PaymentService`` (check, claim, process, mark),
whether they share one database transaction, whether the key has a UNIQUE
constraint, and the safeguards picked from a list that also holds tempting
wrong ones. Right answers follow the study guide and Stripe's published
behaviour (the client makes the key; retries get the saved result).
"""

from __future__ import annotations

from dataclasses import dataclass

from . import Check, InvalidAnswer
from .ordering import grade_order

LESSON = "payment-idempotency"
STEPS: dict[str, str] = {
    "check": "Check: look the key up; SUCCESS returns the saved response, PROCESSING gets 409",
    "claim": "Claim: INSERT the key with status PROCESSING",
    "process": "Process: validate and deduct the balance, record the transaction",
    "mark": "Mark: save the response and set the status to SUCCESS",
}
STEP_ORDER = list(STEPS)


@dataclass(frozen=True)
class Safeguard:
    id: str
    label: str
    good: bool
    step: str
    why: str


SAFEGUARDS: tuple[Safeguard, ...] = (
    # FOR UPDATE locks rows that exist: before the key's row is there, the account's
    # row is the one to lock (simulator/extensions/payments/config.py, `for_update`).
    Safeguard("select-for-update", "SELECT ... FOR UPDATE on the account row before the check",
              True, "safeguards", "Locks the row while checking, so a concurrent retry waits."),
    Safeguard("setnx", "Redis SETNX idempotency:<key> with an expiry (EX 30)", True, "safeguards",
              "A distributed lock: one worker wins, the others are told it is locked."),
    Safeguard("advisory-lock", "pg_advisory_xact_lock(hash(key))", True, "safeguards",
              "A light lock released when the transaction ends."),
    Safeguard("gateway-cache", "API gateway answers repeats from a Redis cache (TTL 24 h)", True,
              "layers", "Layer 1 of three: repeats stop before they reach Kafka."),
    Safeguard("producer-idempotence", "enable.idempotence=true on the Kafka producer", True,
              "layers", "Layer 2: the broker drops a retried batch with the same (PID, "
              "sequence). Default since Kafka 3.0."),
    Safeguard("ttl", "Keys expire after 24 hours (expires_at and a cleanup job)", True, "ttl",
              "The store stays bounded; Stripe prunes keys after 24 hours."),
    Safeguard("outbox", "Outbox: write the event in the same transaction; a relay publishes it",
              True, "outbox",
              "A crash between the database write and the publish loses nothing: the relay "
              "publishes what the committed outbox holds."),
    Safeguard("server-key", "The server makes a fresh key for each request it receives", False,
              "solution", "A retry would get a new key and be charged again: the client makes "
              "the key (a UUID v4) and sends it with every retry."),
    Safeguard("publish-after-commit", "Publish the event straight after the commit, in the "
              "handler", False, "outbox", "A crash between the commit and the publish loses "
              "the event: that is what the outbox is for."),
    Safeguard("new-key-on-retry", "On a timeout the client retries with a new key", False,
              "problem", "A new key is a new payment: the retry charges twice."),
    Safeguard("delete-on-success", "Delete the key as soon as the payment succeeds", False, "ttl",
              "A late retry would then find no key and charge again; keep keys for the TTL."),
    Safeguard("cache-only", "Keep keys only in a Redis cache, with no database row", False,
              "layers", "A cache is not a safety net: the UNIQUE constraint in the database is."),
)
SAFEGUARD_IDS = {s.id for s in SAFEGUARDS}
RACE_GUARDS = {"select-for-update", "setnx", "advisory-lock"}


def parse_design(order, one_transaction, unique_key, safeguards) -> dict:
    if not isinstance(safeguards, list) or not set(safeguards) <= SAFEGUARD_IDS:
        raise InvalidAnswer("Pick safeguards from the list.")
    if sorted(order or []) != sorted(STEP_ORDER):
        raise InvalidAnswer("Put every step of the handler in the list exactly once.")
    return {
        "order": list(order),
        "one_transaction": bool(one_transaction),
        "unique_key": bool(unique_key),
        "safeguards": sorted(set(safeguards), key=[s.id for s in SAFEGUARDS].index),
    }


def _check(cid: str, label: str, step: str, passed: bool, note: str) -> Check:
    check = Check(id=f"design-{cid}", label=label, passed=True, dimension="idempotency",
                  lesson=LESSON, step=step)
    return check if passed else check.failed(note)


def grade_design(design: dict) -> list[Check]:
    base = Check(id="design-order", label="", passed=True, dimension="idempotency",
                 lesson=LESSON, step="solution")
    checks = grade_order(design["order"], STEP_ORDER, labels=STEPS, check_base=base)
    picked = set(design["safeguards"])
    checks += [
        _check("transaction", "Claim, process and mark in ONE database transaction", "store",
               design["one_transaction"],
               "In separate transactions a crash after the deduction leaves the key "
               "PROCESSING with the money gone, or a committed claim with no payment."),
        _check("unique", "A UNIQUE constraint (primary key) on idempotency_key", "race",
               design["unique_key"],
               "Two retries that both pass the check race to the INSERT; only the "
               "constraint stops the second."),
        _check("race-guard", "A lock for concurrent retries (FOR UPDATE, SETNX or advisory)",
               "safeguards", bool(picked & RACE_GUARDS),
               "Pick one of SELECT ... FOR UPDATE, Redis SETNX or an advisory lock."),
    ]
    for guard in SAFEGUARDS:
        chosen = guard.id in picked
        if guard.good and guard.id in RACE_GUARDS:
            continue  # counted once, by the race-guard check
        label = (f"Uses: {guard.label}" if guard.good else f"Avoids: {guard.label}")
        checks.append(_check(guard.id, label, guard.step, chosen == guard.good, guard.why))
    return checks
