/**
 * store.js — the browser's copy of a sandbox: model = reduce(model, message).
 *
 * A `snapshot` message replaces everything (fromSnapshot, with the snapshot's
 * `late_join` history, so a page that connects late draws what the others
 * draw); an `events` message
 * folds each simulator event in with REDUCERS: the one table composed here
 * from reduce-cluster.js, reduce-clients.js and reduce-produce.js, plus the
 * reducers of the simulator extensions the sandbox runs (loadExtensionsFor).
 * No diagram may add a reducer, so the model's shape (model.js) is the same on
 * every page, whatever diagrams it loads. Events are state-carrying
 * (docs/events.md): each names what changed and carries the new value, so the
 * reducers copy values rather than re-implement Kafka. Diagrams read the
 * model through view.js and never keep state of their own.
 */
import { CLIENT_REDUCERS } from "./reduce-clients.js";
import { CLUSTER_REDUCERS } from "./reduce-cluster.js";
import { PRODUCE_REDUCERS } from "./reduce-produce.js";
import { KEEP_RECENT, KEEP_RECORDS, initialState, logKey, tpObject } from "./model.js";

export { initialState };

/** Join reducer tables; two tables claiming one event kind is a programming error. */
export function composeReducers(...tables) {
  const all = {};
  for (const table of tables) {
    for (const [kind, fn] of Object.entries(table)) {
      if (all[kind]) throw new Error(`two reducers for ${kind}`);
      all[kind] = fn;
    }
  }
  return Object.freeze(all);
}

/** The core table: every page folds these. */
export const REDUCERS = composeReducers(CLUSTER_REDUCERS, CLIENT_REDUCERS, PRODUCE_REDUCERS);

// An extension's reducers (simulator/extension.py) load with the first snapshot
// that has its section; until then sandbox.js holds messages. Not loaded, its
// part stays as initialState shapes it.
const EXTENSION_MODULES = { payments: "./reduce-payments.js" };
const extensions = [];   // EXTENSION_MODEL of each loaded module
const loading = {};      // section name -> Promise
let reducers = REDUCERS;

/** Snapshot sections of extensions a message needs and that are not loaded. */
export function extensionsMissing(msg) {
  const raw = (msg && msg.type === "snapshot" && msg.state) || {};
  return Object.keys(EXTENSION_MODULES).filter((name) => raw[name] && !extensions.some((x) => x.part === name));
}

/** Load the extensions a message needs (resolves at once when none). */
export function loadExtensionsFor(msg) {
  return Promise.all(extensionsMissing(msg).map((name) => {
    loading[name] = loading[name] || import(EXTENSION_MODULES[name]).then((mod) => {
      extensions.push(mod.EXTENSION_MODEL);
      reducers = composeReducers(reducers, mod.EXTENSION_MODEL.reducers);
    });
    return loading[name];
  }));
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
      const next = cloneForEvents({ ...state, receivedAtWallMs: wallMs });
      // Playing, the page shows msg.now_ms as this frame lands (model.js hopStart).
      next.frameAtMs = next.playing && msg.now_ms != null ? msg.now_ms : null;
      for (const event of msg.events || []) reduceEvent(next, event);
      next.now_ms = msg.now_ms ?? next.now_ms;
      next.frameAtMs = null;
      return next;
    }
    case "status":
      return { ...state, now_ms: msg.now_ms ?? state.now_ms, speed: msg.speed, playing: msg.playing, receivedAtWallMs: wallMs };
    default:
      return state;
  }
}

/** A shallow-enough copy that the reducers may change freely. */
function cloneForEvents(s) {
  return {
    ...s,
    brokers: { ...s.brokers }, controllers: { ...s.controllers }, topics: { ...s.topics },
    logs: { ...s.logs }, records: { ...s.records }, segments: { ...s.segments }, producers: { ...s.producers },
    wireClients: { ...s.wireClients }, produce: { ...s.produce }, groups: { ...s.groups }, consumerConfigs: { ...s.consumerConfigs },
    inflight: { ...s.inflight }, landed: { ...s.landed }, recent: s.recent.slice(-KEEP_RECENT),
    ...Object.fromEntries(extensions.map((x) => [x.part, x.clone(s[x.part])])),
  };
}

