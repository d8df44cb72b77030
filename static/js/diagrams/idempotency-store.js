/**
 * idempotency-store — the guide's idempotency_store table, live: one row per
 * key as the handler writes it (PROCESSING, then SUCCESS or FAILED), with its
 * response code, created_at and expires_at (created_at + 24 h), a dashed
 * outline while the row is not committed yet, and a glow when it changes;
 * the account's balance and the last answers the client got beside it.
 */
import { glow, keyed, layer, prune, setAttrs, setText } from "./geometry.js";
import { rowKey, rowStatus, rowUncommitted } from "../live/reduce-payments.js";
import { duration, shortKey, statusClass } from "./payment-parts.js";

export const COLUMNS = [
  { key: "idempotency_key", x: 20, label: "idempotency_key" },
  { key: "status", x: 200, label: "status" },
  { key: "response_code", x: 330, label: "response_code" },
  { key: "created", x: 455, label: "created_at" },
  { key: "expires", x: 580, label: "expires_at" },
];
export const ROW_Y = 76;
export const ROW_H = 34;
export const MAX_ROWS = 8;

const at = (row, name) => row[`${name}_ms`] ?? row[name] ?? null;

/** The rows in the order they were inserted (row ids grow), the newest MAX_ROWS. */
export function storeRows(p) {
  return Object.values(p.store)
    .sort((a, b) => Number(a.row_id ?? 0) - Number(b.row_id ?? 0) || String(a.idempotency_key).localeCompare(String(b.idempotency_key)))
    .slice(-MAX_ROWS);
}

/** created_at: the row's own, else expires_at minus the key TTL (the guide: created_at + 24 h). */
export function createdAt(row, settings) {
  const own = at(row, "created_at");
  if (own != null) return own;
  const expires = at(row, "expires_at");
  return expires == null ? null : expires - (settings.key_ttl_ms ?? 86_400_000);
}

export function render(svg, state, nowMs) {
  const p = state.payments;
  const table = layer(svg, "table");
  setText(keyed(table, "text", "title", { x: 20, y: 28, class: "head-label" }), "idempotency_store");
  for (const c of COLUMNS) setText(keyed(table, "text", `h-${c.key}`, { x: c.x, y: 56, class: "col-head" }), c.label);
  keyed(table, "line", "rule", { x1: 14, x2: 746, y1: 63, y2: 63, class: "lifeline" });
  const rowsLayer = keyed(table, "g", "rows");
  const rows = storeRows(p);
  const keep = new Set();
  rows.forEach((r, i) => {
    const key = rowKey(r);
    keep.add(key);
    const status = rowStatus(r) || "—";
    const open = rowUncommitted(r);
    const y = ROW_Y + i * ROW_H;
    const g = keyed(rowsLayer, "g", key, {
      class: "store-row", "data-idempotency-key": r.idempotency_key, "data-status": status, tabindex: 0, role: "img",
      "aria-label": `key ${r.idempotency_key}: ${status}${open ? ", not committed yet" : ""}`,
    });
    const fresh = r.changed_at_ms != null && glow(nowMs - r.changed_at_ms, 1500) > 0;
    keyed(g, "rect", "bg", { x: 12, y: y - 4, width: 736, height: ROW_H - 4, rx: 5, class: fresh ? "fresh" : "box" });
    const keyText = String(r.idempotency_key ?? "");
    setText(keyed(g, "text", "k", { x: 20, y: y + 17, class: "cell" }), keyText.length > 20 ? shortKey(keyText) : keyText);
    keyed(g, "rect", "pill", { x: 196, y: y + 1, width: 118, height: 22, rx: 11, class: `pill ${statusClass(status)}${open ? " is-uncommitted" : ""}` });
    setText(keyed(g, "text", "s", { x: 255, y: y + 17, "text-anchor": "middle", class: "cell" }), status);
    setText(keyed(g, "text", "c", { x: 330, y: y + 17, class: "cell" }), r.response_code ?? "NULL");
    const created = createdAt(r, p.settings);
    const expires = at(r, "expires_at");
    setText(keyed(g, "text", "cr", { x: 455, y: y + 17, class: "cell" }), created == null ? "—" : `t=${duration(created)}`);
    setText(keyed(g, "text", "ex", { x: 580, y: y + 17, class: "cell" }), expires == null ? "—" : `t=${duration(expires)}`);
    setText(keyed(g, "text", "tx", { x: 744, y: y + 17, "text-anchor": "end", class: "muted" }), open ? `uncommitted${r.pending_thread ? ` (${r.pending_thread})` : ""}` : "");
  });
  prune(rowsLayer, keep);
  setText(keyed(table, "text", "empty", { x: 380, y: ROW_Y + 18, "text-anchor": "middle", class: "muted" }), rows.length ? "" : "No rows yet: the first request with a key will claim one.");

  const accounts = layer(svg, "accounts");
  const names = Object.keys(p.balances);
  setText(keyed(accounts, "text", "h", { x: 20, y: 392, class: "head-label" }), "accounts");
  names.slice(0, 3).forEach((name, i) => {
    setText(keyed(accounts, "text", `a-${name}`, { x: 20, y: 420 + i * 22, class: "cell" }), `${name}: balance ${p.balances[name]}   (${(p.balanceHistory[name] || []).join(" → ")})`);
  });

  const answers = layer(svg, "answers");
  setText(keyed(answers, "text", "h", { x: 420, y: 392, class: "head-label" }), "last answers to the client");
  const recent = p.responses.slice(-5);
  const keepAnswers = new Set(["h"]);
  recent.forEach((r, i) => {
    const key = `r-${i}`;
    keepAnswers.add(key);
    const text = `${r.request_id} #${r.attempt}: ${r.status_code}${r.cached ? " (cached)" : ""}${r.body && r.body.error ? ` ${r.body.error}` : ""}`;
    setAttrs(setText(keyed(answers, "text", key, { x: 420, y: 420 + i * 22, class: "cell" }), text), { class: `cell${r.status_code >= 400 ? " is-double" : ""}` });
  });
  prune(answers, keepAnswers);

  const doubled = p.doubleCharges > 0;
  const verdict = layer(svg, "verdict");
  setText(keyed(verdict, "text", "v", { x: 20, y: 540, class: `verdict${doubled ? " is-double" : ""}` }),
    doubled ? "⚠ A payment was charged twice." : rows.length ? "Every key charged at most once." : "");
  svg.dataset.rows = String(rows.length);
  svg.dataset.statuses = rows.map((r) => rowStatus(r)).join(",");
}
