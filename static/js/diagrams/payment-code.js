/**
 * payment-code — the code panel: the guide's handler with the line each
 * handler thread ran last lit (thread A in one colour, B in another), from
 * the payments events' `payment_handler_stepped` (reduce-payments.js). The
 * lines carry `data-step` ids in the server-rendered skeleton.
 */
import { keyed, layer, prune, setAttrs, setText } from "./geometry.js";

/**
 * The handler lines the current settings can run (the rest are folded away,
 * so the panel shows the handler this simulation is running): the same rules
 * as the simulator's handler (simulator/extensions/payments/handler.py).
 */
export function linesInPlay(settings) {
  const hasKey = settings.variant !== "no_key";
  const guard = settings.safeguard || "none";
  const publishing = settings.publish_events && !settings.outbox;
  const on = {
    signature: true, begin: true, validate: true, deduct: true, record: true, commit: true, respond: true,
    lock_redis: hasKey && guard === "redis_setnx", unlock_redis: hasKey && guard === "redis_setnx",
    lock_advisory: hasKey && guard === "advisory_lock", lock_account: hasKey && guard === "for_update",
    lock_key_row: hasKey && guard === "for_update_key_row",
    check: hasKey, reject_params: hasKey, conflict: hasKey, return_cached: hasKey, claim: hasKey, duplicate: hasKey,
    mark_success: hasKey, mark_failed: hasKey,
    commit_claim: hasKey && (settings.transaction_scope || "claim_committed_first") === "claim_committed_first",
    outbox: Boolean(settings.outbox),
    publish_before: Boolean(publishing && settings.publish_order === "publish_then_commit"),
    publish: Boolean(publishing && (settings.publish_order || "commit_then_publish") === "commit_then_publish"),
  };
  return new Set(Object.keys(on).filter((id) => on[id]));
}

/** Lay the lines in play out top to bottom (once per change of settings). */
function layout(svg, settings) {
  const key = JSON.stringify([settings.variant, settings.safeguard, settings.transaction_scope, settings.outbox, settings.publish_events, settings.publish_order]);
  if (svg.dataset.layoutKey === key) return;
  svg.dataset.layoutKey = key;
  const shown = linesInPlay(settings);
  let row = 0;
  for (const line of svg.querySelectorAll("text.code-line")) {
    const number = line.previousElementSibling;
    const visible = !settings.variant || shown.has(line.dataset.step);
    const h = Number(line.dataset.lineHeight || 19);
    if (visible) row += 1;
    const y = Number(svg.dataset.top || 22) + h * row;
    setAttrs(line, { display: visible ? null : "none", y });
    if (number) setAttrs(number, { display: visible ? null : "none", y });
  }
  const lineHeight = Number(svg.querySelector("text.code-line")?.dataset.lineHeight || 19);
  const height = Number(svg.dataset.top || 22) + lineHeight * (row + 1) + 10;
  setAttrs(svg, { viewBox: `0 0 430 ${Math.round(height)}` });
}

/** The threads to light: the running ones (at most 3), else the last one that ran. */
export function litThreads(p) {
  const threads = Object.values(p.threads).filter((t) => t.line && !t.finished);
  if (threads.length) return threads.sort((a, b) => a.thread.localeCompare(b.thread)).slice(0, 3);
  return p.lastStep ? [{ thread: p.lastStep.thread, line: p.lastStep.line, outcome: p.lastStep.outcome, finished: true }] : [];
}

export function render(svg, state) {
  const p = state.payments;
  layout(svg, p.settings);
  const highlight = layer(svg, "highlight");
  const keep = new Set();
  const lit = new Set();
  litThreads(p).forEach((t, i) => {
    const lines = [...svg.querySelectorAll(`text.code-line[data-step="${CSS.escape(String(t.line))}"]`)].filter((l) => l.getAttribute("display") !== "none");
    if (!lines.length) return;
    const h = Number(lines[0].dataset.lineHeight || 19);
    const y0 = Number(lines[0].getAttribute("y")) - h * 0.78;
    const y1 = Number(lines[lines.length - 1].getAttribute("y")) + h * 0.25;
    const key = `t-${t.thread}`;
    keep.add(key);
    const cls = `now-bar thread-${i === 0 ? "A" : "B"}${t.finished ? " is-done" : ""}`;
    const g = keyed(highlight, "g", key);
    keyed(g, "rect", "r", { x: 2 + i * 3, y: y0, width: 424 - i * 3, height: y1 - y0, rx: 4, class: cls });
    setText(keyed(g, "text", "n", { x: 5, y: y0 + 12, class: "thread-tag" }), t.thread);
    for (const line of lines) lit.add(line);
  });
  prune(highlight, keep);
  for (const line of svg.querySelectorAll("text.code-line")) setAttrs(line, { class: `code-line${lit.has(line) ? " is-now" : ""}` });
  const last = p.lastStep;
  const now = layer(svg, "now");
  const said = last ? `thread ${last.thread}: ${last.line}${last.outcome && last.outcome !== "ok" ? ` → ${last.outcome.replace(/_/g, " ")}` : ""}${last.detail ? ` (${last.detail})` : ""}` : "No request yet: press a Try this button.";
  setText(now, said.length > 54 ? `${said.slice(0, 53)}…` : said);
  setAttrs(now, { "aria-label": said });
  svg.dataset.line = last ? String(last.line) : "";
}
