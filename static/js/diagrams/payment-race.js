/**
 * payment-race — two handler threads with one idempotency key, in two lanes.
 * The learner steps thread A or B one handler line at a time (race_step) or
 * picks a preset interleaving (race_preset); each lane lists the lines its
 * thread ran and what they found, the next line it will run, and whether it
 * waits for the other's transaction. Between the lanes: UNIQUE on or off, the
 * rows of idempotency_store, the balance, and the verdict —
 * DuplicateKeyException saving the day, or a double charge.
 */
import { keyed, layer, prune, setAttrs, setText } from "./geometry.js";
import { rowStatus, rowUncommitted } from "../live/reduce-payments.js";
import { statusClass, truncate } from "./payment-parts.js";

export const LANE_X = { A: 20, B: 520 };
export const LANE_W = 220;
export const STEP_H = 30;

const OUTCOME_TEXT = {
  not_found: "NOT FOUND", found_processing: "FOUND: PROCESSING → 409", found_success: "FOUND: SUCCESS → cached",
  found_failed: "FOUND: FAILED", duplicate_key: "DUPLICATE KEY (409)", locked: "already locked → 409",
  waiting: "waits…", insufficient_funds: "insufficient funds", version_conflict: "version conflict",
  params_mismatch: "other parameters → 422", ok: "OK", crashed: "crashed",
};

export function stepText(step) {
  const what = OUTCOME_TEXT[step.outcome] ?? step.outcome ?? "";
  return `${step.line}${what ? `: ${what}` : ""}`;
}

/** The race to draw: the latest one. */
export function currentRace(p) {
  return p.races[p.races.length - 1] || null;
}

export function raceVerdict(race, p) {
  if (!race) return { text: "Start a race (or pick a preset) to see two retries collide.", tone: "" };
  const steps = Object.values(race.threads).flatMap((t) => t.steps || []);
  if (race.charges > 1) return { text: `⚠ DOUBLE CHARGE: ${race.charges} deductions for one payment.`, tone: "is-double" };
  if (steps.some((s) => s.outcome === "duplicate_key")) return { text: "✓ DuplicateKeyException saved the day: one charge.", tone: "is-ok" };
  if (race.done) return { text: race.charges === 1 ? "✓ One charge." : "No charge.", tone: race.charges === 1 ? "is-ok" : "" };
  return { text: `Running: ${race.charges} charge${race.charges === 1 ? "" : "s"} so far.`, tone: "" };
}

