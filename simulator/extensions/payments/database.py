"""A small transactional database: enough of PostgreSQL to show every interleaving.

Tables (the guide's columns, plus two the lesson needs and says so):

* ``accounts``: id, balance, version (the optimistic safeguard's column);
* ``transactions``: id, user_id, amount, idempotency_key, request_id, created_at_ms;
* ``idempotency_store``: idempotency_key (PRIMARY KEY in the key_unique
  variant, a plain column in key_no_unique), status (PROCESSING, SUCCESS,
  FAILED), response_code, response_body, created_at_ms, expires_at_ms, and
  request_fingerprint (account and amount: how a repeat with other
  parameters is recognised, as Stripe does);
* ``outbox``: id, event_id, payload, created_at_ms, published_at_ms.

What it models, as PostgreSQL does at READ COMMITTED:

* a transaction sees rows committed before each statement, plus its own
  uncommitted changes; nobody else sees them until COMMIT;
* a writer holds the row's lock to the end of its transaction; another
  UPDATE or ``SELECT ... FOR UPDATE`` of that row waits, then works on the
  newest committed version (so two ``balance = balance - 100`` both apply);
* ``FOR UPDATE`` locks rows that exist: a row not yet inserted locks nothing;
* an INSERT into a UNIQUE column whose value another open transaction has
  inserted waits for it: DuplicateKeyException if it commits, success if it
  rolls back (PostgreSQL's ``_bt_check_unique``);
* ``pg_advisory_xact_lock(n)``: waits while another transaction holds n,
  released at the transaction's end.

A statement that must wait returns ``("wait", holder_tx)`` and changes
nothing; the caller (threads.py) retries it when that transaction ends. Every
change is announced with ``db_row_changed`` (and transactions, locks with
their own events). All state is plain data, deep-copied with the world.
"""

from __future__ import annotations

from simulator.extensions.payments import events as pev

TABLES = ("accounts", "transactions", "idempotency_store", "outbox")


class Row:
    __slots__ = ("table", "row_id", "committed", "pending", "lock_tx", "delete_pending")

    def __init__(self, table: str, row_id: str, committed: dict | None):
        self.table = table
        self.row_id = row_id
        self.committed = committed      # visible to all; None: inserted, not yet committed
        self.pending: dict | None = None  # the lock holder's new values
        self.lock_tx: int | None = None
        self.delete_pending = False


class Tx:
    __slots__ = ("tx_id", "thread", "rows", "advisory", "open")

    def __init__(self, tx_id: int, thread: str):
        self.tx_id = tx_id
        self.thread = thread
        self.rows: list[tuple[str, str]] = []  # (table, row_id) it locked or wrote
        self.advisory: list[int] = []
        self.open = True


