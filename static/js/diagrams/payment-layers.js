/**
 * payment-layers — the guide's full architecture with its three layers of
 * idempotency: the client, the API gateway and its idempotency cache (layer
 * 1), the topic payment-requests written by an idempotent producer (layer 2),
 * the payment consumer checking idempotency_store (layer 3), the database.
 * Each layer shows its switch; messages between the actors move on simulated
 * time; the ledger lists each payment's charges, and the verdict names the
 * layer a duplicate got through.
 */
import { drawnFlights, hopFraction, recordsOf } from "../live/view.js";
import { keyed, layer, lerp, prune, setText } from "./geometry.js";

export const BOXES = [
  { id: "client", x: 10, w: 104, title: "Client" },
  { id: "gateway", x: 134, w: 136, title: "API Gateway" },
  { id: "topic", x: 290, w: 168, title: "payment-requests" },
  { id: "consumer", x: 478, w: 140, title: "Consumer" },
  { id: "db", x: 638, w: 112, title: "Database" },
];

/** One line of the "what happened" log for a sequence row (reduce-payments.js). */
export function logLine(r) {
  const at = `${(r.at_ms / 1000).toFixed(1)} s`;
  if (r.type === "request") return `${at}  client: ${r.label}`;
  if (r.type === "arrive") return `${at}  ${r.request_id} reaches the service (thread ${r.thread})`;
  if (r.type === "charge") return `${at}  ${r.request_id}: ${r.double ? "CHARGED AGAIN" : "charged"}, balance ${r.balance}`;
  if (r.type === "timeout") return `${at}  client: ${r.label}`;
  if (r.type === "response") return `${at}  answer ${r.label}${r.lost ? " (lost)" : ""}`;
  if (r.type === "db") return null;
  return `${at}  ${r.label}`;
}
const Y = 70;
const H = 96;

export function boxOf(actor) {
  const a = String(actor || "");
  if (a.startsWith("client")) return "client";
  if (a.startsWith("gateway") || a.startsWith("producer")) return "gateway";
  if (a.startsWith("broker")) return "topic";
  if (a.startsWith("consumer") || a.startsWith("service")) return "consumer";
  if (a.startsWith("db")) return "db";
  return null;
}

export function layerSwitches(settings) {
  return {
    gateway: Boolean(settings.gateway_cache),
    topic: settings.producer_idempotence !== false,
    consumer: settings.variant === "key_unique" || settings.variant === "key_no_unique",
  };
}

