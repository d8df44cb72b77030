/**
 * htmx-on-demand.js — a lesson step fetches htmx (16 KB gzipped, a quarter of
 * the page's 60 KB budget) only when the learner reaches for something htmx
 * drives: a "Try this" button or a config choice (they record progress), a
 * checkpoint's form, a "Try again" link.
 *
 * "Reaches for" is the first pointer over, touch on or focus in an element
 * with hx-get/hx-post (or inside one, e.g. a form's radio button), so htmx is
 * usually there before the click. When it is not (a click that beat the
 * download), the click or submit is not lost: a link does not navigate, and
 * once htmx is ready the same request is made (htmx.ajax for a button or
 * link, requestSubmit for a form), so the learner sees the same swap, only a
 * few milliseconds later. Replaying with htmx.ajax, not a second click, keeps
 * a "Try this" button from sending its simulator command twice (live/
 * commands.js handles that click itself).
 *
 * The page names htmx's URL in <meta name="htmx-src">. Without JavaScript
 * every form and link still works as a plain request.
 */
const HX = "[hx-get], [hx-post]";
let loading = null;
let ready = false;

function whenLoaded() {
  // htmx initialises itself only when the document is complete (or at
  // DOMContentLoaded): insert it after `load`, so it never waits for an event
  // that has already fired.
  if (document.readyState === "complete") return Promise.resolve();
  return new Promise((resolve) => window.addEventListener("load", resolve, { once: true }));
}

/** Load htmx once; resolves with window.htmx, every hx- element processed. */
export function loadHtmx() {
  if (!loading) {
    loading = whenLoaded().then(() => new Promise((resolve, reject) => {
      if (window.htmx) return resolve(window.htmx);
      const script = document.createElement("script");
      script.src = document.querySelector('meta[name="htmx-src"]').content;
      script.onload = () => resolve(window.htmx);
      script.onerror = () => {
        loading = null;
        reject(new Error("htmx did not load"));
      };
      document.head.append(script);
    })).then((htmx) => {
      htmx.process(document.body); // idempotent: htmx skips what it has processed
      ready = true;
      return htmx;
    });
  }
  return loading;
}

const hxElement = (target) => (target && target.closest ? target.closest(HX) : null);

function prefetch(e) {
  if (!ready && hxElement(e.target)) loadHtmx().catch(() => {});
}
for (const type of ["pointerover", "touchstart", "focusin"]) {
  document.addEventListener(type, prefetch, { capture: true, passive: true });
}

document.addEventListener("click", (e) => {
  if (ready) return;
  const el = hxElement(e.target);
  if (!el || el.tagName === "FORM") return; // a form's own submit is handled below
  if (el.tagName === "A") e.preventDefault();
  const verb = el.hasAttribute("hx-post") ? "POST" : "GET";
  const url = el.getAttribute(verb === "POST" ? "hx-post" : "hx-get");
  loadHtmx().then((htmx) => htmx.ajax(verb, url, {
    source: el, target: el.getAttribute("hx-target") || el, swap: el.getAttribute("hx-swap") || undefined,
  })).catch(() => { if (el.tagName === "A") window.location.assign(el.href); });
}, true);

document.addEventListener("submit", (e) => {
  if (ready) return;
  const form = e.target;
  if (!form.matches || !form.matches("form[hx-post], form[hx-get]")) return;
  e.preventDefault();
  const submitter = e.submitter;
  loadHtmx().then(() => form.requestSubmit(submitter && submitter.form === form ? submitter : undefined))
    .catch(() => form.submit());
}, true);
