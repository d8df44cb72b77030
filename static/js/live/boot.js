/**
 * boot.js — the page's entry point: brings every live sandbox and every
 * still diagram on the page to life.
 *
 *   [data-live-sandbox="<ws path>"]   a live sandbox (sandbox.js)
 *   [data-static-state="<json id>"]   a still picture from a snapshot (static-mode.js)
 *
 * and makes diagram parts selectable (selection.js). The model, its reducers
 * and reads are in store.js / model.js / reduce-*.js / view.js; see
 * docs/architecture.md §3.
 */
import { bootLive } from "./sandbox.js";
import { installSelection } from "./selection.js";

export { bootLive };

function bootAll() {
  installSelection();
  for (const el of document.querySelectorAll("[data-live-sandbox]")) bootLive(el);
  const stills = document.querySelectorAll("[data-static-state]");
  // Fetched only where a page has a still picture (page weight).
  if (stills.length) import("./static-mode.js").then(({ bootStatic }) => stills.forEach(bootStatic));
}

if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", bootAll);
else bootAll();
