/**
 * Keyboard navigation between lesson steps: ArrowRight or j goes forward,
 * ArrowLeft or k goes back. The links in the page are the real navigation;
 * this only follows them, so it works the same with or without JavaScript.
 *
 * It never hijacks typing or a focused control: keys pressed in inputs,
 * selects, text areas, editable content, radio-like groups, the checkpoint
 * question, or inside an element marked [data-keys-local] (a widget that uses
 * arrows itself) are left alone, as are presses with a modifier key.
 */

const FORWARD = new Set(["ArrowRight", "j"]);
const BACKWARD = new Set(["ArrowLeft", "k"]);

/** True when the key press belongs to whatever has focus, not to the page. */
export function isLocalKeyTarget(target) {
  if (!(target instanceof Element)) return false;
  if (target.isContentEditable) return true;
  // The checkpoint's widgets (e.g. a put-in-order list) may use arrow keys themselves.
  if (target.closest("input, textarea, select, [role=slider], [role=radiogroup], [role=listbox], [data-keys-local], .lesson-checkpoint")) {
    return true;
  }
  return false;
}

/** The URL a key should take the learner to, or null. Pure, for tests and reuse. */
export function urlForKey(key, article) {
  if (FORWARD.has(key)) return article.dataset.nextUrl || null;
  if (BACKWARD.has(key)) return article.dataset.previousUrl || null;
  return null;
}

function onKeydown(event) {
  if (event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) return;
  if (isLocalKeyTarget(event.target)) return;
  const article = document.querySelector("[data-lesson-step]");
  if (!article) return;
  const url = urlForKey(event.key, article);
  if (!url) return;
  event.preventDefault();
  window.location.assign(url);
}

document.addEventListener("keydown", onKeydown);
