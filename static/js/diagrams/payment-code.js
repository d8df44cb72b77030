/**
 * payment-code — the code panel: the guide's handler with the line each
 * handler thread ran last lit (thread A in one colour, B in another), from
 * the payments events' `payment_handler_stepped` (reduce-payments.js). The
 * lines carry `data-step` ids in the server-rendered skeleton.
 */
import { keyed, layer, prune, setAttrs, setText } from "./geometry.js";

/** The threads to light: the running ones (at most 3), else the last one that ran. */
export function litThreads(p) {
  const threads = Object.values(p.threads).filter((t) => t.line && !t.finished);
  if (threads.length) return threads.sort((a, b) => a.thread.localeCompare(b.thread)).slice(0, 3);
  return p.lastStep ? [{ thread: p.lastStep.thread, line: p.lastStep.line, outcome: p.lastStep.outcome, finished: true }] : [];
}

export function render(svg, state) {
  const p = state.payments;
  const highlight = layer(svg, "highlight");
  const keep = new Set();
  const lit = new Set();
  litThreads(p).forEach((t, i) => {
    const lines = [...svg.querySelectorAll(`text.code-line[data-step="${CSS.escape(String(t.line))}"]`)];
    if (!lines.length) return;
    const h = Number(lines[0].dataset.lineHeight || 16.5);
    const y0 = Number(lines[0].getAttribute("y")) - h * 0.78;
    const y1 = Number(lines[lines.length - 1].getAttribute("y")) + h * 0.25;
    const key = `t-${t.thread}`;
    keep.add(key);
    const cls = `now-bar thread-${i === 0 ? "A" : "B"}${t.finished ? " is-done" : ""}`;
    const g = keyed(highlight, "g", key);
    keyed(g, "rect", "r", { x: 2 + i * 3, y: y0, width: 424 - i * 3, height: y1 - y0, rx: 4, class: cls });
    setText(keyed(g, "text", "n", { x: 6 + i * 3, y: y0 + (y1 - y0) / 2 + 4, class: "thread-tag" }), t.thread);
    for (const line of lines) lit.add(line);
  });
  prune(highlight, keep);
  for (const line of svg.querySelectorAll("text.code-line")) setAttrs(line, { class: `code-line${lit.has(line) ? " is-now" : ""}` });
  const last = p.lastStep;
  const now = layer(svg, "now");
  setText(now, last ? `thread ${last.thread}: ${last.line}${last.outcome && last.outcome !== "ok" ? ` → ${last.outcome.replace(/_/g, " ")}` : ""}${last.detail ? ` (${last.detail})` : ""}` : "No request yet: press a Try this button.");
  svg.dataset.line = last ? String(last.line) : "";
}
