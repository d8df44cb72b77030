/**
 * model.js — the shape of the browser's one model of a sandbox, and the few
 * key conventions every reducer shares. store.js builds it from a snapshot
 * and folds events into it with the reducer tables (reduce-cluster.js,
 * reduce-clients.js, reduce-produce.js); diagrams only read it (view.js).
 *
 * The model (every field is always present, whatever diagrams a page loads):
 *   ready, now_ms, speed, playing, scenario, lastEventSeq, receivedAtWallMs
 *   frameAtMs    playing, while a frame is folded in: its now_ms (else null)
 *   brokers      {id: {id, state, slow_ms}}            state: online|crashed|isolated|fenced
 *   controllers  {id: {id, state}}, activeController (id or null), controllerEpoch
 *   topics       {name: {name, internal, configs, partitions: {p: {partition, replicas, leader, isr, leader_epoch}}}}
 *   logs         {"topic/p/broker": {leo, hw, log_start, role}}   one replica's log
 *   records      {"topic/p": [record dicts, by offset]}  the last 50 the leaders wrote
 *   segments     {"topic/p/broker": [base offsets of segments rolled since the snapshot]}
 *   producers    {name: {name, configs}}
 *   wireClients  {client: {client, actor_id, label}}  real Kafka clients through the gateway
 *                (simulator/wire_clients; drawn as clients in the producers' column)
 *   produce      {producer: {batches: {batch_id: {...}}, latest, queued, latestQueued}}  what each producer
 *                was told (reduce-produce.js); history, so a fresh snapshot starts it empty
 *   groups       {group: {group, state, generation, protocol (the chosen assignor), offsets: {"topic-p": committed},
 *                 members: {name: {id (bare name, e.g. "1a"), group, state (the consumer's
 *                 status: polling|processing|idle|rebalancing|stuck|crashed|error),
 *                 assignment: [{topic, partition}], positions: {"topic-p": next offset},
 *                 crashed_at_ms (when it crashed, if seen since the snapshot; else null)}}}}
 *   consumerConfigs {consumer: {config: value}}       effective configs
 *   inflight     {message_id: {message_id, message_kind, source, target, sent_at_ms, arrive_at_ms, drawn_from_ms, summary}}
 *   landed       {message_id: {...the message, landed_at_ms, dropped}}  messages that arrived (or were lost)
 *                before their drawn hop ended: still drawn until it ends (drawnUntil)
 *   lastCommand  {command, at_ms} or null              the last command the simulation accepted
 *   recent       the last 30 events, network messages left out (step highlighting)
 *   raw          the snapshot's `state` as the simulator sent it
 *   payments     the payments extension (reduce-payments.js documents it): balances,
 *                idempotency_store rows, handler threads, sequence rows, races
 */

export const KEEP_RECORDS = 50;
export const KEEP_RECENT = 30;

/**
 * The shortest a hop is drawn, in simulated ms. A 40 ms network hop would be
 * on screen for 40 ms at 1x, too fast to follow; every hop is drawn over at
 * least this much simulated time (400 ms of wall time at 1x), placed by
 * simulated time alone (view.js `hopFraction`), so pause, speed and rewind
 * stay exact. The model keeps a message that already arrived (`landed`)
 * until its drawn span ends.
 */
export const MIN_HOP_MS = 400;

/** The most a hop's drawing starts after its send (docs/architecture.md, "Hops"). */
export const LATE_FRAME_MS = 200;

/** When a hop's drawing starts: its send, or when a late live frame first showed it. */
export function hopStart(m) {
  return m.drawn_from_ms ?? m.sent_at_ms;
}

/** A hop's drawn length: its flight time or MIN_HOP_MS, the longer. */
export function hopSpan(m) {
  return Math.max(m.arrive_at_ms - m.sent_at_ms, MIN_HOP_MS);
}

/** Until when a landed message is drawn: its span, or MIN_HOP_MS if lost. */
export function drawnUntil(m, dropped = false) {
  return hopStart(m) + (dropped ? MIN_HOP_MS : hopSpan(m));
}

/**
 * The payments extension's part before any of its events (its reducers,
 * reduce-payments.js, load only where a sandbox runs payments; the shape is
 * here so the model is the same on every page).
 */
export function emptyPayments() {
  return {
    loaded: false, settings: {}, service: "up", balances: {}, balanceHistory: {}, store: {},
    threads: {}, lastStep: null, steps: [], sequence: [], charges: {}, keyCharges: {}, doubleCharges: 0,
    responses: [], redis: {}, redisLog: [], outbox: {}, published: {}, delivered: {},
    race: [], races: [], expired: [], crashes: [], gatewayHits: 0, duplicatesDiscarded: 0, nextRow: 1,
  };
}

export function initialState() {
  return {
    ready: false, now_ms: 0, speed: 1, playing: false, scenario: "", lastEventSeq: 0,
    receivedAtWallMs: 0, frameAtMs: null, brokers: {}, controllers: {}, activeController: null, controllerEpoch: 0,
    topics: {}, logs: {}, records: {}, segments: {}, producers: {}, wireClients: {}, produce: {}, groups: {},
    consumerConfigs: {}, inflight: {}, landed: {}, lastCommand: null, recent: [], raw: {},
    payments: emptyPayments(),
  };
}

/** The key of one replica's log in `logs` and `segments`. */
export const logKey = (topic, partition, broker) => `${topic}/${partition}/${broker}`;

/** ["orders", 1] or {topic, partition} -> {topic, partition}. */
export const tpObject = (tp) => (Array.isArray(tp) ? { topic: tp[0], partition: tp[1] } : tp);
