"""The study guide's payment handler as a program of lines, one per step.

`SOURCE` is the handler the code panel shows (the guide's PaymentService.java,
with the safeguards' lines where they go); each line has an id, and
`run_line(world, thread)` runs the thread's current line against the
database and Redis and says what came of it. Which lines a thread passes
depends on the settings (config.py): no_key skips the idempotency store; a
safeguard adds its lock; claim_committed_first commits the PROCESSING claim
before processing, one_transaction keeps the guide's single @Transactional.

A line that must wait (a lock, an uncommitted UNIQUE key) returns outcome
``waiting`` and stays the thread's line: it runs again when the transaction
it waits for ends (threads.py).
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from simulator.extensions.payments import events as pev
from simulator.java_hash import java_string_hash

# (line id, code) in the order of the file; the code panel highlights by id.
SOURCE: tuple[tuple[str, str], ...] = (
    ("signature", "@Transactional public PaymentResponse processPayment(PaymentRequest req) {"),
    ("lock_redis", "  // safeguard: SET idempotency:<key> processing NX EX 30 -> else \"already locked\""),  # noqa: E501
    ("begin", "  BEGIN;  String key = req.getIdempotencyKey();"),
    ("lock_advisory", "  // safeguard: SELECT pg_advisory_xact_lock(hash(key));"),
    ("lock_account", "  // safeguard: SELECT * FROM accounts WHERE id = ? FOR UPDATE;"),
    ("lock_key_row", "  // safeguard?: SELECT * FROM idempotency_store WHERE idempotency_key = ? FOR UPDATE;"),  # noqa: E501
    ("check", "  Optional<IdempotencyRecord> existing = idempotencyRepo.findByKey(key);"),
    ("reject_params", "  if (!existing.get().sameParameters(req)) throw new UnprocessableException();  // 422"),  # noqa: E501
    ("conflict", "  if (record.getStatus() == Status.PROCESSING) throw new ConflictException(\"Payment is being processed. Retry later.\");"),  # noqa: E501
    ("return_cached", "  return record.getCachedResponse();"),
    ("claim", "  idempotencyRepo.insert(new IdempotencyRecord(key, Status.PROCESSING, null));"),
    ("duplicate", "  catch (DuplicateKeyException e) { throw new ConflictException(\"Duplicate request\"); }"),  # noqa: E501
    ("commit_claim", "  COMMIT; BEGIN;  // the claim is visible to other requests from here"),
    ("validate", "  validateBalance(req.getUserId(), req.getAmount());"),
    ("deduct", "  deductBalance(req.getUserId(), req.getAmount());  // UPDATE accounts SET balance = balance - ?"),  # noqa: E501
    ("record", "  createTransaction(req);"),
    ("outbox", "  outboxRepo.insert(new OutboxEvent(\"payment-completed\", req));  // same transaction"),  # noqa: E501
    ("mark_success", "  idempotencyRepo.updateStatus(key, Status.SUCCESS, response);"),
    ("publish_before", "  kafka.send(\"payment-events\", event);  // before COMMIT"),
    ("commit", "  COMMIT;"),
    ("publish", "  kafka.send(\"payment-events\", event);  // after COMMIT"),
    ("mark_failed", "  catch (Exception e) { idempotencyRepo.updateStatus(key, Status.FAILED, null); throw e; }"),  # noqa: E501
    ("unlock_redis", "  // safeguard: DEL idempotency:<key> (if it is still ours)"),
    ("respond", "  return response;"),
)
LINE_IDS = tuple(line for line, _ in SOURCE)
# A handler step carries the newest rows of idempotency_store (the snapshot has all).
STORE_ROWS_IN_EVENT = 30

SQL = {
    "begin": "BEGIN",
    "lock_advisory": "SELECT pg_advisory_xact_lock({lock_id})",
    "lock_account": "SELECT * FROM accounts WHERE id = '{account}' FOR UPDATE",
    "lock_key_row": "SELECT * FROM idempotency_store WHERE idempotency_key = '{key}' FOR UPDATE",
    "check": "SELECT * FROM idempotency_store WHERE idempotency_key = '{key}'",
    "claim": "INSERT INTO idempotency_store (idempotency_key, status, expires_at) "
             "VALUES ('{key}', 'PROCESSING', now() + interval '24 hours')",
    "commit_claim": "COMMIT; BEGIN",
    "validate": "SELECT balance FROM accounts WHERE id = '{account}'",
    "deduct": "UPDATE accounts SET balance = balance - {amount} WHERE id = '{account}'",
    "deduct_optimistic": "UPDATE accounts SET balance = balance - {amount}, version = version + 1 "
                         "WHERE id = '{account}' AND version = {version}",
    "record": "INSERT INTO transactions (user_id, amount, idempotency_key) "
              "VALUES ('{account}', {amount}, '{key}')",
    "outbox": "INSERT INTO outbox (event_id, payload) VALUES ('{event_id}', ...)",
    "mark_success": "UPDATE idempotency_store SET status = 'SUCCESS', response_code = 200 "
                    "WHERE idempotency_key = '{key}'",
    "commit": "COMMIT",
    "mark_failed": "UPDATE idempotency_store SET status = 'FAILED' WHERE idempotency_key = '{key}'",
}


@dataclass
class Result:
    outcome: str
    detail: str
    next_line: str | None
    sql: str | None = None
    waiting_for_tx: int | None = None


def fingerprint(account: str, amount: int) -> str:
    return f"{account}:{amount}"


def _sql(name: str, t, **extra) -> str:
    return SQL[name].format(key=t.idempotency_key, account=t.account, amount=t.amount,
                            **extra)


def first_line(settings: dict) -> str:
    if settings["variant"] != "no_key" and settings["safeguard"] == "redis_setnx":
        return "lock_redis"
    return "begin"


def _after_begin(settings: dict) -> str:
    if settings["variant"] == "no_key":
        return "validate"
    return {"advisory_lock": "lock_advisory", "for_update": "lock_account",
            "for_update_key_row": "lock_key_row"}.get(
        settings["safeguard"], "check")


def _after_record(settings: dict, t) -> str:
    if settings["outbox"]:
        return "outbox"
    return _after_outbox(settings, t)


def _after_outbox(settings: dict, t) -> str:
    if t.idempotency_key is not None:
        return "mark_success"
    return _before_commit(settings)


def _before_commit(settings: dict) -> str:
    if (settings["publish_events"] and not settings["outbox"]
            and settings["publish_order"] == "publish_then_commit"):
        return "publish_before"
    return "commit"


def _after_commit(settings: dict, t) -> str:
    if (settings["publish_events"] and not settings["outbox"]
            and settings["publish_order"] == "commit_then_publish" and t.charged):
        return "publish"
    return _finish(t)


def _finish(t) -> str:
    return "unlock_redis" if t.redis_lock is not None else "respond"


def _end_tx(world, t, commit: bool, reason: str = "") -> None:
    if t.tx is not None:
        tx, t.tx = t.tx, None
        world.ext["payments"].db.end(world, tx, commit, reason)
        world.ext["payments"].ended_txs.append(tx)


def _respond(t, code: int, body: dict) -> None:
    t.status_code = code
    t.body = body


def event_payload(t) -> str:
    return json.dumps({"event": "payment-completed", "event_id": t.event_id,
                       "request_id": t.request_id, "account": t.account, "amount": t.amount},
                      sort_keys=True)


def run_line(world, t) -> Result:  # noqa: C901 - one branch per handler line, kept together
    st = world.ext["payments"]
    settings = st.settings
    db = st.db
    line = t.line
    key = t.idempotency_key
    if line == "lock_redis":
        lock_key = f"idempotency:{key}"
        if st.redis.set_nx(world, t.name, lock_key, f"processing:{t.name}",
                           settings["redis_lock_ttl_ms"]) is None:
            _respond(t, 409, {"error": "already locked", "idempotency_key": key})
            return Result("locked", f"SETNX {lock_key} refused: another request holds the "
                                    "lock -> 409 \"already locked\"", "respond",
                          f"SET {lock_key} processing NX EX "
                          f"{settings['redis_lock_ttl_ms'] // 1000}")
        t.redis_lock = lock_key
        return Result("ok", f"SETNX {lock_key}: OK, the lock is ours for "
                            f"{settings['redis_lock_ttl_ms'] // 1000} s", "begin",
                      f"SET {lock_key} processing NX EX {settings['redis_lock_ttl_ms'] // 1000}")
    if line == "begin":
        t.tx = db.begin(world, t.name)
        return Result("ok", f"transaction {t.tx} begins", _after_begin(settings), "BEGIN")
    if line == "lock_advisory":
        lock_id = java_string_hash(key)  # the advisory lock's id (not PostgreSQL's hashtext)
        sql = _sql("lock_advisory", t, lock_id=lock_id)
        outcome, holder = db.advisory_lock(world, t.tx, lock_id)
        if outcome == "wait":
            return Result("waiting", f"advisory lock {lock_id} is held by thread "
                                     f"{db.holder_thread(holder)}: waiting", line, sql, holder)
        return Result("ok", f"advisory lock {lock_id} taken (released at COMMIT/ROLLBACK)",
                      "check", sql)
    if line == "lock_account":
        sql = _sql("lock_account", t)
        outcome, holder = db.lock_row(world, t.tx, "accounts", t.account)
        if outcome == "wait":
            return Result("waiting", f"row accounts/{t.account} is locked by thread "
                                     f"{db.holder_thread(holder)}: waiting", line, sql, holder)
        if outcome == "missing":
            _respond(t, 404, {"error": "no such account"})
            _end_tx(world, t, False, "no such account")
            return Result("ok", "no such account: nothing to lock", _finish(t), sql)
        return Result("ok", f"row accounts/{t.account} locked until this transaction ends",
                      "check", sql)
    if line == "lock_key_row":
        sql = _sql("lock_key_row", t)
        found = db.find_keys(t.tx, key)
        for row, _values in found:
            outcome, holder = db.lock_row(world, t.tx, "idempotency_store", row.row_id)
            if outcome == "wait":
                return Result("waiting", f"the row of key {key} is locked by thread "
                                         f"{db.holder_thread(holder)}: waiting", line, sql,
                              holder)
        if not found:
            return Result("not_found", f"no row with key {key} yet: FOR UPDATE locks nothing "
                                       "(there is no gap lock), so nothing stops another "
                                       "request", "check", sql)
        return Result("ok", f"the row of key {key} is locked until this transaction ends",
                      "check", sql)
    if line == "check":
        sql = _sql("check", t)
        found = db.find_keys(t.tx, key)
        if not found:
            return Result("not_found", f"key {key} not found in idempotency_store", "claim", sql)
        row, values = found[0]
        t.seen = dict(values)
        if values.get("request_fingerprint") != t.fingerprint:
            return Result("params_mismatch", f"key {key} was first used with other parameters "
                                             f"({values.get('request_fingerprint')})",
                          "reject_params", sql)
        status = values["status"]
        if status == "PROCESSING":
            return Result("found_processing", f"key {key} is PROCESSING: another request is "
                                              "handling it", "conflict", sql)
        return Result("found_" + status.lower(), f"key {key} is {status}: return the cached "
                                                 "response", "return_cached", sql)
    if line == "reject_params":
        _end_tx(world, t, False, "same key, other parameters")
        _respond(t, 422, {"error": "Keys for idempotent requests can only be used with the "
                                   "same parameters they were first used with.",
                          "idempotency_key": key})
        return Result("ok", "422: same key, other parameters", _finish(t))
    if line == "conflict":
        _end_tx(world, t, False, "conflict")
        _respond(t, 409, {"error": "Payment is being processed. Retry later.",
                          "idempotency_key": key})
        return Result("ok", "409 Conflict: the first request is still PROCESSING", _finish(t))
    if line == "return_cached":
        _end_tx(world, t, True)
        seen = t.seen or {}
        body = json.loads(seen["response_body"]) if seen.get("response_body") else {
            "status": seen.get("status")}
        _respond(t, seen.get("response_code") or 200, body)
        t.cached = True
        return Result("ok", f"cached response {seen.get('response_code')} returned: "
                            "nothing charged again", _finish(t))
    if line == "claim":
        sql = _sql("claim", t)
        values = {"idempotency_key": key, "status": "PROCESSING", "response_code": None,
                  "response_body": None, "request_fingerprint": t.fingerprint,
                  "created_at_ms": world.now_ms,
                  "expires_at_ms": world.now_ms + settings["key_ttl_ms"]}
        outcome, row = db.insert_key(world, t.tx, values)
        if outcome == "wait":
            return Result("waiting", f"key {key} was inserted by thread "
                                     f"{db.holder_thread(row)}'s open transaction: the UNIQUE "
                                     "index makes this INSERT wait for it", line, sql, row)
        if outcome == "duplicate":
            return Result("duplicate_key", f"DuplicateKeyException: {key} is already in "
                                           "idempotency_store (the UNIQUE constraint)",
                          "duplicate", sql)
        t.store_row = row.row_id
        nxt = "commit_claim" if settings["transaction_scope"] == "claim_committed_first" else (
            "validate")
        return Result("ok", f"key {key} claimed as PROCESSING"
                      + ("" if db.unique_key else " (no UNIQUE constraint: nothing stops a "
                                                  "second row)"), nxt, sql)
    if line == "duplicate":
        _end_tx(world, t, False, "duplicate key")
        _respond(t, 409, {"error": "Duplicate request", "idempotency_key": key})
        return Result("ok", "409 Conflict: Duplicate request", _finish(t))
    if line == "commit_claim":
        _end_tx(world, t, True)
        t.tx = db.begin(world, t.name)
        return Result("ok", f"claim committed: other requests now see PROCESSING; "
                            f"transaction {t.tx} begins", "validate", "COMMIT; BEGIN")
    if line == "validate":
        sql = _sql("validate", t)
        account = db.tables["accounts"].get(t.account)
        values = None if account is None else db.visible(t.tx, account)
        if values is None:
            t.failure = (404, {"error": "no such account"})
            return Result("insufficient_funds", f"no account {t.account}", "mark_failed", sql)
        if t.read_version is None:  # the request carries the version its client saw
            t.read_version = values["version"]
        if values["balance"] < t.amount:
            t.failure = (402, {"error": "insufficient funds", "balance": values["balance"]})
            return Result("insufficient_funds", f"balance {values['balance']} < {t.amount}",
                          "mark_failed", sql)
        return Result("ok", f"balance {values['balance']} >= {t.amount}", "deduct", sql)
    if line == "deduct":
        optimistic = settings["safeguard"] == "optimistic_version"
        sql = _sql("deduct_optimistic", t, version=t.read_version) if optimistic else _sql(
            "deduct", t)
        expect = {"version": t.read_version} if optimistic else None
        changes = {"balance": _minus(t.amount)}
        if optimistic:
            changes["version"] = _plus_one
        outcome, values = db.update(world, t.tx, "accounts", t.account, changes, expect)
        if outcome == "wait":
            return Result("waiting", f"row accounts/{t.account} is locked by thread "
                                     f"{db.holder_thread(values)}: this UPDATE waits",
                          line, sql, values)
        if outcome == "no_rows":
            t.failure = (409, {"error": "concurrent update: version changed, retry"})
            return Result("version_conflict", f"0 rows updated: version is no longer "
                                              f"{t.read_version} (someone else paid first)",
                          "mark_failed", sql)
        t.deducted = True
        return Result("ok", f"balance {values['balance'] + t.amount} -> {values['balance']} "
                            "(not committed yet)", "record", sql)
    if line == "record":
        row = db.insert(world, t.tx, "transactions", {
            "user_id": t.account, "amount": t.amount, "idempotency_key": key,
            "request_id": t.request_id, "created_at_ms": world.now_ms})
        return Result("ok", f"transactions row {row.row_id} inserted",
                      _after_record(settings, t), _sql("record", t))
    if line == "outbox":
        t.event_id = t.event_id or f"evt-{t.request_id}-{t.name}"
        row = db.insert(world, t.tx, "outbox", {
            "event_id": t.event_id, "request_id": t.request_id, "payload": event_payload(t),
            "created_at_ms": world.now_ms, "published_at_ms": None})
        return Result("ok", f"outbox row {row.row_id} inserted in the same transaction",
                      _after_outbox(settings, t), _sql("outbox", t, event_id=t.event_id))
    if line == "mark_success":
        body = {"status": "SUCCESS", "message": "Payment processed", "amount": t.amount}
        outcome, values = db.update(world, t.tx, "idempotency_store", t.store_row, {
            "status": "SUCCESS", "response_code": 200,
            "response_body": json.dumps(body, sort_keys=True)})
        if outcome == "wait":
            return Result("waiting", "the idempotency row is locked: waiting", line,
                          _sql("mark_success", t), values)
        _respond(t, 200, body)
        return Result("ok", f"key {key} marked SUCCESS with the response cached",
                      _before_commit(settings), _sql("mark_success", t))
    if line == "publish_before":
        t.event_id = t.event_id or f"evt-{t.request_id}-{t.name}"
        world.ext["payments"].publish_queue.append(t.name)
        return Result("ok", f"event {t.event_id} sent to payment-events before COMMIT",
                      "commit")
    if line == "commit":
        if t.status_code is None:
            _respond(t, 200, {"status": "SUCCESS", "message": "Payment processed",
                              "amount": t.amount})
        t.charged = t.deducted
        _end_tx(world, t, True)
        if t.charged:
            t.event_id = t.event_id or f"evt-{t.request_id}-{t.name}"
        return Result("ok", "committed" + (": the deduction is permanent" if t.charged else ""),
                      _after_commit(settings, t), "COMMIT")
    if line == "publish":
        world.ext["payments"].publish_queue.append(t.name)
        return Result("ok", f"event {t.event_id} sent to payment-events after COMMIT",
                      _finish(t))
    if line == "mark_failed":
        code, body = t.failure or (500, {"error": "failed"})
        _respond(t, code, body)
        if settings["transaction_scope"] == "one_transaction" or t.store_row is None:
            _end_tx(world, t, False, body["error"])
            return Result("ok", f"{code}: rolled back" + (
                " (the FAILED mark and the claim roll back with it: one @Transactional)"
                if t.store_row else ""), _finish(t), "ROLLBACK")
        _end_tx(world, t, False, body["error"])
        t.tx = db.begin(world, t.name)
        db.update(world, t.tx, "idempotency_store", t.store_row, {
            "status": "FAILED", "response_code": code,
            "response_body": json.dumps(body, sort_keys=True)})
        _end_tx(world, t, True)
        return Result("ok", f"{code}: rolled back, key {key} marked FAILED (a retry gets this "
                            "saved error, as Stripe does)", _finish(t),
                      "ROLLBACK; " + _sql("mark_failed", t))
    if line == "unlock_redis":
        removed = st.redis.delete(world, t.name, t.redis_lock, only_if=f"processing:{t.name}")
        lock = t.redis_lock
        t.redis_lock = None
        return Result("ok", f"DEL {lock}: " + ("released" if removed else
                                               "the lock had expired (not ours any more)"),
                      "respond", f"DEL {lock}")
    if line == "respond":
        return Result("ok", f"{t.status_code} returned", None)
    raise ValueError(f"unknown handler line {line!r}")


class _Minus:
    """balance - amount, picklable (the update's change is applied to the newest
    committed row, as PostgreSQL re-reads it after a lock wait)."""

    def __init__(self, amount: int):
        self.amount = amount

    def __call__(self, row: dict) -> int:
        return row["balance"] - self.amount


def _minus(amount: int) -> _Minus:
    return _Minus(amount)


def _plus_one(row: dict) -> int:
    return row["version"] + 1


def emit_step(world, t, line: str, result: Result) -> None:
    st = world.ext["payments"]
    world.emit(pev.PaymentHandlerStepped, thread=t.name, request_id=t.request_id,
               idempotency_key=t.idempotency_key, line=line, sql=result.sql,
               outcome=result.outcome, detail=result.detail, next_line=result.next_line,
               tx=t.tx, waiting_for=None if result.waiting_for_tx is None
               else st.db.holder_thread(result.waiting_for_tx),
               balances=st.db.committed_balances(), store=st.db.store_rows()[-STORE_ROWS_IN_EVENT:],
               charges=dict(st.charges))
