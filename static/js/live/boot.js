/**
 * boot.js — brings every live diagram on the page to life.
 *
 * For each [data-live-sandbox="<ws path>"]: open its socket (socket.js), keep
 * its state with the reducer (store.js), and on every animation frame call
 * render(svg, state, nowMs) of static/js/diagrams/<name>.js for each
 * svg[data-diagram=<name>] inside. Between server frames, while playing,
 * simulated time is interpolated from the wall clock × speed, so records glide.
 *
 * Controls inside a sandbox (all plain buttons/inputs, keyboard-operable):
 *   [data-command='{"type":"produce",...}']  sends {"type":"command","command":...};
 *       data-command-inputs="key=#id,value=#id2" fills fields from inputs
 *       (an empty input leaves its field out).
 *       data-new-consumer-in="<group>" fills `consumer` with a fresh name;
 *       data-last-consumer-in="<group>" fills it with that group's last member.
 *   [data-command-sequence='[{...}, {...}]']  sends each command in order
 *   [data-control="play|pause|step|reset|resync"]  sends {"type": <that>}
 *   select[data-control="speed"]           sends {"type":"speed","speed":<value>}
 *   [data-control="rewind"][data-rewind-ms="5000"]  rewinds by that many ms
 * Output regions: [data-live-status], [data-live-clock], [data-live-error]
 * (role=alert), [data-narrator] (aria-live=polite).
 *
 * Static mode (no socket): [data-static-state="<id of a <script type=application/json>>"]
 * renders its diagrams once from that snapshot (quizzes use it).
 */
import { connectSandbox } from "./socket.js";
import { initialState, reduceMessage, simulatedNow } from "./store.js";
import { createNarrator } from "./narrator.js";

const diagramModules = new Map();

function loadDiagram(name) {
  if (!/^[a-z0-9_-]+$/.test(name)) return Promise.reject(new Error(`bad diagram name ${name}`));
  if (!diagramModules.has(name)) {
    diagramModules.set(name, import(new URL(`../diagrams/${name}.js`, import.meta.url).href));
  }
  return diagramModules.get(name);
}

async function diagramsIn(root) {
  const svgs = [...root.querySelectorAll("svg[data-diagram]")];
  return Promise.all(svgs.map(async (svg) => ({ svg, module: await loadDiagram(svg.dataset.diagram) })));
}

function setText(root, selector, text) {
  const el = root.querySelector(selector);
  if (el) el.textContent = text;
}

export function reducedMotion() {
  return window.matchMedia("(prefers-reduced-motion: reduce)").matches;
}

/** Wire one live sandbox element. Returns a handle (used by tests and benchmarks). */
export async function bootLive(root) {
  const diagrams = await diagramsIn(root);
  const narrator = createNarrator(root.querySelector("[data-narrator]"));
  let state = initialState();
  let dirty = true;

  const socket = connectSandbox(root.dataset.liveSandbox, {
    onMessage(msg) {
      if (msg.type === "error") {
        setText(root, "[data-live-error]", msg.message);
        root.dispatchEvent(new CustomEvent("live:error", { detail: msg }));
        return;
      }
      state = reduceMessage(state, msg, performance.now());
      if (msg.type === "events") narrator.narrate(msg.events, state);
      if (msg.type === "snapshot") narrator.say(`Cluster loaded at ${Math.round(state.now_ms)} ms.`);
      if (msg.type === "status") {
        const why = {
          idle: " It paused itself after 15 quiet minutes; press Play to go on.",
          overloaded: " This cluster needs more computing than one learner may use, so it was slowed down.",
        }[msg.reason] || "";
        const now = state.playing ? `Playing at ${state.speed}×.` : "Paused.";
        narrator.say(now + why);
        setText(root, "[data-live-status]", why ? now + why : "Live");
      }
      dirty = true;
      // Draw now rather than at the next animation frame: the server already
      // coalesces events per frame, and this saves up to a frame of latency.
      draw(performance.now());
      root.dispatchEvent(new CustomEvent("live:message", { detail: msg }));
    },
    onStatus(status) {
      root.dataset.liveState = status;
      setText(root, "[data-live-status]", status === "live" ? "Live" : status);
    },
  });

  function send(obj) {
    setText(root, "[data-live-error]", "");
    if (!socket.send(obj)) setText(root, "[data-live-error]", "Not connected yet; try again in a moment.");
  }

  root.addEventListener("click", (e) => {
    const el = e.target.closest("[data-command], [data-command-sequence], [data-control]");
    if (!el || !root.contains(el) || el.tagName === "SELECT") return;
    if (el.dataset.commandSequence) {
      for (const command of JSON.parse(el.dataset.commandSequence)) send({ type: "command", command });
    } else if (el.dataset.command) {
      const command = JSON.parse(el.dataset.command);
      for (const pair of (el.dataset.commandInputs || "").split(",").filter(Boolean)) {
        const [field, selector] = pair.split("=");
        const input = root.querySelector(selector);
        if (input && input.value !== "") command[field] = input.type === "number" ? Number(input.value) : input.value;
      }
      if (el.dataset.newConsumerIn) command.consumer = newConsumerName(state, el.dataset.newConsumerIn);
      if (el.dataset.lastConsumerIn) {
        const last = lastConsumerName(state, el.dataset.lastConsumerIn);
        if (!last) { setText(root, "[data-live-error]", "That group has no consumer to remove."); return; }
        command.consumer = last;
      }
      send({ type: "command", command });
    } else if (el.dataset.control === "rewind") {
      const back = Number(el.dataset.rewindMs || 5000);
      send({ type: "rewind", to_ms: Math.max(0, Math.floor(simulatedNow(state, performance.now()) - back)) });
    } else {
      send({ type: el.dataset.control });
    }
  });
  root.addEventListener("change", (e) => {
    const el = e.target;
    if (el.matches("select[data-control=speed]")) send({ type: "speed", speed: Number(el.value) });
  });

  function draw(wallMs) {
    const nowMs = simulatedNow(state, wallMs);
    for (const { svg, module } of diagrams) module.render(svg, state, nowMs, { reducedMotion: reducedMotion() });
    setText(root, "[data-live-clock]", `${(nowMs / 1000).toFixed(1)} s`);
    syncControls(root, state);
    dirty = false;
    root.dataset.renderedSeq = String(state.lastEventSeq);
  }

  function frame(wallMs) {
    if (state.ready && (dirty || state.playing)) draw(performance.now());
    requestAnimationFrame(frame);
  }
  requestAnimationFrame(frame);

  const handle = { root, send, get state() { return state; }, socket };
  root.liveSandbox = handle;
  return handle;
}

