/**
 * commands.js — the controls' mini-language: what a clicked control inside a
 * live sandbox asks the server for. One handler for every control, so a
 * button is never acted on twice.
 *
 *   [data-command='{"type":"produce",...}']   one {"type":"command"} message;
 *       data-command-inputs="key=#id,value=#id2" fills fields from inputs
 *       (an empty input leaves its field out);
 *       data-new-consumer-in="<group>" fills `consumer` with a fresh name,
 *       data-last-consumer-in="<group>" with that group's last member
 *       (consumer-names.js);
 *       data-race-thread="0" fills `thread` with the current payment race's
 *       first (0) or second (1) thread (lesson 3's race picker).
 *   [data-command-sequence='[{...}, {...}]']  one command message per entry, in order
 *   [data-control="play|pause|step|reset|resync"]  {"type": <that>}
 *   [data-control="rewind"][data-rewind-ms="5000"] rewinds by that many ms
 *   select[data-control="speed"], input[data-control="timeline"]: on change
 *       (changeMessages)
 */
import { consumerNames, lastConsumerName, newConsumerName } from "./consumer-names.js";
import { simulatedNow } from "./store.js";

// Names handed out whose consumer_added has not come back yet. Clicks faster than the
// round trip (a loaded server) must not ask for the same name twice: the second
// add_consumer would be refused as a duplicate and the consumer would never appear.
const HANDED_OUT_MS = 30_000;
const handedOut = new Map(); // name -> wall ms it was handed out

function freshConsumerName(state, group, wallMs) {
  const present = new Set(consumerNames(state));
  for (const [name, at] of handedOut) if (present.has(name) || wallMs - at > HANDED_OUT_MS) handedOut.delete(name);
  const name = newConsumerName(state, group, [...handedOut.keys()]);
  handedOut.set(name, wallMs);
  return name;
}

export const CONTROL_SELECTOR = "[data-command], [data-command-sequence], [data-control]";

/** The messages a click on `el` sends: {messages: [...]} or {error: "words for the learner"}. */
export function clickMessages(el, root, state, wallMs) {
  if (el.tagName === "SELECT" || el.tagName === "INPUT") return { messages: [] };
  if (el.dataset.commandSequence) {
    let commands;
    try { commands = JSON.parse(el.dataset.commandSequence); } catch { return { error: "This button is broken." }; }
    return { messages: commands.map((command) => ({ type: "command", command })) };
  }
  if (el.dataset.command) {
    const command = JSON.parse(el.dataset.command);
    for (const pair of (el.dataset.commandInputs || "").split(",").filter(Boolean)) {
      const [field, selector] = pair.split("=");
      const input = root.querySelector(selector);
      if (input && input.value !== "") command[field] = input.type === "number" ? Number(input.value) : input.value;
    }
    if (el.dataset.newConsumerIn) command.consumer = freshConsumerName(state, el.dataset.newConsumerIn, wallMs ?? 0);
    if (el.dataset.lastConsumerIn) {
      const last = lastConsumerName(state, el.dataset.lastConsumerIn);
      if (!last) return { error: "That group has no consumer to remove." };
      command.consumer = last;
    }
    if (el.dataset.raceThread !== undefined) {
      const name = ((state.payments && state.payments.race) || [])[Number(el.dataset.raceThread)];
      if (!name) return { error: "Start a race first (or pick a preset)." };
      command.thread = name;
    }
    return { messages: [{ type: "command", command }] };
  }
  if (el.dataset.control === "rewind") {
    const back = Number(el.dataset.rewindMs || 5000);
    return { messages: [{ type: "rewind", to_ms: Math.max(0, Math.floor(simulatedNow(state, wallMs) - back)) }] };
  }
  return { messages: [{ type: el.dataset.control }] };
}

/** The messages a changed select or slider sends. */
export function changeMessages(el) {
  if (el.matches("select[data-control=speed]")) return [{ type: "speed", speed: Number(el.value) }];
  if (el.matches("input[data-control=timeline]")) return [{ type: "rewind", to_ms: Math.floor(Number(el.value)) }];
  return [];
}

/**
 * Give every command button an accessible name of its own when its text is
 * shared ("Crash" next to each broker becomes "Crash broker 2"), unless the
 * page already named it.
 */
export function nameControls(root) {
  for (const el of root.querySelectorAll("[data-command]")) {
    if (el.hasAttribute("aria-label")) continue;
    let command;
    try { command = JSON.parse(el.dataset.command); } catch { continue; }
    const text = el.textContent.trim();
    const group = el.dataset.newConsumerIn ?? el.dataset.lastConsumerIn;
    if (command.broker !== undefined && !/\bbroker\b/i.test(text)) el.setAttribute("aria-label", `${text} broker ${command.broker}`);
    else if (group !== undefined && !text.includes(group)) {
      const label = /^\d+$/.test(group) ? `group ${group}` : group;
      el.setAttribute("aria-label", `${text} ${el.dataset.newConsumerIn !== undefined ? "to" : "from"} ${label}`);
    }
  }
}
