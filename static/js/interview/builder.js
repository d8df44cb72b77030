// The architecture builder of Q1: place producers, brokers, partition replicas (leader or
// follower, on a broker), controllers, consumer groups (and, as a trap, ZooKeeper), and
// connect them. The diagram is plain data, {nodes, edges}, posted as JSON and graded by
// learnkafka/interview/grading/architecture.py; this file only edits and draws it.
// Layout is automatic (lanes per kind), so a keyboard user places a piece with one button.

const SVG = "http://www.w3.org/2000/svg";
const MEANINGS = {
  "producer|replica": "writes", "replica|replica": "replicates", "group|replica": "reads",
  "broker|controller": "metadata", "controller|controller": "quorum",
};
const LIMIT_NODES = 60;

export function meaning(a, b) {
  return MEANINGS[[a.kind, b.kind].sort().join("|")] || "other";
}

function label(node, nodes) {
  if (node.kind === "replica") {
    const broker = nodes.find((n) => n.id === node.broker);
    return `P${node.partition} ${node.leader ? "leader" : "follower"} on ${broker ? label(broker, nodes) : "?"}`;
  }
  return node.label || node.id;
}

function shortLabel(node) {
  if (node.kind === "replica") return `P${node.partition} ${node.leader ? "(Lead)" : "(Rep)"}`;
  return node.label || node.id;
}

// Where each piece is drawn: producers left, brokers (with their replicas) in the middle,
// the controller quorum under the brokers, consumer groups right.
export function layout(diagram) {
  const pos = {};
  const of = (kind) => diagram.nodes.filter((n) => n.kind === kind);
  const brokers = of("broker");
  let brokerBottom = 200;
  brokers.forEach((b, i) => {
    const replicas = diagram.nodes.filter((n) => n.kind === "replica" && n.broker === b.id);
    const h = Math.max(170, 48 + replicas.length * 40);
    pos[b.id] = { x: 180 + i * 160, y: 24, w: 144, h };
    brokerBottom = Math.max(brokerBottom, 24 + h);
    replicas.forEach((r, j) => { pos[r.id] = { x: 190 + i * 160, y: 64 + j * 40, w: 124, h: 32 }; });
  });
  of("producer").forEach((p, i) => { pos[p.id] = { x: 16, y: 40 + i * 70, w: 130, h: 48 }; });
  const rowY = brokerBottom + 48;
  of("controller").forEach((c, i) => { pos[c.id] = { x: 180 + i * 160, y: rowY, w: 144, h: 46 }; });
  of("zookeeper").forEach((z, i) => { pos[z.id] = { x: 16, y: rowY + i * 60, w: 130, h: 46 }; });
  const groupX = 180 + Math.max(3, brokers.length, of("controller").length) * 160 + 40;
  of("group").forEach((g, i) => { pos[g.id] = { x: groupX, y: 40 + i * 70, w: 160, h: 48 }; });
  const width = groupX + 180;
  const height = Math.max(rowY + 70, 40 + of("producer").length * 70, 40 + of("group").length * 70,
    rowY + of("zookeeper").length * 60 + 20);
  return { pos, width, height };
}

function el(name, attrs = {}, text = null) {
  const node = document.createElementNS(SVG, name);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  if (text !== null) node.textContent = text;
  return node;
}

