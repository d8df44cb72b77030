/**
 * store.js — the browser's copy of a sandbox: state = reduce(state, event).
 *
 * A `snapshot` message replaces everything (fromSnapshot); an `events` message
 * folds each simulator event in (reduceEvent). Events are state-carrying
 * (docs/events.md): each names what changed and carries the new value, so this
 * file copies values rather than re-implementing Kafka. Diagram modules read
 * the normalised view below; they never keep state of their own.
 *
 * The view (every diagram may rely on it):
 *   ready, now_ms, speed, playing, scenario, lastEventSeq, receivedAtWallMs
 *   brokers      {id: {id, state, slow_ms}}            state: online|crashed|isolated|fenced
 *   controllers  {id: {id, state}}, activeController (id or null), controllerEpoch
 *   topics       {name: {name, internal, configs, partitions: {p: {partition, replicas, leader, isr, leader_epoch}}}}
 *   logs         {"topic/p/broker": {leo, hw, log_start, role}}   one replica's log
 *   records      {"topic/p": [record dicts, by offset]}  the last 50 the leaders wrote
 *   producers    {name: {name, configs}}
 *   groups       {group: {group, state, generation, protocol (the chosen assignor), offsets: {"topic-p": committed},
 *                 members: {name: {id (bare name, e.g. "1a"), group, state (the consumer's
 *                 status: polling|processing|idle|rebalancing|stuck|crashed|error),
 *                 assignment: [{topic, partition}], positions: {"topic-p": next offset}}}}}
 *   inflight     {message_id: {message_id, message_kind, source, target, sent_at_ms, arrive_at_ms, summary}}
 *   recent       the last 30 events (for narration and debugging)
 *   raw          the snapshot's `state` as the simulator sent it
 */

const KEEP_RECORDS = 50;
const KEEP_RECENT = 30;

export function initialState() {
  return {
    ready: false, now_ms: 0, speed: 1, playing: false, scenario: "", lastEventSeq: 0,
    receivedAtWallMs: 0, brokers: {}, controllers: {}, activeController: null, controllerEpoch: 0,
    topics: {}, logs: {}, records: {}, producers: {}, groups: {}, inflight: {}, recent: [], raw: {},
  };
}

/** Simulated time now: the server's clock plus wall time since, × speed, while playing. */
export function simulatedNow(state, wallMs) {
  if (!state.playing) return state.now_ms;
  // Never run more than half a second ahead of the server: if frames stop
  // coming, the picture stops rather than inventing the future.
  const ahead = Math.min(Math.max(0, wallMs - state.receivedAtWallMs) * state.speed, 500 * state.speed);
  return state.now_ms + ahead;
}

export function reduceMessage(state, msg, wallMs) {
  switch (msg.type) {
    case "snapshot":
      return { ...fromSnapshot(msg), receivedAtWallMs: wallMs };
    case "events": {
      let next = { ...state, receivedAtWallMs: wallMs };
      next = cloneForEvents(next);
      for (const event of msg.events || []) reduceEvent(next, event);
      next.now_ms = msg.now_ms ?? next.now_ms;
      return next;
    }
    case "status":
      return { ...state, now_ms: msg.now_ms ?? state.now_ms, speed: msg.speed, playing: msg.playing, receivedAtWallMs: wallMs };
    default:
      return state;
  }
}

/** A shallow-enough copy that reduceEvent may mutate freely. */
function cloneForEvents(s) {
  return {
    ...s,
    brokers: { ...s.brokers }, controllers: { ...s.controllers }, topics: { ...s.topics },
    logs: { ...s.logs }, records: { ...s.records }, producers: { ...s.producers }, groups: { ...s.groups },
    inflight: { ...s.inflight }, recent: s.recent.slice(-KEEP_RECENT),
  };
}

const asList = (v) => (Array.isArray(v) ? v : v && typeof v === "object" ? Object.values(v) : []);
const logKey = (topic, partition, broker) => `${topic}/${partition}/${broker}`;

/** Normalise the simulator's snapshot (docs/events.md, "The snapshot") into the view. */
export function fromSnapshot(msg) {
  const s = initialState();
  const raw = msg.state || {};
  Object.assign(s, {
    ready: true, now_ms: msg.now_ms ?? raw.now_ms ?? 0, speed: msg.speed ?? 1,
    playing: Boolean(msg.playing), scenario: msg.scenario || "", raw,
    lastEventSeq: raw.last_seq ?? 0,
  });
  for (const b of asList(raw.brokers)) s.brokers[b.id] = { id: b.id, state: b.state || "online", slow_ms: b.slow_ms || 0 };
  const quorum = raw.controller || {};
  for (const c of asList(quorum.quorum)) s.controllers[c.controller] = { id: c.controller, state: c.state || "running" };
  s.activeController = quorum.active ?? null;
  s.controllerEpoch = quorum.epoch ?? 0;
  for (const t of asList(raw.topics)) {
    const topic = { name: t.name, internal: Boolean(t.internal), configs: t.configs || {}, partitions: {} };
    for (const p of asList(t.partitions)) {
      topic.partitions[p.partition] = {
        partition: p.partition, replicas: p.replicas || [], leader: p.leader ?? null,
        isr: p.isr || [], leader_epoch: p.leader_epoch ?? 0,
      };
      for (const r of asList(p.replicas_state)) {
        s.logs[logKey(t.name, p.partition, r.broker)] = {
          leo: r.leo ?? 0, hw: r.high_watermark ?? 0, log_start: r.log_start_offset ?? 0, role: r.role || "",
        };
      }
      s.records[`${t.name}/${p.partition}`] = (p.records || []).slice(-KEEP_RECORDS);
    }
    s.topics[topic.name] = topic;
  }
  for (const p of asList(raw.producers)) s.producers[p.name] = { name: p.name, configs: p.configs || {} };
  for (const g of asList(raw.groups)) {
    s.groups[g.group_id] = { group: g.group_id, state: g.state || "", generation: g.generation ?? 0, protocol: g.protocol ?? null, members: {}, offsets: { ...(g.committed || {}) } };
  }
  for (const c of asList(raw.consumers)) {
    const g = s.groups[c.group] || (s.groups[c.group] = { group: c.group, state: "", generation: 0, members: {}, offsets: {} });
    g.members[c.id] = {
      id: c.id, group: c.group, state: c.status || "", assignment: (c.assignment || []).map(tpObject),
      positions: { ...(c.positions || {}) },
    };
  }
  for (const m of asList(raw.in_flight)) {
    s.inflight[m.message_id] = { ...m, message_kind: m.message_kind ?? m.kind };
  }
  return s;
}