class Database:
    def __init__(self, accounts: dict):
        self.tables: dict[str, dict[str, Row]] = {t: {} for t in TABLES}
        for account, balance in accounts.items():
            self.tables["accounts"][account] = Row("accounts", account, {
                "id": account, "balance": balance, "version": 0})
        self.unique_key = True
        self.txs: dict[int, Tx] = {}
        self.next_tx = 0
        self.next_ids = {t: 0 for t in TABLES}
        self.advisory_locks: dict[int, int] = {}  # lock id -> tx

    # ---- reading -------------------------------------------------------------------
    def visible(self, tx: int | None, row: Row) -> dict | None:
        """The row as transaction `tx` sees it (None: not there for it)."""
        if tx is not None and row.lock_tx == tx:
            if row.delete_pending:
                return None
            if row.pending is not None:
                return row.pending
        return row.committed

    def committed_balances(self) -> dict:
        return {a: r.committed["balance"] for a, r in sorted(self.tables["accounts"].items())}

    def find_keys(self, tx: int | None, key: str) -> list[tuple[Row, dict]]:
        """SELECT * FROM idempotency_store WHERE idempotency_key = ? (oldest first)."""
        found = []
        for row in self.tables["idempotency_store"].values():
            values = self.visible(tx, row)
            if values is not None and values["idempotency_key"] == key:
                found.append((row, values))
        return found

    def store_rows(self) -> list[dict]:
        """Every idempotency_store row for events and snapshots: its committed
        values (None before its first commit) and any open transaction's
        uncommitted ones (``pending_*``)."""
        out = []
        for row in self.tables["idempotency_store"].values():
            shown = row.committed or row.pending or {}
            pending = row.pending if row.lock_tx is not None else None
            out.append({
                "row_id": row.row_id, "idempotency_key": shown.get("idempotency_key"),
                "status": row.committed["status"] if row.committed else None,
                "committed": row.committed is not None,
                "pending_status": None if row.delete_pending or pending is None
                else pending["status"],
                "pending_delete": row.delete_pending,
                "pending_thread": None if row.lock_tx is None else self.txs[row.lock_tx].thread,
                "response_code": shown.get("response_code"),
                "expires_at_ms": shown.get("expires_at_ms")})
        return out

    def holder_thread(self, tx: int) -> str:
        return self.txs[tx].thread

    # ---- transactions --------------------------------------------------------------
    def begin(self, world, thread: str) -> int:
        self.next_tx += 1
        tx = self.next_tx
        self.txs[tx] = Tx(tx, thread)
        world.emit(pev.DbTransactionBegun, tx=tx, thread=thread)
        return tx

    def _touch(self, tx: int, row: Row) -> None:
        row.lock_tx = tx
        key = (row.table, row.row_id)
        if key not in self.txs[tx].rows:
            self.txs[tx].rows.append(key)

    def _blocked_by(self, tx: int, row: Row) -> int | None:
        return row.lock_tx if row.lock_tx is not None and row.lock_tx != tx else None

    def lock_row(self, world, tx: int, table: str, row_id: str):
        """SELECT ... FOR UPDATE of one row: ("ok", values) | ("wait", holder) |
        ("missing", None) (nothing to lock)."""
        row = self.tables[table].get(row_id)
        if row is None or self.visible(tx, row) is None and self._blocked_by(tx, row) is None:
            return "missing", None
        holder = self._blocked_by(tx, row)
        if holder is not None:
            return "wait", holder
        first = row.lock_tx is None
        self._touch(tx, row)
        if first:
            world.emit(pev.DbLockAcquired, tx=tx, thread=self.txs[tx].thread,
                       lock=f"row {table}/{row_id}")
        return "ok", self.visible(tx, row)

    def update(self, world, tx: int, table: str, row_id: str, changes: dict,
               expect: dict | None = None):
        """UPDATE one row (after taking its lock): ("ok", values) | ("wait", holder)
        | ("no_rows", values) when `expect` (a WHERE on column values) fails or
        the row is gone."""
        row = self.tables[table].get(row_id)
        if row is None:
            return "no_rows", None
        holder = self._blocked_by(tx, row)
        if holder is not None:
            return "wait", holder
        current = self.visible(tx, row)
        if current is None or any(current.get(k) != v for k, v in (expect or {}).items()):
            return "no_rows", current
        new = {**current, **{k: (v(current) if callable(v) else v) for k, v in changes.items()}}
        self._touch(tx, row)
        row.pending = new
        world.emit(pev.DbRowChanged, table=table, row_id=row_id, op="update", values=dict(new),
                   committed=False, tx=tx, thread=self.txs[tx].thread)
        return "ok", new

    def insert(self, world, tx: int, table: str, values: dict) -> Row:
        self.next_ids[table] += 1
        row_id = f"{table[0]}{self.next_ids[table]}"
        row = Row(table, row_id, None)
        row.pending = dict(values)
        self.tables[table][row_id] = row
        self._touch(tx, row)
        world.emit(pev.DbRowChanged, table=table, row_id=row_id, op="insert",
                   values=dict(values), committed=False, tx=tx, thread=self.txs[tx].thread)
        return row

    def insert_key(self, world, tx: int, values: dict):
        """INSERT INTO idempotency_store: ("ok", row) | ("duplicate", None) |
        ("wait", holder_tx) when the UNIQUE check meets the key in a row another
        open transaction inserted or is changing (PostgreSQL waits for it)."""
        key = values["idempotency_key"]
        if self.unique_key:
            for row in self.tables["idempotency_store"].values():
                if row.lock_tx is not None and row.lock_tx != tx:
                    versions = (row.committed, row.pending)
                    if any(v is not None and v["idempotency_key"] == key for v in versions):
                        return "wait", row.lock_tx
                    continue
                mine = self.visible(tx, row)
                if mine is not None and mine["idempotency_key"] == key:
                    return "duplicate", None
        return "ok", self.insert(world, tx, "idempotency_store", values)

    def delete(self, world, tx: int, table: str, row_id: str) -> bool:
        row = self.tables[table].get(row_id)
        if row is None or self._blocked_by(tx, row) is not None:
            return False
        self._touch(tx, row)
        row.delete_pending = True
        world.emit(pev.DbRowChanged, table=table, row_id=row_id, op="delete", values=None,
                   committed=False, tx=tx, thread=self.txs[tx].thread)
        return True

    def advisory_lock(self, world, tx: int, lock_id: int):
        holder = self.advisory_locks.get(lock_id)
        if holder is not None and holder != tx:
            return "wait", holder
        if holder is None:
            self.advisory_locks[lock_id] = tx
            self.txs[tx].advisory.append(lock_id)
            world.emit(pev.DbLockAcquired, tx=tx, thread=self.txs[tx].thread,
                       lock=f"advisory {lock_id}")
        return "ok", None

    def end(self, world, tx: int, commit: bool, reason: str = "") -> list[Row]:
        """COMMIT or ROLLBACK: changes become visible or vanish; every lock is
        released. Returns the rows that became visible."""
        t = self.txs.pop(tx)
        t.open = False
        thread = t.thread
        made_visible = []
        released = []
        for table, row_id in t.rows:
            row = self.tables[table].get(row_id)
            if row is None:
                continue
            released.append(f"row {table}/{row_id}")
            if commit and row.delete_pending:
                del self.tables[table][row_id]
                world.emit(pev.DbRowChanged, table=table, row_id=row_id, op="delete",
                           values=None, committed=True, tx=tx, thread=thread)
            elif commit and row.pending is not None:
                row.committed = row.pending
                made_visible.append(row)
                world.emit(pev.DbRowChanged, table=table, row_id=row_id, op="commit",
                           values=dict(row.committed), committed=True, tx=tx, thread=thread)
            elif not commit and (row.pending is not None or row.delete_pending):
                if row.committed is None:
                    del self.tables[table][row_id]
                world.emit(pev.DbRowChanged, table=table, row_id=row_id, op="rollback",
                           values=None if row.committed is None else dict(row.committed),
                           committed=row.committed is not None, tx=tx, thread=thread)
            row.pending = None
            row.lock_tx = None
            row.delete_pending = False
        for lock_id in t.advisory:
            self.advisory_locks.pop(lock_id, None)
            released.append(f"advisory {lock_id}")
        if commit:
            world.emit(pev.DbTransactionCommitted, tx=tx, thread=thread)
        else:
            world.emit(pev.DbTransactionRolledBack, tx=tx, thread=thread, reason=reason)
        if released:
            world.emit(pev.DbLocksReleased, tx=tx, thread=thread, locks=released)
        return made_visible

    def autocommit_delete(self, world, table: str, row_id: str) -> bool:
        """DELETE outside any thread (the TTL cleanup job); skips a locked row."""
        row = self.tables[table].get(row_id)
        if row is None or row.lock_tx is not None or row.committed is None:
            return False
        del self.tables[table][row_id]
        world.emit(pev.DbRowChanged, table=table, row_id=row_id, op="delete", values=None,
                   committed=True, tx=None, thread=None)
        return True

    def autocommit_update(self, world, table: str, row_id: str, changes: dict) -> bool:
        row = self.tables[table].get(row_id)
        if row is None or row.lock_tx is not None or row.committed is None:
            return False
        row.committed = {**row.committed, **changes}
        world.emit(pev.DbRowChanged, table=table, row_id=row_id, op="update",
                   values=dict(row.committed), committed=True, tx=None, thread=None)
        return True
