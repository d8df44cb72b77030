/** htmx-on-demand.js: fetch htmx when a learner first reaches for an hx- element;
 * replay a click or submit that beat it (docs/architecture.md §3, "Page weight"). */
const HX = "[hx-get], [hx-post]";
let loading = null;
let ready = false;

function whenLoaded() {
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