const bareName = (id) => String(id).replace(/^consumer:/, "");

function membersOf(state, group) {
  return Object.keys((state.groups[group] || { members: {} }).members).map(bareName);
}

/** A consumer name not used anywhere yet: "<group>-c<n>". */
export function newConsumerName(state, group) {
  const taken = new Set(Object.keys(state.groups).flatMap((g) => membersOf(state, g)));
  let n = membersOf(state, group).length + 1;
  while (taken.has(`${group}-c${n}`)) n += 1;
  return `${group}-c${n}`;
}

/** The group's most recently named consumer (the one "Remove consumer" removes). */
export function lastConsumerName(state, group) {
  const names = membersOf(state, group).sort((a, b) => a.localeCompare(b, undefined, { numeric: true }));
  return names.length ? names[names.length - 1] : null;
}

function syncControls(root, state) {
  for (const b of root.querySelectorAll("[data-control=play]")) b.setAttribute("aria-pressed", String(state.playing));
  for (const b of root.querySelectorAll("[data-control=pause]")) b.setAttribute("aria-pressed", String(!state.playing));
  const acks = new Set(Object.values(state.producers).map((p) => String(p.configs.acks)));
  for (const b of root.querySelectorAll("[data-acks]")) {
    b.setAttribute("aria-pressed", String(acks.size === 1 && acks.has(b.dataset.acks)));
  }
  const speed = root.querySelector("select[data-control=speed]");
  if (speed && document.activeElement !== speed) speed.value = String(state.speed);
}

/** Render the diagrams inside `root` once from an embedded snapshot. */
export async function bootStatic(root) {
  const source = document.getElementById(root.dataset.staticState);
  if (!source) return null;
  const snapshot = JSON.parse(source.textContent);
  const state = reduceMessage(initialState(), { type: "snapshot", ...snapshot, playing: false }, 0);
  for (const { svg, module } of await diagramsIn(root)) {
    module.render(svg, state, state.now_ms, { reducedMotion: true, static: true });
  }
  root.dataset.rendered = "true";
  return state;
}

const SELECTABLE = "[data-broker], [data-replica], [data-consumer], [data-controller], [data-producer]";
const SELECT_KEYS = ["broker", "replica", "consumer", "controller", "producer"];

/** Clicks (and Enter/Space) on a diagram part announce it as `diagram:select`. */
function announceSelection(target) {
  const part = target.closest && target.closest(SELECTABLE);
  if (!part || !part.closest("svg[data-diagram]")) return false;
  const detail = {};
  for (const k of SELECT_KEYS) if (part.dataset[k] !== undefined) detail[k] = part.dataset[k];
  part.dispatchEvent(new CustomEvent("diagram:select", { bubbles: true, detail }));
  return true;
}

document.addEventListener("click", (e) => announceSelection(e.target));
document.addEventListener("keydown", (e) => {
  if ((e.key === "Enter" || e.key === " ") && announceSelection(e.target)) e.preventDefault();
});

function bootAll() {
  for (const el of document.querySelectorAll("[data-live-sandbox]")) bootLive(el);
  for (const el of document.querySelectorAll("[data-static-state]")) bootStatic(el);
}

if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", bootAll);
else bootAll();
