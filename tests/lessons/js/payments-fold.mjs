// Folds a payments transcript through static/js/live/store.js and prints what
// lesson 3's diagrams read: the folded `payments` part, and the same part
// built from a fresh snapshot of the end state.
//
//   node tests/lessons/js/payments-fold.mjs transcript.json
//
// transcript.json: {"first": <snapshot message>, "frames": [<events message>, ...],
// "last": <snapshot message>} (tests/lessons/test_payment_model.py writes it).
import { readFileSync } from "node:fs";
import { extensionsMissing, initialState, loadExtensionsFor, reduceMessage } from "../../../static/js/live/store.js";
import { columnOf, threadStory } from "../../../static/js/diagrams/payment-safeguards.js";
import { raceVerdict } from "../../../static/js/diagrams/payment-race.js";
import { linesInPlay } from "../../../static/js/diagrams/payment-code.js";

const transcript = JSON.parse(readFileSync(process.argv[2], "utf8"));
// A payments snapshot loads the extension's reducers first, as sandbox.js does.
if (!extensionsMissing(transcript.first).includes("payments")) throw new Error("no payments section in the snapshot");
await loadExtensionsFor(transcript.first);
let state = reduceMessage(initialState(), transcript.first, 0);
for (const frame of transcript.frames) state = reduceMessage(state, frame, 0);
const fresh = reduceMessage(initialState(), transcript.last, 0);
const p = state.payments;
const race = p.races[p.races.length - 1] || null;
console.log(JSON.stringify({
  folded: p,
  fresh: fresh.payments,
  race: race && { verdict: raceVerdict(race, p), column: columnOf(race), stories: Object.fromEntries(Object.entries(race.threads).map(([n, t]) => [n, threadStory(t)])) },
  linesInPlay: [...linesInPlay(p.settings)].sort(),
}));
