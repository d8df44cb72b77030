/**
 * student.js — a student's room page: follow the instructor, answer polls.
 *
 * The diagram is an ordinary live sandbox (static/js/live/) watching the room's
 * simulation as a viewer. This module follows the room socket: a new step
 * reloads the page (the step's diagram is drawn by the server), a poll shows
 * its answers as buttons, a reveal shows the right answer and the counts.
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
    if (msg.type === "room") {
      if (!away && String(msg.step) !== root.dataset.roomStep) { window.location.reload(); return; }
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
