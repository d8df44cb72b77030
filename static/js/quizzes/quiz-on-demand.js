/** quiz-on-demand.js: a checkpoint card ([data-quiz-lazy]) fetches its CSS (data-quiz-css)
 * a third of a screen before it shows and quiz.js as it shows or is pointed at (page weight). */
const cards = [...document.querySelectorAll("[data-quiz-lazy]")];
let loading = null;

function loadStyles() {
  const href = cards[0].dataset.quizCss;
  if (!href || document.querySelector(`link[href="${href}"]`)) return;
  document.head.appendChild(Object.assign(document.createElement("link"), { rel: "stylesheet", href }));
}

function load() {
  loadStyles();
  loading = loading || import(cards[0].dataset.quizLazy).then(() => {
    for (const card of cards) card.dataset.quizLoaded = "true";
  }, () => { loading = null; });
  return loading;
}

function whenNear(margin, then) {
  const observer = new IntersectionObserver((entries) => {
    if (entries.some((e) => e.isIntersecting)) { observer.disconnect(); then(); }
  }, { rootMargin: `${margin} 0px` });
  for (const card of cards) observer.observe(card);
}

if (cards.length) {
  if ("IntersectionObserver" in window) {
    whenNear("30%", loadStyles);
    whenNear("10%", load);
  } else {
    load();
  }
  for (const card of cards) {
    for (const type of ["pointerover", "focusin", "touchstart"]) card.addEventListener(type, load, { once: true, passive: true });
  }
}