// Not in `recent`: which network messages a page saw depends on its frames
// (simulator/late_join.py NOT_RECENT); hops are drawn from inflight/landed.
const NOT_RECENT = new Set(["message_sent", "message_delivered", "message_dropped"]);

/** Fold one simulator event into `state` (already copied by the caller). */
export function reduceEvent(state, e) {
  state.lastEventSeq = e.seq ?? state.lastEventSeq;
  if (!NOT_RECENT.has(e.kind)) {
    state.recent.push(e);
    if (state.recent.length > KEEP_RECENT) state.recent.shift();
  }
  const reducer = reducers[e.kind];
  if (reducer) reducer(state, e);
}

const asList = (v) => (Array.isArray(v) ? v : v && typeof v === "object" ? Object.values(v) : []);

/** Normalise the simulator's snapshot (docs/events.md, "The snapshot") into the view. */
export function fromSnapshot(msg) {
  const s = initialState();
  const raw = msg.state || {};
  Object.assign(s, {
    ready: true, now_ms: msg.now_ms ?? raw.now_ms ?? 0, speed: msg.speed ?? 1,
    playing: Boolean(msg.playing), scenario: msg.scenario || "", raw,
    lastEventSeq: raw.last_seq ?? 0,
  });
  for (const x of extensions) s[x.part] = x.fromSnapshot(raw);
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
          leo: r.leo ?? 0, hw: r.announced_high_watermark ?? r.high_watermark ?? 0, log_start: r.log_start_offset ?? 0, role: r.role || "",
        };
      }
      s.records[`${t.name}/${p.partition}`] = (p.records || []).slice(-KEEP_RECORDS);
    }
    s.topics[topic.name] = topic;
  }
  for (const p of asList(raw.producers)) s.producers[p.name] = { name: p.name, configs: p.configs || {} };
  for (const c of asList(raw.wire_clients)) s.wireClients[c.client] = { client: c.client, actor_id: c.actor_id, label: c.label };
  for (const g of asList(raw.groups)) {
    s.groups[g.group_id] = { group: g.group_id, state: g.state || "", generation: g.generation ?? 0, protocol: g.protocol ?? null, members: {}, offsets: { ...(g.committed || {}) } };
  }
  for (const c of asList(raw.consumers)) {
    const g = s.groups[c.group] || (s.groups[c.group] = { group: c.group, state: "", generation: 0, protocol: null, members: {}, offsets: {} });
    g.members[c.id] = {
      id: c.id, group: c.group, state: c.status || "", assignment: (c.assignment || []).map(tpObject),
      positions: { ...(c.positions || {}) }, crashed_at_ms: null,
    };
    s.consumerConfigs[c.id] = c.configs || {};
  }
  for (const m of asList(raw.in_flight)) {
    s.inflight[m.message_id] = { ...m, message_kind: m.message_kind ?? m.kind };
  }
  foldLateJoin(s, raw.late_join);
  return s;
}

/**
 * The snapshot's `late_join` (simulator/late_join.py): the little history a page
 * watching all along has and draws, so a page that connects late draws the same:
 * the last events, what each producer was told (folded by the produce reducers,
 * with the offset each batch was expected at when it left), and hops that
 * landed but are still drawn.
 */
function foldLateJoin(s, late) {
  if (!late) return;
  s.recent = (late.events || []).slice(-KEEP_RECENT);
  for (const events of Object.values(late.produce || {})) {
    for (const e of events) {
      const before = s.produce[e.producer] && s.produce[e.producer].batches[e.batch_id];
      const first = e.kind === "batch_sent" && (!before || before.expected_offset === undefined);
      REDUCERS[e.kind](s, e);
      const batch = s.produce[e.producer] && s.produce[e.producer].batches[e.batch_id];
      if (first && batch && e.expected_offset !== undefined) batch.expected_offset = e.expected_offset;
    }
  }
  for (const m of late.landed || []) s.landed[m.message_id] = m;
}
