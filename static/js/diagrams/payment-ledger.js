/**
 * payment-ledger — the payments extension's `transactions` table as a picture:
 * one row per committed deduction (row id, account, amount, request, time),
 * oldest first, and the account's balance above. Each row is a part a quiz
 * can ask for (data-txrow="<row id>"). Reads the snapshot's payments section
 * (state.raw.payments, docs/events.md "Payments extension"): it is a still
 * picture for click-on-the-diagram questions.
 */
import { keyed, layer, renderList, setAttrs, setText } from "./geometry.js";

const LEFT = 44;
const TOP = 104;
const ROW_H = 38;
const MAX_ROWS = 6;
const COLUMNS = [
  ["id", 60], ["user_id", 200], ["amount", 360], ["request_id", 520], ["created_at", 720],
];

/** The committed rows, oldest first (pure: easy to test). */
export function ledgerRows(payments) {
  const rows = (payments && payments.transactions) || [];
  return rows
    .filter((r) => r.values)
    .map((r) => ({ id: r.row_id, ...r.values }))
    .sort((a, b) => a.created_at_ms - b.created_at_ms || String(a.id).localeCompare(String(b.id)))
    .slice(0, MAX_ROWS);
}

export function render(svg, state) {
  const payments = state && state.raw ? state.raw.payments : null;
  const balances = (payments && payments.balances) || {};
  const balance = layer(svg, "balance");
  setText(keyed(balance, "text", "b", { x: 956, y: 54, "text-anchor": "end", class: "balance" }),
    Object.entries(balances).map(([a, b]) => `balance of ${a}: ${b}`).join("   "));
  const header = layer(svg, "header");
  renderList(header, "text", COLUMNS, ([name]) => name, (el, [name, x]) => {
    setAttrs(el, { x: LEFT + x - 40, y: TOP - 14, class: "head" });
    setText(el, name);
  });
  const rows = ledgerRows(payments);
  const body = layer(svg, "rows");
  renderList(body, "g", rows, (r) => r.id, (g, r, i) => {
    const y = TOP + i * ROW_H;
    const label = `row ${r.id}: ${r.user_id} -${r.amount} (${r.request_id}, at ${r.created_at_ms} ms)`;
    setAttrs(g, { class: "tx-row", "data-txrow": r.id, tabindex: "0", "aria-label": label });
    setAttrs(keyed(g, "rect", "r", { x: LEFT - 16, y, width: 920, height: ROW_H - 6, rx: 6 }), {});
    const cells = [r.id, r.user_id, `-${r.amount}`, r.request_id, `${r.created_at_ms} ms`];
    COLUMNS.forEach(([name, x], c) => {
      setText(keyed(g, "text", name, { x: LEFT + x - 40, y: y + ROW_H / 2 + 2, "dominant-baseline": "middle" }), cells[c]);
    });
  });
  const empty = keyed(body, "text", "empty", { x: LEFT, y: TOP + 20, class: "empty" });
  setText(empty, rows.length ? "" : "no committed deductions");
}
