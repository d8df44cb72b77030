"""The payments extension's events (docs/events.md, "Payments extension").

Slotted dataclasses registered with the extension; `simulator.events.
event_to_dict` turns them into JSON like every core event. Actor ids:
``client:<name>``, ``gateway:api``, ``service:payments``, ``relay:outbox``.
Threads are named ``A``, ``B``, ... (one per request the service handles).
State-carrying: a handler step carries the committed balances and the
committed idempotency_store rows after it, so a diagram and the code panel
redraw from any single event.
"""

from __future__ import annotations

from dataclasses import dataclass

from simulator.events import Event
from simulator.extensions.payments.extension import EXTENSION

# ---- settings --------------------------------------------------------------------


@EXTENSION.event("payments_configured")
@dataclass(slots=True)
class PaymentsConfigured(Event):
    """The settings now in force (all of config.DEFAULTS' names)."""

    settings: dict


# ---- the client ------------------------------------------------------------------


@EXTENSION.event("payment_requested")
@dataclass(slots=True)
class PaymentRequested(Event):
    """The client sent POST /pay (attempt 1, or a retry)."""

    client: str
    request_id: str
    attempt: int
    idempotency_key: str | None
    account: str
    amount: int
    target: str          # service:payments or gateway:api
    timeout_at_ms: int


@EXTENSION.event("payment_timed_out")
@dataclass(slots=True)
class PaymentTimedOut(Event):
    client: str
    request_id: str
    attempt: int
    timeout_ms: int


@EXTENSION.event("payment_retry_scheduled")
@dataclass(slots=True)
class PaymentRetryScheduled(Event):
    client: str
    request_id: str
    next_attempt: int
    backoff_ms: int
    retry_at_ms: int


@EXTENSION.event("payment_response_received")
@dataclass(slots=True)
class PaymentResponseReceived(Event):
    """The client got an answer. status_code: 200, 202 (accepted by the
    gateway), 402 (insufficient funds), 409 (in progress / duplicate / locked),
    422 (same key, other parameters), 503 (unavailable)."""

    client: str
    request_id: str
    attempt: int
    status_code: int
    body: dict
    cached: bool


@EXTENSION.event("payment_gave_up")
@dataclass(slots=True)
class PaymentGaveUp(Event):
    client: str
    request_id: str
    attempts: int


# ---- the gateway -----------------------------------------------------------------


@EXTENSION.event("gateway_cache_checked")
@dataclass(slots=True)
class GatewayCacheChecked(Event):
    gateway: str
    request_id: str
    idempotency_key: str | None
    hit: bool
    cached_status_code: int | None


@EXTENSION.event("payment_request_published")
@dataclass(slots=True)
class PaymentRequestPublished(Event):
    """The gateway handed the request to its Kafka producer (topic payment-requests)."""

    gateway: str
    request_id: str
    idempotency_key: str | None
    topic: str
    producer: str


# ---- redis -----------------------------------------------------------------------


@EXTENSION.event("redis_command_executed")
@dataclass(slots=True)
class RedisCommandExecuted(Event):
    """A Redis command: ``SET k v NX EX s``, ``GET k``, ``DEL k``. result: "OK",
    None (nil: NX refused or key missing), the value read, or a count."""

    caller: str          # gateway:api or a thread name
    command: str         # the command as text
    key: str
    result: object
    expires_at_ms: int | None


@EXTENSION.event("redis_key_expired")
@dataclass(slots=True)
class RedisKeyExpired(Event):
    key: str


# ---- the payment service and its handler threads ---------------------------------


@EXTENSION.event("payment_thread_started")
@dataclass(slots=True)
class PaymentThreadStarted(Event):
    """The service started handling one request in thread `thread`.
    source: http | kafka | race; partition/offset for a Kafka record."""

    thread: str
    request_id: str
    idempotency_key: str | None
    account: str
    amount: int
    source: str
    manual: bool
    partition: int | None
    offset: int | None
    line: str            # the first handler line it will run


