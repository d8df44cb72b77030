/**
 * cluster.js — the guide's cluster architecture picture, drawn from the model.
 *
 * Producers (left) write to partition leaders on the brokers (middle);
 * followers copy from their leader; the KRaft controller quorum sits below;
 * up to two consumer groups read on the right. Failures show in the picture,
 * not only in the narration: a producer says what it was last told
 * (retrying NOT_ENOUGH_REPLICAS, attempt 3; timed out), a crashed consumer
 * counts down to its session timeout, members show their positions and lag,
 * groups their committed offsets, a slowed broker "slowed 40 s".
 *
 * Pure geometry functions place every actor; render() is idempotent (keyed
 * elements from geometry.js) and places each message in flight from
 * simulated time alone (view.js hopFraction), so pause, speed and rewind are
 * exact. Contract: docs/architecture.md §3. Learner text (keys, values) goes
 * in with textContent, never as markup.
 *
 * On a phone (layout "narrow") the same parts stack top to bottom in a viewBox
 * as wide as the screen (producers, then each broker with one line per
 * replica, the controller quorum, the groups with one line per member), so
 * every label reads at >= 12 px; the `N` specs place them.
 */
import { keyed, layer, layoutOf, prune, setAttrs, setText, useViewBox } from "./geometry.js";
import {
  consumerLabel, drawnFlights, groupLabel, hopFraction, isDown, leaderLog, messagePartition, producerStatus,
  recordCount, consumerSession, formatMs, flightPhrase,
} from "../live/view.js";

// ---- geometry (pure) -------------------------------------------------------

export const BROKER_W = 160;
export const BROKER_TOP = 75;
export const BROKER_H = 300;
const ROW_TOP = 122;
const ROW_H = 76;

export function brokerSpec(index) {
  const cx = 310 + index * 180;
  return { cx, x: cx - BROKER_W / 2, y: BROKER_TOP, w: BROKER_W, h: BROKER_H };
}

export function replicaSpec(brokerIndex, row) {
  const b = brokerSpec(brokerIndex);
  return { x: b.x + 10, y: ROW_TOP + row * ROW_H, w: BROKER_W - 20, h: ROW_H - 10, cx: b.cx, cy: ROW_TOP + row * ROW_H + (ROW_H - 10) / 2 };
}

export function producerSpec(index) {
  const cy = 150 + index * 170;
  return { x: 22, y: cy - 42, w: 160, h: 84, cx: 102, cy };
}

export function controllerSpec(index, count) {
  const span = 360;
  const cx = count <= 1 ? 480 : 300 + (index * span) / (count - 1);
  return { cx, cy: 455, r: 30 };
}

export function groupSpec(index) {
  const y = 75 + index * 235;
  return { x: 780, y, w: 200, h: 215 };
}

export function memberSpec(groupIndex, memberIndex) {
  const g = groupSpec(groupIndex);
  return { x: g.x + 8, y: g.y + 50 + memberIndex * 41, w: g.w - 16, h: 37, cx: g.x + g.w / 2, cy: g.y + 68 + memberIndex * 41 };
}

// The narrow (phone) specs: everything full width, stacked. Pure.
const N_BROKERS_TOP = 168;
const N_REPLICA_H = 26;
export const N = {
  brokerH: (rows) => 34 + Math.max(1, rows) * N_REPLICA_H,
  producer: (i) => ({ x: 10 + i * 165, y: 34, w: 155, h: 84, cx: 87 + i * 165, cy: 76 }),
  broker: (i, rows) => {
    const h = N.brokerH(rows);
    return { x: 14, y: N_BROKERS_TOP + i * (h + 10), w: 312, h, cx: 170 };
  },
  replica: (brokerIndex, row, rows) => {
    const b = N.broker(brokerIndex, rows);
    const y = b.y + 30 + row * N_REPLICA_H;
    return { x: 22, y, w: 296, h: N_REPLICA_H - 2, cx: 170, cy: y + (N_REPLICA_H - 2) / 2 };
  },
  brokersBottom: (count, rows) => N_BROKERS_TOP + count * (N.brokerH(rows) + 10),
  controller: (i, count, top) => ({ cx: count <= 1 ? 170 : 90 + (i * 160) / (count - 1), cy: top + 52, r: 22 }),
  member: (g, mi) => ({ x: g.x + 8, y: g.y + 48 + mi * 36, w: g.w - 16, h: 32, cx: g.x + g.w / 2, cy: g.y + 64 + mi * 36 }),
};

