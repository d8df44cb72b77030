/**
 * reduce-cluster.js — how the cluster's own events change the model: brokers,
 * the controller quorum, topics and partitions, each replica's log, the
 * records the leaders wrote, segments, and messages on the wire.
 *
 * A table {event kind: (state, event) => void}; store.js composes it with the
 * other reducer tables and calls it on a state it already copied, so a
 * reducer may replace the top-level maps' entries freely (never mutate an
 * entry in place: copy it first, as the helpers below do).
 */
import { KEEP_RECORDS, LATE_FRAME_MS, drawnUntil, logKey } from "./model.js";

function topicPartition(state, e) {
  const topic = state.topics[e.topic];
  if (!topic) return null;
  const parts = { ...topic.partitions };
  state.topics[e.topic] = { ...topic, partitions: parts };
  parts[e.partition] = { ...(parts[e.partition] || { partition: e.partition, replicas: [], isr: [] }) };
  return parts[e.partition];
}

function logOf(state, e) {
  // A broker may still act on a topic the controller already deleted (it
  // learns of the deletion a metadata hop later): the model, like the
  // snapshot, keeps logs of existing topics only.
  if (!state.topics[e.topic]) return { leo: 0, hw: 0, log_start: 0, role: "" };
  const key = logKey(e.topic, e.partition, e.broker);
  const log = { ...(state.logs[key] || { leo: 0, hw: 0, log_start: 0, role: "" }) };
  state.logs[key] = log;
  return log;
}

function setBroker(state, e, patch) {
  state.brokers[e.broker] = { ...(state.brokers[e.broker] || { id: e.broker, slow_ms: 0 }), ...patch };
}

/** True for a message with no records that is not part of a produce (= simulator/routine.py). */
export function routineMessage(m) {
  const some = (v) => (Array.isArray(v) ? v.length > 0 : Boolean(v));
  const records = m.summary && m.summary.records;
  const carries = records && typeof records === "object" && !Array.isArray(records)
    ? Object.values(records).some(some) : some(records);
  return !carries && !String(m.message_kind).includes("produce");
}

/** A message left the wire: drawn until drawnUntil, but not delivered routine chatter (simulator/routine.py). */
function land(s, e, dropped) {
  const m = s.inflight[e.message_id];
  delete s.inflight[e.message_id];
  for (const [id, old] of Object.entries(s.landed)) {
    if (drawnUntil(old, old.dropped) <= e.at_ms) delete s.landed[id];
  }
  if (m && !dropped && routineMessage(m)) return;
  if (m && drawnUntil(m, dropped) > e.at_ms) s.landed[e.message_id] = { ...m, landed_at_ms: e.at_ms, dropped };
}

/** model.js hopStart. */
function drawnFrom(s, sentAtMs) {
  if (s.frameAtMs == null || s.frameAtMs <= sentAtMs) return sentAtMs;
  return sentAtMs + Math.min(s.frameAtMs - sentAtMs, LATE_FRAME_MS);
}

