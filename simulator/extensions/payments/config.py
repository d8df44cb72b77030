"""The settings a learner switches, their defaults and their validation.

A scenario's ``payments:`` section and the ``payments_configure`` command both
go through `check_settings`, which refuses with a clear `SimulationError`
before anything changes.

* ``variant`` — how the handler uses the idempotency key:
  ``no_key`` (the problem: every request is processed), ``key_no_unique``
  (check-then-insert, no UNIQUE constraint on idempotency_store), ``key_unique``
  (the guide's handler: idempotency_key is the PRIMARY KEY).
* ``safeguard`` — one of the guide's extra safeguards (needs a key):
  ``none``, ``for_update`` (SELECT ... FROM accounts WHERE id = ? FOR UPDATE
  before the check: FOR UPDATE locks rows that exist, so the account row, not
  the idempotency row that is not there yet), ``redis_setnx`` (SET
  idempotency:<key> processing NX EX 30 before the check), ``advisory_lock``
  (pg_advisory_xact_lock(hash(key))), ``optimistic_version`` (UPDATE accounts
  ... WHERE id = ? AND version = ?).
* ``transaction_scope`` — ``claim_committed_first`` (default: the PROCESSING
  claim commits in its own transaction, so a concurrent repeat sees it and
  gets 409; Stripe saves the request once execution starts) or
  ``one_transaction`` (the guide's ``@Transactional`` on the whole method: the
  claim is invisible until the end, and a second INSERT of the key waits for
  the first transaction, as PostgreSQL's unique index makes it).
* ``route`` — ``direct`` (client -> payment service over HTTP) or ``kafka``
  (client -> API gateway -> topic payment-requests -> consumer -> service).
* ``gateway_cache`` (layer 1), ``producer_idempotence`` (layer 2) — the
  kafka route's layers; the database check is layer 3 (the variant).
* ``outbox`` — DB write and an outbox row in one transaction, a relay
  publishes to ``payment-events``; without it the service publishes after its
  commit (``publish_order`` ``commit_then_publish``) or before it
  (``publish_then_commit``).
* ``publish_events`` — publish a payment-completed event at all.
* Times in simulated ms: ``step_ms`` (one handler line), ``process_ms`` (the
  deduct line: make it longer than the lock to see a Redis lock expire),
  ``key_ttl_ms`` (24 h), ``redis_lock_ttl_ms`` (EX 30), ``cleanup_interval_ms``
  (the TTL cleanup job), ``relay_interval_ms``, and the client's
  ``timeout_ms``, ``max_retries``, ``backoff_ms``, ``backoff_multiplier``.
"""

from __future__ import annotations

from simulator.errors import SimulationError

VARIANTS = ("no_key", "key_no_unique", "key_unique")
SAFEGUARDS = ("none", "for_update", "redis_setnx", "advisory_lock", "optimistic_version")
SCOPES = ("claim_committed_first", "one_transaction")
ROUTES = ("direct", "kafka")
PUBLISH_ORDERS = ("commit_then_publish", "publish_then_commit")

DAY_MS = 24 * 3600 * 1000

DEFAULTS: dict = {
    "variant": "key_unique",
    "safeguard": "none",
    "transaction_scope": "claim_committed_first",
    "route": "direct",
    "gateway_cache": False,
    "producer_idempotence": True,
    "outbox": False,
    "publish_events": False,
    "publish_order": "commit_then_publish",
    "step_ms": 1,
    "process_ms": 1,
    "key_ttl_ms": DAY_MS,
    "redis_lock_ttl_ms": 30_000,
    "cleanup_interval_ms": 60_000,
    "relay_interval_ms": 100,
    "timeout_ms": 3_000,
    "max_retries": 3,
    "backoff_ms": 1_000,
    "backoff_multiplier": 2,
    "accounts": {"alice": 500},
    "consumers": 2,
}

CHOICES = {"variant": VARIANTS, "safeguard": SAFEGUARDS, "transaction_scope": SCOPES,
           "route": ROUTES, "publish_order": PUBLISH_ORDERS}
FLAGS = ("gateway_cache", "producer_idempotence", "outbox", "publish_events")
# name -> (lowest, highest)
NUMBERS = {"step_ms": (1, 60_000), "process_ms": (1, 10 * 60_000),
           "key_ttl_ms": (1_000, 30 * DAY_MS), "redis_lock_ttl_ms": (1_000, DAY_MS),
           "cleanup_interval_ms": (1_000, DAY_MS), "relay_interval_ms": (1, 60_000),
           "timeout_ms": (10, 600_000), "max_retries": (0, 10), "backoff_ms": (0, 600_000),
           "backoff_multiplier": (1, 10), "consumers": (1, 4)}
# Settings fixed when the world is built (they decide which actors exist).
BUILD_ONLY = ("route", "consumers", "accounts")
MAX_ACCOUNTS = 8
MAX_BALANCE = 10**9


def check_accounts(accounts) -> dict:
    if not isinstance(accounts, dict) or not 1 <= len(accounts) <= MAX_ACCOUNTS:
        raise SimulationError("bad_command", f"accounts maps 1 to {MAX_ACCOUNTS} account ids "
                                             "to balances")
    for name, balance in accounts.items():
        if not isinstance(name, str) or not name.isidentifier() or len(name) > 40:
            raise SimulationError("bad_command", f"account id {name!r}: letters, digits, _")
        if isinstance(balance, bool) or not isinstance(balance, int) or not (
                0 <= balance <= MAX_BALANCE):
            raise SimulationError("bad_command", f"account {name}: balance is an integer "
                                                 f"from 0 to {MAX_BALANCE}")
    return dict(accounts)


def check_settings(changes: dict, current: dict | None = None, *, building: bool) -> dict:
    """The settings after `changes` (a dict of the names above); raises
    SimulationError("bad_command") naming the first bad one."""
    if not isinstance(changes, dict):
        raise SimulationError("bad_command", "payments settings are a mapping")
    settings = dict(current if current is not None else DEFAULTS)
    for name, value in changes.items():
        if name not in DEFAULTS:
            raise SimulationError("bad_command", f"unknown payments setting {name!r}; known: "
                                                 f"{', '.join(sorted(DEFAULTS))}")
        if name in BUILD_ONLY and not building:
            raise SimulationError("bad_command", f"{name} is set in the scenario's payments "
                                                 "section (it decides which actors exist)")
        if name in CHOICES:
            if value not in CHOICES[name]:
                raise SimulationError("bad_command", f"{name} is one of "
                                                     f"{', '.join(CHOICES[name])}")
        elif name in FLAGS:
            if not isinstance(value, bool):
                raise SimulationError("bad_command", f"{name} is true or false")
        elif name in NUMBERS:
            low, high = NUMBERS[name]
            if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
                raise SimulationError("bad_command", f"{name} is an integer from {low} to {high}")
        elif name == "accounts":
            value = check_accounts(value)
        settings[name] = value
    if settings["variant"] == "no_key" and settings["safeguard"] != "none":
        raise SimulationError("bad_command", "a safeguard works on the idempotency key: "
                                             "choose a key variant first")
    return settings
