/**
 * cluster.js — the guide's cluster architecture picture, drawn from sandbox state.
 *
 * Producers A and B (left) write to partition leaders on three brokers (middle);
 * followers copy from their leader; the KRaft controller quorum sits below;
 * two consumer groups read on the right. Pure geometry functions place every
 * actor; render() is idempotent: it adds, updates or removes keyed SVG
 * elements so the picture equals the state, and places each message in flight
 * from simulated time alone (so pause, speed and rewind are exact).
 *
 * Contract (docs/architecture.md §3): export render(svg, state, nowMs, options).
 * Learner text (keys, values) goes in with textContent, never as markup.
 */

const SVG_NS = "http://www.w3.org/2000/svg";

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
  return { x: 40, y: cy - 32, w: 120, h: 64, cx: 100, cy };
}

export function controllerSpec(index, count) {
  const span = 360;
  const cx = count <= 1 ? 480 : 300 + (index * span) / (count - 1);
  return { cx, cy: 455, r: 30 };
}

export function groupSpec(index) {
  const y = 75 + index * 235;
  return { x: 800, y, w: 160, h: 215 };
}

export function memberSpec(groupIndex, memberIndex) {
  const g = groupSpec(groupIndex);
  return { x: g.x + 10, y: g.y + 40 + memberIndex * 42, w: g.w - 20, h: 36, cx: g.x + g.w / 2, cy: g.y + 58 + memberIndex * 42 };
}

export function messageSpec(from, to, fraction) {
  const f = Math.max(0, Math.min(1, fraction));
  return { x: from.x + (to.x - from.x) * f, y: from.y + (to.y - from.y) * f };
}

export function flightFraction(message, nowMs) {
  const span = message.arrive_at_ms - message.sent_at_ms;
  if (span <= 0) return 1;
  return (nowMs - message.sent_at_ms) / span;
}

// ---- reading the state -------------------------------------------------------

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

function isDown(broker) {
  return Boolean(broker && broker.state && broker.state !== "online");
}

