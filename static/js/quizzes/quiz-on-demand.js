/** quiz-on-demand.js: import a checkpoint's quiz.js ([data-quiz-lazy]) when its card
 * nears the viewport or is pointed at (docs/architecture.md §3, "Page weight"). */
const cards = [...document.querySelectorAll("[data-quiz-lazy]")];
let loading = null;

function load() {
  if (!loading && cards.length) {
    loading = import(cards[0].dataset.quizLazy).then(() => {
      for (const card of cards) card.dataset.quizLoaded = "true";
    }, () => { loading = null; });
  }
  return loading;
}

if (cards.length) {
  if ("IntersectionObserver" in window) {
    const observer = new IntersectionObserver((entries) => {
      if (entries.some((entry) => entry.isIntersecting)) {
        observer.disconnect();
        load();
      }
    }, { rootMargin: "25% 0px 25% 0px" });
    for (const card of cards) observer.observe(card);
  } else {
    load();
  }
  for (const card of cards) {
    for (const type of ["pointerover", "focusin", "touchstart"]) {
      card.addEventListener(type, load, { once: true, passive: true });
    }
  }
}