@EXTENSION.event("payment_handler_stepped")
@dataclass(slots=True)
class PaymentHandlerStepped(Event):
    """One handler line ran (the code panel highlights `line`; handler.SOURCE).

    outcome: ok | not_found | found_processing | found_success | found_failed |
    params_mismatch | duplicate_key | locked | waiting | insufficient_funds |
    version_conflict | crashed. `next_line` None: the thread finished.
    balances / store / charges: committed state after this line.
    """

    thread: str
    request_id: str
    idempotency_key: str | None
    line: str
    sql: str | None
    outcome: str
    detail: str
    next_line: str | None
    tx: int | None
    waiting_for: str | None  # the thread whose transaction (or lock) it waits for
    balances: dict           # account -> committed balance
    store: list              # [{idempotency_key, status, committed}] committed + own rows
    charges: dict            # request_id -> committed charges so far


@EXTENSION.event("payment_thread_finished")
@dataclass(slots=True)
class PaymentThreadFinished(Event):
    thread: str
    request_id: str
    status_code: int
    body: dict
    charged: bool


@EXTENSION.event("payment_charged")
@dataclass(slots=True)
class PaymentCharged(Event):
    """A deduction was committed. ``charge_count`` > 1 for one request_id is a
    DOUBLE DEDUCTION (``double_charge`` true)."""

    request_id: str
    idempotency_key: str | None
    thread: str
    account: str
    amount: int
    balance: int
    charge_count: int
    double_charge: bool


@EXTENSION.event("payment_service_crashed")
@dataclass(slots=True)
class PaymentServiceCrashed(Event):
    """The service died: its threads stop, open transactions roll back, Redis
    locks stay until they expire. point: now | after_commit."""

    service: str
    point: str
    threads: list


@EXTENSION.event("payment_service_restarted")
@dataclass(slots=True)
class PaymentServiceRestarted(Event):
    service: str


# ---- the database ----------------------------------------------------------------


@EXTENSION.event("db_transaction_begun")
@dataclass(slots=True)
class DbTransactionBegun(Event):
    tx: int
    thread: str


@EXTENSION.event("db_transaction_committed")
@dataclass(slots=True)
class DbTransactionCommitted(Event):
    tx: int
    thread: str


@EXTENSION.event("db_transaction_rolled_back")
@dataclass(slots=True)
class DbTransactionRolledBack(Event):
    tx: int
    thread: str
    reason: str


@EXTENSION.event("db_lock_acquired")
@dataclass(slots=True)
class DbLockAcquired(Event):
    """lock: ``row accounts/alice``, ``advisory 123456``. Held to the end of tx."""

    tx: int
    thread: str
    lock: str


@EXTENSION.event("db_lock_waiting")
@dataclass(slots=True)
class DbLockWaiting(Event):
    """`thread` waits for transaction `holder_tx` of `holder_thread`: a row lock,
    an advisory lock, or an uncommitted UNIQUE key."""

    tx: int
    thread: str
    lock: str
    holder_tx: int
    holder_thread: str


@EXTENSION.event("db_locks_released")
@dataclass(slots=True)
class DbLocksReleased(Event):
    tx: int
    thread: str
    locks: list


@EXTENSION.event("db_row_changed")
@dataclass(slots=True)
class DbRowChanged(Event):
    """A row of accounts / transactions / idempotency_store / outbox.

    op: insert | update | delete | commit (the row's values became visible) |
    rollback (its uncommitted change was undone). `values` is the row as its
    writer sees it (None for a delete, or a rolled-back insert)."""

    table: str
    row_id: str
    op: str
    values: dict | None
    committed: bool
    tx: int | None
    thread: str | None


@EXTENSION.event("idempotency_key_expired")
@dataclass(slots=True)
class IdempotencyKeyExpired(Event):
    """The TTL cleanup job deleted a row whose expires_at had passed."""

    idempotency_key: str
    expires_at_ms: int


# ---- events out of the service (outbox) --------------------------------------------


@EXTENSION.event("payment_event_published")
@dataclass(slots=True)
class PaymentEventPublished(Event):
    """A payment-completed event was handed to a producer for topic
    payment-events. via: direct (the service after/before its commit) | outbox."""

    event_id: str
    request_id: str
    via: str
    producer: str


@EXTENSION.event("outbox_row_published")
@dataclass(slots=True)
class OutboxRowPublished(Event):
    """The relay saw the producer's ack and marked the outbox row published."""

    row_id: str
    event_id: str
    offset: int | None
