/**
 * student.js — a student's room page: follow the instructor, answer polls.
 *
 * The diagram is an ordinary live sandbox (static/js/live/) watching the room's
 * simulation as a viewer. This module follows the room socket: a new step
 * arrives as a `step` message holding the step's fragment (heading, diagram
 * skeleton, text; the server renders it once per step, fragments.py), swapped
 * in place: no page load, the same sandbox socket, focus kept (or moved to
 * the new heading when it was inside what left) and the change announced to
 * screen readers. A page that missed the push (it was reconnecting) sees the
 * room's step differ and fetches the same fragment once. A poll shows its
 * answers as buttons, a reveal shows the right answer and the counts.
 * Names and prompts are put in with textContent only: never markup.
 * On the break-away page (data-role="away") it shows the same poll, so an
 * answer can be given without going back.
 */
import { connectRoom, postForm, setText } from "./room-socket.js";

const root = document.querySelector("[data-room-socket]");
const card = root.querySelector("[data-poll-card]");
const choicesBox = root.querySelector("[data-choices]");
const away = root.dataset.role === "away";
let mine = {};        // poll id -> my choice
let current = null;   // the room's latest poll
let stepVersion = 0;  // the room version of the last step swapped in
let fetchingStep = false;

/** Swap the step's parts ([data-step-part]) for those of `html` (a _step.html fragment). */
async function showStep(html) {
  const fragment = new DOMParser().parseFromString(html, "text/html").querySelector("[data-step-fragment]");
  if (!fragment) return;
  const hadFocus = [...root.querySelectorAll("[data-step-part]")].some((p) => p.contains(document.activeElement));
  for (const part of fragment.querySelectorAll("[data-step-part]")) {
    const here = root.querySelector(`[data-step-part="${part.dataset.stepPart}"]`);
    if (here) here.replaceWith(document.importNode(part, true));
  }
  root.dataset.roomStep = fragment.dataset.step;
  const heading = root.querySelector('[data-step-part="title"]');
  if (hadFocus) heading.focus({ preventScroll: true });
  // A reader scrolled past the heading starts the new step at its top; others stay put.
  if (heading.getBoundingClientRect().top < 0) heading.scrollIntoView({ block: "start" });
  setText(root, "[data-step-announcer]", `The class moved to step ${fragment.dataset.stepNumber}: ${fragment.dataset.stepTitle}.`);
  const live = root.querySelector("[data-live-sandbox]");
  live.setAttribute("aria-label", fragment.dataset.stepTitle);
  while (!live.liveSandbox) await new Promise((r) => requestAnimationFrame(r));  // still booting
  await live.liveSandbox.rescanDiagrams();
  root.dataset.stepShown = fragment.dataset.step;  // tests wait on this: drawn, not just swapped
}

async function fetchStep() {
  if (fetchingStep) return;
  fetchingStep = true;
  try {
    const response = await fetch(root.dataset.stepUrl, { credentials: "same-origin" });
    if (response.ok) await showStep(await response.text());
  } finally {
    fetchingStep = false;
  }
}

function renderPoll(poll) {
  current = poll;
  if (!poll) { card.hidden = true; return; }
  card.hidden = false;
  card.dataset.pollId = String(poll.id);
  card.dataset.pollState = poll.state;
  setText(card, "[data-poll-number]", String(poll.number));
  setText(card, "[data-poll-prompt]", poll.prompt);
  root.querySelector("[data-poll-id-field]").value = String(poll.id);
  choicesBox.replaceChildren();
  const chosen = mine[String(poll.id)];
  for (const c of poll.choices) {
    const b = document.createElement("button");
    b.type = "button";
    b.className = "choice";
    b.dataset.choice = c.id;
    b.textContent = c.text;
    b.setAttribute("aria-pressed", String(chosen === c.id));
    if (poll.state !== "open") b.disabled = true;
    if (poll.state === "revealed") {
      const n = poll.counts ? poll.counts[c.id] || 0 : 0;
      const count = document.createElement("span");
      count.className = "choice-count";
      count.dataset.count = String(n);
      count.textContent = ` · ${n}`;
      b.append(count);
      if (c.id === poll.correct) b.classList.add("is-right");
    }
    choicesBox.append(b);
  }
  let note = "";
  if (poll.state === "open") note = chosen ? "Answer sent. You can change it until the reveal." : "Pick one.";
  else if (poll.correct) note = chosen === poll.correct ? "Right!" : (chosen ? "Not this time." : "You did not answer.");
  else note = "Revealed: no single right answer.";
  if (poll.state === "revealed" && poll.explanation) note += " " + poll.explanation;
  setText(card, "[data-poll-note]", note);
}

function renderLeaderboard(rows) {
  const box = root.querySelector("[data-leaderboard]");
  box.hidden = !rows || rows.length === 0;
  const list = box.querySelector("[data-leaderboard-list]");
  list.replaceChildren();
  for (const r of rows || []) {
    const li = document.createElement("li");
    li.textContent = `${r.name}: ${r.score}`;
    list.append(li);
  }
}

choicesBox.addEventListener("click", async (e) => {
  const b = e.target.closest("button[data-choice]");
  if (!b || !current || current.state !== "open") return;
  const data = new FormData(root.querySelector("[data-answer-form]"));
  data.set("choice", b.dataset.choice);
  const answer = await postForm(root.dataset.answerUrl, data);
  if (!answer.ok) { setText(card, "[data-poll-note]", answer.message || "Not sent."); return; }
  mine = answer.answers || mine;
  renderPoll(current);
});

connectRoom(root.dataset.roomSocket, {
  onMessage(msg) {
    if (msg.type === "step") {
      // A student who broke away stays on their own copy; they meet the new step on return.
      if (away || msg.version < stepVersion) return;
      stepVersion = msg.version;
      if (String(msg.step) !== root.dataset.roomStep) showStep(msg.html);
    } else if (msg.type === "room") {
      if (!away && String(msg.step) !== root.dataset.roomStep) fetchStep();
      root.dataset.roomVersion = String(msg.version);
      setText(root, "[data-room-state]", msg.state);
      root.querySelector("[data-ended-note]")?.toggleAttribute("hidden", msg.state !== "ended");
      renderPoll(msg.poll);
      renderLeaderboard(msg.leaderboard);
    } else if (msg.type === "me") {
      mine = msg.answers;
      setText(root, "[data-me-name]", msg.name);
      setText(root, "[data-me-score]", String(msg.score));
      if (current) renderPoll(current);
    } else if (msg.type === "score") {
      setText(root, "[data-me-score]", String(msg.score));
    }
  },
  onStatus(status) { root.dataset.roomLive = status; },
});
