/**
 * payment-outbox — the payment and its event. Without the outbox the service
 * commits and then publishes (or the reverse): a crash between the two loses
 * or duplicates the event. With it, the payment and an outbox row commit in
 * one transaction and the relay publishes the row to payment-events. The
 * ledger counts committed payments, events published and records in the
 * topic, and names what was lost or duplicated.
 */
import { drawnFlights, hopFraction, recordsOf } from "../live/view.js";
import { keyed, layer, lerp, prune, setText } from "./geometry.js";

export const BOX = {
  service: { x: 20, y: 60, w: 170, h: 90, title: "Payment Service" },
  db: { x: 250, y: 40, w: 250, h: 250, title: "Database" },
  relay: { x: 560, y: 60, w: 180, h: 70, title: "Outbox relay" },
  topic: { x: 560, y: 220, w: 180, h: 70, title: "payment-events" },
};

export function boxOf(actor) {
  const a = String(actor || "");
  if (a.startsWith("service")) return "service";
  if (a.startsWith("relay")) return "relay";
  if (a.startsWith("broker")) return "topic";
  if (a.startsWith("db")) return "db";
  if (a.startsWith("producer")) return a.includes("relay") || a.includes("outbox") ? "relay" : "service";
  return null;
}

export function eventLedger(state) {
  const p = state.payments;
  let records = 0;
  const topic = state.topics["payment-events"];
  if (topic) for (const id of Object.keys(topic.partitions)) records += recordsOf(state, "payment-events", Number(id)).length;
  const committed = Object.values(p.charges).reduce((a, b) => a + b, 0);
  const published = Object.values(p.published).reduce((a, b) => a + b, 0);
  return { committed, published, records, lost: Math.max(0, committed - Object.keys(p.published).length), duplicated: Object.values(p.published).filter((n) => n > 1).length };
}

export function render(svg, state, nowMs, options = {}) {
  const p = state.payments;
  const outboxOn = Boolean(p.settings.outbox);
  const boxes = layer(svg, "boxes");
  for (const [id, b] of Object.entries(BOX)) {
    const g = keyed(boxes, "g", id, { "data-box": id });
    const down = id === "service" && p.service === "crashed";
    const off = id === "relay" && !outboxOn;
    keyed(g, "rect", "r", { x: b.x, y: b.y, width: b.w, height: b.h, rx: 8, class: `box${down ? " is-down" : off ? " is-off" : ""}` });
    setText(keyed(g, "text", "t", { x: b.x + b.w / 2, y: b.y + 22, "text-anchor": "middle", class: "head-label" }), b.title);
  }
  setText(keyed(boxes, "text", "svc-s", { x: 105, y: 108, "text-anchor": "middle", class: p.service === "crashed" ? "crash-label" : "cell" }),
    p.service === "crashed" ? "CRASHED" : outboxOn ? "outbox ON" : (p.settings.publish_order || "commit_then_publish").replace(/_/g, " "));
  setText(keyed(boxes, "text", "relay-s", { x: 650, y: 112, "text-anchor": "middle", class: "cell" }), outboxOn ? "publishes outbox rows" : "not used");
  const ledger = eventLedger(state);
  setText(keyed(boxes, "text", "topic-s", { x: 650, y: 270, "text-anchor": "middle", class: "cell" }), `${ledger.records} event${ledger.records === 1 ? "" : "s"}`);

  const rows = layer(svg, "rows");
  const balanceText = Object.entries(p.balances).map(([a, v]) => `accounts: ${a} ${v}`).join("  ");
  setText(keyed(rows, "text", "acc", { x: 262, y: 88, class: "cell" }), balanceText);
  setText(keyed(rows, "text", "oh", { x: 262, y: 120, class: "col-head" }), outboxOn ? "outbox" : "outbox (not used)");
  const keep = new Set(["acc", "oh"]);
  Object.values(p.outbox).slice(-6).forEach((r, i) => {
    const k = `o-${r.row_id}`;
    keep.add(k);
    setText(keyed(rows, "text", k, { x: 262, y: 146 + i * 22, class: r.published ? "cell is-ok" : r.committed === false ? "muted" : "cell" }),
      `${String(r.event_id ?? r.row_id).slice(0, 14)} ${r.published ? "✓ published" : r.committed === false ? "(uncommitted)" : "pending"}`);
  });
  prune(rows, keep);

  const flights = layer(svg, "flights");
  const keepFlights = new Set();
  const centre = (id) => ({ x: BOX[id].x + BOX[id].w / 2, y: BOX[id].y + BOX[id].h / 2 });
  for (const m of drawnFlights(state, nowMs, (x) => boxOf(x.source) && boxOf(x.target) && boxOf(x.source) !== boxOf(x.target))) {
    const a = centre(boxOf(m.source));
    const b = centre(boxOf(m.target));
    const f = options.reducedMotion ? 0.5 : hopFraction(m, nowMs);
    keepFlights.add(String(m.message_id));
    keyed(flights, "circle", m.message_id, { cx: lerp(a.x, b.x, f), cy: lerp(a.y, b.y, f), r: 7, class: "flight" });
  }
  prune(flights, keepFlights);

  const l = layer(svg, "ledger");
  const lines = [
    `payments committed: ${ledger.committed}`,
    `events handed to Kafka: ${ledger.published}`,
    `records in payment-events: ${ledger.records}`,
  ];
  lines.forEach((text, i) => setText(keyed(l, "text", `l${i}`, { x: 20, y: 360 + i * 26, class: "cell" }), text));
  const lost = ledger.lost;
  const dup = ledger.duplicated;
  setText(keyed(l, "text", "bad", { x: 20, y: 450, class: lost || dup ? "charge-label is-double" : "cell is-ok" }),
    lost ? `⚠ ${lost} event${lost === 1 ? "" : "s"} LOST: the payment committed, nothing was published.` : dup ? `⚠ ${dup} event${dup === 1 ? "" : "s"} published twice.` : ledger.committed ? "Every committed payment has its event." : "");
  setText(keyed(layer(svg, "verdict"), "text", "v", { x: 20, y: 540, class: "verdict" }),
    outboxOn ? "Outbox ON: the event commits with the payment; the relay publishes it, even after a crash." : "No outbox: the event is a second write, after the commit.");
  svg.dataset.lost = String(lost);
  svg.dataset.duplicated = String(dup);
  svg.dataset.records = String(ledger.records);
}
