/**
 * static-mode.js — a still picture without a socket: the diagrams inside
 * [data-static-state="<id of a <script type=application/json>>"] are drawn
 * once from that snapshot (quizzes use it). Nothing moves.
 */
import { diagramsIn } from "./diagram-modules.js";
import { initialState, reduceMessage } from "./store.js";

/** Render the diagrams inside `root` once from its embedded snapshot; returns the model. */
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