export function draw(svg, diagram, { selected = null, interactive = false } = {}) {
  const { pos, width, height } = layout(diagram);
  svg.setAttribute("viewBox", `0 0 ${width} ${height}`);
  svg.replaceChildren();
  const byId = Object.fromEntries(diagram.nodes.map((n) => [n.id, n]));
  const center = (id) => ({ x: pos[id].x + pos[id].w / 2, y: pos[id].y + pos[id].h / 2 });
  const nodeGroup = (n) => {
    const p = pos[n.id];
    if (!p) return null;
    const g = el("g", {
      class: `iv-node iv-node--${n.kind}${n.kind === "replica" ? (n.leader ? " is-leader" : " is-follower") : ""}${selected === n.id ? " is-selected" : ""}`,
      "data-node-id": n.id, "data-kind": n.kind,
    });
    if (interactive) {
      g.setAttribute("tabindex", "0");
      g.setAttribute("role", "button");
      g.setAttribute("aria-pressed", selected === n.id ? "true" : "false");
      g.setAttribute("aria-label", label(n, diagram.nodes));
    }
    g.append(el("rect", { x: p.x, y: p.y, width: p.w, height: p.h, rx: 8 }));
    const ty = n.kind === "broker" ? p.y + 24 : p.y + p.h / 2;
    g.append(el("text", { x: p.x + p.w / 2, y: ty, "text-anchor": "middle", "dominant-baseline": "middle" }, shortLabel(n)));
    return g;
  };
  // Brokers first, then connections, then everything else on top.
  const brokers = el("g", { class: "iv-layer-brokers" });
  diagram.nodes.filter((n) => n.kind === "broker").forEach((n) => { const g = nodeGroup(n); if (g) brokers.append(g); });
  const edges = el("g", { class: "iv-layer-edges" });
  for (const [a, b] of diagram.edges) {
    if (!pos[a] || !pos[b]) continue;
    const ca = center(a), cb = center(b);
    const kind = meaning(byId[a], byId[b]);
    // Replication runs between brokers at the same height: bow it above the boxes
    // so it does not hide behind the replicas it passes.
    const bow = kind === "replicates" ? -Math.max(28, Math.abs(cb.x - ca.x) / 5) : 0;
    const mx = (ca.x + cb.x) / 2, my = (ca.y + cb.y) / 2 + bow;
    edges.append(el("path", { d: `M ${ca.x} ${ca.y} Q ${mx} ${my} ${cb.x} ${cb.y}`, fill: "none",
      class: `iv-edge iv-edge--${kind}`, "data-edge": `${a}|${b}` }));
  }
  const rest = el("g", { class: "iv-layer-nodes" });
  diagram.nodes.filter((n) => n.kind !== "broker").forEach((n) => { const g = nodeGroup(n); if (g) rest.append(g); });
  svg.append(brokers, edges, rest);
}

class Builder {
  constructor(root, form) {
    this.root = root;
    this.form = form;
    this.svg = root.querySelector("[data-iv-canvas]");
    this.status = root.querySelector("[data-iv-builder-status]");
    this.input = form.querySelector("[data-iv-diagram-input]");
    this.draftKey = `iv-builder:${root.dataset.draftKey}`;
    this.diagram = { nodes: [], edges: [] };
    this.counter = 0;
    this.selected = null;
    try {
      const saved = JSON.parse(localStorage.getItem(this.draftKey) || "null");
      if (saved && Array.isArray(saved.nodes) && Array.isArray(saved.edges)) {
        this.diagram = saved;
        this.counter = saved.nodes.length + 1;
      }
    } catch { /* a broken draft: start empty */ }
    root.querySelectorAll("[data-add]").forEach((b) => b.addEventListener("click", () => this.add(b.dataset.add)));
    this.svg.addEventListener("click", (e) => {
      const g = e.target.closest("[data-node-id]");
      if (g) this.pick(g.dataset.nodeId);
    });
    this.svg.addEventListener("keydown", (e) => {
      const g = e.target.closest("[data-node-id]");
      if (!g) return;
      if (e.key === "Enter" || e.key === " ") { e.preventDefault(); this.pick(g.dataset.nodeId); }
      else if (e.key === "Delete" || e.key === "Backspace") { e.preventDefault(); this.remove(g.dataset.nodeId); }
      else if (e.key === "Escape") { this.selected = null; this.say("Selection cancelled."); this.render(); }
    });
    form.addEventListener("submit", () => {
      this.input.value = JSON.stringify(this.diagram);
      try { localStorage.removeItem(this.draftKey); } catch { /* ignore */ }
    });
    this.render();
    if (this.diagram.nodes.length) this.say("Your draft is back: carry on drawing.");
  }

  node(id) { return this.diagram.nodes.find((n) => n.id === id); }
  say(text) { this.status.textContent = text; }
  count(kind) { return this.diagram.nodes.filter((n) => n.kind === kind).length; }

