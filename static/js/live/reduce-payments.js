/**
 * reduce-payments.js — how the payments extension's events (docs/events.md,
 * "Payments extension") change the model's `payments` part: the committed
 * balances and idempotency_store rows, the handler threads and the line each
 * ran last (the code panel), the client's requests, timeouts and answers (the
 * sequence diagrams), charges and double charges, the Redis keys, the outbox,
 * and a short history of finished races per safeguard (side by side).
 *
 * `EXTENSION_MODEL` is what store.js loads when a sandbox's snapshot has a
 * `payments` section (a page whose sandbox never runs payments never fetches
 * this file): the reducers {event kind: (state, event) => void}, the part read
 * from a snapshot (`paymentsFromSnapshot`) and its per-frame copy. Events are
 * state-carrying: a handler step carries the committed balances and store
 * rows after it, so the reducer copies them rather than re-running SQL.
 */
export const KEEP_SEQUENCE = 40;
export const KEEP_STEPS = 60;
export const KEEP_RACES = 12;

import { emptyPayments } from "./model.js";

/** The payments part of a snapshot (`snapshot()["payments"]`, docs/events.md), or an empty one. */
export function paymentsFromSnapshot(raw) {
  const p = emptyPayments();
  const snap = raw && raw.payments;
  if (!snap) return p;
  p.loaded = true;
  p.settings = { ...(snap.settings || {}) };
  p.service = snap.service_down ? "crashed" : "up";
  for (const [id, balance] of Object.entries(snap.balances || {})) {
    p.balances[id] = balance;
    p.balanceHistory[id] = [balance];
  }
  for (const row of asRows(snap.idempotency_store)) p.store[rowKey(row)] = { ...row, changed_at_ms: null };
  for (const row of asRows(snap.outbox)) {
    const values = row.values || row.pending || {};
    p.outbox[row.row_id] = { ...values, row_id: row.row_id, committed: row.values != null };
  }
  for (const item of asRows(snap.redis)) p.redis[item.key] = { value: item.value, expires_at_ms: item.expires_at_ms };
  for (const t of asRows(snap.threads)) {
    p.threads[t.thread] = { ...t, key: t.idempotency_key, finished: t.state === "done", next_line: t.state === "done" ? null : t.line };
  }
  p.race = [...(snap.race || [])];
  p.charges = { ...(snap.charges || {}) };
  p.doubleCharges = (snap.double_charges || []).length;
  p.published = { ...(snap.events_published || {}) };
  return p;
}

/** An idempotency_store row's key in the model: its row id (without UNIQUE two rows share a key). */
export const rowKey = (row) => String(row.row_id ?? row.idempotency_key);

/** What a row's status reads as now: an open transaction's change first. */
export const rowStatus = (row) => row.pending_status ?? row.status ?? null;

/** True while a row (or its latest change) is not committed yet. */
export const rowUncommitted = (row) => row.committed === false || row.pending_status != null;

const asRows = (v) => (Array.isArray(v) ? v : v && typeof v === "object" ? Object.values(v) : []);

/** A writable copy of the payments part, made once per events frame by store.js. */
export function clonePayments(p) {
  return {
    ...p, settings: { ...p.settings }, balances: { ...p.balances }, balanceHistory: { ...p.balanceHistory },
    store: { ...p.store }, threads: { ...p.threads }, steps: p.steps.slice(-KEEP_STEPS),
    sequence: p.sequence.slice(-KEEP_SEQUENCE), charges: { ...p.charges }, keyCharges: { ...p.keyCharges }, responses: p.responses.slice(-20),
    redis: { ...p.redis }, redisLog: p.redisLog.slice(-10), outbox: { ...p.outbox },
    published: { ...p.published }, delivered: { ...p.delivered }, race: [...p.race], races: p.races.slice(-KEEP_RACES),
    expired: p.expired.slice(-10), crashes: p.crashes.slice(-10),
  };
}

function push(list, item, keep) {
  list.push(item);
  if (list.length > keep) list.splice(0, list.length - keep);
}

function row(p, item) {
  push(p.sequence, { id: p.nextRow++, ...item }, KEEP_SEQUENCE);
}

function setBalances(p, balances, at) {
  for (const [account, balance] of Object.entries(balances || {})) {
    const history = p.balanceHistory[account] ? [...p.balanceHistory[account]] : [];
    if (history[history.length - 1] !== balance) history.push(balance);
    p.balanceHistory[account] = history.slice(-8);
    p.balances[account] = balance;
  }
  p.balancesAt = at;
}

