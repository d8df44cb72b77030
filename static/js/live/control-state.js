/**
 * control-state.js — keeps the controls saying what the model says: Play and
 * Pause pressed, the acks buttons pressed for the producers' current acks,
 * the speed select, and the time slider's range (the recent past).
 */
import { simulatedNow } from "./store.js";

/** How far back the time slider reaches, in simulated ms. */
export const TIMELINE_MS = 60_000;

export function syncControls(root, state, wallMs) {
  // Called on every frame: write only what changed, so an unchanged control
  // costs no style invalidation.
  for (const b of root.querySelectorAll("[data-control=play]")) setIfChanged(b, "aria-pressed", String(state.playing));
  for (const b of root.querySelectorAll("[data-control=pause]")) setIfChanged(b, "aria-pressed", String(!state.playing));
  const acks = new Set(Object.values(state.producers).map((p) => String(p.configs.acks)));
  for (const b of root.querySelectorAll("[data-acks]")) {
    setIfChanged(b, "aria-pressed", String(acks.size === 1 && acks.has(b.dataset.acks)));
  }
  const speed = root.querySelector("select[data-control=speed]");
  if (speed && document.activeElement !== speed && speed.value !== String(state.speed)) speed.value = String(state.speed);
  const timeline = root.querySelector("input[data-control=timeline]");
  if (timeline && document.activeElement !== timeline) {
    const now = Math.floor(simulatedNow(state, wallMs));
    // Whole seconds back from now, so the slider's steps (1 s, also for the
    // arrow keys) land exactly on "now" at the right end.
    const min = now - Math.min(TIMELINE_MS / 1000, Math.floor(now / 1000)) * 1000;
    if (timeline.min !== String(min)) timeline.min = String(min);
    if (timeline.max !== String(now)) timeline.max = String(now);
    if (timeline.value !== String(now)) timeline.value = String(now);
    if (timeline.disabled !== (min === now)) timeline.disabled = min === now;
    setIfChanged(timeline, "aria-valuetext", `${(now / 1000).toFixed(1)} s (now)`);
  }
}

function setIfChanged(el, name, value) {
  if (el.getAttribute(name) !== value) el.setAttribute(name, value);
}

/**
 * The time slider: put it beside the time controls unless the page has one.
 * Moving it and letting go rewinds to that moment (docs/protocol.md `rewind`:
 * what was done after it is forgotten, as the label says).
 */
export function ensureTimeline(root) {
  if (root.querySelector("input[data-control=timeline]")) return;
  const host = root.querySelector(".time-controls, .stage-controls");
  if (!host) return;
  const id = `${root.dataset.sandboxId || "sandbox"}-timeline`;
  const label = document.createElement("label");
  label.className = "timeline";
  label.htmlFor = id;
  label.textContent = "Go back to ";
  const input = document.createElement("input");
  input.type = "range";
  input.id = id;
  input.step = "1000";
  input.dataset.control = "timeline";
  input.title = `Rewind to a moment of the last ${TIMELINE_MS / 1000} s (what you did after it is undone)`;
  label.append(input);
  host.append(label);
}

/** Say the slider's value as a time while it is being moved. */
export function describeTimeline(input) {
  const at = Number(input.value);
  input.setAttribute("aria-valuetext", `${(at / 1000).toFixed(1)} s`);
}
