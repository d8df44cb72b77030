/**
 * Shared helpers for diagram modules: pure geometry plus a tiny keyed-DOM
 * toolkit that makes `render(svg, state, nowMs)` idempotent.
 *
 * Geometry functions take numbers and return numbers or plain objects; they
 * know nothing about the DOM, so they are easy to test and reuse. The DOM
 * helpers find-or-create a child by key, so calling render twice with the same
 * state leaves the same tree. Text always goes in through textContent, never
 * innerHTML: keys and values typed by a learner are text, not markup.
 */

export const SVG_NS = "http://www.w3.org/2000/svg";

// ---- pure geometry -----------------------------------------------------------

export function clamp(value, low, high) {
  return Math.min(high, Math.max(low, value));
}

export function lerp(a, b, fraction) {
  return a + (b - a) * fraction;
}

/** How far a message is along its hop at `nowMs` (0..1), from simulated time only. */
export function flightFraction(sentAtMs, arriveAtMs, nowMs) {
  if (arriveAtMs <= sentAtMs) return 1;
  return clamp((nowMs - sentAtMs) / (arriveAtMs - sentAtMs), 0, 1);
}

/** A point `fraction` of the way from `from` to `to` ({x, y} each). */
export function pointAlong(from, to, fraction) {
  return { x: lerp(from.x, to.x, fraction), y: lerp(from.y, to.y, fraction) };
}

/** Ease in and out, so motion starts and stops gently (identity when motion is reduced). */
export function ease(fraction, reduced = false) {
  if (reduced) return fraction >= 1 ? 1 : fraction;
  return fraction < 0.5 ? 2 * fraction * fraction : 1 - (-2 * fraction + 2) ** 2 / 2;
}

/** `count` centres spread evenly across `width`, starting at `left`. */
export function spread(count, left, width) {
  if (count <= 0) return [];
  const gap = width / count;
  return Array.from({ length: count }, (_, i) => left + gap * (i + 0.5));
}

/** How bright a highlight is `ageMs` after it happened: 1 then fading to 0 over `fadeMs`. */
export function glow(ageMs, fadeMs = 1200) {
  if (ageMs < 0) return 0;
  return clamp(1 - ageMs / fadeMs, 0, 1);
}

// ---- environment ------------------------------------------------------------

/** True when the learner asked for less motion: diagrams then jump instead of glide. */
export function prefersReducedMotion() {
  return typeof window !== "undefined" && !!window.matchMedia
    && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
}

// ---- keyed DOM helpers (idempotent render) -----------------------------------

/** Set attributes, skipping writes that would not change anything. */
export function setAttrs(el, attrs) {
  for (const [name, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) {
      if (el.hasAttribute(name)) el.removeAttribute(name);
      continue;
    }
    const text = value === true ? "" : String(value);
    if (el.getAttribute(name) !== text) el.setAttribute(name, text);
  }
  return el;
}

/** Set text through textContent only (never markup). */
export function setText(el, text) {
  const value = text === null || text === undefined ? "" : String(text);
  if (el.textContent !== value) el.textContent = value;
  return el;
}

/** Find the child of `parent` with data-key=`key`, or create it as a `tag`. */
export function keyed(parent, tag, key, attrs = {}) {
  let el = null;
  for (const child of parent.children) {
    if (child.dataset && child.dataset.key === String(key)) { el = child; break; }
  }
  if (!el) {
    el = document.createElementNS(SVG_NS, tag);
    el.dataset.key = String(key);
    parent.appendChild(el);
  }
  return setAttrs(el, attrs);
}

/** Remove keyed children of `parent` whose key is not in `keep` (a Set of strings). */
export function prune(parent, keep) {
  for (const child of [...parent.children]) {
    if (child.dataset && child.dataset.key !== undefined && !keep.has(child.dataset.key)) {
      child.remove();
    }
  }
}

/** The layer <g data-layer=name> of a diagram (shipped by the server-rendered skeleton). */
export function layer(svg, name) {
  let el = svg.querySelector(`[data-layer="${name}"]`);
  if (!el) {
    el = document.createElementNS(SVG_NS, "g");
    el.dataset.layer = name;
    svg.appendChild(el);
  }
  return el;
}

/** Render a list of items as keyed children: `draw(el, item, index)` fills each one. */
export function renderList(parent, tag, items, keyOf, draw) {
  const keep = new Set();
  items.forEach((item, index) => {
    const key = String(keyOf(item, index));
    keep.add(key);
    draw(keyed(parent, tag, key), item, index);
  });
  prune(parent, keep);
}

/** A labelled box: rect + text, keyed inside `parent`. Returns the group. */
export function box(parent, key, { x, y, width, height, label, className = "", radius = 6 }) {
  const group = keyed(parent, "g", key, { class: className });
  const rect = keyed(group, "rect", "r", { x, y, width, height, rx: radius });
  setAttrs(rect, { class: "box" });
  const text = keyed(group, "text", "t", {
    x: x + width / 2, y: y + height / 2, "text-anchor": "middle", "dominant-baseline": "central",
  });
  setText(text, label);
  return group;
}