function setStore(p, rows, at) {
  if (!Array.isArray(rows)) return;
  const next = {};
  for (const r of rows) {
    const key = rowKey(r);
    const before = p.store[key];
    const changed = !before || rowStatus(before) !== rowStatus(r) || rowUncommitted(before) !== rowUncommitted(r);
    next[key] = { ...(before || {}), ...r, changed_at_ms: changed ? at : before.changed_at_ms };
  }
  p.store = next;
}

/** The race a thread belongs to: races are opened by their threads' starts. */
function openRace(p, e) {
  const last = p.races[p.races.length - 1];
  const settings = p.settings || {};
  if (last && !last.done && Object.keys(last.threads).length < (last.size || 2)) return last;
  const race = {
    id: `${e.at_ms}-${e.thread}`, started_at_ms: e.at_ms, done: false, size: 2, charges: 0,
    variant: settings.variant, safeguard: settings.safeguard || "none", scope: settings.transaction_scope,
    process_ms: settings.process_ms, lock_ttl_ms: settings.redis_lock_ttl_ms, threads: {},
  };
  push(p.races, race, KEEP_RACES);
  return race;
}

function raceOf(p, thread) {
  for (let i = p.races.length - 1; i >= 0; i -= 1) if (p.races[i].threads[thread]) return p.races[i];
  return null;
}

function updateRaceThread(p, thread, patch) {
  const race = raceOf(p, thread);
  if (!race) return null;
  const index = p.races.indexOf(race);
  const copy = { ...race, threads: { ...race.threads, [thread]: { ...race.threads[thread], ...patch } } };
  copy.done = Object.values(copy.threads).every((t) => t.finished);
  p.races[index] = copy;
  return copy;
}

/**
 * The handler lines the sequence diagrams draw as arrows to the database, as
 * the guide's figures label them (the other lines would crowd the picture).
 */
export const SEQUENCE_LINES = {
  begin: () => "BEGIN TX",
  check: (e) => `check key ${e.idempotency_key ? String(e.idempotency_key).slice(0, 8) : ""}… exists?`,
  claim: () => "INSERT idempotency_store (PROCESSING)",
  deduct: (e, t) => `UPDATE balance -= ${t.amount ?? ""}`,
  commit: () => "COMMIT",
};

