/**
 * diagram-modules.js — finds the diagrams inside an element and loads their
 * modules: svg[data-diagram=<name>] is drawn by static/js/diagrams/<name>.js
 * (each module loaded once per page).
 */
const modules = new Map();

function loadDiagram(name) {
  if (!/^[a-z0-9_-]+$/.test(name)) return Promise.reject(new Error(`bad diagram name ${name}`));
  if (!modules.has(name)) modules.set(name, import(new URL(`../diagrams/${name}.js`, import.meta.url).href));
  return modules.get(name);
}

/** [{svg, module}] for every diagram inside `root`. */
export async function diagramsIn(root) {
  const svgs = [...root.querySelectorAll("svg[data-diagram]")];
  return Promise.all(svgs.map(async (svg) => ({ svg, module: await loadDiagram(svg.dataset.diagram) })));
}

/** True when the learner asked for less motion: hops are drawn still. */
export function reducedMotion() {
  return motionQuery.matches;
}
// One MediaQueryList, read on every draw (it follows the setting as it changes).
const motionQuery = window.matchMedia("(prefers-reduced-motion: reduce)");
