// Small behaviours of a mock interview's phase page: pointing at words of one's own
// answer for a rubric point, moving steps of an ordering, keeping drafts of typed
// answers across a reload. Every form still posts without this script.

// --- Rubric: point at the words that meet each point --------------------------------
const answerText = document.querySelector("[data-iv-answer-text]");
if (answerText) {
  const full = answerText.textContent;
  const selectionInAnswer = () => {
    const sel = window.getSelection();
    if (!sel || sel.rangeCount === 0 || sel.isCollapsed) return null;
    const range = sel.getRangeAt(0);
    if (!answerText.contains(range.startContainer) || !answerText.contains(range.endContainer)) {
      return null;
    }
    // Offset of the selection's start within the answer's text.
    const before = document.createRange();
    before.setStart(answerText, 0);
    before.setEnd(range.startContainer, range.startOffset);
    const start = before.toString().length;
    const quote = range.toString();
    return quote.trim() ? { start, quote } : null;
  };
  // The selection is lost when the button takes focus on some browsers: remember it.
  let lastSelection = null;
  document.addEventListener("selectionchange", () => {
    const s = selectionInAnswer();
    if (s) lastSelection = s;
  });
  document.querySelectorAll("[data-iv-use-selection]").forEach((button) => {
    const id = button.dataset.ivUseSelection;
    const quote = document.querySelector(`[data-iv-quote="${id}"]`);
    const start = document.querySelector(`[data-iv-start="${id}"]`);
    button.addEventListener("mousedown", () => { lastSelection = selectionInAnswer() || lastSelection; });
    button.addEventListener("click", () => {
      const s = selectionInAnswer() || lastSelection;
      if (!s) {
        quote.focus();
        quote.placeholder = "select words in your answer first, or type them here";
        return;
      }
      quote.value = s.quote;
      start.value = full.slice(s.start, s.start + s.quote.length) === s.quote ? String(s.start) : "";
      button.closest("[data-iv-point]").classList.add("is-marked");
    });
    quote.addEventListener("input", () => { start.value = ""; });
  });
  document.querySelectorAll("[data-iv-clear]").forEach((button) => {
    button.addEventListener("click", () => {
      const id = button.dataset.ivClear;
      document.querySelector(`[data-iv-quote="${id}"]`).value = "";
      document.querySelector(`[data-iv-start="${id}"]`).value = "";
      button.closest("[data-iv-point]").classList.remove("is-marked");
    });
  });
}

// --- Ordering: move a step up or down ------------------------------------------------
document.querySelectorAll("[data-iv-order]").forEach((list) => {
  const status = list.parentElement.querySelector("[data-iv-order-status]");
  list.addEventListener("click", (event) => {
    const button = event.target.closest("[data-iv-move]");
    if (!button) return;
    const item = button.closest("li");
    const up = button.dataset.ivMove === "up";
    const other = up ? item.previousElementSibling : item.nextElementSibling;
    if (!other) return;
    if (up) list.insertBefore(item, other); else list.insertBefore(other, item);
    button.focus();
    const position = [...list.children].indexOf(item) + 1;
    if (status) status.textContent = `Moved to position ${position} of ${list.children.length}.`;
  });
});

// --- Drafts: typed answers survive a reload until they are submitted ----------------
document.querySelectorAll("textarea[data-iv-draft]").forEach((area) => {
  const key = `iv-draft:${area.dataset.ivDraft}`;
  try {
    if (!area.value && localStorage.getItem(key)) area.value = localStorage.getItem(key);
    area.addEventListener("input", () => localStorage.setItem(key, area.value));
    area.form.addEventListener("submit", () => localStorage.removeItem(key));
  } catch { /* storage off: drafts are a convenience */ }
});

// --- Feedback: take the reader there after an answer ---------------------------------
const feedback = document.querySelector("[data-iv-feedback]");
if (feedback && window.location.hash === "#phase") feedback.focus();

// --- Print button on the result page -------------------------------------------------
document.querySelectorAll("[data-iv-print]").forEach((b) => b.addEventListener("click", () => window.print()));