export function render(svg, state) {
  const p = state.payments;
  const race = currentRace(p);
  const lanes = layer(svg, "lanes");
  const names = race ? Object.keys(race.threads).sort().slice(0, 2) : [];
  const shown = names.length ? names : ["A", "B"];
  const keepLanes = new Set();
  shown.forEach((name, i) => {
    const side = i === 0 ? "A" : "B";
    const x = LANE_X[side];
    const key = `lane-${side}`;
    keepLanes.add(key);
    const t = race && race.threads[name];
    const live = p.threads[name] || {};
    const g = keyed(lanes, "g", key, { class: `race-lane lane-${side}`, "data-thread": name, tabindex: 0, role: "img",
      "aria-label": `thread ${name}: ${t ? (t.steps || []).map(stepText).join("; ") || "not started" : "not started"}` });
    keyed(g, "rect", "head", { x, y: 14, width: LANE_W, height: 36, rx: 8, class: `head head-${side === "A" ? "client" : "db"}` });
    // Lanes are positions (the picker steps "thread A" and "thread B"); a later race's
    // threads have later names, shown beside.
    setText(keyed(g, "text", "name", { x: x + LANE_W / 2, y: 38, "text-anchor": "middle", class: "head-label" }), name === side ? `Thread ${side}` : `Thread ${side} (${name})`);
    keyed(g, "line", "life", { x1: x + LANE_W / 2, x2: x + LANE_W / 2, y1: 50, y2: 500, class: "lifeline" });
    const steps = t ? (t.steps || []).slice(-13) : [];
    const keepSteps = new Set(["head", "name", "life", "next", "status"]);
    steps.forEach((step, j) => {
      const k = `s-${j}`;
      keepSteps.add(k);
      const bad = step.outcome === "duplicate_key" || step.outcome === "locked" || step.outcome === "found_processing";
      const cls = `cell${step.outcome === "waiting" ? " muted" : bad ? " is-ok" : ""}`;
      setAttrs(setText(keyed(g, "text", k, { x: x + 6, y: 76 + j * STEP_H, class: cls }), truncate(stepText(step), 26)), { class: cls });
    });
    const nextLine = live.finished ? null : live.next_line;
    setText(keyed(g, "text", "next", { x: x + 6, y: 76 + steps.length * STEP_H, class: "charge-label" }),
      !t ? "" : nextLine ? `▶ next: ${nextLine}${live.waiting_for ? ` (waits for ${live.waiting_for})` : ""}` : "");
    setText(keyed(g, "text", "status", { x: x + LANE_W / 2, y: 520, "text-anchor": "middle", class: t && t.charged ? "charge-label" : "muted" }),
      t && t.finished ? `answered ${t.status_code}${t.charged ? ", charged" : ""}` : "");
    prune(g, keepSteps);
  });
  prune(lanes, keepLanes);

  const middle = layer(svg, "middle");
  const unique = (race?.variant ?? p.settings.variant) === "key_unique";
  const sameKeyRows = Object.values(p.store).length;
  keyed(middle, "rect", "db", { x: 262, y: 14, width: 236, height: 36, rx: 8, class: "head head-service" });
  setText(keyed(middle, "text", "dbl", { x: 380, y: 38, "text-anchor": "middle", class: "head-label" }), "Database");
  setText(keyed(middle, "text", "u", { x: 380, y: 76, "text-anchor": "middle", class: unique ? "verdict is-ok" : "verdict is-double" }),
    unique ? "UNIQUE(idempotency_key): ON" : "UNIQUE(idempotency_key): OFF");
  const scope = race?.scope ?? p.settings.transaction_scope;
  setText(keyed(middle, "text", "scope", { x: 380, y: 98, "text-anchor": "middle", class: "muted" }),
    scope === "one_transaction" ? "one @Transactional transaction" : "claim committed first");
  const rows = Object.values(p.store).slice(-5);
  setText(keyed(middle, "text", "count", { x: 380, y: 360, "text-anchor": "middle", class: sameKeyRows > 1 ? "charge-label is-double" : "muted" }),
    sameKeyRows > 1 ? `${sameKeyRows} rows for one key!` : "");
  const keepRows = new Set(["db", "dbl", "u", "scope", "bal", "hdr", "count"]);
  setText(keyed(middle, "text", "hdr", { x: 270, y: 132, class: "col-head" }), rows.length ? "idempotency_store" : "idempotency_store (empty)");
  rows.forEach((r, i) => {
    const k = `row-${i}`;
    keepRows.add(k);
    keepRows.add(`${k}-t`);
    keyed(middle, "rect", k, { x: 266, y: 142 + i * 32, width: 228, height: 26, rx: 6, class: `pill ${statusClass(rowStatus(r))}${rowUncommitted(r) ? " is-uncommitted" : ""}` });
    setText(keyed(middle, "text", `${k}-t`, { x: 380, y: 160 + i * 32, "text-anchor": "middle", class: "cell" }),
      `${truncate(String(r.idempotency_key), 12)} ${rowStatus(r)}${rowUncommitted(r) ? " (uncommitted)" : ""}`);
  });
  const account = Object.keys(p.balances)[0];
  setText(keyed(middle, "text", "bal", { x: 380, y: 330, "text-anchor": "middle", class: "balance-line" }),
    account ? `balance ${p.balances[account]}` : "");
  prune(middle, keepRows);

  const verdict = raceVerdict(race, p);
  setText(keyed(layer(svg, "verdict"), "text", "v", { x: 380, y: 548, "text-anchor": "middle", class: `verdict ${verdict.tone}` }), verdict.text);
  svg.dataset.charges = race ? String(race.charges) : "0";
  svg.dataset.verdict = verdict.tone;
  svg.dataset.steps = race ? String(Object.values(race.threads).reduce((n, t) => n + (t.steps || []).length, 0)) : "0";
}
