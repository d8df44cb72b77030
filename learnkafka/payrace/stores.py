"""Where a race runs: its own PostgreSQL schema, or a throwaway SQLite file.

Never the app's tables. On PostgreSQL every run creates a schema of its own
(`payrace_<hex>`) in the race database and drops it afterwards, so two
learners racing at once never see each other's rows. On the embedded SQLite
default every run gets a fresh database file in a temporary folder, deleted
afterwards. The race database is `PAYRACE_DATABASE_URL` when set, else the
app's own database when that is PostgreSQL (in its own schema), else SQLite.
"""
from __future__ import annotations

import os
import secrets
import shutil
import sqlite3
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

STARTING_BALANCE = 500  # the guide's story: balance 500, pay 100


def _ddl(unique_key: bool) -> list[str]:
    key_column = ("idempotency_key VARCHAR(255) PRIMARY KEY" if unique_key
                  else "idempotency_key VARCHAR(255) NOT NULL")
    return [
        "CREATE TABLE accounts (id INTEGER PRIMARY KEY, balance INTEGER NOT NULL)",
        "CREATE TABLE transactions (account_id INTEGER NOT NULL, amount INTEGER NOT NULL,"
        " idempotency_key VARCHAR(255) NOT NULL, thread INTEGER NOT NULL)",
        # The guide's idempotency_store, column for column.
        f"CREATE TABLE idempotency_store ({key_column}, status VARCHAR(20),"
        " response_code INTEGER, response_body TEXT,"
        " created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP, expires_at TIMESTAMP)",
    ]


@dataclass
class PostgresStore:
    """A schema of one's own in a PostgreSQL database (psycopg 3)."""

    conninfo: dict
    schema: str = field(default_factory=lambda: "payrace_" + secrets.token_hex(6))
    kind: str = "postgresql"
    placeholder: str = "%s"
    supports_for_update: bool = True

    def _connect(self, search_path: str | None):
        import psycopg

        options = "-c statement_timeout=15000 -c lock_timeout=15000"
        if search_path:
            options += f" -c search_path={search_path}"
        return psycopg.connect(**self.conninfo, options=options)

    def create(self, *, unique_key: bool, accounts: int) -> None:
        with self._connect(None) as conn:
            conn.execute(f'CREATE SCHEMA "{self.schema}"')
            conn.execute(f'SET search_path TO "{self.schema}"')
            for statement in _ddl(unique_key):
                conn.execute(statement)
            with conn.cursor() as cur:
                cur.executemany("INSERT INTO accounts (id, balance) VALUES (%s, %s)",
                                [(i, STARTING_BALANCE) for i in range(accounts)])

    def connect(self):
        """A connection for one racing thread; the handler opens its own transactions."""
        conn = self._connect(self.schema)
        conn.autocommit = True  # `with conn.transaction()` is the @Transactional boundary
        return conn

    def begin(self, conn):
        return conn.transaction()

    def results(self) -> tuple[dict[int, int], dict[int, int]]:
        with self._connect(self.schema) as conn:
            return _read_results(conn.cursor())

    def is_unique_violation(self, error: Exception) -> bool:
        import psycopg.errors

        return isinstance(error, psycopg.errors.UniqueViolation)

    def drop(self) -> None:
        with self._connect(None) as conn:
            conn.execute(f'DROP SCHEMA IF EXISTS "{self.schema}" CASCADE')


@dataclass
class SqliteStore:
    """A fresh SQLite file: one writer at a time, and no FOR UPDATE at all."""

    folder: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="payrace-")))
    kind: str = "sqlite"
    placeholder: str = "?"
    supports_for_update: bool = False

    @property
    def path(self) -> Path:
        return self.folder / "race.sqlite3"

    def create(self, *, unique_key: bool, accounts: int) -> None:
        conn = sqlite3.connect(self.path)
        try:
            conn.execute("PRAGMA journal_mode=WAL")
            for statement in _ddl(unique_key):
                conn.execute(statement)
            conn.executemany("INSERT INTO accounts (id, balance) VALUES (?, ?)",
                             [(i, STARTING_BALANCE) for i in range(accounts)])
            conn.commit()
        finally:
            conn.close()

    def connect(self):
        # isolation_level=None: we issue BEGIN ourselves. The app's own SQLite
        # uses BEGIN IMMEDIATE (settings.py), and so does the race: a writer
        # takes the write lock up front and the others wait their turn.
        return sqlite3.connect(self.path, timeout=30, isolation_level=None,
                               check_same_thread=False)

    def begin(self, conn):
        return _SqliteTransaction(conn)

    def results(self) -> tuple[dict[int, int], dict[int, int]]:
        conn = sqlite3.connect(self.path)
        try:
            return _read_results(conn.cursor())
        finally:
            conn.close()

    def is_unique_violation(self, error: Exception) -> bool:
        return isinstance(error, sqlite3.IntegrityError) and "UNIQUE" in str(error)

    def drop(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)


class _SqliteTransaction:
    """`with store.begin(conn):` for sqlite3: BEGIN IMMEDIATE, COMMIT or ROLLBACK."""

    def __init__(self, conn):
        self.conn = conn

    def __enter__(self):
        self.conn.execute("BEGIN IMMEDIATE")
        return self

    def __exit__(self, exc_type, exc, tb):
        self.conn.execute("ROLLBACK" if exc_type else "COMMIT")
        return False


def _read_results(cur) -> tuple[dict[int, int], dict[int, int]]:
    """(charges per account, balance per account): read from the tables, not from the threads."""
    cur.execute("SELECT account_id, COUNT(*) FROM transactions GROUP BY account_id")
    charges = {int(a): int(n) for a, n in cur.fetchall()}
    cur.execute("SELECT id, balance FROM accounts")
    balances = {int(a): int(b) for a, b in cur.fetchall()}
    return charges, balances


def postgres_conninfo_from_url(url: str) -> dict:
    """psycopg keyword arguments from a postgres:// URL (dj_database_url parses it)."""
    import dj_database_url

    return _conninfo(dj_database_url.parse(url))


def _conninfo(settings_dict: dict) -> dict:
    info = {"dbname": settings_dict.get("NAME"), "user": settings_dict.get("USER") or None,
            "password": settings_dict.get("PASSWORD") or None,
            "host": settings_dict.get("HOST") or None,
            "port": settings_dict.get("PORT") or None}
    return {k: v for k, v in info.items() if v}


def store_for_settings() -> PostgresStore | SqliteStore:
    """The store a web request races in (module docstring: never the app's own tables)."""
    from django.conf import settings

    url = os.environ.get("PAYRACE_DATABASE_URL") or getattr(settings, "PAYRACE_DATABASE_URL", "")
    if url:
        if url.startswith("sqlite"):
            return SqliteStore()
        return PostgresStore(postgres_conninfo_from_url(url))
    default = settings.DATABASES["default"]
    if "postgresql" in default["ENGINE"]:
        return PostgresStore(_conninfo(default))
    return SqliteStore()
