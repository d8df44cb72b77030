/**
 * fullscreen.js — a "Full screen" button on every live diagram, for a
 * classroom projector or a small screen.
 *
 * The live_sandbox component renders [data-present] (hidden until this module
 * runs). Pressing it puts the whole sandbox (diagram and its controls) in
 * presenter layout: the class `is-presenting` (live.css lets the diagram take
 * the screen, and on a phone held upright draws it along the long side) plus
 * the browser's Fullscreen API where it exists. Full screen is asked of the
 * whole page, not the sandbox, because the browser's own :fullscreen styles
 * would override the presenter layout (size, and no rotation). Esc, the
 * button again, or leaving browser full screen ends it. Nothing here touches
 * the diagram's state or its socket.
 */

const PRESENTING = "is-presenting";

function buttonsOf(root) {
  return root.querySelectorAll("[data-present]");
}

function sync(root) {
  const on = root.classList.contains(PRESENTING);
  for (const b of buttonsOf(root)) {
    b.setAttribute("aria-pressed", String(on));
    b.textContent = on ? "Exit full screen" : "Full screen";
  }
  document.documentElement.classList.toggle("has-presenting", on);
}

function enter(root) {
  root.classList.add(PRESENTING);
  sync(root);
  const page = document.documentElement;
  if (page.requestFullscreen && !document.fullscreenElement) {
    // Refused (no user gesture, iframe policy): the presenter layout still works.
    page.requestFullscreen().catch(() => {});
  }
}

function leave(root) {
  root.classList.remove(PRESENTING);
  sync(root);
  if (document.fullscreenElement && document.exitFullscreen) document.exitFullscreen().catch(() => {});
}

export function togglePresenting(root) {
  if (root.classList.contains(PRESENTING)) leave(root);
  else enter(root);
}

document.addEventListener("click", (event) => {
  const button = event.target.closest && event.target.closest("[data-present]");
  if (!button) return;
  const root = button.closest("[data-live-sandbox]");
  if (root) togglePresenting(root);
});

document.addEventListener("keydown", (event) => {
  if (event.key !== "Escape") return;
  for (const root of document.querySelectorAll(`[data-live-sandbox].${PRESENTING}`)) leave(root);
});

document.addEventListener("fullscreenchange", () => {
  // The browser left full screen (Esc, F11): leave the presenter layout too.
  if (document.fullscreenElement) return;
  for (const root of document.querySelectorAll(`[data-live-sandbox].${PRESENTING}`)) leave(root);
});

for (const b of document.querySelectorAll("[data-present]")) b.hidden = false;