export function render(svg, state, nowMs, options = {}) {
  const p = state.payments;
  const on = layerSwitches(p.settings);
  const boxes = layer(svg, "boxes");
  const centre = {};
  let records = 0;
  const topic = state.topics["payment-requests"];
  if (topic) for (const id of Object.keys(topic.partitions)) records += recordsOf(state, "payment-requests", Number(id)).length;
  for (const b of BOXES) {
    centre[b.id] = b.x + b.w / 2;
    const g = keyed(boxes, "g", b.id, { "data-box": b.id });
    const layerNo = { gateway: 1, topic: 2, consumer: 3 }[b.id];
    const state_ = layerNo ? (on[b.id] ? " is-on" : " is-off") : "";
    keyed(g, "rect", "r", { x: b.x, y: Y, width: b.w, height: H, rx: 8, class: `box${state_}${b.id === "consumer" && p.service === "crashed" ? " is-down" : ""}` });
    setText(keyed(g, "text", "t", { x: centre[b.id], y: Y + 22, "text-anchor": "middle", class: "head-label" }), b.title);
    const sub = {
      client: "retries", gateway: on.gateway ? "cache ON, 24 h" : "cache OFF",
      topic: on.topic ? "idempotence ON" : "idempotence OFF", consumer: on.consumer ? "checks the key" : "no key check",
      db: Object.entries(p.balances).map(([a, v]) => `${a} ${v}`).join(" ") || "",
    }[b.id];
    setText(keyed(g, "text", "s", { x: centre[b.id], y: Y + 46, "text-anchor": "middle", class: layerNo && !on[b.id] ? "cell is-double" : "cell" }), sub);
    const extra = {
      gateway: `${p.gatewayHits} cache hit${p.gatewayHits === 1 ? "" : "s"}`,
      topic: `records ${records} · dups ${p.duplicatesDiscarded}`,
      consumer: p.service === "crashed" ? "CRASHED" : "",
    }[b.id] || "";
    setText(keyed(g, "text", "x", { x: centre[b.id], y: Y + 70, "text-anchor": "middle", class: "muted" }), extra);
    if (layerNo) setText(keyed(g, "text", "n", { x: centre[b.id], y: Y + H + 20, "text-anchor": "middle", class: "col-head" }), `Layer ${layerNo}`);
  }
  for (let i = 0; i + 1 < BOXES.length; i += 1) {
    keyed(boxes, "line", `link-${i}`, { x1: BOXES[i].x + BOXES[i].w, x2: BOXES[i + 1].x, y1: Y + H / 2, y2: Y + H / 2, class: "arrow", "marker-end": `url(#pay-arrowhead-${svg.dataset.diagram})` });
  }

  const flights = layer(svg, "flights");
  const keepFlights = new Set();
  for (const m of drawnFlights(state, nowMs, (x) => boxOf(x.source) && boxOf(x.target) && boxOf(x.source) !== boxOf(x.target))) {
    const from = centre[boxOf(m.source)];
    const to = centre[boxOf(m.target)];
    const f = options.reducedMotion ? 0.5 : hopFraction(m, nowMs);
    keepFlights.add(String(m.message_id));
    keyed(flights, "circle", m.message_id, { cx: lerp(from, to, f), cy: Y + H / 2 + (to < from ? 12 : -12), r: 7, class: `flight${to < from ? " is-answer" : ""}` });
  }
  prune(flights, keepFlights);

  const ledger = layer(svg, "ledger");
  setText(keyed(ledger, "text", "h", { x: 20, y: 262, class: "head-label" }), "Charges per payment");
  const entries = Object.entries(p.charges).slice(-6);
  const keep = new Set(["h", "none", "lh"]);
  setText(keyed(ledger, "text", "none", { x: 20, y: 290, class: "muted" }), entries.length ? "" : "No payment yet.");
  entries.forEach(([request, count], i) => {
    const k = `c-${request}`;
    keep.add(k);
    setText(keyed(ledger, "text", k, { x: 20, y: 292 + i * 26, class: count > 1 ? "charge-label is-double" : "cell" }),
      `${request}: ${count} charge${count === 1 ? "" : "s"} ${count > 1 ? "✗" : "✓"}`);
  });
  setText(keyed(ledger, "text", "lh", { x: 300, y: 262, class: "head-label" }), "What happened");
  const lines = p.sequence.map(logLine).filter(Boolean).slice(-9);
  lines.forEach((text, i) => {
    const k = `log-${i}`;
    keep.add(k);
    setText(keyed(ledger, "text", k, { x: 300, y: 290 + i * 24, class: /AGAIN|lost|TIMEOUT/.test(text) ? "cell is-double" : "cell" }), text.length > 50 ? `${text.slice(0, 49)}…` : text);
  });
  prune(ledger, keep);
  const off = Object.entries(on).filter(([, v]) => !v).map(([k]) => ({ gateway: "layer 1", topic: "layer 2", consumer: "layer 3" })[k]);
  const doubled = p.doubleCharges > 0;
  setText(keyed(layer(svg, "verdict"), "text", "v", { x: 20, y: 540, class: `verdict${doubled ? " is-double" : ""}` }),
    doubled ? `⚠ A duplicate got through${off.length ? ` with ${off.join(" and ")} off` : ""}.` : off.length ? `Off: ${off.join(", ")}. Send a failure: does a layer still on stop it?` : "All three layers on: every failure is caught.");
  svg.dataset.layersOff = off.length ? Object.entries(on).filter(([, v]) => !v).map(([k]) => k).join(",") : "";
  svg.dataset.doubleCharges = String(p.doubleCharges);
}
