/**
 * payment-parts.js — what the payment diagrams share (not a diagram itself):
 * the sequence diagram of lessons 3's first two steps (lifelines, arrows that
 * grow over simulated time, the balance line and the verdict), status colours,
 * and short labels. Pure geometry plus the keyed helpers of geometry.js; the
 * state is the model's `payments` part (static/js/live/reduce-payments.js).
 */
import { MIN_HOP_MS } from "../live/model.js";
import { clamp, flightFraction, glow, keyed, layer, prune, setAttrs, setText } from "./geometry.js";

export const LIFELINES = { client: 110, service: 380, db: 650 };
export const ROW_TOP = 92;
export const ROW_H = 23;
export const MAX_ROWS = 18;

/** Which lifeline an actor id or side name sits on. */
export function lane(actor) {
  if (!actor) return "service";
  if (actor.startsWith("client")) return "client";
  if (actor.startsWith("db") || actor === "db") return "db";
  return "service";
}

export const shortKey = (key) => (key ? `${String(key).slice(0, 8)}…` : "no key");
export const truncate = (text, n) => (text.length > n ? `${text.slice(0, n - 1)}…` : text);

/** "0.4 s", "3 min", "24.0 h": simulated durations at a glance. */
export function duration(ms) {
  if (ms == null) return "";
  const round = (v) => (Number.isInteger(v) ? String(v) : v.toFixed(1));
  if (Math.abs(ms) < 60_000) return `${round(Math.round(ms / 100) / 10)} s`;
  if (Math.abs(ms) < 3_600_000) return `${round(Math.round(ms / 6_000) / 10)} min`;
  return `${round(Math.round(ms / 360_000) / 10)} h`;
}

/** The rows the sequence diagram draws: requests, checks and SQL, answers, timeouts, charges. */
export function sequenceRows(p) {
  return p.sequence.filter((r) => r.type !== "arrive").slice(-MAX_ROWS);
}

/** How far an arrow that started at `atMs` is drawn at `nowMs` (0..1), from simulated time. */
export function growth(atMs, nowMs, reduced) {
  if (reduced) return 1;
  return flightFraction(atMs, atMs + MIN_HOP_MS, nowMs);
}

function arrowRow(g, r, y, f, now, marker) {
  let from = lane(r.from);
  let to = lane(r.to);
  if (r.type === "db") { from = "service"; to = "db"; }
  if (r.type === "response") { from = lane(r.from); to = "client"; }
  const x0 = LIFELINES[from];
  const x1 = LIFELINES[to];
  const lost = Boolean(r.lost);
  const reach = lost ? 0.55 : f;
  const xEnd = x0 + (x1 - x0) * reach;
  const cls = `arrow arrow-${r.type}${lost ? " is-lost" : ""}${r.cached ? " is-cached" : ""}${/found_success|found_failed/.test(r.outcome || "") ? " is-found" : ""}`;
  setAttrs(keyed(g, "line", "l", { x1: x0, y1: y, x2: xEnd, y2: y, class: cls, "marker-end": lost || f < 1 ? null : marker }), {});
  const mid = (x0 + x1) / 2;
  let label = r.label;
  if (r.type === "db" && r.outcome === "not_found") label = `check key: NOT FOUND`;
  if (r.type === "db" && /found_(success|failed)/.test(r.outcome || "")) label = `check key: FOUND (${r.outcome.slice(6).toUpperCase()})`;
  if (r.type === "db" && r.outcome === "found_processing") label = "check key: PROCESSING";
  setText(keyed(g, "text", "t", { x: mid, y: y - 5, "text-anchor": "middle", class: `arrow-label${lost ? " is-lost" : ""}` }), truncate(label, 40));
  if (lost) {
    setText(keyed(g, "text", "x", { x: xEnd, y: y + 5, "text-anchor": "middle", class: "lost-mark" }), "✗");
    // End-anchored left of the ✗, but never past the diagram's left edge (~225 units of text).
    setText(keyed(g, "text", "why", { x: Math.max(xEnd - 14, 240), y: y + 18, "text-anchor": "end", class: "lost-why" }), "response lost in the network");
  } else {
    prune(g, new Set(["l", "t"]));
  }
  if (r.type === "request" && r.key !== undefined) {
    setText(keyed(g, "text", "k", { x: mid, y: y + 13, "text-anchor": "middle", class: "key-label" }), r.key ? `Idempotency-Key: ${shortKey(r.key)}` : "no Idempotency-Key");
  }
  g.dataset.fresh = String(glow(now - r.at_ms, 1500) > 0);
}

/** Draw the sequence of `p` into the layers of a sequence skeleton. */
export function drawSequence(svg, state, nowMs, options, { withKey }) {
  const p = state.payments;
  const rows = sequenceRows(p);
  const rowsLayer = layer(svg, "rows");
  const keep = new Set();
  rows.forEach((r, i) => {
    const key = String(r.id);
    keep.add(key);
    const y = ROW_TOP + i * ROW_H + (r.type === "request" ? 4 : 0);
    const g = keyed(rowsLayer, "g", key, { class: `seq-row seq-${r.type}`, "data-row-type": r.type });
    const f = growth(r.at_ms, nowMs, options.reducedMotion || options.static);
    if (["request", "db", "response"].includes(r.type)) {
      arrowRow(g, r, y, f, nowMs, `url(#pay-arrowhead-${svg.dataset.diagram})`);
    } else {
      const side = r.type === "timeout" ? "client" : r.type === "charge" ? "db" : r.type === "crash" ? "service" : lane(r.side || "service");
      const x = LIFELINES[side] + (side === "db" ? -12 : 12);
      const anchor = side === "db" ? "end" : "start";
      const cls = r.type === "charge" ? (r.double ? "charge-label is-double" : "charge-label") : r.type === "timeout" ? "timeout-label" : r.type === "crash" ? "crash-label" : "note-label";
      setText(keyed(g, "text", "t", { x, y: y + 4, "text-anchor": anchor, class: cls }), r.type === "timeout" ? `✗ ${r.label}` : r.label);
      prune(g, new Set(["t"]));
    }
    g.style.opacity = String(clamp(f * 1.5, 0.15, 1));
  });
  prune(rowsLayer, keep);

  // The balance line: 500 -> 400 -> 300, the last one red when it was deducted twice.
  const account = Object.keys(p.balanceHistory)[0];
  const history = account ? p.balanceHistory[account] : [];
  const doubled = p.doubleCharges > 0;
  setText(layer(svg, "balance"), history.length ? `Balance (${account}): ${history.join(" → ")}` : "Balance: waiting for the simulation…");
  layer(svg, "balance").setAttribute("class", `balance-line${doubled ? " is-double" : ""}`);
  const verdict = layer(svg, "verdict");
  const paid = rows.some((r) => r.type === "charge") || Object.keys(p.charges).length > 0;
  let text = "";
  if (doubled) text = "⚠ DOUBLE DEDUCTION! The user lost money.";
  else if (withKey && p.responses.some((r) => r.cached)) text = "✓ NO DOUBLE DEDUCTION: cached reply";
  else if (paid) text = "Deducted once so far.";
  setText(verdict, text);
  verdict.setAttribute("class", `verdict${doubled ? " is-double" : text.startsWith("✓") ? " is-ok" : ""}`);
  svg.dataset.doubleCharges = String(p.doubleCharges);
  svg.dataset.rows = String(rows.length);
  svg.dataset.balance = history.length ? String(history[history.length - 1]) : "";
}

/** A status pill class for an idempotency_store status. */
export function statusClass(status) {
  return `status-${String(status || "none").toLowerCase()}`;
}
