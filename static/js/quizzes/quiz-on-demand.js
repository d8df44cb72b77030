/**
 * quiz-on-demand.js — a lesson checkpoint imports quiz.js only when its card
 * comes within a quarter screen of the viewport, or the learner points at or
 * tabs into it first: most of a step's first view is its text and diagram,
 * so its page weight leaves the quiz code out until it is needed.
 *
 * The card is server-rendered and styled from the start (quizzes.css is a
 * plain <link>), and works as a plain form until quiz.js adds drag-and-drop
 * and focus handling, so a learner never meets a blank or jumping card.
 * [data-quiz-lazy="<quiz.js url>"] marks each card; data-quiz-loaded="true"
 * is set once quiz.js has run.
 */
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
