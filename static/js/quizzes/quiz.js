/**
 * quiz.js — progressive enhancement for quiz cards ([data-quiz-card]).
 *
 * Everything here is optional: without it every card still works with plain
 * forms (htmx or not). It adds:
 *   - put in order: drag and drop, arrow keys on a focused step, and Up/Down
 *     buttons that reorder in place (instead of posting), each move announced
 *     in an aria-live region;
 *   - click on the diagram: draws the diagram from the embedded snapshot
 *     (live/boot.js static mode), turns the answerable parts into a choice
 *     (click or Enter/Space, via selection.js's `diagram:select` event) that ticks
 *     the matching radio button, and hides the diagram's own labels that
 *     would give the answer away (data-conceal="isr");
 *   - after an htmx swap, focus moves to the feedback so it is read out, or,
 *     on a "Try again" form, to its first choice.
 * Listeners are delegated on `document`, so cards swapped in later just work.
 */
import { installSelection } from "../live/selection.js";
import { bootStatic } from "../live/static-mode.js";

const announce = (card, text) => {
  const region = card.querySelector("[data-quiz-announce]");
  if (region) region.textContent = text;
};

const itemText = (li) => li.querySelector(".quiz-order__text").textContent.trim();

/* ── put in order ─────────────────────────────────────────────────────── */

function refreshOrder(list) {
  const items = [...list.querySelectorAll(".quiz-order__item")];
  items.forEach((li, i) => {
    li.querySelector('[data-quiz-move="up"]').disabled = i === 0;
    li.querySelector('[data-quiz-move="down"]').disabled = i === items.length - 1;
  });
  return items;
}

function moveItem(li, direction, { focus = "item" } = {}) {
  const list = li.parentElement;
  const sibling = direction === "up" ? li.previousElementSibling : li.nextElementSibling;
  if (!sibling) return;
  if (direction === "up") list.insertBefore(li, sibling);
  else list.insertBefore(sibling, li);
  const items = refreshOrder(list);
  const position = items.indexOf(li) + 1;
  if (focus === "item") li.focus();
  else {
    const button = li.querySelector(`[data-quiz-move="${direction}"]`);
    (button.disabled ? li : button).focus();
  }
  announce(list.closest("[data-quiz-card]"), `Moved “${itemText(li)}” to position ${position} of ${items.length}.`);
}

document.addEventListener("click", (e) => {
  const button = e.target.closest("[data-quiz-move]");
  if (!button) return;
  // Reorder in place; without this script the button posts and the server reorders.
  e.preventDefault();
  moveItem(button.closest(".quiz-order__item"), button.dataset.quizMove, { focus: "button" });
}, true);

document.addEventListener("keydown", (e) => {
  const li = e.target.closest && e.target.closest(".quiz-order__item");
  if (!li || e.target !== li) return;
  if (e.key === "ArrowUp" || e.key === "ArrowDown") {
    e.preventDefault();
    moveItem(li, e.key === "ArrowUp" ? "up" : "down");
  }
});

let dragged = null;
document.addEventListener("dragstart", (e) => {
  const li = e.target.closest && e.target.closest(".quiz-order__item");
  if (!li) return;
  dragged = li;
  li.classList.add("is-dragging");
  e.dataTransfer.effectAllowed = "move";
  e.dataTransfer.setData("text/plain", li.dataset.itemId);
});
document.addEventListener("dragover", (e) => {
  const over = e.target.closest && e.target.closest(".quiz-order__item");
  if (!dragged || !over || over.parentElement !== dragged.parentElement) return;
  e.preventDefault();
  if (over === dragged) return;
  const rect = over.getBoundingClientRect();
  const after = e.clientY > rect.top + rect.height / 2;
  over.parentElement.insertBefore(dragged, after ? over.nextElementSibling : over);
});
document.addEventListener("drop", (e) => {
  if (dragged) e.preventDefault();
});
document.addEventListener("dragend", () => {
  if (!dragged) return;
  const items = refreshOrder(dragged.parentElement);
  dragged.classList.remove("is-dragging");
  announce(dragged.closest("[data-quiz-card]"), `Moved “${itemText(dragged)}” to position ${items.indexOf(dragged) + 1} of ${items.length}.`);
  dragged = null;
});

/* ── click on the diagram ─────────────────────────────────────────────── */

const ATTRIBUTE_KEYS = { "data-replica": "replica", "data-broker": "broker", "data-consumer": "consumer",
  "data-controller": "controller", "data-producer": "producer", "data-txrow": "txrow" };

/** Strip what would give the answer away; the learner must read the offsets.
 *  (Static mode renders once, so these edits are not undone by a later frame.) */
