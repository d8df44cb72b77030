/**
 * payment-safeguards — the guide's safeguards side by side. Every race the
 * learner runs lands in the column of the safeguard it ran under (UNIQUE
 * alone, SELECT ... FOR UPDATE, Redis SETNX, pg_advisory_xact_lock, an
 * optimistic version column, and SETNX whose 30 s lock expired while the
 * payment still ran); each column says, per thread, who charged, who waited
 * and for how long, who was told "already locked" or got the cached reply,
 * and how many charges the payment made.
 */
import { keyed, layer, prune, setText } from "./geometry.js";
import { duration } from "./payment-parts.js";

export const COLUMNS = [
  { id: "none", title: ["UNIQUE", "only"] },
  { id: "for_update_key_row", title: ["FOR UPDATE", "on key row"] },
  { id: "for_update", title: ["FOR UPDATE", "on account"] },
  { id: "redis_setnx", title: ["Redis SETNX", "EX 30"] },
  { id: "advisory_lock", title: ["advisory", "xact lock"] },
  { id: "optimistic_version", title: ["optimistic", "version"] },
  { id: "redis_expired", title: ["SETNX lock", "expires"] },
];
export const COL_W = 106;

/** The column a race belongs to: its safeguard, or "redis_expired" when the work outlasted the lock. */
export function columnOf(race) {
  if (race.safeguard === "redis_setnx" && race.process_ms > race.lock_ttl_ms) return "redis_expired";
  return race.safeguard || "none";
}

/** What one thread of a race went through, in a few words. */
export function threadStory(t) {
  const steps = t.steps || [];
  const waits = steps.filter((s) => s.outcome === "waiting");
  let waited = null;
  let waitedFor = null;
  if (waits.length) {
    const after = steps.find((s) => s.at_ms > waits[0].at_ms && s.outcome !== "waiting");
    waited = (after ? after.at_ms : t.finished_at_ms ?? waits[waits.length - 1].at_ms) - waits[0].at_ms;
    waitedFor = waits[0].waiting_for ?? null;
  }
  const outcomes = new Set(steps.map((s) => s.outcome));
  let what = "running…";
  if (t.finished) {
    if (t.charged) what = "CHARGED";
    else if (outcomes.has("locked")) what = "already locked";
    else if (outcomes.has("duplicate_key")) what = "duplicate key";
    else if (outcomes.has("found_processing")) what = "409 processing";
    else if (outcomes.has("found_success")) what = "cached reply";
    else if (outcomes.has("version_conflict")) what = "version conflict";
    else what = `answered ${t.status_code}`;
  }
  return { what, waited, waitedFor, code: t.status_code };
}

export function render(svg, state) {
  const p = state.payments;
  const latest = {};
  for (const race of p.races) latest[columnOf(race)] = race;
  const columns = layer(svg, "columns");
  const keep = new Set();
  COLUMNS.forEach((col, i) => {
    const x = 4 + i * COL_W;
    const key = `col-${col.id}`;
    keep.add(key);
    const race = latest[col.id];
    const g = keyed(columns, "g", key, { class: "safeguard-col", "data-safeguard": col.id, "data-charges": race ? race.charges : "", tabindex: 0, role: "img",
      "aria-label": `${col.title.join(" ")}: ${race ? `${race.charges} charge(s)` : "not run yet"}` });
    keyed(g, "rect", "bg", { x, y: 10, width: COL_W - 4, height: 520, rx: 8, class: `box${race ? (race.charges > 1 ? " is-off" : race.done ? " is-on" : "") : ""}` });
    col.title.forEach((line, j) => setText(keyed(g, "text", `t${j}`, { x: x + (COL_W - 4) / 2, y: 34 + j * 18, "text-anchor": "middle", class: "head-label" }), line));
    const keepInside = new Set(["bg", "t0", "t1", "charges", "empty"]);
    setText(keyed(g, "text", "empty", { x: x + (COL_W - 4) / 2, y: 110, "text-anchor": "middle", class: "muted" }), race ? "" : "not run yet");
    if (race) {
      Object.keys(race.threads).sort().slice(0, 3).forEach((name, j) => {
        const story = threadStory(race.threads[name]);
        const y = 96 + j * 130;
        // "already locked" and "version conflict" take two short lines in a narrow column.
        const what = story.what.length > 11 && story.what.includes(" ") ? story.what.split(" ") : [story.what];
        const lines = [`thread ${name}`, ...what, story.waited == null ? "no wait" : story.waited > 0 ? `waited ${duration(story.waited)}` : `waited for ${story.waitedFor ?? "the other"}`, story.code != null ? `HTTP ${story.code}` : ""];
        lines.forEach((text, k) => {
          const id = `th-${j}-${k}`;
          keepInside.add(id);
          const isWhat = k >= 1 && k <= what.length;
          const cls = k === 0 ? "col-head" : isWhat ? (story.what === "CHARGED" ? "charge-label" : "cell") : "muted";
          setText(keyed(g, "text", id, { x: x + 5, y: y + k * 20, class: cls }), text);
        });
      });
    }
    setText(keyed(g, "text", "charges", { x: x + (COL_W - 4) / 2, y: 510, "text-anchor": "middle", class: race && race.charges > 1 ? "verdict is-double" : "verdict is-ok" }),
      race ? (race.charges > 1 ? `${race.charges} CHARGES` : `${race.charges} charge`) : "");
    prune(g, keepInside);
  });
  prune(columns, keep);
  const runs = Object.values(latest);
  const titles = Object.fromEntries(COLUMNS.map((c) => [c.id, c.title.join(" ")]));
  const bad = runs.filter((r) => r.charges > 1).map((r) => titles[columnOf(r)]);
  setText(keyed(layer(svg, "verdict"), "text", "v", { x: 380, y: 550, "text-anchor": "middle", class: `verdict${bad.length ? " is-double" : ""}` }),
    !runs.length ? "Run the race under each safeguard." : bad.length ? `⚠ A double charge got through: ${bad.join(", ")}.` : `${runs.length} safeguard${runs.length === 1 ? "" : "s"} tried: never more than one charge.`);
  svg.dataset.columnsRun = runs.map(columnOf).join(",");
}
