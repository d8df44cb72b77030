"""Handler threads: one per request the payment service handles.

A thread runs the handler (handler.py) one line at a time: on the clock (a
line every ``step_ms``, the deduct line ``process_ms``) or, in a race,
only when the learner says ``race_step thread=A``. A line that must wait
leaves the thread ``waiting`` until the transaction it waits for ends; then
it is ``ready`` again (on the clock it goes on by itself). Every line is a
``payment_handler_stepped`` event; every committed deduction goes into the
charges ledger and is a ``payment_charged`` event (``double_charge`` when a
logical payment is charged more than once).

Threads are plain data; the service actor (``service:payments``, looked up
by id, not imported) answers the request and publishes events when told.
"""

from __future__ import annotations

from simulator.engine import timer_function
from simulator.extensions.payments import events as pev
from simulator.extensions.payments.handler import emit_step, fingerprint, first_line, run_line
from simulator.extensions.payments.state import RELAY_ID, SERVICE_ID, payments

FINISHED_KEPT = 200  # finished threads kept for the snapshot (oldest dropped first)


class HandlerThread:
    def __init__(self, name: str, request: dict, source: str, manual: bool, reply: dict | None,
                 line: str, incarnation: int):
        self.name = name
        self.request_id = request["request_id"]
        self.idempotency_key = request.get("idempotency_key")
        self.account = request["account"]
        self.amount = request["amount"]
        self.fingerprint = fingerprint(self.account, self.amount)
        self.source = source
        self.manual = manual
        self.reply = reply
        self.partition = request.get("partition")
        self.offset = request.get("offset")
        self.line: str | None = line
        self.state = "ready"       # ready | waiting | done | crashed
        self.tx: int | None = None
        self.waiting_tx: int | None = None
        self.waiting_for: str | None = None  # the thread owning that transaction
        self.store_row: str | None = None
        self.seen: dict | None = None
        self.read_version: int | None = None
        self.deducted = False
        self.charged = False
        self.cached = False
        self.status_code: int | None = None
        self.body: dict | None = None
        self.failure: tuple | None = None
        self.redis_lock: str | None = None
        self.event_id: str | None = None
        self.incarnation = incarnation
        self.last_line: str | None = None

    def to_dict(self) -> dict:
        return {"thread": self.name, "request_id": self.request_id,
                "idempotency_key": self.idempotency_key, "account": self.account,
                "amount": self.amount, "source": self.source, "manual": self.manual,
                "line": self.line, "state": self.state, "tx": self.tx,
                "waiting_for": self.waiting_for,
                "status_code": self.status_code, "charged": self.charged,
                "partition": self.partition, "offset": self.offset}


def start_thread(world, request: dict, *, source: str, manual: bool = False,
                 reply: dict | None = None) -> HandlerThread:
    st = payments(world)
    request = dict(request)
    if st.settings["variant"] == "no_key":
        request["idempotency_key"] = None
    name = st.next_thread_name()
    t = HandlerThread(name, request, source, manual, reply, first_line(st.settings),
                      st.incarnation)
    st.threads[name] = t
    _forget_old(st)
    world.emit(pev.PaymentThreadStarted, thread=name, request_id=t.request_id,
               idempotency_key=t.idempotency_key, account=t.account, amount=t.amount,
               source=source, manual=manual, partition=t.partition, offset=t.offset,
               line=t.line)
    if not manual:
        _schedule(world, t)
    return t


def _forget_old(st) -> None:
    finished = [n for n, t in st.threads.items() if t.state in ("done", "crashed")]
    for name in finished[: max(0, len(finished) - FINISHED_KEPT)]:
        del st.threads[name]


def _duration(st, line: str | None) -> int:
    return st.settings["process_ms"] if line == "deduct" else st.settings["step_ms"]


def _schedule(world, t) -> None:
    st = payments(world)
    world.schedule_function(_duration(st, t.line), "payments.run_thread", t.name,
                            t.incarnation)


@timer_function("payments.run_thread")
def run_thread(world, name: str, incarnation: int) -> None:
    st = payments(world)
    t = st.threads.get(name)
    if t is None or t.incarnation != incarnation or t.state != "ready" or st.crashed:
        return
    execute_line(world, t)
    if t.state == "ready" and not t.manual and not st.crashed:
        _schedule(world, t)


def execute_line(world, t) -> None:
    """Run `t`'s current line and everything that follows from it."""
    st = payments(world)
    line = t.line
    t.last_line = line
    st.ended_txs.clear()
    result = run_line(world, t)
    if result.outcome == "waiting":
        t.state = "waiting"
        t.waiting_tx = result.waiting_for_tx
        t.waiting_for = st.db.holder_thread(result.waiting_for_tx)
    else:
        t.line = result.next_line
    emit_step(world, t, line, result)
    if result.outcome == "waiting":
        world.emit(pev.DbLockWaiting, tx=t.tx if t.tx is not None else -1, thread=t.name,
                   lock=_lock_name(t, line), holder_tx=t.waiting_tx,
                   holder_thread=t.waiting_for)
    if line == "commit" and t.charged:
        st.charges[t.request_id] = st.charges.get(t.request_id, 0) + 1
        count = st.charges[t.request_id]
        world.emit(pev.PaymentCharged, request_id=t.request_id,
                   idempotency_key=t.idempotency_key, thread=t.name, account=t.account,
                   amount=t.amount, balance=st.db.committed_balances().get(t.account),
                   charge_count=count, double_charge=count > 1)
        if t.event_id is not None and t.event_id not in st.committed_events:
            st.committed_events.append(t.event_id)
    service = world.actors.get(SERVICE_ID)
    if line == "commit" and st.settings["outbox"]:
        world.actors[RELAY_ID].poke()
    for name in list(st.publish_queue):
        st.publish_queue.remove(name)
        service.publish_event(st.threads[name])
    ended = list(st.ended_txs)
    st.ended_txs.clear()
    if line == "commit" and st.crash_after_commit:
        st.crash_after_commit = False
        service.crash("after_commit")
        return
    if t.line is None:
        t.state = "done"
        world.emit(pev.PaymentThreadFinished, thread=t.name, request_id=t.request_id,
                   status_code=t.status_code or 500, body=t.body or {}, charged=t.charged)
        service.thread_finished(t)
    wake(world, ended)


def _lock_name(t, line: str) -> str:
    if line == "claim":
        return f"unique idempotency_store.idempotency_key = {t.idempotency_key}"
    if line == "lock_advisory":
        return "advisory lock"
    return f"row accounts/{t.account}"


def wake(world, ended_txs: list[int]) -> None:
    """Threads waiting for a transaction that ended may try their line again."""
    if not ended_txs:
        return
    st = payments(world)
    for t in st.threads.values():
        if t.state == "waiting" and t.waiting_tx in ended_txs:
            t.state = "ready"
            t.waiting_tx = None
            t.waiting_for = None
            if not t.manual:
                _schedule(world, t)


def crash_threads(world) -> list[str]:
    """The service died: every live thread stops; its open transaction rolls back."""
    st = payments(world)
    stopped = []
    ended = []
    for t in st.threads.values():
        if t.state in ("done", "crashed"):
            continue
        stopped.append(t.name)
        if t.tx is not None:
            st.db.end(world, t.tx, False, "the service crashed")
            ended.append(t.tx)
            t.tx = None
        t.state = "crashed"
    return stopped