function conceal(container) {
  const what = (container.dataset.conceal || "").split(" ");
  if (!what.includes("isr")) return;
  for (const part of container.querySelectorAll(".out-of-isr")) part.classList.remove("out-of-isr");
  // A slowed broker is drawn dashed and labelled "slowed N ms": that is the cause,
  // so it is hidden too (the follower's broker is otherwise simply running).
  for (const broker of container.querySelectorAll(".broker.slow")) broker.classList.remove("slow");
  for (const text of container.querySelectorAll("svg text")) {
    if (/^slowed\b/.test(text.textContent)) text.textContent = "running";
  }
  for (const broker of container.querySelectorAll("[data-broker][aria-label]")) {
    broker.setAttribute("aria-label", broker.getAttribute("aria-label").replace(/slowed [\d.]+ (ms|s|min)/, "running"));
  }
  for (const text of container.querySelectorAll("svg text")) {
    // "P0 · Follower (out of ISR)" or "P0 · out of ISR": say only "Follower".
    const plain = text.textContent.replace(" (out of ISR)", "").replace("out of ISR", "Follower");
    if (plain !== text.textContent) text.textContent = plain;
  }
  for (const part of container.querySelectorAll("[aria-label]")) {
    const label = part.getAttribute("aria-label").replace(/, (in sync|out of sync)/, "");
    if (label !== part.getAttribute("aria-label")) part.setAttribute("aria-label", label);
  }
}

function markTargets(container) {
  const attribute = container.dataset.attribute;
  const form = container.closest("form");
  const valid = new Set([...form.querySelectorAll('input[name="target"]')].map((i) => i.value));
  // Only the answerable parts are tab stops: a keyboard user should not wade
  // through every broker and controller to reach them.
  for (const part of container.querySelectorAll('svg [tabindex="0"]')) {
    if (!valid.has(part.getAttribute(attribute) || "")) part.setAttribute("tabindex", "-1");
  }
  for (const part of container.querySelectorAll(`[${attribute}]`)) {
    const id = part.getAttribute(attribute);
    part.classList.toggle("quiz-target", valid.has(id));
    if (valid.has(id)) {
      part.setAttribute("tabindex", "0");
      part.setAttribute("role", "button");
      part.setAttribute("aria-pressed", String(form.querySelector(`input[name="target"][value="${CSS.escape(id)}"]`).checked));
    }
  }
}

/** After answering: mark the right part and the learner's pick, and say so to screen readers. */
function markReveal(container) {
  const attribute = container.dataset.attribute;
  const answers = new Set((container.dataset.answer || "").split(" ").filter(Boolean));
  for (const part of container.querySelectorAll(`[${attribute}]`)) {
    const id = part.getAttribute(attribute);
    const isAnswer = answers.has(id);
    const isGiven = id === container.dataset.given && !isAnswer;
    part.classList.toggle("quiz-answer", isAnswer);
    part.classList.toggle("quiz-given", isGiven);
    if (isAnswer || isGiven) {
      const label = part.getAttribute("aria-label") || "";
      const note = isAnswer ? " (the answer)" : " (your choice)";
      if (!label.endsWith(note)) part.setAttribute("aria-label", label + note);
    }
  }
}

async function prepareDiagram(container) {
  if (container.dataset.quizReady) return;
  container.dataset.quizReady = "pending";
  await bootStatic(container);
  if (container.hasAttribute("data-quiz-reveal")) markReveal(container);
  else {
    conceal(container);
    markTargets(container);
  }
  container.dataset.quizReady = "true";
}

function choose(container, id) {
  const form = container.closest("form");
  const input = form.querySelector(`input[name="target"][value="${CSS.escape(id)}"]`);
  if (!input) return;
  input.checked = true;
  for (const part of container.querySelectorAll(".quiz-target")) {
    const picked = part.getAttribute(container.dataset.attribute) === id;
    part.classList.toggle("is-picked", picked);
    part.setAttribute("aria-pressed", String(picked));
  }
  announce(container.closest("[data-quiz-card]"), `Selected: ${input.closest("label").textContent.trim()}. Press Check answer to submit.`);
}

installSelection();  // a quiz page may have no live sandbox (and no boot.js)
document.addEventListener("diagram:select", (e) => {
  const container = e.target.closest("[data-quiz-diagram]");
  if (!container) return;
  const key = ATTRIBUTE_KEYS[container.dataset.attribute];
  if (key && e.detail[key] !== undefined) choose(container, e.detail[key]);
});

// Keep the diagram in step when the radio list is used instead.
document.addEventListener("change", (e) => {
  if (e.target.name !== "target") return;
  const container = e.target.closest("form").querySelector("[data-quiz-diagram]");
  if (container) choose(container, e.target.value);
});

/* ── boot and htmx swaps ──────────────────────────────────────────────── */

function enhance(root) {
  for (const list of root.querySelectorAll("[data-quiz-order]")) refreshOrder(list);
  for (const container of root.querySelectorAll("[data-quiz-diagram]")) prepareDiagram(container);
}

document.addEventListener("htmx:afterSwap", (e) => {
  // The card is swapped outerHTML, so look the new one up by the target's id.
  const id = e.detail.target && e.detail.target.id;
  const card = id && document.getElementById(id);
  if (!card || !card.matches("[data-quiz-card]")) return;
  enhance(card);
  const feedback = card.querySelector("[data-quiz-feedback]");
  if (feedback) feedback.focus();
  else if (card.querySelector("[data-quiz-error], [data-quiz-retry-note]")) {
    card.querySelector("form input:not([type=hidden]), form textarea, form [tabindex]")?.focus();
  }
});

if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", () => enhance(document));
else enhance(document);
