/**
 * acks — the same write made three ways, side by side: acks=0, acks=1 and
 * acks=all. Each lane shows its producer, the partition's leader and
 * followers with their log end offsets, how long the acknowledgement took,
 * and whether what the producer was told is still true: crash the leader
 * right after acks=1 answers and the lane says LOST; with acks=all and
 * min.insync.replicas=2 the acknowledgement only came once a follower had it.
 *
 * The lanes are in the server-rendered skeleton: <g data-lane data-producer
 * data-partition data-acks>. svg data attribute: data-topic.
 * On a phone (layout "narrow") a lane stacks its title, its three replicas
 * across the screen and its verdict (wrapped), with the producer named in the
 * title, in a viewBox as wide as the screen: labels read at >= 12 px.
 */
import { keyed, layer, layoutOf, lerp, prune, setLines, setText, useViewBox } from "./geometry.js";
import { batchesOf, brokerIdOf, formatMs, drawnFlights, hopFraction, isDown, logOf, partitionOf, recordsOf, survival, topicConfig } from "../live/view.js";

export const LANE_H = 118;
export const FIRST_LANE_Y = 52;
export const PRODUCER_X = 160;
export const PRODUCER_W = 124;
export const REPLICA_X = [300, 415, 530];

export const LATENCY_BAR_W = 90;

/** Where `ms` sits on a log scale from 10 ms (0) to 60 s (1). */
export function latencyFraction(ms) {
  const lo = Math.log10(10);
  const hi = Math.log10(60_000);
  return Math.min(1, Math.max(0, (Math.log10(Math.max(ms, 1)) - lo) / (hi - lo)));
}

export function laneY(index) {
  return FIRST_LANE_Y + index * LANE_H;
}

/** Where a lane's parts go, wide (a laptop) or narrow (a phone). Pure. */
export function laneGeometry(layout) {
  if (layout === "narrow") {
    return {
      narrow: true, laneY: (i) => 56 + i * 150, title: [12, -32], producer: null, replicaX: [68, 170, 272], replicaW: 96,
      verdict: [12, 62], wrap: 44, latency: [12, 40], latencyAnchor: "start", bar: [328 - LATENCY_BAR_W, 35], flightY: -30,
      producerEdge: 6, footerY: (lanes) => 56 + (lanes - 1) * 150 + 112,
    };
  }
  return {
    narrow: false, laneY, title: [20, -22], producer: true, replicaX: REPLICA_X, replicaW: 100, verdict: [20, 44], wrap: null,
    latency: [700, -22], latencyAnchor: "end", bar: [700 - LATENCY_BAR_W, -16], flightY: 0, producerEdge: PRODUCER_X + PRODUCER_W / 2, footerY: () => 392,
  };
}

/** One sentence for what the producer of a lane was last told, and whether it still holds. */
export function laneVerdict(acks, latest, fate, isr, minIsr) {
  if (!latest) return { text: "Nothing sent yet.", tone: "idle" };
  if (latest.error && latest.acked_at_ms == null) {
    const why = /NOT_ENOUGH_REPLICAS|NotEnoughReplicas/i.test(latest.error)
      ? ` ISR {${isr.join(", ")}} is smaller than min.insync.replicas=${minIsr}.`
      : latest.message ? ` ${latest.message}` : "";
    return { text: `${latest.error}.${why}${latest.will_retry ? " The producer retries." : ""}`, tone: "error" };
  }
  if (acks === "0") {
    return latest.sent_at_ms != null
      ? { text: "Sent. acks=0: no answer, the producer never learns an offset.", tone: fate === "lost" ? "error" : "neutral" }
      : { text: "Batching…", tone: "neutral" };
  }
  if (latest.acked_at_ms == null) return { text: latest.sent_at_ms != null ? `Waiting for ${acks === "all" ? "the ISR" : "the leader"}…` : "Batching…", tone: "neutral" };
  const took = formatMs(latest.acked_at_ms - (latest.sent_at_ms ?? latest.acked_at_ms));
  if (fate === "lost") return { text: `LOST: acknowledged at offset ${latest.base_offset} after ${took}, but the new leader does not have it.`, tone: "error" };
  if (fate === "offline") return { text: `Acknowledged at offset ${latest.base_offset}; the partition is offline (no in-sync replica to lead).`, tone: "warn" };
  if (fate === "kept") return { text: `Acknowledged at offset ${latest.base_offset} after ${took}; the leader has it.`, tone: "ok" };
  return { text: `Acknowledged at offset ${latest.base_offset} after ${took}.`, tone: "ok" };
}

