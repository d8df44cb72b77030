/**
 * message-flow — the guide's six steps of a record's life, each lit by the
 * engine event that does it: records_queued (1, serialize and choose a
 * partition), batch_sent (2, send to the leader), the leader's
 * records_appended (3, append and assign an offset), a follower's
 * records_appended or the HW moving (4, replicate), produce_acknowledged (5,
 * ack per acks), a consumer fetching and committing (6). Step through with the
 * sandbox's "next happening" control and watch one step light per event.
 *
 * svg data attributes: data-topic, data-producer, data-group.
 * On a phone (layout "narrow") the steps sit in two rows of three and the
 * actors in a 2-2-1 grid, in a viewBox as wide as the screen, so every label
 * reads at >= 12 px.
 */
import { keyed, layer, layoutOf, lerp, prune, setAttrs, setLines, setText, useViewBox } from "./geometry.js";

import { batchesOf, brokerIdOf, committedOffset, drawnFlights, hopFraction, logOf, partitionOf } from "../live/view.js";

export const STEPS = [
  { n: 1, title: "Serialize + partition" },
  { n: 2, title: "Send to leader" },
  { n: 3, title: "Append, offset" },
  { n: 4, title: "Replicate" },
  { n: 5, title: "Acknowledge" },
  { n: 6, title: "Fetch + commit" },
];

const CHIP_W = 112;
const CHIP_X0 = 16;
export const PLACES = {
  producer: { x: 95, y: 205 },
  leader: { x: 340, y: 205 },
  followerA: { x: 590, y: 150 },
  followerB: { x: 590, y: 262 },
  consumer: { x: 340, y: 345 },
};

/** The phone's places: producer and leader side by side, the followers under them, the group last. */
export const NARROW_PLACES = {
  producer: { x: 85, y: 190 },
  leader: { x: 255, y: 190 },
  followerA: { x: 85, y: 290 },
  followerB: { x: 255, y: 290 },
  consumer: { x: 170, y: 390 },
};
const ARROWS = {
  wide: ["M165,205 L270,205", "M410,190 L520,155", "M410,220 L520,258", "M340,235 L340,315"],
  narrow: ["M155,190 L183,190", "M205,220 L135,258", "M255,220 L255,258", "M190,221 L170,240 L170,358"],
};

/**
 * Which of the six steps a simulator event performs (0: none). Pure. Given the
 * followed batch's `partition` and `offset`, step 6 is only a read or commit
 * that moves past that record: the group also reads and commits the other
 * partitions, and a commit of an older position is not this record's step 6.
 */
export function stepOfEvent(e, { producer, topic, group, partition, offset }) {
  if (!e) return 0;
  if (e.kind === "records_queued" && e.producer === producer) return 1;
  if ((e.kind === "batch_sent" || e.kind === "metadata_refreshed") && e.producer === producer) return 2;
  if (e.kind === "records_appended" && e.topic === topic) return e.role === "leader" ? 3 : 4;
  if (e.kind === "high_watermark_changed" && e.topic === topic) return 4;
  if ((e.kind === "produce_acknowledged" || e.kind === "produce_failed") && e.producer === producer) return 5;
  const inGroup = !group || (e.group ?? e.group_id) === group;
  const past = (n) => offset == null || (e.partition === partition && n > offset);
  if (e.kind === "consumer_position_changed" && e.reason === "poll" && e.topic === topic && inGroup && past(e.position)) return 6;
  if (e.kind === "offset_committed" && e.topic === topic && inGroup && past(e.offset)) return 6;
  return 0;
}

/**
 * Which of the six steps the latest batch has been through, judged from state
 * alone (a Set of step numbers). Each is checked on its own: the engine may
 * let the consumer read a record (6) before the producer hears its ack (5).
 */
export function stepsDone(batch, leaderLog, followerLogs, committed, acks) {
  const done = new Set();
  if (!batch) return done;
  done.add(1);
  if (batch.sent_at_ms == null) return done;
  done.add(2);
  const offset = batch.base_offset ?? batch.expected_offset;
  if (offset == null || !leaderLog || leaderLog.leo <= offset) return done;
  done.add(3);
  if ((followerLogs.length && followerLogs.every((l) => l.leo > offset)) || leaderLog.hw > offset) done.add(4);
  if (batch.acked_at_ms != null || (acks === "0" && batch.sent_at_ms != null)) done.add(5);
  if (committed != null && committed > offset) done.add(6);
  return done;
}