  add(kind) {
    if (this.diagram.nodes.length >= LIMIT_NODES) { this.say(`At most ${LIMIT_NODES} pieces.`); return; }
    this.counter += 1;
    const id = `${kind}-${this.counter}`;
    const n = this.count(kind) + 1;
    const names = {
      producer: `Producer ${String.fromCharCode(64 + n)}`, broker: `Broker ${n}`,
      controller: `Controller ${n}`, group: `Consumer group ${n}`, zookeeper: "ZooKeeper",
    };
    let node = { id, kind, label: names[kind] };
    if (kind === "replica") {
      const broker = this.root.querySelector("[data-replica-broker]").value;
      if (!broker) { this.say("Add a broker first: a replica lives on a broker."); return; }
      node = { id, kind, broker,
        partition: Number(this.root.querySelector("[data-replica-partition]").value),
        leader: this.root.querySelector("[data-replica-role]").value === "leader" };
    }
    this.diagram.nodes.push(node);
    this.say(`Added ${label(node, this.diagram.nodes)}.`);
    this.render();
  }

  pick(id) {
    if (this.selected === null) {
      this.selected = id;
      this.say(`Selected ${label(this.node(id), this.diagram.nodes)}: now select what it connects to.`);
    } else if (this.selected === id) {
      this.selected = null;
      this.say("Selection cancelled.");
    } else {
      const a = this.selected;
      const at = this.diagram.edges.findIndex(([x, y]) => (x === a && y === id) || (x === id && y === a));
      const names = `${label(this.node(a), this.diagram.nodes)} and ${label(this.node(id), this.diagram.nodes)}`;
      if (at >= 0) { this.diagram.edges.splice(at, 1); this.say(`Disconnected ${names}.`); }
      else { this.diagram.edges.push([a, id]); this.say(`Connected ${names}.`); }
      this.selected = null;
    }
    this.render();
    this.svg.querySelector(`[data-node-id="${id}"]`)?.focus();
  }

  remove(id) {
    const gone = new Set([id, ...this.diagram.nodes.filter((n) => n.broker === id).map((n) => n.id)]);
    const name = label(this.node(id), this.diagram.nodes);
    this.diagram.nodes = this.diagram.nodes.filter((n) => !gone.has(n.id));
    this.diagram.edges = this.diagram.edges.filter(([a, b]) => !gone.has(a) && !gone.has(b));
    if (gone.has(this.selected)) this.selected = null;
    this.say(`Removed ${name}.`);
    this.render();
  }

  render() {
    draw(this.svg, this.diagram, { selected: this.selected, interactive: true });
    const brokerSelect = this.root.querySelector("[data-replica-broker]");
    const keep = brokerSelect.value;
    brokerSelect.replaceChildren(...this.diagram.nodes.filter((n) => n.kind === "broker").map((b) => {
      const o = document.createElement("option");
      o.value = b.id; o.textContent = b.label;
      return o;
    }));
    if (keep && this.node(keep)) brokerSelect.value = keep;
    const pieces = this.root.querySelector("[data-iv-pieces]");
    pieces.replaceChildren(...this.diagram.nodes.map((n) => {
      const li = document.createElement("li");
      li.textContent = `${label(n, this.diagram.nodes)} `;
      const b = document.createElement("button");
      b.type = "button"; b.textContent = "Remove";
      b.setAttribute("aria-label", `Remove ${label(n, this.diagram.nodes)}`);
      b.addEventListener("click", () => this.remove(n.id));
      li.append(b);
      return li;
    }));
    const edges = this.root.querySelector("[data-iv-edges]");
    edges.replaceChildren(...this.diagram.edges.map(([a, b]) => {
      const li = document.createElement("li");
      const na = this.node(a), nb = this.node(b);
      li.textContent = `${label(na, this.diagram.nodes)} — ${label(nb, this.diagram.nodes)} (${meaning(na, nb)}) `;
      const x = document.createElement("button");
      x.type = "button"; x.textContent = "Remove";
      x.setAttribute("aria-label", `Remove the connection ${label(na, this.diagram.nodes)} to ${label(nb, this.diagram.nodes)}`);
      x.addEventListener("click", () => { this.selected = a; this.pick(b); });
      li.append(x);
      return li;
    }));
    this.input.value = JSON.stringify(this.diagram);
    try { localStorage.setItem(this.draftKey, JSON.stringify(this.diagram)); } catch { /* ignore */ }
  }
}

const root = document.querySelector("[data-iv-builder]");
if (root) new Builder(root, root.closest("form"));
document.querySelectorAll("[data-iv-canvas][data-readonly]").forEach((svg) => {
  const source = document.getElementById(svg.dataset.source);
  if (source) draw(svg, JSON.parse(source.textContent));
});
