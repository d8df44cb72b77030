/**
 * payment-ttl — keys are remembered for 24 hours, not forever. A time axis
 * over the simulated hours shows each key's created_at and expires_at
 * (created_at + 24 h), when the cleanup job deleted it, the client's
 * requests on the same axis and what each got: the cached reply inside the
 * window, a new charge after it.
 */
import { keyed, layer, prune, setText } from "./geometry.js";
import { duration, shortKey, statusClass } from "./payment-parts.js";

export const AXIS_X0 = 40;
export const AXIS_X1 = 720;
export const AXIS_Y = 150;
const HOUR = 3_600_000;

/** The axis spans 1.25 key lifetimes (30 h for the guide's 24 h), and grows with time. */
export function axisSpanMs(nowMs, ttlMs = 24 * HOUR) {
  return Math.max(ttlMs * 1.25, nowMs + ttlMs * 0.1);
}

/** Tick spacing: a quarter of the key's lifetime (6 h for 24 h). */
export const tickMs = (ttlMs) => ttlMs / 4;

export function xOf(ms, span) {
  return AXIS_X0 + (AXIS_X1 - AXIS_X0) * Math.min(1, Math.max(0, ms / span));
}

export function render(svg, state, nowMs) {
  const p = state.payments;
  const ttl = p.settings.key_ttl_ms ?? 24 * HOUR;
  const span = axisSpanMs(nowMs, ttl);
  const axis = layer(svg, "axis");
  keyed(axis, "line", "a", { x1: AXIS_X0, x2: AXIS_X1, y1: AXIS_Y, y2: AXIS_Y, class: "arrow" });
  const keepAxis = new Set(["a", "now"]);
  for (let h = 0; h * tickMs(ttl) <= span && h < 40; h += 1) {
    const ms = h * tickMs(ttl);
    keepAxis.add(`t${h}`);
    keepAxis.add(`l${h}`);
    keyed(axis, "line", `t${h}`, { x1: xOf(ms, span), x2: xOf(ms, span), y1: AXIS_Y - 5, y2: AXIS_Y + 5, class: "arrow" });
    setText(keyed(axis, "text", `l${h}`, { x: xOf(ms, span), y: AXIS_Y + 24, "text-anchor": "middle", class: "muted" }), duration(ms));
  }
  // The "now" marker is one group moved by a CSS transform, so a skipped day
  // (the fast_forward command) slides it along the axis instead of teleporting.
  // Whole units: a transform retargeted every frame (time runs) restarts its
  // ease-in-out each frame and crawls; the marker moves when it moves a unit.
  const nowX = Math.round(xOf(nowMs, span));
  // Through the CSSOM: the page's CSP refuses style attributes, not this.
  const now = keyed(axis, "g", "now", { class: "now-marker", "data-x": nowX.toFixed(1) });
  const transform = `translateX(${nowX}px)`;
  if (now.style.transform !== transform) now.style.transform = transform;
  keyed(now, "line", "l", { x1: 0, x2: 0, y1: 40, y2: AXIS_Y + 30, class: "arrow arrow-request" });
  // The label stays inside the axis at both ends.
  const labelX = Math.min(AXIS_X1 - 60, Math.max(AXIS_X0 + 50, nowX)) - nowX;
  setText(keyed(now, "text", "t", { x: labelX, y: 32, "text-anchor": "middle", class: "charge-label" }), `now: ${duration(nowMs)}`);
  prune(axis, keepAxis);

  const marks = layer(svg, "marks");
  const keep = new Set();
  const keys = Object.values(p.store);
  keys.slice(-3).forEach((r, i) => {
    const expires = r.expires_at_ms ?? r.expires_at ?? null;
    const created = r.created_at_ms ?? (expires == null ? null : expires - (p.settings.key_ttl_ms ?? 24 * HOUR));
    if (created == null || expires == null) return;
    const k = `w-${r.idempotency_key}`;
    keep.add(k);
    // The window is drawn from the claim (PROCESSING) on; a retry that lands
    // before the first request finishes gets 409, after it the cached reply.
    const g = keyed(marks, "g", k, { "data-status": r.status ?? "" });
    const y = 70 + i * 22;
    keyed(g, "rect", "w", { x: xOf(created, span), y, width: Math.max(2, xOf(expires, span) - xOf(created, span)), height: 14, rx: 4, class: `pill ${statusClass(r.status)}` });
    // A window that starts past the middle labels itself leftwards, inside the axis.
    const late = xOf(created, span) > (AXIS_X0 + AXIS_X1) / 2;
    setText(keyed(g, "text", "l", { x: late ? AXIS_X1 : xOf(created, span) + 6, y: y + 11, "text-anchor": late ? "end" : "start", class: "cell" }), `${shortKey(r.idempotency_key)} remembered until t=${duration(expires)}`);
  });
  p.expired.slice(-3).forEach((x, i) => {
    const k = `x-${x.key}-${x.at_ms}`;
    keep.add(k);
    const g = keyed(marks, "g", k);
    const at = xOf(x.at_ms, span);
    const end = at > AXIS_X1 - 120;
    setText(keyed(g, "text", "l", { x: end ? AXIS_X1 : at, y: AXIS_Y - 14 - i * 18, "text-anchor": end ? "end" : "middle", class: "timeout-label" }), `✗ cleanup deleted ${shortKey(x.key)}`);
  });
  const requests = p.sequence.filter((r) => r.type === "request").slice(-6);
  requests.forEach((r, i) => {
    const k = `r-${r.id}`;
    keep.add(k);
    const answer = p.responses.find((a) => a.request_id === r.request_id && a.attempt === r.attempt);
    const g = keyed(marks, "g", k);
    const x = xOf(r.at_ms, span);
    keyed(g, "circle", "c", { cx: x, cy: AXIS_Y, r: 7, class: "flight" });
    const anchor = x < AXIS_X0 + 120 ? "start" : x > AXIS_X1 - 120 ? "end" : "middle";
    setText(keyed(g, "text", "l", { x: anchor === "start" ? AXIS_X0 - 10 : anchor === "end" ? AXIS_X1 + 10 : x, y: AXIS_Y + 48 + (i % 3) * 20, "text-anchor": anchor, class: "cell" }),
      `${r.request_id} #${r.attempt}${answer ? `: ${answer.status_code}${answer.cached ? " cached" : ""}` : ""}`);
  });
  prune(marks, keep);

  const rows = layer(svg, "rows");
  setText(keyed(rows, "text", "h", { x: 40, y: 300, class: "head-label" }), "Charges per payment");
  const keepRows = new Set(["h", "bal"]);
  Object.entries(p.charges).slice(-6).forEach(([request, count], i) => {
    const k = `c-${request}`;
    keepRows.add(k);
    setText(keyed(rows, "text", k, { x: 40, y: 328 + i * 24, class: count > 1 ? "charge-label is-double" : "cell" }), `${request}: ${count} charge${count === 1 ? "" : "s"}`);
  });
  const account = Object.keys(p.balanceHistory)[0];
  setText(keyed(rows, "text", "bal", { x: 420, y: 300, class: "balance-line" }), account ? `Balance: ${p.balanceHistory[account].join(" → ")}` : "");
  prune(rows, keepRows);

  const doubled = p.doubleCharges > 0 || Object.values(p.keyCharges).some((n) => n > 1);
  const cached = p.responses.some((a) => a.cached);
  setText(keyed(layer(svg, "verdict"), "text", "v", { x: 40, y: 540, class: `verdict${doubled ? " is-double" : cached ? " is-ok" : ""}` }),
    doubled ? "⚠ The late retry was a NEW CHARGE: its key had expired." : cached ? `✓ Inside the key's ${duration(ttl)} the retry got the cached reply.` : `Keys live ${duration(ttl)}${ttl < 24 * HOUR ? " here (24 h in the guide)" : ""}.`);
  svg.dataset.expired = String(p.expired.length);
  svg.dataset.doubleCharges = String(p.doubleCharges);
  svg.dataset.newCharge = String(doubled);
}