function describeStep(n, batch, partition, leaderLog, committed, group) {
  if (!batch) return "Press “Produce one record”, then “Next happening”.";
  const key = batch.key == null ? "no key" : `key “${batch.key}”`;
  switch (n) {
    case 1: return batch.reason === "key"
      ? `${key}: murmur2 = ${batch.murmur2}; (hash & 0x7fffffff) % partitions → partition ${batch.partition}.`
      : `${key}: the sticky partitioner chose partition ${batch.partition} (reason: ${batch.reason}).`;
    case 2: return `Batch of ${batch.record_count ?? 1} (${batch.size_bytes ?? "?"} B, ${batch.compression || "none"}) sent to broker ${batch.broker}, the leader of ${batch.topic}-${batch.partition}.`;
    case 3: return `Leader broker ${partition.leader} appended it at offset ${batch.base_offset ?? batch.expected_offset}; LEO is now ${leaderLog ? leaderLog.leo : "?"}.`;
    case 4: return `Followers fetched it; the high watermark is ${leaderLog ? leaderLog.hw : "?"}: consumers can read below it.`;
    case 5: return batch.acked_at_ms != null ? `Acknowledged (acks=${batch.acks}) at offset ${batch.base_offset}, ${batch.acked_at_ms - batch.sent_at_ms} ms after sending.`
      : batch.error ? `Refused: ${batch.error}.` : "acks=0: the producer expects no answer.";
    case 6: return committed != null ? `${group} fetched from its offset and committed ${committed}: the next offset it will read.` : `${group} has not committed yet.`;
    default: return "";
  }
}

