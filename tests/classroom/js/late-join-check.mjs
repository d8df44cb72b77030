// A late joiner draws what an early joiner draws (issue 13): folds a simulator
// transcript through static/js/live/store.js from its first snapshot (the early
// joiner) and, at every checkpoint, builds a model from that moment's snapshot
// alone (the late joiner); compares what the diagrams read, including the
// history fold-check.mjs leaves out: every replica's HW, what each producer was
// told, the recent events, and the hops still drawn.
//
//   node tests/classroom/js/late-join-check.mjs transcript.json
import { readFileSync } from "node:fs";
import { initialState, loadExtensionsFor, reduceMessage } from "../../../static/js/live/store.js";
import { batchesOf, drawnFlights } from "../../../static/js/live/view.js";

// fold-check.mjs runs its own check when given a file: import it without one.
const file = process.argv[2];
process.argv.length = 2;
const { differences, drawnView } = await import("../../lessons/js/fold-check.mjs");

function lateJoinView(s) {
  const produce = Object.fromEntries(Object.keys(s.produce).sort().map((name) => {
    const entry = s.produce[name];
    return [name, { batches: batchesOf(s, name).slice(0, 5), latestQueued: entry.latestQueued ?? null }];
  }));
  return {
    ...drawnView(s),
    hw: Object.fromEntries(Object.entries(s.logs).filter(([, l]) => l.leo || l.hw || l.role).map(([k, l]) => [k, l.hw])),
    produce,
    recent: s.recent.map((e) => [e.kind, e.at_ms, e.message_id ?? e.batch_id ?? null]),
    flights: drawnFlights(s, s.now_ms).map((m) => m.message_id).sort((a, b) => a - b),
  };
}

const transcript = JSON.parse(readFileSync(file, "utf8"));
await loadExtensionsFor(transcript.first);  // as sandbox.js does before folding
let early = reduceMessage(initialState(), transcript.first, 0);
const problems = [];
transcript.steps.forEach((step, i) => {
  early = reduceMessage(early, step.frame, 0);
  const late = reduceMessage(initialState(), step.snapshot, 0);
  for (const d of differences(lateJoinView(early), lateJoinView(late))) problems.push({ step: i, at_ms: step.snapshot.now_ms, ...d });
});
console.log(JSON.stringify({ steps: transcript.steps.length, problems: problems.slice(0, 12) }, null, 1));
process.exit(problems.length ? 1 : 0);
