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

// ---- narrow layouts (a phone) ------------------------------------------------

/** Below this many CSS pixels of width a diagram draws its narrow layout. */
export const NARROW_BELOW_PX = 560;
/** A narrow layout's viewBox width: a phone's diagram box is ~340-360 px wide, so
 * one SVG unit is at least one CSS pixel and a 12-unit label reads at >= 12 px. */
export const NARROW_W = 340;

// Box widths from a ResizeObserver, not a forced layout per render (architecture.md §3).
const widths = new WeakMap();
let widthObserver = null;

function widthOf(el) {
  if (widths.has(el)) return widths.get(el);
  const width = el.getBoundingClientRect().width;
  if (typeof ResizeObserver !== "undefined") {
    widthObserver = widthObserver || new ResizeObserver((entries) => {
      for (const entry of entries) widths.set(entry.target, entry.target.getBoundingClientRect().width);
    });
    widths.set(el, width);
    widthObserver.observe(el);
  }
  return width;
}

/** "narrow" when `svg` is drawn narrower than NARROW_BELOW_PX (and is not being
 * presented full screen, where the presenter draws the wide picture), else "wide".
 * Recorded as svg.dataset.layout, so CSS and tests can see it. */
export function layoutOf(svg) {
  const presenting = !!(svg.closest && svg.closest(".is-presenting"));
  const width = svg.parentElement ? widthOf(svg.parentElement) : 0;
  const layout = !presenting && width > 0 && width < NARROW_BELOW_PX ? "narrow" : "wide";
  if (svg.dataset.layout !== layout) svg.dataset.layout = layout;
  return layout;
}

/** Switch the viewBox between the skeleton's own (wide) and a narrow one. */
export function useViewBox(svg, layout, narrowHeight) {
  if (!svg.dataset.wideViewBox) svg.dataset.wideViewBox = svg.getAttribute("viewBox") || "";
  setAttrs(svg, { viewBox: layout === "narrow" ? `0 0 ${NARROW_W} ${narrowHeight}` : svg.dataset.wideViewBox });
}

/** Split `text` into lines of at most `maxChars` characters, at spaces. Pure. */
export function wrapWords(text, maxChars) {
  const lines = [];
  let line = "";
  for (const word of String(text).split(/\s+/).filter(Boolean)) {
    if (line && line.length + 1 + word.length > maxChars) { lines.push(line); line = word; }
    else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines;
}

/**
 * Write `text` into the <text> element `el` at (x, y): one line as it is, or, with
 * maxChars, wrapped into <tspan> lines `lineHeight` apart. Returns the line count.
 */
export function setLines(el, text, x, y, maxChars = null, lineHeight = 17) {
  const lines = maxChars ? wrapWords(text, maxChars) : [String(text ?? "")];
  setAttrs(el, { x, y });
  const wanted = lines.length > 1 ? lines : null;
  if (!wanted) {
    if (el.children.length) el.textContent = "";
    setText(el, lines[0] || "");
    return lines[0] ? 1 : 0;
  }
  if (el.children.length !== wanted.length || [...el.children].some((t, i) => t.textContent !== wanted[i])) {
    el.textContent = "";
    wanted.forEach((line, i) => {
      const span = document.createElementNS(SVG_NS, "tspan");
      span.setAttribute("x", String(x));
      span.setAttribute("dy", i ? String(lineHeight) : "0");
      span.textContent = line;
      el.appendChild(span);
    });
  } else {
    [...el.children].forEach((span) => span.setAttribute("x", String(x)));
  }
  return wanted.length;
}
