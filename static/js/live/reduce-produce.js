/**
 * reduce-produce.js — what each producer was told, folded from its events, so
 * diagrams can say it: when a batch was sent, acknowledged (at which offsets,
 * after how long) or refused and retried, and which values it held. Kept
 * under `state.produce` as
 *   {producerName: {batches: {batch_id: {...}}, latest: batch_id, queued, latestQueued}}
 * (the last BATCHES_KEPT batches each). A table composed by store.js; the
 * reads (batchesOf, survival) are in view.js.
 */

export const BATCHES_KEPT = 20;

function producerEntry(state, name) {
  const all = { ...(state.produce || {}) };
  state.produce = all;
  const entry = all[name] || { batches: {}, latest: null };
  all[name] = { ...entry, batches: { ...entry.batches } };
  return all[name];
}

function batch(entry, id) {
  entry.batches[id] = { batch_id: id, values: [], ...(entry.batches[id] || {}) };
  const ids = Object.keys(entry.batches).map(Number).sort((a, b) => a - b);
  for (const old of ids.slice(0, Math.max(0, ids.length - BATCHES_KEPT))) delete entry.batches[old];
  return entry.batches[id] || {};
}

/** Fold one producer event into `state.produce` (exported for tests). */
export function trackProduce(state, e) {
  const entry = producerEntry(state, e.producer);
  if (e.kind === "records_queued") {
    // Queued records carry no batch id yet: they wait per partition until a
    // batch_sent for that partition takes them (in order, record_count of them).
    entry.queued = { ...(entry.queued || {}) };
    for (const r of e.records || []) {
      const key = String(r.partition);
      entry.queued[key] = [...(entry.queued[key] || []), { ...r, topic: e.topic, queued_at_ms: e.at_ms }];
    }
    entry.latestQueued = e.records && e.records.length ? { ...e.records[e.records.length - 1], topic: e.topic, queued_at_ms: e.at_ms } : entry.latestQueued;
    return;
  }
  const b = batch(entry, e.batch_id);
  b.topic = e.topic;
  b.partition = e.partition;
  if (e.kind === "batch_sent") {
    if (e.attempt === 1 || !b.values || !b.values.length) {
      const key = String(e.partition);
      const waiting = (entry.queued && entry.queued[key]) || [];
      const taken = waiting.slice(0, e.record_count);
      entry.queued = { ...(entry.queued || {}), [key]: waiting.slice(e.record_count) };
      if (taken.length) {
        Object.assign(b, { values: taken.map((r) => r.value), key: taken[0].key, reason: taken[0].reason,
          murmur2: taken[0].murmur2, queued_at_ms: taken[0].queued_at_ms });
      }
    }
    b.sent_at_ms = b.sent_at_ms ?? e.at_ms;
    b.attempt = e.attempt;
    b.broker = e.broker;
    // A retry keeps showing why the last attempt failed until one succeeds.
    if (e.attempt === 1) b.error = null;
    Object.assign(b, { record_count: e.record_count, size_bytes: e.size_bytes,
      compressed_size_bytes: e.compressed_size_bytes, compression: e.compression });
    // Where the leader's log ended when the batch left: with one producer, the
    // offset it will get (the ack confirms it).
    if (b.expected_offset === undefined) {
      const leaderLog = state.logs && state.logs[`${e.topic}/${e.partition}/${e.broker}`];
      b.expected_offset = leaderLog ? leaderLog.leo : 0;
    }
  } else if (e.kind === "produce_acknowledged") {
    Object.assign(b, { acked_at_ms: e.at_ms, base_offset: e.base_offset, last_offset: e.last_offset, acks: e.acks, error: null });
  } else if (e.kind === "produce_failed") {
    Object.assign(b, { failed_at_ms: e.at_ms, error: e.error, message: e.message, will_retry: e.will_retry, failed_attempt: e.attempt });
  }
  entry.latest = e.batch_id;
}

export const PRODUCE_REDUCERS = Object.fromEntries(
  ["records_queued", "batch_sent", "produce_acknowledged", "produce_failed"].map((kind) => [kind, trackProduce]),
);