export const PAYMENT_REDUCERS = {
  payments_configured(s, e) { s.payments.settings = { ...e.settings }; s.payments.loaded = true; },

  payment_requested(s, e) {
    const p = s.payments;
    const retry = e.attempt > 1 ? ` (retry ${e.attempt - 1})` : "";
    row(p, {
      type: "request", from: e.client ? `client:${e.client}` : "client", to: e.target, at_ms: e.at_ms,
      request_id: e.request_id, attempt: e.attempt, key: e.idempotency_key,
      label: `POST /pay $${e.amount}${retry}`,
    });
  },
  payment_timed_out(s, e) {
    const p = s.payments;
    // The answer to this attempt never came: if the service sent one, it was lost.
    for (let i = p.sequence.length - 1; i >= 0; i -= 1) {
      const r = p.sequence[i];
      if (r.type === "response" && r.request_id === e.request_id && !r.delivered && !r.lost) {
        p.sequence[i] = { ...r, lost: true };
        break;
      }
    }
    row(p, { type: "timeout", at_ms: e.at_ms, request_id: e.request_id, attempt: e.attempt, label: `TIMEOUT after ${e.timeout_ms / 1000} s` });
  },
  payment_retry_scheduled(s, e) {
    const p = s.payments;
    const request = [...p.sequence].reverse().find((r) => r.type === "request" && r.request_id === e.request_id);
    row(p, { type: "note", at_ms: e.at_ms, request_id: e.request_id, side: "client", label: `retry in ${e.backoff_ms / 1000} s${request && request.key ? " (same key)" : ""}` });
  },
  payment_response_received(s, e) {
    const p = s.payments;
    push(p.responses, { request_id: e.request_id, attempt: e.attempt, status_code: e.status_code, cached: e.cached, body: e.body, at_ms: e.at_ms }, 20);
    for (let i = p.sequence.length - 1; i >= 0; i -= 1) {
      const r = p.sequence[i];
      if (r.type === "response" && r.request_id === e.request_id && !r.delivered && !r.lost) {
        p.sequence[i] = { ...r, delivered: true, cached: e.cached, label: `${e.status_code}${e.cached ? " OK (cached)" : e.status_code === 200 ? " OK" : ""}` };
        return;
      }
    }
    row(p, { type: "response", from: "gateway:api", to: "client", at_ms: e.at_ms, request_id: e.request_id, delivered: true, cached: e.cached, label: `${e.status_code}${e.cached ? " (cached)" : ""}` });
  },
  payment_gave_up(s, e) { row(s.payments, { type: "note", side: "client", at_ms: e.at_ms, request_id: e.request_id, label: `gave up after ${e.attempts} attempts` }); },

  gateway_cache_checked(s, e) {
    const p = s.payments;
    if (e.hit) p.gatewayHits += 1;
    row(p, { type: "note", side: "gateway", at_ms: e.at_ms, request_id: e.request_id, label: e.hit ? `cache HIT: ${e.cached_status_code}` : "cache miss" });
  },
  payment_request_published(s, e) {
    row(s.payments, { type: "note", side: "gateway", at_ms: e.at_ms, request_id: e.request_id, label: `→ ${e.topic}` });
  },

  redis_command_executed(s, e) {
    const p = s.payments;
    push(p.redisLog, { command: e.command, result: e.result, caller: e.caller, at_ms: e.at_ms }, 10);
    if (/^SET/i.test(e.command) && e.result === "OK") p.redis[e.key] = { value: e.command.split(/\s+/)[2], expires_at_ms: e.expires_at_ms, set_at_ms: e.at_ms, owner: e.caller };
    if (/^DEL/i.test(e.command)) delete p.redis[e.key];
  },
  redis_key_expired(s, e) { const p = s.payments; delete p.redis[e.key]; push(p.redisLog, { command: `(expired) ${e.key}`, result: null, at_ms: e.at_ms }, 10); },

  payment_thread_started(s, e) {
    const p = s.payments;
    p.threads[e.thread] = {
      thread: e.thread, request_id: e.request_id, key: e.idempotency_key, account: e.account, amount: e.amount,
      source: e.source, manual: e.manual, line: null, next_line: e.line, outcome: "", detail: "",
      waiting_for: null, finished: false, started_at_ms: e.at_ms, status_code: null, charged: false,
    };
    if (e.source === "race" || e.manual) {
      const race = openRace(p, e);
      const index = p.races.indexOf(race);
      p.races[index] = { ...race, threads: { ...race.threads, [e.thread]: { thread: e.thread, started_at_ms: e.at_ms, steps: [], finished: false } } };
      // The current race's thread names, in order (the race picker steps them by position).
      p.race = Object.keys(p.races[index].threads).sort();
    }
    row(p, { type: "arrive", at_ms: e.at_ms, request_id: e.request_id, thread: e.thread, label: `thread ${e.thread}` });
  },
  payment_handler_stepped(s, e) {
    const p = s.payments;
    const t = { ...(p.threads[e.thread] || { thread: e.thread }) };
    Object.assign(t, { line: e.line, next_line: e.next_line, outcome: e.outcome, detail: e.detail, waiting_for: e.waiting_for, tx: e.tx, last_at_ms: e.at_ms });
    p.threads[e.thread] = t;
    p.lastStep = { thread: e.thread, request_id: e.request_id, line: e.line, next_line: e.next_line, outcome: e.outcome, detail: e.detail, sql: e.sql, at_ms: e.at_ms, waiting_for: e.waiting_for };
    push(p.steps, p.lastStep, KEEP_STEPS);
    setBalances(p, e.balances, e.at_ms);
    setStore(p, e.store, e.at_ms);
    if (e.charges) p.charges = { ...p.charges, ...e.charges };
    const race = raceOf(p, e.thread);
    if (race) {
      const before = race.threads[e.thread];
      updateRaceThread(p, e.thread, { steps: [...(before.steps || []), { line: e.line, outcome: e.outcome, detail: e.detail, at_ms: e.at_ms, waiting_for: e.waiting_for }] });
    }
    const label = SEQUENCE_LINES[e.line];
    if (label && e.outcome !== "waiting") row(p, { type: "db", at_ms: e.at_ms, request_id: e.request_id, thread: e.thread, outcome: e.outcome, label: label(e, t), line: e.line });
  },
  payment_thread_finished(s, e) {
    const p = s.payments;
    p.threads[e.thread] = { ...(p.threads[e.thread] || { thread: e.thread }), finished: true, status_code: e.status_code, body: e.body, charged: e.charged, next_line: null, finished_at_ms: e.at_ms };
    updateRaceThread(p, e.thread, { finished: true, status_code: e.status_code, charged: e.charged, body: e.body, finished_at_ms: e.at_ms });
    const source = p.threads[e.thread].source;
    if (source !== "race" && source !== "kafka") {
      row(p, { type: "response", from: "service:payments", to: "client", at_ms: e.at_ms, request_id: e.request_id, thread: e.thread, label: `${e.status_code}${e.status_code === 200 ? " OK" : ""}` });
    }
  },
  payment_charged(s, e) {
    const p = s.payments;
    p.charges = { ...p.charges, [e.request_id]: e.charge_count };
    // Per key too: a retry whose key expired is a new request with the old key (TTL step).
    if (e.idempotency_key) p.keyCharges[e.idempotency_key] = (p.keyCharges[e.idempotency_key] || 0) + 1;
    p.doubleCharges = Object.values(p.charges).filter((n) => n > 1).length;
    setBalances(p, { [e.account]: e.balance }, e.at_ms);
    const race = raceOf(p, e.thread);
    if (race) p.races[p.races.indexOf(race)] = { ...race, charges: race.charges + 1 };
    row(p, { type: "charge", at_ms: e.at_ms, request_id: e.request_id, thread: e.thread, balance: e.balance, double: e.double_charge, label: e.double_charge ? "DOUBLE DEDUCTION!" : `balance ${e.balance}` });
  },
  payment_service_crashed(s, e) {
    const p = s.payments;
    p.service = "crashed";
    push(p.crashes, { at_ms: e.at_ms, point: e.point }, 10);
    row(p, { type: "crash", at_ms: e.at_ms, label: `service crashed (${e.point === "after_commit" ? "after its commit" : "now"})` });
  },
  payment_service_restarted(s, e) { s.payments.service = "up"; row(s.payments, { type: "note", side: "service", at_ms: e.at_ms, label: "service restarted" }); },

  db_row_changed(s, e) {
    const p = s.payments;
    if (e.table === "idempotency_store") {
      const key = String(e.row_id);
      const before = p.store[key];
      if (e.values === null || e.values === undefined) { const { [key]: _gone, ...rest } = p.store; p.store = rest; return; }
      const status = e.values.status ?? before?.status ?? null;
      p.store[key] = {
        ...(before || {}), ...e.values, row_id: e.row_id, changed_at_ms: e.at_ms,
        status: e.committed ? status : before?.status ?? null,
        pending_status: e.committed ? null : status, committed: e.committed || Boolean(before?.committed), pending_thread: e.committed ? null : e.thread,
      };
    } else if (e.table === "outbox") {
      if (!e.values) { const { [e.row_id]: _gone, ...rest } = p.outbox; p.outbox = rest; return; }
      p.outbox[e.row_id] = { ...(p.outbox[e.row_id] || {}), ...e.values, row_id: e.row_id, committed: e.committed, changed_at_ms: e.at_ms };
    } else if (e.table === "accounts" && e.committed && e.values && "balance" in e.values) {
      setBalances(p, { [e.row_id]: e.values.balance }, e.at_ms);
    }
  },
  idempotency_key_expired(s, e) {
    const p = s.payments;
    p.store = Object.fromEntries(Object.entries(p.store).filter(([, r]) => r.idempotency_key !== e.idempotency_key));
    push(p.expired, { key: e.idempotency_key, at_ms: e.at_ms, expires_at_ms: e.expires_at_ms }, 10);
    row(p, { type: "note", side: "db", at_ms: e.at_ms, label: `TTL cleanup deleted ${e.idempotency_key.slice(0, 8)}…` });
  },
  payment_event_published(s, e) {
    const p = s.payments;
    p.published = { ...p.published, [e.event_id]: (p.published[e.event_id] || 0) + 1 };
    row(p, { type: "note", side: "service", at_ms: e.at_ms, request_id: e.request_id, label: `published ${e.event_id} (${e.via})` });
  },
  // A core event no other reducer folds: the broker dropped an idempotent
  // producer's repeated batch (layer 2 of the payment architecture).
  duplicate_discarded(s) { s.payments.duplicatesDiscarded += 1; },
  outbox_row_published(s, e) {
    const p = s.payments;
    if (p.outbox[e.row_id]) p.outbox[e.row_id] = { ...p.outbox[e.row_id], published: true, offset: e.offset, changed_at_ms: e.at_ms };
    p.delivered = { ...p.delivered, [e.event_id]: (p.delivered[e.event_id] || 0) + 1 };
  },
};

/** The payments extension's part of the model, for store.js (loaded on demand). */
export const EXTENSION_MODEL = Object.freeze({
  part: "payments", reducers: PAYMENT_REDUCERS, fromSnapshot: paymentsFromSnapshot, clone: clonePayments,
});
