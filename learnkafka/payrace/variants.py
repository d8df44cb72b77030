"""The handler variants a learner can race, and what each needs.

Each variant is the guide's handler (PaymentService.processPayment: check,
claim PROCESSING, process, mark SUCCESS/FAILED, all in one @Transactional
transaction) with one thing changed. Only `unique` keeps the guide's
`idempotency_key VARCHAR(255) PRIMARY KEY`; the others drop it, so what
stops (or fails to stop) a double charge is the safeguard alone.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Variant:
    slug: str
    label: str
    unique_key: bool          # idempotency_store.idempotency_key is the PRIMARY KEY
    lock: str                 # "", "account_for_update", "key_for_update", "advisory", "redis"
    needs: str = ""           # "postgresql" or "redis" when the variant cannot run elsewhere
    blurb: str = ""


VARIANTS: dict[str, Variant] = {
    v.slug: v
    for v in (
        Variant("naive", "Check, then insert, no UNIQUE", False, "",
                blurb="The check and the insert are two statements; nothing stops two "
                      "threads that both saw NOT FOUND."),
        Variant("unique", "With the UNIQUE key (the guide's table)", True, "",
                blurb="The second INSERT of the same key waits for the first transaction, "
                      "then fails with a duplicate key: DuplicateKeyException, 409."),
        Variant("for_update_key", "SELECT ... FOR UPDATE on the key row, no UNIQUE", False,
                "key_for_update",
                blurb="Locks the idempotency row while checking. On the first request that "
                      "row does not exist yet, so PostgreSQL locks nothing (it has no gap "
                      "locks): this does not stop the race."),
        Variant("for_update_account", "SELECT ... FOR UPDATE on the account row, no UNIQUE",
                False, "account_for_update",
                blurb="Locks a row that does exist (the account) before checking: requests "
                      "for one account run one after another; the next one finds the key."),
        Variant("advisory", "pg_advisory_xact_lock(hashtext(key)), no UNIQUE", False,
                "advisory", needs="postgresql",
                blurb="A lock on the key's hash, released when the transaction ends: the "
                      "others wait, then find the key and get the cached reply."),
        Variant("redis", "Redis SET key NX EX 30, no UNIQUE", False, "redis", needs="redis",
                blurb="Only one thread's SET NX succeeds; the others are told "
                      "\"already locked\" at once (409) without touching the database."),
    )
}

# What a thread's request ended as. "charged" is the only one that moves money.
OUTCOMES = {
    "charged": "charged (200)",
    "cached": "cached reply (200, no charge)",
    "duplicate_key": "DuplicateKeyException (409)",
    "processing": "still PROCESSING (409)",
    "already_locked": "already locked (409)",
    "insufficient_funds": "insufficient funds (402)",
    "error": "database error",
}
