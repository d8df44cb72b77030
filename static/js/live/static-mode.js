/**
 * static-mode.js — a still picture without a socket: the diagrams inside
 * [data-static-state="<id of a <script type=application/json>>"] are drawn
 * once from that snapshot (quizzes use it). Nothing moves.
 */
import { diagramsIn } from "./diagram-modules.js";
import { initialState, loadExtensionsFor, reduceMessage } from "./store.js";

/**
 * Render the diagrams inside `root` once from its embedded snapshot; resolves to
 * the model. Once per root: boot.js and quiz.js may both ask, and a second
 * drawing would undo what quiz.js did to the first (its answerable parts).
 */
export function bootStatic(root) {
  if (!root.staticBoot) root.staticBoot = draw(root);
  return root.staticBoot;
}

async function draw(root) {
  const source = document.getElementById(root.dataset.staticState);
  if (!source) return null;
  const snapshot = JSON.parse(source.textContent);
  const message = { type: "snapshot", ...snapshot, playing: false };
  await loadExtensionsFor(message);
  const state = reduceMessage(initialState(), message, 0);
  for (const { svg, module } of await diagramsIn(root)) {
    module.render(svg, state, state.now_ms, { reducedMotion: true, static: true });
  }
  root.dataset.rendered = "true";
  return state;
}