export function messageSpec(from, to, fraction) {
  const f = Math.max(0, Math.min(1, fraction));
  return { x: from.x + (to.x - from.x) * f, y: from.y + (to.y - from.y) * f };
}

// ---- reading the model -------------------------------------------------------

const byNumber = (a, b) => Number(a) - Number(b);

export function brokerIds(state) {
  return Object.keys(state.brokers).sort(byNumber);
}

/** The topic the picture shows: the first one with partitions (the scenario's). */
export function shownTopic(state) {
  const names = Object.keys(state.topics).filter((n) => !n.startsWith("__")).sort();
  return names.length ? state.topics[names[0]] : null;
}

function partitionsOf(topic) {
  return topic ? Object.values(topic.partitions).sort((a, b) => a.partition - b.partition) : [];
}

function shortText(text, max) {
  const s = String(text);
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

// ---- layers --------------------------------------------------------------------

function renderProducers(parent, state, places, narrow) {
  const keep = new Set();
  Object.keys(state.producers).sort().forEach((name, i) => {
    const spec = narrow ? N.producer(i) : producerSpec(i);
    keep.add(name);
    const acks = state.producers[name].configs.acks;
    const status = producerStatus(state, name);
    const g = keyed(parent, "g", name, {
      class: `producer tone-${status.tone}`, "data-producer": `producer:${name}`, "data-status": status.tone,
      tabindex: 0, role: "img", "aria-label": `Producer ${name}${acks !== undefined ? `, acks=${acks}` : ""}: ${status.long}`,
    });
    keyed(g, "rect", "box", { x: spec.x, y: spec.y, width: spec.w, height: spec.h, rx: 8 });
    setText(keyed(g, "text", "title", { class: "title", "text-anchor": "middle", x: spec.cx, y: spec.y + 22 }), `Producer ${name}`);
    setText(keyed(g, "text", "acks", { class: "sub", "text-anchor": "middle", x: spec.cx, y: spec.y + 40 }), acks !== undefined ? `acks=${acks}` : "");
    setText(keyed(g, "text", "status", { class: `sub producer-status tone-${status.tone}`, "text-anchor": "middle", x: spec.cx, y: spec.y + 58 }), status.line1);
    setText(keyed(g, "text", "status2", { class: `sub producer-status tone-${status.tone}`, "text-anchor": "middle", x: spec.cx, y: spec.y + 74 }), status.line2);
    places[`producer:${name}`] = narrow ? { x: spec.cx, y: spec.y + spec.h } : { x: spec.x + spec.w, y: spec.cy };
  });
  renderWireClients(parent, state, places, narrow, keep);
  prune(parent, keep);
}

/** Real Kafka clients (through the gateway) below the producers, while slots are left:
 * three on a wide screen, two across on a phone. Their messages fly like a producer's. */
export function wireClientSlots(producerCount, narrow) {
  return Math.max(0, (narrow ? 2 : 3) - producerCount);
}

function renderWireClients(parent, state, places, narrow, keep) {
  const first = Object.keys(state.producers).length;
  const names = Object.keys(state.wireClients || {}).sort().slice(0, wireClientSlots(first, narrow));
  names.forEach((name, j) => {
    const client = state.wireClients[name];
    const spec = narrow ? N.producer(first + j) : producerSpec(first + j);
    const key = client.actor_id || `wire:${name}`;
    keep.add(key);
    const g = keyed(parent, "g", key, {
      class: "producer wire-client tone-ok", "data-wire-client": key, tabindex: 0, role: "img",
      "aria-label": `Real Kafka client ${client.label}, connected through the gateway`,
    });
    keyed(g, "rect", "box", { x: spec.x, y: spec.y, width: spec.w, height: spec.h, rx: 8 });
    // "kafka-python gw-7": the library on top, the connection's name below.
    const words = String(client.label || name).split(" ");
    const software = words.length > 1 ? words.slice(0, -1).join(" ") : "Kafka client";
    setText(keyed(g, "text", "title", { class: "title", "text-anchor": "middle", x: spec.cx, y: spec.y + 22 }), shortText(software, 16));
    setText(keyed(g, "text", "sub", { class: "sub", "text-anchor": "middle", x: spec.cx, y: spec.y + 40 }), shortText(`${name} · real client`, 22));
    setText(keyed(g, "text", "via", { class: "sub", "text-anchor": "middle", x: spec.cx, y: spec.y + 58 }), "via the gateway");
    setText(keyed(g, "title", "tip"), `${client.label}: a real Kafka client connected through the gateway`);
    places[key] = narrow ? { x: spec.cx, y: spec.y + spec.h } : { x: spec.x + spec.w, y: spec.cy };
  });
}

export function brokerStatus(state, id, partitions) {
  const broker = state.brokers[id];
  if (isDown(state, id)) return broker.state;
  if (broker.slow_ms) return `slowed ${formatMs(broker.slow_ms)}`;
  const leads = partitions.filter((p) => String(p.leader) === String(id)).map((p) => `P${p.partition}`);
  return leads.length ? `leads ${leads.join(", ")}` : "running";
}

function renderBrokers(parent, state, places, narrow) {
  const topic = shownTopic(state);
  const partitions = partitionsOf(topic);
  const rows = partitions.length;
  const keep = new Set();
  brokerIds(state).forEach((id, i) => {
    const broker = state.brokers[id];
    const spec = narrow ? N.broker(i, rows) : brokerSpec(i);
    const down = isDown(state, id);
    const key = `broker:${id}`;
    keep.add(key);
    const status = brokerStatus(state, id, partitions);
    const g = keyed(parent, "g", key, {
      "data-broker": id, class: `broker${down ? " crashed" : ""}${broker.slow_ms ? " slow" : ""}`,
      tabindex: 0, role: "button", "aria-label": `Broker ${id}: ${status}`,
    });
    keyed(g, "rect", "box", { class: "broker-box", rx: 10, x: spec.x, y: spec.y, width: spec.w, height: spec.h });
    // Narrow: the name on the left and the status on the right of one line.
    setText(keyed(g, "text", "title", { class: "title", "text-anchor": narrow ? "start" : "middle", x: narrow ? spec.x + 10 : spec.cx, y: spec.y + (narrow ? 20 : 24) }), `Broker ${id}`);
    setText(keyed(g, "text", "sub", { class: "sub", "text-anchor": narrow ? "end" : "middle", x: narrow ? spec.x + spec.w - 10 : spec.cx, y: spec.y + (narrow ? 20 : 42) }), status);
    places[key] = { x: spec.cx, y: spec.y + spec.h / 2 };
    renderReplicas(keyed(g, "g", "replicas", { class: "replicas" }), state, topic, partitions, id, i, down, places, narrow);
  });
  prune(parent, keep);
}

function renderReplicas(parent, state, topic, partitions, brokerId, brokerIndex, down, places, narrow) {
  const keep = new Set();
  partitions.forEach((p) => {
    if (!p.replicas.map(String).includes(String(brokerId))) return;
    const spec = narrow ? N.replica(brokerIndex, p.partition, partitions.length) : replicaSpec(brokerIndex, p.partition);
    const leader = String(p.leader) === String(brokerId);
    const inIsr = p.isr.map(String).includes(String(brokerId));
    const log = state.logs[`${topic.name}/${p.partition}/${brokerId}`] || { leo: 0, hw: 0 };
    // This replica's newest record: the partition's record just below its LEO.
    const records = state.records[`${topic.name}/${p.partition}`] || [];
    const last = [...records].reverse().find((r) => r.offset < log.leo) || null;
    const key = `P${p.partition}`;
    keep.add(key);
    const role = leader ? "Leader" : "Follower";
    const leads = leader && log.role === "leader";
    const lastText = last ? `#${last.offset} ${last.key != null ? `${last.key}: ` : ""}${last.value ?? ""}` : "empty";
    const g = keyed(parent, "g", key, {
      class: `replica ${leader ? "leader" : "follower"}${inIsr ? "" : " out-of-isr"}${down ? " down" : ""}`,
      "data-replica": `${topic.name}/${p.partition}/${brokerId}`,
      "data-role": leader ? "leader" : "follower",
      "data-leo": log.leo, "data-hw": leads ? log.hw : null, tabindex: 0, role: "button",
      "aria-label": `Partition ${p.partition} on broker ${brokerId}: ${role.toLowerCase()}${inIsr ? ", in sync" : ", out of sync"}, log end offset ${log.leo}${leads ? `, high watermark ${log.hw}` : ""}`,
    });
    keyed(g, "rect", "box", { rx: 6, x: spec.x, y: spec.y, width: spec.w, height: spec.h });
    // Narrow: one line per replica: role, offsets, newest record.
    const line = narrow ? spec.y + 17 : null;
    setText(keyed(g, "text", "role", { class: "role", x: spec.x + 8, y: line ?? spec.y + 18 }), `P${p.partition} · ${inIsr || leader ? role : "out of ISR"}`);
    // Only the leader's high watermark is the partition's; a follower learns it
    // late. A broker the controller just made leader has not heard so yet (a
    // metadata hop): its HW is drawn once it leads.
    setText(keyed(g, "text", "offsets", { class: "offsets", x: spec.x + (narrow ? 122 : 8), y: line ?? spec.y + 36 }),
      leads ? `LEO ${log.leo} · HW ${log.hw}` : leader ? `LEO ${log.leo} · taking over` : `LEO ${log.leo}`);
    setText(keyed(g, "text", "last", { class: "last-record", x: narrow ? spec.x + spec.w - 6 : spec.x + 8, y: line ?? spec.y + 54, "text-anchor": narrow ? "end" : null }),
      shortText(lastText, narrow ? 7 : 20));
    setText(keyed(g, "title", "tip"), `Last record: ${lastText}`);
    places[`broker:${brokerId}/${p.partition}`] = { x: spec.cx, y: spec.cy };
  });
  prune(parent, keep);
}

function renderControllers(parent, state, places, narrow, top) {
  const ids = Object.keys(state.controllers).sort(byNumber);
  const keep = new Set(["quorum-label"]);
  setText(keyed(parent, "text", "quorum-label", { class: "column-label quorum-label", x: narrow ? 170 : 480, y: narrow ? top + 16 : 408, "text-anchor": "middle" }),
    ids.length ? `KRaft controller quorum (epoch ${state.controllerEpoch})` : "");
  ids.forEach((id, i) => {
    const spec = narrow ? N.controller(i, ids.length, top) : controllerSpec(i, ids.length);
    const c = state.controllers[id];
    const active = String(state.activeController) === String(id);
    const down = Boolean(c.state && c.state !== "running");
    keep.add(id);
    const g = keyed(parent, "g", id, {
      class: `controller${active ? " active" : ""}${down ? " crashed" : ""}`, "data-controller": id,
      tabindex: 0, role: "img", "aria-label": `Controller ${id}${active ? ", active" : down ? ", down" : ", standby"}`,
    });
    keyed(g, "circle", "c", { cx: spec.cx, cy: spec.cy, r: spec.r });
    setText(keyed(g, "text", "title", { class: "title", "text-anchor": "middle", x: spec.cx, y: spec.cy + 5 }), `C${id}`);
    setText(keyed(g, "text", "sub", { class: "sub", "text-anchor": "middle", x: spec.cx, y: spec.cy + spec.r + 16 }), active ? "active" : down ? "down" : "standby");
    places[`controller:${id}`] = { x: spec.cx, y: spec.cy };
  });
  prune(parent, keep);
}

/** What a member is doing, in a few words: its partitions, positions and lag, or why it has none. */
export function memberDoing(state, group, memberId, nowMs) {
  const m = group.members[memberId];
  const assigned = (m.assignment || []);
  if (m.state === "crashed") {
    const session = consumerSession(state, memberId, nowMs);
    return session.remainingMs === null ? "crashed · awaiting timeout"
      : session.remainingMs > 0 ? `crashed · timeout in ${formatMs(Math.ceil(session.remainingMs / 1000) * 1000)}`
        : "crashed · session timed out";
  }
  if (!assigned.length) return m.state === "rebalancing" ? "joining…" : "idle: no partition";
  const parts = assigned.map((a) => {
    const key = `${a.topic}-${a.partition}`;
    const position = m.positions[key];
    const log = leaderLog(state, a.topic, a.partition);
    const lag = position === undefined || !log ? null : Math.max(0, log.hw - position);
    return { text: `P${a.partition}${position === undefined ? "" : `@${position}`}`, lag };
  });
  const lag = parts.reduce((sum, p) => sum + (p.lag || 0), 0);
  return `${parts.map((p) => p.text).join(" ")} · lag ${lag}`;
}

/** The coordinator's group states (GroupCoordinator's names) in the words the box has room for. */
const GROUP_STATE_WORDS = { PreparingRebalance: "rebalancing", CompletingRebalance: "syncing", Stable: "stable", Empty: "empty", Dead: "dead" };

function renderGroups(parent, state, nowMs, places, narrow, top) {
  const keep = new Set();
  let nextY = top;
  Object.keys(state.groups).sort().slice(0, 2).forEach((name, gi) => {
    const group = state.groups[name];
    const shown = Math.min(4, Object.keys(group.members).length);
    const spec = narrow ? { x: 6, y: nextY, w: 328, h: 54 + Math.max(1, shown) * 36 } : groupSpec(gi);
    nextY = spec.y + spec.h + 12;
    keep.add(name);
    const g = keyed(parent, "g", name, { class: "group", "data-group": name });
    keyed(g, "rect", "box", { rx: 10, class: "group-box", x: spec.x, y: spec.y, width: spec.w, height: spec.h });
    const stateWords = GROUP_STATE_WORDS[group.state] ?? group.state;
    setText(keyed(g, "text", "title", { class: "title", x: spec.x + 10, y: spec.y + 22 }),
      shortText(`${groupLabel(name)}${stateWords ? ` · ${stateWords}` : ""}`, narrow ? 36 : 22));
    if (group.state) setText(keyed(g, "title", "tip"), `${groupLabel(name)}: ${group.state}, generation ${group.generation}`);
    const committed = Object.entries(group.offsets || {}).sort(([a], [b]) => a.localeCompare(b, undefined, { numeric: true }))
      .map(([tp, offset]) => `P${tp.replace(/^.*-/, "")}:${offset}`);
    setText(keyed(g, "text", "committed", { class: "sub group-committed", x: spec.x + 10, y: spec.y + 40 }),
      shortText(committed.length ? `committed ${committed.join(" ")}` : "nothing committed", narrow ? 44 : 28));
    const members = keyed(g, "g", "members", { class: "members" });
    const keepMembers = new Set();
    Object.keys(group.members).sort().slice(0, 4).forEach((id, mi) => {
      const m = group.members[id];
      const ms = narrow ? N.member(spec, mi) : memberSpec(gi, mi);
      const crashed = m.state === "crashed";
      const idle = !(m.assignment || []).length && !crashed && m.state !== "rebalancing";
      const label = consumerLabel(id);
      const doing = memberDoing(state, group, id, nowMs);
      keepMembers.add(id);
      const node = keyed(members, "g", id, {
        class: `consumer${idle ? " idle" : ""}${crashed ? " crashed" : ""}`, "data-consumer": `consumer:${label}`,
        "data-status": m.state || "", tabindex: 0, role: "button",
        "aria-label": `Consumer ${label} in ${groupLabel(name)}: ${doing}`,
      });
      keyed(node, "rect", "box", { rx: 6, x: ms.x, y: ms.y, width: ms.w, height: ms.h });
      // Narrow: the name and what it does on one line.
      setText(keyed(node, "text", "name", { class: "name", x: ms.x + 8, y: ms.y + (narrow ? 21 : 15) }),
        shortText(`${label}${m.state && (m.assignment || []).length && !crashed ? ` · ${m.state}` : ""}`, narrow ? 16 : 22));
      setText(keyed(node, "text", "assigned", { class: "assigned", x: narrow ? ms.x + 128 : ms.x + 8, y: ms.y + (narrow ? 21 : 31) }), shortText(doing, narrow ? 24 : 26));
      places[`consumer:${label}`] = { x: ms.x, y: ms.y + ms.h / 2 };
    });
    prune(members, keepMembers);
  });
  prune(parent, keep);
  return nextY;
}

function renderLinks(parent, places, narrow, frameTop) {
  const keep = new Set();
  for (const [actor, pos] of Object.entries(places)) {
    if (actor.startsWith("producer:") || actor.startsWith("wire:")) {
      keep.add(actor);
      keyed(parent, "line", actor, narrow ? { class: "link", "marker-end": "url(#cluster-arrow)", x1: pos.x, y1: pos.y, x2: pos.x, y2: frameTop - 2 }
        : { class: "link", "marker-end": "url(#cluster-arrow)", x1: pos.x, y1: pos.y, x2: 198, y2: pos.y });
    } else if (actor.startsWith("consumer:") && !narrow) {
      keep.add(actor);
      keyed(parent, "line", actor, { class: "link", "marker-end": "url(#cluster-arrow)", x1: 762, y1: pos.y, x2: pos.x - 2, y2: pos.y });
    }
  }
  prune(parent, keep);
}

/** Where a message's endpoint is drawn: a replica row when it names a partition. */
function placeOf(places, actor, partition) {
  if (partition !== null && places[`${actor}/${partition}`]) return places[`${actor}/${partition}`];
  return places[actor] || null;
}

function renderMessages(parent, state, nowMs, places, options, captionAt = { x: 480, y: 548 }) {
  const keep = new Set(["still-caption"]);
  const stillRecords = [];
  for (const m of drawnFlights(state, nowMs)) {
    const partition = messagePartition(m.summary);
    const from = placeOf(places, m.source, partition);
    const to = placeOf(places, m.target, partition);
    if (!from || !to) continue;
    const carriesRecords = recordCount(m.summary) > 0;
    const kind = `message ${carriesRecords ? "carries-records" : "control"} kind-${String(m.message_kind).replace(/[^a-z_]/g, "")}`;
    const key = `m${m.message_id}`;
    keep.add(key);
    if (options.reducedMotion) {
      // No motion: a dashed line of the hop's path with an arrow to where it
      // goes and a still marker halfway (between the boxes, off their text),
      // for as long as the hop is drawn; records also get a caption.
      const mid = messageSpec(from, to, 0.5);
      const g = keyed(parent, "g", key, { class: `${kind} still`, "data-message-kind": m.message_kind });
      // Only records get their whole path drawn: many control messages at once
      // would cover the picture with lines.
      if (carriesRecords) keyed(g, "line", "path", { class: `${kind} still`, x1: from.x, y1: from.y, x2: to.x, y2: to.y, "marker-end": "url(#cluster-arrow)" });
      else prune(g, new Set(["marker"]));
      keyed(g, "circle", "marker", { class: `${kind} still-marker`, cx: mid.x.toFixed(1), cy: mid.y.toFixed(1), r: carriesRecords ? 7 : 4 });
      if (carriesRecords) stillRecords.push(m);
      continue;
    }
    const pos = messageSpec(from, to, hopFraction(m, nowMs));
    keyed(parent, "circle", key, {
      class: kind, cx: pos.x.toFixed(1), cy: pos.y.toFixed(1), r: carriesRecords ? 7 : 4, "data-message-kind": m.message_kind,
    });
  }
  setText(keyed(parent, "text", "still-caption", { class: "sub still-caption", x: captionAt.x, y: captionAt.y, "text-anchor": "middle" }),
    stillRecords.length ? `● ${flightPhrase(stillRecords[stillRecords.length - 1])}${stillRecords.length > 1 ? ` (+${stillRecords.length - 1} more)` : ""}` : "");
  prune(parent, keep);
}

/** Draw `state` into the cluster skeleton `svg` at simulated time `nowMs`. */
export function render(svg, state, nowMs, options = {}) {
  const places = {};
  const narrow = layoutOf(svg) === "narrow";
  const rows = partitionsOf(shownTopic(state)).length;
  const brokersBottom = N.brokersBottom(brokerIds(state).length, rows);
  const frameTop = N_BROKERS_TOP - 32;
  const frameBottom = brokersBottom + 104; // the controller quorum sits in the frame, below the brokers
  renderProducers(layer(svg, "producers"), state, places, narrow);
  renderBrokers(layer(svg, "brokers"), state, places, narrow);
  renderControllers(layer(svg, "controllers"), state, places, narrow, brokersBottom);
  const groupsBottom = renderGroups(layer(svg, "groups"), state, nowMs, places, narrow, frameBottom + 36);
  renderLinks(layer(svg, "links"), places, narrow, frameTop);
  const height = Math.max(groupsBottom, frameBottom + 40) + 26;
  renderMessages(layer(svg, "messages"), state, nowMs, places, options, narrow ? { x: 170, y: height - 10 } : undefined);
  placeFrame(svg, narrow, frameTop, frameBottom);
  useViewBox(svg, narrow ? "narrow" : "wide", height);
  setAttrs(svg, { "data-now-ms": String(Math.round(nowMs)) });
}

/** The skeleton's frame and column labels, where the layout wants them. */
function placeFrame(svg, narrow, top, bottom) {
  const frame = svg.querySelector(".cluster-frame");
  const [clusterLabel, producersLabel, groupsLabel] = ["frame-label", "column-label"].flatMap((c) => [...svg.querySelectorAll(`.layer-frame .${c}`)]);
  if (!frame || !clusterLabel || !producersLabel || !groupsLabel) return;
  if (narrow) {
    setAttrs(frame, { x: 6, y: top, width: 328, height: bottom - top });
    setAttrs(clusterLabel, { x: 18, y: top + 22 });
    setAttrs(producersLabel, { x: 12, y: 24, "text-anchor": "start" });
    setAttrs(groupsLabel, { x: 12, y: bottom + 26, "text-anchor": "start" });
  } else {
    setAttrs(frame, { x: 200, y: 30, width: 560, height: 500 });
    setAttrs(clusterLabel, { x: 220, y: 56 });
    setAttrs(producersLabel, { x: 100, y: 56, "text-anchor": "middle" });
    setAttrs(groupsLabel, { x: 880, y: 56, "text-anchor": "middle" });
  }
}
