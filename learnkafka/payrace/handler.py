"""The guide's PaymentService.processPayment, as SQL on a real connection.

One call is one request: one @Transactional transaction that checks the
key, claims it (PROCESSING), checks and deducts the balance, writes the
transaction row and marks the key SUCCESS (or FAILED). The variant adds its
safeguard in front (variants.py). Returns the outcome (variants.OUTCOMES).
"""
from __future__ import annotations

import json

from .variants import Variant

AMOUNT = 100


class _Refused(Exception):
    """Leaves the transaction (rolling it back) with an outcome that is not an error."""

    def __init__(self, outcome: str):
        self.outcome = outcome


def process_payment(store, conn, *, variant: Variant, key: str, account_id: int, thread: int,
                    redis_client=None, redis_prefix: str = "") -> str:
    p = store.placeholder
    if variant.lock == "redis":
        # SETNX idempotency:<key> "processing" EX 30 (the guide's safeguard 2), before the DB.
        if not redis_client.set(f"{redis_prefix}idempotency:{key}", "processing", nx=True, ex=30):
            return "already_locked"
    cur = conn.cursor()
    try:
        with store.begin(conn):
            if variant.lock == "advisory":
                cur.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", (key,))
            elif variant.lock == "account_for_update" and store.supports_for_update:
                cur.execute("SELECT balance FROM accounts WHERE id = %s FOR UPDATE", (account_id,))
            lock_clause = (" FOR UPDATE" if variant.lock == "key_for_update"
                           and store.supports_for_update else "")
            # Step 1: check whether this key was already processed.
            cur.execute(f"SELECT status FROM idempotency_store WHERE idempotency_key = {p}"
                        + lock_clause, (key,))
            row = cur.fetchone()
            if row is not None:
                raise _Refused("processing" if row[0] == "PROCESSING" else "cached")
            # Step 2: claim the key (PROCESSING). With UNIQUE a second claim fails here.
            try:
                cur.execute(
                    "INSERT INTO idempotency_store (idempotency_key, status, expires_at)"
                    f" VALUES ({p}, 'PROCESSING', CURRENT_TIMESTAMP)", (key,))
            except Exception as error:
                if store.is_unique_violation(error):
                    raise _Refused("duplicate_key") from error
                raise
            # Step 3: process the payment: validate, deduct, record.
            cur.execute(f"UPDATE accounts SET balance = balance - {p}"
                        f" WHERE id = {p} AND balance >= {p}", (AMOUNT, account_id, AMOUNT))
            if cur.rowcount != 1:
                # Guide: mark FAILED so a retry may try again. The transaction commits
                # that mark (nothing was deducted).
                cur.execute(f"UPDATE idempotency_store SET status = 'FAILED'"
                            f" WHERE idempotency_key = {p}", (key,))
                return "insufficient_funds"
            cur.execute("INSERT INTO transactions (account_id, amount, idempotency_key, thread)"
                        f" VALUES ({p}, {p}, {p}, {p})", (account_id, AMOUNT, key, thread))
            # Step 4: save the result and mark SUCCESS.
            body = json.dumps({"status": "SUCCESS", "message": "Payment processed"})
            cur.execute(f"UPDATE idempotency_store SET status = 'SUCCESS', response_code = 200,"
                        f" response_body = {p} WHERE idempotency_key = {p}", (body, key))
            return "charged"
    except _Refused as refused:
        return refused.outcome
    finally:
        cur.close()