function shortText(text, max) {
  const s = String(text);
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

// ---- keyed DOM helpers (idempotent) ------------------------------------------

function el(tag, attrs = {}) {
  const node = document.createElementNS(SVG_NS, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  return node;
}

/** Children of `layer` keyed by data-key; anything not claimed this frame is removed. */
function keyedLayer(layer) {
  const existing = new Map([...layer.children].map((c) => [c.dataset.key, c]));
  const claimed = new Set();
  return {
    get(key, create) {
      claimed.add(key);
      let node = existing.get(key);
      if (!node) {
        node = create();
        node.dataset.key = key;
        layer.appendChild(node);
        existing.set(key, node);
      }
      return node;
    },
    sweep() {
      for (const [key, node] of existing) if (!claimed.has(key)) node.remove();
    },
  };
}

function setAttrs(node, attrs) {
  for (const [k, v] of Object.entries(attrs)) {
    const value = String(v);
    if (node.getAttribute(k) !== value) node.setAttribute(k, value);
  }
}

function setText(node, text) {
  const value = String(text);
  if (node.textContent !== value) node.textContent = value;
}

function part(node, selector, create) {
  return node.querySelector(selector) || node.appendChild(create());
}

// ---- layers --------------------------------------------------------------------

function renderProducers(layer, state, places) {
  const keyed = keyedLayer(layer);
  Object.keys(state.producers).sort().forEach((name, i) => {
    const spec = producerSpec(i);
    const g = keyed.get(name, () => {
      const node = el("g", { class: "producer" });
      node.append(el("rect", { rx: 8 }), el("text", { class: "title", "text-anchor": "middle" }), el("text", { class: "sub", "text-anchor": "middle" }));
      return node;
    });
    const acks = state.producers[name].configs.acks;
    setAttrs(g, { "data-producer": `producer:${name}` });
    setAttrs(g.children[0], { x: spec.x, y: spec.y, width: spec.w, height: spec.h });
    setAttrs(g.children[1], { x: spec.cx, y: spec.cy - 4 });
    setText(g.children[1], `Producer ${name}`);
    setAttrs(g.children[2], { x: spec.cx, y: spec.cy + 16 });
    setText(g.children[2], acks !== undefined ? `acks=${acks}` : "");
    places[`producer:${name}`] = { x: spec.x + spec.w, y: spec.cy };
  });
  keyed.sweep();
}

function renderBrokers(layer, state, places) {
  const keyed = keyedLayer(layer);
  const topic = shownTopic(state);
  const partitions = partitionsOf(topic);
  brokerIds(state).forEach((id, i) => {
    const broker = state.brokers[id];
    const spec = brokerSpec(i);
    const down = isDown(broker);
    const g = keyed.get(`broker:${id}`, () => {
      const node = el("g", { class: "broker", tabindex: "0", role: "button" });
      node.append(el("rect", { class: "broker-box", rx: 10 }), el("text", { class: "title", "text-anchor": "middle" }),
        el("text", { class: "sub", "text-anchor": "middle" }), el("g", { class: "replicas" }));
      return node;
    });
    const leads = partitions.filter((p) => String(p.leader) === String(id)).map((p) => `P${p.partition}`);
    const status = down ? broker.state : broker.slow_ms ? `slowed ${broker.slow_ms} ms` : leads.length ? `leads ${leads.join(", ")}` : "running";
    setAttrs(g, {
      "data-broker": id, class: `broker${down ? " crashed" : ""}${broker.slow_ms ? " slow" : ""}`,
      "aria-label": `Broker ${id}: ${status}`,
    });
    setAttrs(g.children[0], { x: spec.x, y: spec.y, width: spec.w, height: spec.h });
    setAttrs(g.children[1], { x: spec.cx, y: spec.y + 24 });
    setText(g.children[1], `Broker ${id}`);
    setAttrs(g.children[2], { x: spec.cx, y: spec.y + 42 });
    setText(g.children[2], status);
    places[`broker:${id}`] = { x: spec.cx, y: spec.y + spec.h / 2 };
    renderReplicas(g.children[3], state, topic, partitions, id, i, down, places);
  });
  keyed.sweep();
}

function renderReplicas(layer, state, topic, partitions, brokerId, brokerIndex, down, places) {
  const keyed = keyedLayer(layer);
  partitions.forEach((p) => {
    if (!p.replicas.map(String).includes(String(brokerId))) return;
    const spec = replicaSpec(brokerIndex, p.partition);
    const leader = String(p.leader) === String(brokerId);
    const inIsr = p.isr.map(String).includes(String(brokerId));
    const log = state.logs[`${topic.name}/${p.partition}/${brokerId}`] || { leo: 0, hw: 0 };
    // This replica's newest record: the partition's record just below its LEO.
    const records = state.records[`${topic.name}/${p.partition}`] || [];
    const last = [...records].reverse().find((r) => r.offset < log.leo) || null;
    const g = keyed.get(`P${p.partition}`, () => {
      const node = el("g", { class: "replica", tabindex: "0", role: "button" });
      node.append(el("rect", { rx: 6 }), el("text", { class: "role" }), el("text", { class: "offsets" }), el("text", { class: "last-record" }), el("title"));
      return node;
    });
    const role = leader ? "Leader" : "Follower";
    const lastText = last ? `#${last.offset} ${last.key != null ? `${last.key}: ` : ""}${last.value ?? ""}` : "empty";
    setAttrs(g, {
      class: `replica ${leader ? "leader" : "follower"}${inIsr ? "" : " out-of-isr"}${down ? " down" : ""}`,
      "data-replica": `${topic.name}/${p.partition}/${brokerId}`,
      "data-role": leader ? "leader" : "follower",
      "data-leo": log.leo, "data-hw": log.hw,
      "aria-label": `Partition ${p.partition} on broker ${brokerId}: ${role.toLowerCase()}${inIsr ? ", in sync" : ", out of sync"}, log end offset ${log.leo}${leader ? `, high watermark ${log.hw}` : ""}`,
    });
    setAttrs(g.children[0], { x: spec.x, y: spec.y, width: spec.w, height: spec.h });
    setAttrs(g.children[1], { x: spec.x + 8, y: spec.y + 18 });
    setText(g.children[1], `P${p.partition} · ${inIsr || leader ? role : "out of ISR"}`);
    setAttrs(g.children[2], { x: spec.x + 8, y: spec.y + 36 });
    // Only the leader's high watermark is the partition's; a follower learns it late.
    setText(g.children[2], leader ? `LEO ${log.leo} · HW ${log.hw}` : `LEO ${log.leo}`);
    setAttrs(g.children[3], { x: spec.x + 8, y: spec.y + 54 });
    setText(g.children[3], shortText(lastText, 20));
    setText(g.children[4], `Last record: ${lastText}`);
    places[`broker:${brokerId}/${p.partition}`] = { x: spec.cx, y: spec.cy };
  });
  keyed.sweep();
}

function renderControllers(layer, state, places) {
  const keyed = keyedLayer(layer);
  const ids = Object.keys(state.controllers).sort(byNumber);
  ids.forEach((id, i) => {
    const spec = controllerSpec(i, ids.length);
    const c = state.controllers[id];
    const active = String(state.activeController) === String(id);
    const down = Boolean(c.state && c.state !== "running");
    const g = keyed.get(id, () => {
      const node = el("g", { class: "controller", tabindex: "0", role: "img" });
      node.append(el("circle"), el("text", { class: "title", "text-anchor": "middle" }), el("text", { class: "sub", "text-anchor": "middle" }));
      return node;
    });
    setAttrs(g, {
      class: `controller${active ? " active" : ""}${down ? " crashed" : ""}`, "data-controller": id,
      "aria-label": `Controller ${id}${active ? ", active" : down ? ", down" : ", standby"}`,
    });
    setAttrs(g.children[0], { cx: spec.cx, cy: spec.cy, r: spec.r });
    setAttrs(g.children[1], { x: spec.cx, y: spec.cy + 5 });
    setText(g.children[1], `C${id}`);
    setAttrs(g.children[2], { x: spec.cx, y: spec.cy + spec.r + 16 });
    setText(g.children[2], active ? "active" : down ? "down" : "standby");
    places[`controller:${id}`] = { x: spec.cx, y: spec.cy };
  });
  keyed.sweep();
  let label = layer.parentNode.querySelector(".quorum-label");
  if (!label) {
    label = el("text", { class: "column-label quorum-label", x: 480, y: 408, "text-anchor": "middle" });
    layer.parentNode.insertBefore(label, layer);
  }
  setText(label, ids.length ? `KRaft controller quorum (epoch ${state.controllerEpoch})` : "");
}

function renderGroups(layer, state, places) {
  const keyed = keyedLayer(layer);
  Object.keys(state.groups).sort().slice(0, 2).forEach((name, gi) => {
    const group = state.groups[name];
    const spec = groupSpec(gi);
    const g = keyed.get(name, () => {
      const node = el("g", { class: "group" });
      node.append(el("rect", { rx: 10, class: "group-box" }), el("text", { class: "title" }), el("g", { class: "members" }));
      return node;
    });
    setAttrs(g, { "data-group": name });
    setAttrs(g.children[0], { x: spec.x, y: spec.y, width: spec.w, height: spec.h });
    setAttrs(g.children[1], { x: spec.x + 10, y: spec.y + 24 });
    setText(g.children[1], shortText(`Group ${name}`, 18));
    const members = keyedLayer(g.children[2]);
    Object.keys(group.members).sort().slice(0, 4).forEach((id, mi) => {
      const m = group.members[id];
      const ms = memberSpec(gi, mi);
      const assigned = (m.assignment || []).map((a) => `P${a.partition}`);
      const crashed = m.state === "crashed";
      const idle = assigned.length === 0 && !crashed;
      const node = members.get(id, () => {
        const n = el("g", { class: "consumer", tabindex: "0", role: "button" });
        n.append(el("rect", { rx: 6 }), el("text", { class: "name" }), el("text", { class: "assigned" }));
        return n;
      });
      const label = id.replace(/^consumer:/, "");
      const doing = crashed ? "crashed" : idle ? (m.state === "rebalancing" ? "joining…" : "idle: no partition")
        : `${assigned.join(", ")}${m.state ? ` · ${m.state}` : ""}`;
      setAttrs(node, {
        class: `consumer${idle ? " idle" : ""}${crashed ? " crashed" : ""}`, "data-consumer": `consumer:${label}`,
        "data-status": m.state || "", "aria-label": `Consumer ${label} in group ${name}: ${doing}`,
      });
      setAttrs(node.children[0], { x: ms.x, y: ms.y, width: ms.w, height: ms.h });
      setAttrs(node.children[1], { x: ms.x + 8, y: ms.y + 15 });
      setText(node.children[1], shortText(label, 16));
      setAttrs(node.children[2], { x: ms.x + 8, y: ms.y + 30 });
      setText(node.children[2], doing);
      places[id.startsWith("consumer:") ? id : `consumer:${id}`] = { x: ms.x, y: ms.y + ms.h / 2 };
    });
    members.sweep();
  });
  keyed.sweep();
}

function renderLinks(layer, places) {
  const keyed = keyedLayer(layer);
  for (const [actor, pos] of Object.entries(places)) {
    if (actor.startsWith("producer:")) {
      const line = keyed.get(actor, () => el("line", { class: "link", "marker-end": "url(#cluster-arrow)" }));
      setAttrs(line, { x1: pos.x, y1: pos.y, x2: 198, y2: pos.y });
    } else if (actor.startsWith("consumer:")) {
      const line = keyed.get(actor, () => el("line", { class: "link", "marker-end": "url(#cluster-arrow)" }));
      setAttrs(line, { x1: 762, y1: pos.y, x2: pos.x - 2, y2: pos.y });
    }
  }
  keyed.sweep();
}

/** The partition number a message is about, from its summary ("orders-1",
 * {"orders-1": 3}, ["orders-0@5"]), or null. The busiest one when several. */
export function partitionOf(summary) {
  if (!summary) return null;
  const fromName = (name) => {
    const m = /-(\d+)(@\d+)?$/.exec(String(name));
    return m ? Number(m[1]) : null;
  };
  if (typeof summary.partition === "string") return fromName(summary.partition);
  if (typeof summary.partition === "number") return summary.partition;
  for (const key of ["records", "fetch_offsets"]) {
    const v = summary[key];
    if (v && typeof v === "object" && !Array.isArray(v)) {
      const names = Object.keys(v).sort((a, b) => (v[b] || 0) - (v[a] || 0));
      if (names.length) return fromName(names[0]);
    }
  }
  if (Array.isArray(summary.parts) && summary.parts.length) return fromName(summary.parts[0]);
  return null;
}

/** How many records a message carries (produce, replica and consumer fetch responses). */
export function recordCount(summary) {
  if (!summary) return 0;
  const r = summary.records;
  if (typeof r === "number") return r;
  if (r && typeof r === "object") return Object.values(r).reduce((a, b) => a + (Number(b) || 0), 0);
  return Number(summary.record_count) || 0;
}

/** Where a message's endpoint is drawn: a replica row when it names a partition. */
function placeOf(places, actor, partition) {
  if (partition !== null && places[`${actor}/${partition}`]) return places[`${actor}/${partition}`];
  return places[actor] || null;
}

function renderMessages(layer, state, nowMs, places, options) {
  const keyed = keyedLayer(layer);
  for (const m of Object.values(state.inflight)) {
    const partition = partitionOf(m.summary);
    const from = placeOf(places, m.source, partition);
    const to = placeOf(places, m.target, partition);
    if (!from || !to) continue;
    const carriesRecords = recordCount(m.summary) > 0;
    const kind = `message ${carriesRecords ? "carries-records" : "control"} kind-${String(m.message_kind).replace(/[^a-z_]/g, "")}`;
    if (options.reducedMotion) {
      // No motion: a still dashed line shows the hop that is under way.
      const line = keyed.get(`m${m.message_id}`, () => el("line", {}));
      setAttrs(line, { class: `${kind} still`, x1: from.x, y1: from.y, x2: to.x, y2: to.y });
      continue;
    }
    const pos = messageSpec(from, to, flightFraction(m, nowMs));
    const dot = keyed.get(`m${m.message_id}`, () => el("circle", {}));
    setAttrs(dot, { class: kind, cx: pos.x.toFixed(1), cy: pos.y.toFixed(1), r: carriesRecords ? 7 : 4, "data-message-kind": m.message_kind });
  }
  keyed.sweep();
}

/** Draw `state` into the cluster skeleton `svg` at simulated time `nowMs`. */
export function render(svg, state, nowMs, options = {}) {
  const layer = (name) => svg.querySelector(`[data-layer=${name}]`);
  const places = {};
  renderProducers(layer("producers"), state, places);
  renderBrokers(layer("brokers"), state, places);
  renderControllers(layer("controllers"), state, places);
  renderGroups(layer("groups"), state, places);
  renderLinks(layer("links"), places);
  renderMessages(layer("messages"), state, nowMs, places, options);
  svg.dataset.nowMs = String(Math.round(nowMs));
}
