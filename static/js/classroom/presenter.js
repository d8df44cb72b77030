/**
 * presenter.js — the instructor's presenter view: keyboard, step changes, polls.
 *
 * Keys: Space play/pause, N next happening, ←/→ previous/next step, F full
 * screen (not while typing in a field). Step changes and polls are POSTs with
 * the CSRF token (views.py); the server moves the room and every screen
 * follows through the room socket. The live histogram comes in `presenter`
 * messages, which only the instructor's socket receives.
 */
import { connectRoom, postForm, setText } from "./room-socket.js";

const root = document.querySelector("[data-room-socket]");
const sandbox = () => root.querySelector("[data-live-sandbox]")?.liveSandbox;
let latestPoll = null;
let latestTally = null;

async function gotoStep(index) {
  const steps = Number(root.dataset.steps);
  if (index < 0 || index >= steps) return;
  const data = new FormData();
  data.set("step", String(index));
  const answer = await postForm(root.dataset.gotoUrl, data);
  if (!answer.ok) setText(root, "[data-live-error]", answer.message || "Could not change step.");
}

function drawHistogram() {
  const svg = root.querySelector("[data-histogram]");
  if (!svg || !latestPoll) return;
  const counts = latestTally && latestTally.poll === latestPoll.id ? latestTally.counts : {};
  const max = Math.max(1, ...Object.values(counts));
  const ns = "http://www.w3.org/2000/svg";
  svg.replaceChildren();
  const rowH = 52;  // a label line, then its bar
  svg.setAttribute("viewBox", `0 0 400 ${rowH * latestPoll.choices.length}`);
  latestPoll.choices.forEach((c, i) => {
    const n = counts[c.id] || 0;
    const g = document.createElementNS(ns, "g");
    g.dataset.tallyChoice = c.id;
    g.dataset.count = String(n);
    const label = document.createElementNS(ns, "text");
    label.setAttribute("x", "0"); label.setAttribute("y", String(i * rowH + 17));
    label.textContent = c.text.length > 38 ? c.text.slice(0, 37) + "…" : c.text;
    const width = Math.round((n / max) * 340);
    const bar = document.createElementNS(ns, "rect");
    bar.setAttribute("x", "0"); bar.setAttribute("y", String(i * rowH + 24));
    bar.setAttribute("height", "20");
    bar.setAttribute("width", String(Math.max(2, width)));
    const right = latestPoll.state === "revealed" && c.id === (latestTally?.correct || latestPoll.correct);
    bar.setAttribute("class", right ? "bar bar-right" : "bar");
    const num = document.createElementNS(ns, "text");
    num.setAttribute("x", String(width + 8));
    num.setAttribute("y", String(i * rowH + 40));
    num.textContent = String(n);
    g.append(label, bar, num);
    svg.append(g);
  });
}

function renderPoll(poll) {
  latestPoll = poll;
  const panel = root.querySelector("[data-poll-panel]");
  panel.hidden = !poll;
  if (!poll) return;
  panel.dataset.pollId = String(poll.id);
  panel.dataset.pollState = poll.state;
  setText(panel, "[data-poll-prompt]", `Q${poll.number}. ${poll.prompt}`);
  root.querySelector("[data-poll-id-field]").value = String(poll.id);
  setText(panel, "[data-poll-state]", poll.state === "open" ? "Answers hidden from students until you reveal." : "Revealed.");
  const reveal = root.querySelector("[data-reveal-form]");
  reveal.hidden = poll.state !== "open";
  const picker = root.querySelector("[data-correct-picker]");
  picker.hidden = poll.kind !== "predict";
  const select = root.querySelector("[data-correct-select]");
  if (poll.kind === "predict" && select.dataset.poll !== String(poll.id)) {
    select.dataset.poll = String(poll.id);
    select.replaceChildren(new Option("(none: just show the answers)", ""),
      ...poll.choices.map((c) => new Option(c.text, c.id)));
  }
  drawHistogram();
}

function renderPresenter(msg) {
  latestTally = msg.tally;
  setText(root, "[data-presence-count]", String(msg.connected));
  setText(root, "[data-answered]", String(msg.tally ? msg.tally.answered : 0));
  drawHistogram();
}

root.addEventListener("submit", async (e) => {
  const form = e.target.closest("form[data-action]");
  if (!form) return;
  e.preventDefault();
  const answer = await postForm(form.action, form);
  if (!answer.ok) { setText(root, "[data-live-error]", answer.message || "That did not work."); return; }
  setText(root, "[data-live-error]", "");
  if (form.dataset.action === "reveal" && answer.then) {
    const run = root.querySelector("[data-run-then]");
    run.dataset.commandSequence = JSON.stringify(answer.then);
    run.hidden = false;
  }
  if (form.dataset.action === "poll") {
    form.reset?.();
    root.querySelector("[data-run-then]").hidden = true;
  }
  if (form.dataset.action === "leaderboard") {
    const on = answer.leaderboard;
    form.querySelector("[data-leaderboard-value]").value = on ? "0" : "1";
    form.querySelector("[data-leaderboard-button]").textContent = on ? "Hide the leaderboard" : "Show the leaderboard";
  }
});

root.addEventListener("click", (e) => {
  const nav = e.target.closest("[data-goto]");
  if (nav) {
    const step = Number(root.dataset.roomStep);
    gotoStep(nav.dataset.goto === "next" ? step + 1 : step - 1);
    return;
  }
  const ask = e.target.closest("[data-ask-first]");
  if (ask) {
    const form = root.querySelector("[data-predict-form]");
    form.querySelector("[name=prompt]").value = `What happens when I: ${ask.dataset.askFirst}?`;
    form.querySelector("[data-then-field]").value = ask.dataset.askCommands;
    form.querySelector("[name=choice]").focus();
  }
});

document.addEventListener("keydown", (e) => {
  if (e.target.closest("input, textarea, select, [contenteditable]") || e.ctrlKey || e.metaKey || e.altKey) return;
  const live = sandbox();
  if (e.key === " ") {
    e.preventDefault();  // and on keyup (below): a focused button must not also be pressed
    if (e.target.closest("button")) e.target.blur();
    if (live) live.send({ type: live.state.playing ? "pause" : "play" });
  } else if (e.key === "n" || e.key === "N") {
    if (live) live.send({ type: "step" });
  } else if (e.key === "ArrowRight") {
    gotoStep(Number(root.dataset.roomStep) + 1);
  } else if (e.key === "ArrowLeft") {
    gotoStep(Number(root.dataset.roomStep) - 1);
  } else if (e.key === "f" || e.key === "F") {
    if (document.fullscreenElement) document.exitFullscreen().catch(() => {});
    else document.documentElement.requestFullscreen?.().catch(() => {});
  }
});

document.addEventListener("keyup", (e) => {
  if (e.key === " " && !e.target.closest("input, textarea, select, [contenteditable]")) e.preventDefault();
});

connectRoom(root.dataset.roomSocket, {
  onMessage(msg) {
    if (msg.type === "room") {
      if (String(msg.step) !== root.dataset.roomStep) { window.location.reload(); return; }
      root.dataset.roomVersion = String(msg.version);
      setText(root, "[data-room-state]", msg.state);
      renderPoll(msg.poll);
    } else if (msg.type === "presenter") {
      renderPresenter(msg);
    }
  },
  onStatus(status) { root.dataset.roomLive = status; },
});