export const CLUSTER_REDUCERS = {
  message_sent(s, e) {
    s.inflight[e.message_id] = {
      message_id: e.message_id, message_kind: e.message_kind, source: e.source, target: e.target,
      sent_at_ms: e.sent_at_ms, arrive_at_ms: e.arrive_at_ms, drawn_from_ms: drawnFrom(s, e.sent_at_ms),
      summary: e.summary || {},
    };
  },
  message_delivered(s, e) { land(s, e, false); },
  message_dropped(s, e) { land(s, e, true); },
  broker_crashed(s, e) {
    setBroker(s, e, { state: e.state || "crashed" });
    // Its logs survive on disk, but a crashed broker neither leads nor follows
    // (it learns its roles again from metadata after a restart).
    for (const [key, log] of Object.entries(s.logs)) {
      if (key.endsWith(`/${e.broker}`) && log.role !== "none") s.logs[key] = { ...log, role: "none" };
    }
  },
  broker_restarted(s, e) { setBroker(s, e, { state: e.state || "online" }); },
  broker_isolated(s, e) { setBroker(s, e, { state: e.state || "isolated" }); },
  broker_reconnected(s, e) { setBroker(s, e, { state: e.state || "online" }); },
  broker_fenced(s, e) { setBroker(s, e, { state: e.state || "fenced" }); },
  broker_unfenced(s, e) { setBroker(s, e, { state: e.state || "online" }); },
  broker_added(s, e) { setBroker(s, e, { state: e.state || "online" }); },
  broker_slowed(s, e) { setBroker(s, e, { slow_ms: e.slow_ms }); },
  controller_elected(s, e) {
    s.activeController = e.controller;
    s.controllerEpoch = e.epoch;
    for (const id of e.quorum || []) if (!s.controllers[id]) s.controllers[id] = { id, state: "running" };
  },
  controller_lost(s, e) { s.activeController = null; s.controllerEpoch = e.epoch; },
  controller_crashed(s, e) { s.controllers[e.controller] = { id: e.controller, state: e.state || "crashed" }; },
  controller_restarted(s, e) { s.controllers[e.controller] = { id: e.controller, state: e.state || "running" }; },
  topic_created(s, e) {
    const partitions = {};
    for (const p of e.partitions || []) partitions[p.partition] = { ...p };
    s.topics[e.topic] = { name: e.topic, internal: Boolean(e.internal), configs: e.configs || {}, partitions };
  },
  partitions_created(s, e) {
    const topic = s.topics[e.topic];
    if (!topic) return;
    const partitions = { ...topic.partitions };
    for (const p of e.partitions || []) partitions[p.partition] = { ...p };
    s.topics[e.topic] = { ...topic, partitions };
  },
  topic_deleted(s, e) {
    delete s.topics[e.topic];
    for (const k of Object.keys(s.logs)) if (k.startsWith(`${e.topic}/`)) delete s.logs[k];
  },
  topic_config_changed(s, e) {
    if (s.topics[e.topic]) s.topics[e.topic] = { ...s.topics[e.topic], configs: e.configs };
  },
  leader_changed(s, e) {
    const p = topicPartition(s, e);
    // The partition's records are now the new leader's log: view.js recordsOf
    // reads them below its log end (an old leader's uncommitted tail is gone).
    if (p) Object.assign(p, { leader: e.leader, leader_epoch: e.leader_epoch, isr: e.isr });
  },
  isr_changed(s, e) {
    const p = topicPartition(s, e);
    if (p) Object.assign(p, { isr: e.isr, leader: e.leader, leader_epoch: e.leader_epoch });
  },
  replica_added(s, e) {
    const p = topicPartition(s, e);
    if (p && !p.replicas.includes(e.broker)) p.replicas = [...p.replicas, e.broker];
  },
  records_appended(s, e) {
    logOf(s, e).leo = e.leo;
    const p = topicPartition(s, e);
    // The records are the elected leader's log (as in the snapshot), not a
    // cut-off former leader's writes, which never commit.
    const elected = !p || p.leader == null || p.leader === e.broker;
    if (e.records && e.records.length && elected) {
      // A leader's append: offsets from base_offset on are these records now
      // (after an unclean election a new leader may reuse offsets).
      const key = `${e.topic}/${e.partition}`;
      const kept = (s.records[key] || []).filter((r) => r.offset < e.base_offset);
      s.records[key] = [...kept, ...e.records].slice(-KEEP_RECORDS);
    }
  },
  high_watermark_changed(s, e) { logOf(s, e).hw = e.high_watermark; },
  log_truncated(s, e) { logOf(s, e).leo = e.leo; },
  segments_deleted(s, e) {
    logOf(s, e).log_start = e.log_start_offset;
    const key = `${e.topic}/${e.partition}`;
    if (s.records[key]) s.records[key] = s.records[key].filter((r) => r.offset >= e.log_start_offset);
  },
  segment_rolled(s, e) {
    // Base offsets of rolled segments per replica log (the snapshot's
    // `segments` give the ones that existed before the page connected).
    const key = logKey(e.topic, e.partition, e.broker);
    s.segments = { ...s.segments, [key]: [...new Set([...(s.segments[key] || []), e.base_offset])].sort((a, b) => a - b).slice(-50) };
  },
  replica_role_changed(s, e) {
    const log = logOf(s, e);
    log.role = e.role;
    // A follower learns the HW from its fetches without an event of its own;
    // the role change carries the HW it starts leading (or following) with.
    if (e.high_watermark !== undefined) log.hw = e.high_watermark;
  },
};
