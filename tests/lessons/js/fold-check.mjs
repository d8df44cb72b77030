// Folds a simulator transcript through static/js/live/store.js and checks, at
// every checkpoint, that the model folded from the event stream draws the same
// picture as the model built from a fresh snapshot taken at that moment.
//
//   node tests/lessons/js/fold-check.mjs transcript.json
//
// transcript.json: {"first": <snapshot message>, "steps": [{"frame": <events
// message>, "snapshot": <snapshot message>}]} (tests/browser/test_store_fold.py
// writes it from random command and fault schedules). Prints the mismatches as
// JSON and exits 1 when there is any.
import { readFileSync } from "node:fs";
import { initialState, loadExtensionsFor, reduceMessage } from "../../../static/js/live/store.js";
import { recordsOf } from "../../../static/js/live/view.js";

const splitKey = (k) => { const i = k.lastIndexOf("/"); return [k.slice(0, i), Number(k.slice(i + 1))]; };

/**
 * Every field a diagram draws, from either model. History the snapshot does
 * not carry is left out on purpose: what each producer was told
 * (`produce`), when a consumer crashed (`crashed_at_ms`, the session
 * countdown), hops that already landed but are still drawn (`landed`),
 * segments rolled (`segments`), `recent` events and `lastCommand`.
 */
export function drawnView(s) {
  const partitions = {};
  const leaderHw = {};
  for (const t of Object.values(s.topics)) {
    for (const p of Object.values(t.partitions)) {
      const key = `${t.name}/${p.partition}`;
      partitions[key] = { leader: p.leader ?? null, isr: [...(p.isr || [])].sort(), replicas: p.replicas, leader_epoch: p.leader_epoch };
      // The leader's HW, once its broker has learnt that it leads (brokers
      // learn it a metadata hop after the controller decides; before that its
      // HW is the one it learnt as a follower, which no event reports).
      const log = p.leader != null ? s.logs[`${key}/${p.leader}`] : null;
      if (log && log.role === "leader") leaderHw[key] = log.hw;
    }
  }
  return {
    brokers: Object.fromEntries(Object.entries(s.brokers).map(([id, b]) => [id, { state: b.state, slow_ms: b.slow_ms || 0 }])),
    controllers: s.controllers,
    activeController: s.activeController,
    controllerEpoch: s.controllerEpoch,
    topics: Object.fromEntries(Object.values(s.topics).map((t) => [t.name, t.configs])),
    partitions,
    leaderHw,
    // A replica log that does not exist yet (its broker was down when the
    // topic was made) and an empty record list draw as nothing, absent or not.
    logs: Object.fromEntries(Object.entries(s.logs)
      .filter(([, l]) => l.leo || l.log_start || !["", "none"].includes(l.role))
      .map(([k, l]) => [k, { leo: l.leo, log_start: l.log_start, role: l.role }])),
    // As the diagrams read them (view.js recordsOf: below the leader's log end).
    records: Object.fromEntries(Object.keys(s.records).map((k) => [k, recordsOf(s, ...splitKey(k))])
      .filter(([, rs]) => rs.length).map(([k, rs]) => [k, rs.slice(-20).map((r) => [r.offset, r.key, r.value])])),
    producers: Object.fromEntries(Object.entries(s.producers).map(([k, p]) => [k, p.configs])),
    groups: Object.fromEntries(Object.entries(s.groups).map(([g, group]) => [g, {
      state: group.state, generation: group.generation, protocol: group.protocol, offsets: group.offsets,
      members: Object.fromEntries(Object.entries(group.members).map(([id, m]) => [id, {
        state: m.state, positions: m.positions,
        assignment: m.assignment.map((a) => `${a.topic}-${a.partition}`).sort(),
      }])),
    }])),
    consumerConfigs: s.consumerConfigs,
    inflight: Object.values(s.inflight).map((m) => [m.message_id, m.message_kind, m.source, m.target, m.sent_at_ms, m.arrive_at_ms]).sort((a, b) => a[0] - b[0]),
  };
}

const canon = (v) => JSON.stringify(v, (k, x) => (x && typeof x === "object" && !Array.isArray(x)
  ? Object.fromEntries(Object.keys(x).sort().map((key) => [key, x[key]])) : x));

/** Differences between two views, down to the first level that differs: [{path, folded, snapshot}]. */
export function differences(a, b, path = "") {
  if (canon(a) === canon(b)) return [];
  const bothObjects = a && b && typeof a === "object" && typeof b === "object" && !Array.isArray(a) && !Array.isArray(b);
  if (!bothObjects) return [{ path, folded: a, snapshot: b }];
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
  return keys.flatMap((k) => differences(a[k], b[k], path ? `${path}.${k}` : k));
}

async function main(file) {
  const transcript = JSON.parse(readFileSync(file, "utf8"));
  await loadExtensionsFor(transcript.first);  // as sandbox.js does before folding
  let state = reduceMessage(initialState(), transcript.first, 0);
  const problems = [];
  transcript.steps.forEach((step, i) => {
    state = reduceMessage(state, step.frame, 0);
    const fresh = reduceMessage(initialState(), step.snapshot, 0);
    for (const d of differences(drawnView(state), drawnView(fresh))) problems.push({ step: i, at_ms: step.snapshot.now_ms, ...d });
  });
  console.log(JSON.stringify({ steps: transcript.steps.length, problems: problems.slice(0, 20) }, null, 1));
  process.exit(problems.length ? 1 : 0);
}

if (process.argv[2]) main(process.argv[2]);