export function render(svg, state, nowMs, options = {}) {
  const topic = svg.dataset.topic || "payments";
  const minIsr = topicConfig(state, topic, "min.insync.replicas", 1);
  const lanes = [...svg.querySelectorAll("[data-lane]")];
  const G = laneGeometry(layoutOf(svg));
  lanes.forEach((lane, index) => {
    const producer = lane.dataset.producer;
    const partitionId = Number(lane.dataset.partition);
    const acks = lane.dataset.acks;
    const y = G.laneY(index);
    const partition = partitionOf(state, topic, partitionId) || { replicas: [], isr: [], leader: null };
    const leaderLog = partition.leader != null ? logOf(state, topic, partitionId, partition.leader) : null;
    const batches = batchesOf(state, producer);
    const latest = batches[0] || null;
    const records = recordsOf(state, topic, partitionId);
    const hasLeader = partition.leader != null;
    const fates = batches.filter((b) => b.acked_at_ms != null).map((b) => survival(b, leaderLog, records, hasLeader));
    const lost = fates.includes("lost");
    const fate = latest && latest.acked_at_ms != null ? survival(latest, leaderLog, records, hasLeader) : null;

    setText(keyed(lane, "text", "title", { x: G.title[0], y: y + G.title[1], class: "lane-title" }),
      G.narrow ? `acks=${acks} · producer ${producer}` : `acks=${acks}`);
    // Narrow: the producer is named in the title; its box would not fit beside three replicas.
    keyed(lane, "rect", "producer", { x: PRODUCER_X - PRODUCER_W / 2, y: y - 18, width: PRODUCER_W, height: 36, rx: 8, class: "actor-producer", display: G.producer ? null : "none" });
    setText(keyed(lane, "text", "producer-label", { x: PRODUCER_X, y, "text-anchor": "middle", "dominant-baseline": "central", class: "actor-label", display: G.producer ? null : "none" }), `producer ${producer}`);

    const replicas = [...partition.replicas].slice(0, REPLICA_X.length);
    const X = G.replicaX;
    const halfW = G.replicaW / 2;
    const keep = new Set(["title", "producer", "producer-label", "verdict", "latency", "latency-track", "latency-bar", "flights"]);
    replicas.forEach((broker, i) => {
      const key = `replica-${broker}`;
      keep.add(key);
      const log = logOf(state, topic, partitionId, broker) || { leo: 0 };
      const isLeader = broker === partition.leader;
      const inIsr = (partition.isr || []).includes(broker);
      const down = isDown(state, broker);
      const g = keyed(lane, "g", key, {
        class: `lane-replica ${isLeader ? "is-leader" : "is-follower"} ${inIsr ? "in-isr" : "out-of-isr"} ${down ? "is-down" : ""}`,
        "data-broker": broker, tabindex: 0, role: "img",
        "aria-label": `acks=${acks} lane, broker ${broker}: ${down ? "down" : `${isLeader ? "leader" : "follower"}, log end offset ${log.leo}, ${inIsr ? "in the ISR" : "out of the ISR"}`}`,
      });
      keyed(g, "rect", "r", { x: X[i] - halfW, y: y - 22, width: G.replicaW, height: 44, rx: 8 });
      setText(keyed(g, "text", "n", { x: X[i], y: y - 6, "text-anchor": "middle", class: "replica-name" }),
        `broker ${broker}${isLeader ? " ★" : ""}`);
      setText(keyed(g, "text", "o", { x: X[i], y: y + 12, "text-anchor": "middle", class: "replica-offset" }),
        down ? "down" : `LEO ${log.leo}${inIsr ? "" : " · out"}`);
    });

    const verdict = laneVerdict(acks, latest, lost ? "lost" : fate, partition.isr || [], minIsr);
    setLines(keyed(lane, "text", "verdict", { class: `lane-verdict tone-${verdict.tone}` }), verdict.text, G.verdict[0], y + G.verdict[1], G.wrap);
    const latency = latest && latest.acked_at_ms != null && latest.sent_at_ms != null ? latest.acked_at_ms - latest.sent_at_ms : null;
    setText(keyed(lane, "text", "latency", { x: G.latency[0], y: y + G.latency[1], "text-anchor": G.latencyAnchor, class: "lane-latency" }),
      acks === "0" ? "latency: none waited" : latency === null ? "" : `ack after ${formatMs(latency)}`);
    // Latency on a log scale (10 ms .. 60 s), so 60 ms and 15 s both read at a glance.
    const barWidth = latency === null ? 0 : LATENCY_BAR_W * latencyFraction(latency);
    keyed(lane, "rect", "latency-track", { x: G.bar[0], y: y + G.bar[1], width: LATENCY_BAR_W, height: 5, rx: 2.5, class: "latency-track" });
    keyed(lane, "rect", "latency-bar", { x: G.bar[0], y: y + G.bar[1], width: barWidth, height: 5, rx: 2.5, class: "latency-bar" });
    lane.dataset.verdict = verdict.tone;
    lane.dataset.lost = String(lost);

    // Produce requests and answers between this lane's producer and its leader.
    const flights = keyed(lane, "g", "flights");
    const keepFlights = new Set();
    for (const m of drawnFlights(state, nowMs, (x) => /produce/.test(x.message_kind))) {
      const toBroker = brokerIdOf(m.target);
      const fromBroker = brokerIdOf(m.source);
      const isRequest = m.source === `producer:${producer}` && toBroker !== null;
      const isAnswer = m.target === `producer:${producer}` && fromBroker !== null;
      if (!isRequest && !isAnswer) continue;
      const broker = isRequest ? toBroker : fromBroker;
      const i = replicas.indexOf(broker);
      if (i < 0) continue;
      const f = options.reducedMotion ? 0.5 : hopFraction(m, nowMs);
      const edge = G.producerEdge;
      const end = G.narrow ? X[i] : X[i] - halfW;
      const [x0, x1] = isRequest ? [edge, end] : [end, edge];
      keepFlights.add(String(m.message_id));
      keyed(flights, "circle", m.message_id, { cx: lerp(x0, x1, f), cy: y + G.flightY, r: 6, class: isRequest ? "record-dot" : "ack-dot" });
    }
    prune(flights, keepFlights);
    prune(lane, keep);
  });
  const footerY = G.footerY(lanes.length);
  setLines(layer(svg, "footer"), `min.insync.replicas=${minIsr} · ★ = leader`, G.narrow ? 12 : 20, footerY);
  useViewBox(svg, G.narrow ? "narrow" : "wide", footerY + 10);
}
