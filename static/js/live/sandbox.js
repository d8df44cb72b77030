/**
 * sandbox.js — one live sandbox on the page: its socket (socket.js), its
 * model (store.js), its controls (commands.js, control-state.js) and its
 * drawing loop. On every animation frame while playing (and after every
 * server message) it calls render(svg, state, nowMs, options) of each
 * diagram inside; between server frames simulated time is interpolated from
 * the wall clock × speed, so records glide.
 *
 * Output regions: [data-live-status], [data-live-clock], [data-live-error]
 * (role=alert), [data-narrator] (aria-live=polite).
 */
import { CONTROL_SELECTOR, changeMessages, clickMessages, nameControls } from "./commands.js";
import { describeTimeline, ensureTimeline, syncControls } from "./control-state.js";
import { diagramsIn, reducedMotion } from "./diagram-modules.js";
import { createNarrator } from "./narrator.js";
import { connectSandbox } from "./socket.js";
import { extensionsMissing, initialState, loadExtensionsFor, reduceMessage, simulatedNow } from "./store.js";

function setText(root, selector, text) {
  const el = root.querySelector(selector);
  if (el) el.textContent = text;
}

const STATUS_WHY = {
  idle: " It paused itself after 15 quiet minutes; press Play to go on.",
  overloaded: " This cluster needs more computing than one learner may use, so it was slowed down.",
};

/**
 * A "Skip to the controls" link before the diagrams, so a keyboard user need
 * not tab through every broker and replica to reach the buttons.
 */
function addSkipLink(root) {
  const controls = root.querySelector(".controls, .stage-controls, .time-controls");
  const firstDiagram = root.querySelector("svg[data-diagram]");
  if (!controls || !firstDiagram || root.querySelector("[data-skip-to-controls]")) return;
  if (!controls.id) controls.id = `${root.dataset.sandboxId || "sandbox"}-controls`;
  if (!controls.hasAttribute("tabindex")) controls.setAttribute("tabindex", "-1");
  const link = document.createElement("a");
  link.href = `#${controls.id}`;
  link.className = "skip-link";
  link.dataset.skipToControls = "";
  link.textContent = "Skip to the controls";
  link.addEventListener("click", (e) => { e.preventDefault(); controls.focus(); });
  root.insertBefore(link, root.firstChild);
}

/** Wire one live sandbox element. Returns a handle (used by tests and benchmarks). */
export async function bootLive(root) {
  const diagrams = await diagramsIn(root);
  const narrator = createNarrator(root.querySelector("[data-narrator]"));
  let state = initialState();
  let dirty = true;
  nameControls(root);
  ensureTimeline(root);
  addSkipLink(root);

  // While a snapshot's extension reducers load (store.js loadExtensionsFor),
  // that snapshot and every message after it wait here, in order. (A failed
  // load says so and folds them without that extension's part.)
  let held = null;
  function receive(msg) {
    if (held) { held.push(msg); return; }
    if (!extensionsMissing(msg).length) { apply(msg); return; }
    held = [msg];
    loadExtensionsFor(msg).catch(() => {
      setText(root, "[data-live-error]", "Part of this page failed to load; reload the page.");
    }).finally(() => {
      const waiting = held;
      held = null;
      for (const m of waiting) apply(m);
    });
  }

  const socket = connectSandbox(root.dataset.liveSandbox, {
    onMessage: receive,
    onStatus(status) {
      root.dataset.liveState = status;
      setText(root, "[data-live-status]", status === "live" ? "Live" : status);
    },
  });

  function apply(msg) {
    if (msg.type === "cli_output") {  // a terminal's answer, for this socket only
      root.dispatchEvent(new CustomEvent("live:message", { detail: msg }));
      return;
    }
    if (msg.type === "error") {
      setText(root, "[data-live-error]", msg.message);
      root.dispatchEvent(new CustomEvent("live:error", { detail: msg }));
      return;
    }
    state = reduceMessage(state, msg, performance.now());
    if (msg.type === "events") narrator.narrate(msg.events, { reducedMotion: reducedMotion() });
    if (msg.type === "snapshot") narrator.say(`Cluster loaded at ${(state.now_ms / 1000).toFixed(1)} s.`);
    if (msg.type === "status") {
      const why = STATUS_WHY[msg.reason] || "";
      const now = state.playing ? `Playing at ${state.speed}×.` : "Paused.";
      narrator.say(now + why);
      setText(root, "[data-live-status]", why ? now + why : "Live");
    }
    dirty = true;
    // Draw now rather than at the next animation frame: the server already
    // coalesces events per frame, and this saves up to a frame of latency.
    draw(performance.now());
    root.dispatchEvent(new CustomEvent("live:message", { detail: msg }));
  }

  function send(obj) {
    setText(root, "[data-live-error]", "");
    if (!socket.send(obj)) setText(root, "[data-live-error]", "Not connected yet; try again in a moment.");
  }

  root.addEventListener("click", (e) => {
    const el = e.target.closest(CONTROL_SELECTOR);
    if (!el || !root.contains(el)) return;
    const { messages, error } = clickMessages(el, root, state, performance.now());
    if (error) { setText(root, "[data-live-error]", error); return; }
    for (const m of messages) send(m);
  });
  root.addEventListener("change", (e) => { for (const m of changeMessages(e.target)) send(m); });
  root.addEventListener("input", (e) => {
    if (e.target.matches("input[data-control=timeline]")) describeTimeline(e.target);
  });

  function draw(wallMs) {
    const nowMs = simulatedNow(state, wallMs);
    for (const { svg, module } of diagrams) module.render(svg, state, nowMs, { reducedMotion: reducedMotion() });
    setText(root, "[data-live-clock]", `${(nowMs / 1000).toFixed(1)} s`);
    syncControls(root, state, wallMs);
    dirty = false;
    root.dataset.renderedSeq = String(state.lastEventSeq);
  }

  function frame() {
    if (state.ready && (dirty || state.playing)) draw(performance.now());
    requestAnimationFrame(frame);
  }
  requestAnimationFrame(frame);
  // A diagram picks its layout from its width (geometry.layoutOf): redraw when the
  // width changes (a phone turned, full screen entered or left), even when paused.
  if (typeof ResizeObserver !== "undefined") {
    new ResizeObserver(() => { dirty = true; }).observe(root);
  }

  // rescanDiagrams(): the page swapped the diagrams inside (a classroom step change,
  // static/js/classroom/student.js): draw the new ones from the same model and socket.
  async function rescanDiagrams() {
    diagrams.splice(0, diagrams.length, ...(await diagramsIn(root)));
    dirty = true;
    if (state.ready) draw(performance.now());
  }

  const handle = { root, send, get state() { return state; }, socket, rescanDiagrams };
  root.liveSandbox = handle;
  return handle;
}
