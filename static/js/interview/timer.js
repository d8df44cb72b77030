// The per-question countdown. The server owns the deadline (Interview.question_deadline):
// this only shows the seconds it said were left, and when they reach zero it asks the
// server for the page again, which closes the question and opens the next one.
const el = document.querySelector("[data-iv-timer]");
if (el) {
  const value = el.querySelector("[data-iv-timer-value]");
  const endsAt = performance.now() + Number(el.dataset.remainingSeconds) * 1000;
  const show = (s) => {
    const m = Math.floor(s / 60);
    value.textContent = `${m}:${String(s % 60).padStart(2, "0")}`;
    el.classList.toggle("is-low", s <= 60);
    el.dataset.secondsLeft = String(s);
  };
  let done = false;
  const tick = () => {
    const left = Math.max(0, Math.ceil((endsAt - performance.now()) / 1000));
    show(left);
    if (left === 0 && !done) {
      done = true;
      el.classList.add("is-up");
      value.textContent = "Time is up";
      // A small grace so the server's clock has surely passed the deadline too.
      setTimeout(() => window.location.assign(`${el.dataset.expireUrl}?timeup=1`), 600);
      return;
    }
    if (!done) setTimeout(tick, 250);
  };
  tick();
}