export function render(svg, state, nowMs, options = {}) {
  const topic = svg.dataset.topic || "orders";
  const producer = svg.dataset.producer || "A";
  const group = svg.dataset.group || "";
  // The journey shown: the newest batch, or a record queued after it and not sent yet.
  let batch = batchesOf(state, producer)[0] || null;
  const queued = state.produce && state.produce[producer] && state.produce[producer].latestQueued;
  if (queued && (!batch || (batch.queued_at_ms ?? -1) < queued.queued_at_ms)) {
    batch = { ...queued, values: [queued.value], sent_at_ms: null, batch_id: -1 };
  }
  const partitionId = batch ? batch.partition : 0;
  const partition = partitionOf(state, topic, partitionId) || { replicas: [], isr: [], leader: null };
  const leaderLog = partition.leader != null ? logOf(state, topic, partitionId, partition.leader) : null;
  const followers = partition.replicas.filter((b) => b !== partition.leader);
  const followerLogs = followers.map((b) => logOf(state, topic, partitionId, b) || { leo: 0 });
  const committed = committedOffset(state, group, topic, partitionId);
  const acks = (state.producers[producer] && state.producers[producer].configs && String(state.producers[producer].configs.acks ?? "all")) || "all";
  const done = stepsDone(batch, leaderLog, followerLogs, committed, acks);

  // The steps lit now: those performed by the newest relevant engine events
  // (all of them at that simulated millisecond: an ack and a consumer's fetch
  // can land together).
  const context = { producer, topic, group, partition: batch ? batch.partition : null,
    offset: batch ? batch.base_offset ?? batch.expected_offset ?? null : null };
  const litSteps = new Set();
  let litAt = null;
  for (let i = (state.recent || []).length - 1; i >= 0; i -= 1) {
    const e = state.recent[i];
    const n = stepOfEvent(e, context);
    if (!n) continue;
    if (litAt === null) litAt = e.at_ms;
    if (e.at_ms !== litAt) break;
    litSteps.add(n);
  }
  if (!batch) litSteps.clear();
  const lit = litSteps.size ? Math.max(...litSteps) : 0;
  svg.dataset.litStep = [...litSteps].sort().join(",");
  svg.dataset.doneSteps = [...done].sort().join(",");

  const narrow = layoutOf(svg) === "narrow";
  const places = narrow ? NARROW_PLACES : PLACES;
  [...svg.querySelectorAll(".flow-arrows path")].forEach((path, i) => setAttrs(path, { d: ARROWS[narrow ? "narrow" : "wide"][i] }));
  const chips = layer(svg, "steps");
  for (const step of STEPS) {
    // Wide: six chips in a row. Narrow: two rows of three, titles on two lines.
    const col = narrow ? (step.n - 1) % 3 : step.n - 1;
    const chipW = narrow ? 104 : CHIP_W;
    const x = (narrow ? 12 : CHIP_X0) + col * (chipW + 4);
    const y0 = narrow && step.n > 3 ? 76 : 12;
    const state_ = litSteps.has(step.n) ? "lit" : done.has(step.n) ? "done" : "pending";
    const g = keyed(chips, "g", step.n, {
      class: `flow-step step-${state_}`, "data-step": step.n, "aria-current": step.n === lit ? "step" : null,
      tabindex: 0, role: "img", "aria-label": `Step ${step.n}, ${step.title}: ${state_ === "lit" ? "happening now" : state_}`,
    });
    keyed(g, "rect", "r", { x, y: y0, width: chipW, height: narrow ? 60 : 54, rx: 10 });
    setText(keyed(g, "text", "n", { x: x + chipW / 2, y: y0 + (narrow ? 19 : 21), class: "step-number", "text-anchor": "middle" }), step.n);
    setLines(keyed(g, "text", "t", { class: "step-title", "text-anchor": "middle" }), step.title, x + chipW / 2,
      y0 + (narrow ? 36 : 42), narrow ? 13 : null, 15);
  }

  // Actors
  const actors = layer(svg, "actors");
  const place = (key, where, label, sub, cls) => {
    const g = keyed(actors, "g", key, { class: `flow-actor ${cls}` });
    keyed(g, "rect", "r", { x: where.x - 70, y: where.y - 30, width: 140, height: 60, rx: 10 });
    setText(keyed(g, "text", "l", { x: where.x, y: where.y - 6, "text-anchor": "middle", class: "actor-label" }), label);
    setText(keyed(g, "text", "s", { x: where.x, y: where.y + 14, "text-anchor": "middle", class: "actor-sub" }), sub);
  };
  const producerSub = !batch ? "idle"
    : batch.sent_at_ms == null ? `${batch.key == null ? "no key" : `key ${batch.key}`} → P${partitionId}`
      : `batch ${batch.record_count ?? 1} · ${batch.size_bytes ?? "?"} B · ${batch.compression || "none"}`;
  place("producer", places.producer, `producer ${producer}`, producerSub, "actor-producer");
  place("leader", places.leader, partition.leader != null ? `broker ${partition.leader} · leader` : "no leader",
    leaderLog ? `LEO ${leaderLog.leo} · HW ${leaderLog.hw}` : `${topic}-${partitionId}`, "actor-leader");
  followers.slice(0, 2).forEach((b, i) => {
    place(i ? "followerB" : "followerA", i ? places.followerB : places.followerA, `broker ${b} · follower`,
      `LEO ${followerLogs[i].leo}${(partition.isr || []).includes(b) ? "" : " · out of ISR"}`, "actor-follower");
  });
  place("consumer", places.consumer, group || "consumer", committed != null ? `committed ${committed}` : "no commit yet", "actor-consumer");

  const newestDone = Math.max(0, ...done);
  const detailLines = setLines(layer(svg, "detail"), describeStep(lit || newestDone, batch, partition, leaderLog, committed, group),
    16, narrow ? 446 : 400, narrow ? 44 : null);
  useViewBox(svg, narrow ? "narrow" : "wide", 446 + detailLines * 17);

  // Messages in flight, placed by simulated time.
  const where = (actor) => {
    if (actor === `producer:${producer}`) return places.producer;
    if (/^consumer:/.test(actor)) return places.consumer;
    const b = brokerIdOf(actor);
    if (b === partition.leader) return places.leader;
    const i = followers.indexOf(b);
    return i === 0 ? places.followerA : i === 1 ? places.followerB : null;
  };
  const flights = layer(svg, "flights");
  const keep = new Set();
  for (const m of drawnFlights(state, nowMs)) {
    const from = where(m.source);
    const to = where(m.target);
    if (!from || !to) continue;
    // Travel between the boxes' edges, not their centres, so labels stay readable.
    const f = 0.2 + 0.6 * (options.reducedMotion ? 0.5 : hopFraction(m, nowMs));
    keep.add(String(m.message_id));
    keyed(flights, "circle", m.message_id, {
      cx: lerp(from.x, to.x, f), cy: lerp(from.y, to.y, f), r: 6,
      class: m.message_kind === "produce_response" ? "ack-dot"
        : /fetch/.test(m.message_kind) ? `fetch-dot${/response/.test(m.message_kind) ? " response" : ""}`
          : /produce/.test(m.message_kind) ? "record-dot" : "other-dot",
    });
  }
  prune(flights, keep);
}
