/**
 * selection.js — clicks (and Enter/Space) on a part of any diagram announce
 * it as a bubbling `diagram:select` CustomEvent whose detail holds the part's
 * data attributes (e.g. {replica: "orders/0/1"}); quizzes listen for it.
 */
const SELECTABLE = "[data-broker], [data-replica], [data-consumer], [data-controller], [data-producer], [data-txrow]";
const SELECT_KEYS = ["broker", "replica", "consumer", "controller", "producer", "txrow"];

function announceSelection(target) {
  const part = target.closest && target.closest(SELECTABLE);
  if (!part || !part.closest("svg[data-diagram]")) return false;
  const detail = {};
  for (const k of SELECT_KEYS) if (part.dataset[k] !== undefined) detail[k] = part.dataset[k];
  part.dispatchEvent(new CustomEvent("diagram:select", { bubbles: true, detail }));
  return true;
}

let installed = false;

export function installSelection() {
  if (installed) return;
  installed = true;
  document.addEventListener("click", (e) => announceSelection(e.target));
  document.addEventListener("keydown", (e) => {
    if ((e.key === "Enter" || e.key === " ") && announceSelection(e.target)) e.preventDefault();
  });
}
