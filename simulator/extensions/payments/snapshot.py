"""``snapshot()["payments"]``: the whole payments state as plain JSON.

Shape (docs/events.md, "Payments extension"): settings; accounts,
transactions, idempotency_store and outbox rows (committed values, plus any
open transaction's uncommitted ones); open transactions and advisory locks;
Redis keys; handler threads and the current race; clients' requests; the
charges ledger (request_id -> committed deductions) and double charges;
events published; whether the service is down; and the handler's source
lines for the code panel.
"""

from __future__ import annotations

from simulator.extensions.payments.extension import EXTENSION
from simulator.extensions.payments.handler import SOURCE
from simulator.extensions.payments.state import payments


def _rows(db, table: str) -> list[dict]:
    out = []
    for row_id, row in db.tables[table].items():
        out.append({"row_id": row_id, "values": row.committed, "pending": row.pending,
                    "delete_pending": row.delete_pending,
                    "locked_by": None if row.lock_tx is None else db.txs[row.lock_tx].thread})
    return out


@EXTENSION.snapshot
def payments_snapshot(world) -> dict:
    st = payments(world)
    db = st.db
    return {
        "settings": dict(st.settings),
        "unique_constraint": db.unique_key,
        "balances": db.committed_balances(),
        "accounts": _rows(db, "accounts"),
        "transactions": _rows(db, "transactions"),
        "idempotency_store": db.store_rows(),
        "outbox": _rows(db, "outbox"),
        "open_transactions": [{"tx": tx, "thread": t.thread} for tx, t in sorted(db.txs.items())],
        "advisory_locks": [{"lock": k, "thread": db.txs[v].thread}
                           for k, v in sorted(db.advisory_locks.items())],
        "redis": st.redis.to_dict(),
        "threads": [t.to_dict() for t in st.threads.values()],
        "race": list(st.race),
        "clients": [a.to_dict() for _, a in sorted(world.actors.items())
                    if _.startswith("client:")],
        "payments": [{"request_id": rid, **p} for rid, p in st.payments.items()],
        "charges": dict(st.charges),
        "double_charges": sorted(r for r, n in st.charges.items() if n > 1),
        "events_published": dict(st.events_published),
        "service_down": st.crashed,
        "crash_after_commit": st.crash_after_commit,
        "handler_source": [{"line": line, "code": code} for line, code in SOURCE],
    }