const tpObject = (tp) => (Array.isArray(tp) ? { topic: tp[0], partition: tp[1] } : tp);

function topicPartition(state, e) {
  const topic = state.topics[e.topic];
  if (!topic) return null;
  const parts = { ...topic.partitions };
  state.topics[e.topic] = { ...topic, partitions: parts };
  parts[e.partition] = { ...(parts[e.partition] || { partition: e.partition, replicas: [], isr: [] }) };
  return parts[e.partition];
}

function logOf(state, e) {
  const key = logKey(e.topic, e.partition, e.broker);
  const log = { ...(state.logs[key] || { leo: 0, hw: 0, log_start: 0, role: "" }) };
  state.logs[key] = log;
  return log;
}

function setBroker(state, e, patch) {
  state.brokers[e.broker] = { ...(state.brokers[e.broker] || { id: e.broker, slow_ms: 0 }), ...patch };
}

function group(state, e) {
  const id = e.group ?? e.group_id;
  const g = state.groups[id] || { group: id, state: "", generation: 0, members: {}, offsets: {} };
  state.groups[id] = { ...g, members: { ...g.members }, offsets: { ...g.offsets } };
  return state.groups[id];
}

/** Fold one simulator event into `state` (already copied by the caller). */
export function reduceEvent(state, e) {
  state.lastEventSeq = e.seq ?? state.lastEventSeq;
  state.recent.push(e);
  const handler = HANDLERS[e.kind];
  if (handler) handler(state, e);
}

const HANDLERS = {
  message_sent(s, e) {
    s.inflight[e.message_id] = {
      message_id: e.message_id, message_kind: e.message_kind, source: e.source, target: e.target,
      sent_at_ms: e.sent_at_ms, arrive_at_ms: e.arrive_at_ms, summary: e.summary || {},
    };
  },
  message_delivered(s, e) { delete s.inflight[e.message_id]; },
  message_dropped(s, e) { delete s.inflight[e.message_id]; },
  broker_crashed(s, e) { setBroker(s, e, { state: e.state || "crashed" }); },
  broker_restarted(s, e) { setBroker(s, e, { state: e.state || "running" }); },
  broker_isolated(s, e) { setBroker(s, e, { state: e.state || "isolated" }); },
  broker_reconnected(s, e) { setBroker(s, e, { state: e.state || "running" }); },
  broker_fenced(s, e) { setBroker(s, e, { state: e.state || "fenced" }); },
  broker_unfenced(s, e) { setBroker(s, e, { state: e.state || "running" }); },
  broker_added(s, e) { setBroker(s, e, { state: e.state || "running" }); },
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
    s.topics[e.topic] = { name: e.topic, configs: e.configs || {}, partitions };
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
    if (e.records && e.records.length) {
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
  replica_role_changed(s, e) { logOf(s, e).role = e.role; },
  producer_added(s, e) { s.producers[e.producer] = { name: e.producer, configs: e.configs || {} }; },
  producer_removed(s, e) { delete s.producers[e.producer]; },
  consumer_added(s, e) { member(s, e, { state: "joining", assignment: [], positions: {} }); },
  consumer_removed(s, e) {
    const g = group(s, e);
    delete g.members[e.consumer];
  },
  consumer_crashed(s, e) { member(s, e, { state: "crashed" }); },
  consumer_restarted(s, e) { member(s, e, { state: "rebalancing" }); },
  consumer_status_changed(s, e) { member(s, e, { state: e.status }); },
  assignment_changed(s, e) { member(s, e, { assignment: (e.assignment || []).map(tpObject) }); },
  consumer_position_changed(s, e) {
    const m = member(s, e, {});
    m.positions = { ...m.positions, [`${e.topic}-${e.partition}`]: e.position };
  },
  group_state_changed(s, e) {
    const g = group(s, e);
    g.state = e.state;
    g.generation = e.generation;
    g.protocol = e.protocol ?? g.protocol ?? null; // the chosen assignor (lesson consumer-groups diagram)
  },
  offset_committed(s, e) { group(s, e).offsets[`${e.topic}-${e.partition}`] = e.offset; },
};

function member(state, e, patch) {
  const g = group(state, e);
  const m = { ...(g.members[e.consumer] || { id: e.consumer, group: g.group, state: "", assignment: [], positions: {} }), ...patch };
  g.members[e.consumer] = m;
  return m;
}

/** Diagrams and other apps may teach the store new events without editing this file. */
export function registerHandler(kind, fn) {
  HANDLERS[kind] = fn;
}
