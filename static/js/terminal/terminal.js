/**
 * terminal.js — the in-browser Kafka terminal (learnkafka/components/terminal).
 *
 * Each [data-terminal] inside a live sandbox sends a typed line over that
 * sandbox's socket as {"type": "cli", "id", "line"} and prints the matching
 * {"type": "cli_output"} reply, which the server sends to this socket only
 * (docs/protocol.md, "The terminal"). An interactive tool (console-producer)
 * switches the prompt to ">" and sends each line as {"type": "cli", "line": the
 * tool's command, "input": the line} until Ctrl-C or Ctrl-D, which send
 * {"close": true} and give the prompt back when the tool has closed (a producer
 * waits for its records to be acknowledged).
 *
 * Keys: Enter runs; Up/Down walk the history; Tab completes tools, flags, topics
 * and groups (completion.js, from the live model); Ctrl-C cancels the line or
 * leaves the producer (it copies instead when text is selected); Ctrl-L or
 * `clear` clears; the Copy button copies the whole output. Text only: every
 * piece of output is a text node, so a key or value that looks like HTML stays text.
 *
 * Events for the page: each answer bubbles up as `terminal:output` with detail
 * {id, line, output, interactive, applied} (a lesson may count the commands run);
 * `el.terminal.run(line)` types a line as if entered.
 */
import { complete, liveNames } from "./completion.js";
import { createHistory } from "./history.js";

const MAX_OUTPUT_CHARS = 200_000;
// Errors that answer a cli message instead of cli_output (docs/protocol.md).
const REFUSALS = new Set(["bad_cli", "rate_limited", "unavailable", "bad_json", "too_large", "bad_text"]);
const HISTORY_KEY = "learnkafka.terminal.history";

function loadHistory() {
  try { return JSON.parse(window.localStorage.getItem(HISTORY_KEY) || "[]").filter((x) => typeof x === "string"); } catch { return []; }
}

function saveHistory(items) {
  try { window.localStorage.setItem(HISTORY_KEY, JSON.stringify(items.slice(-200))); } catch { /* private mode */ }
}

function bootTerminal(el) {
  const sandbox = el.closest("[data-live-sandbox]");
  const output = el.querySelector("[data-terminal-output]");
  const input = el.querySelector("[data-terminal-input]");
  const prompt = el.querySelector("[data-terminal-prompt]");
  const dataNode = document.getElementById(el.dataset.completion);
  const data = dataNode ? JSON.parse(dataNode.textContent) : { tools: [], options: {}, bootstrap: "" };
  const history = createHistory(loadHistory());
  let nextId = 1;
  const pending = new Map(); // id -> line, for the requests whose answers we wait for
  let interactive = null;    // the command of a tool reading lines (console-producer)
  let typed = 0;             // lines typed into it so far (LineMessageReader's lineNumber)
  let closing = false;       // Ctrl-C/Ctrl-D sent: the tool is closing, its answer ends it

  function print(text, cls) {
    if (!text) return;
    const node = cls ? document.createElement("span") : document.createTextNode(text);
    if (cls) { node.className = cls; node.textContent = text; }
    output.appendChild(node);
    while (output.textContent.length > MAX_OUTPUT_CHARS && output.firstChild) output.removeChild(output.firstChild);
    output.scrollTop = output.scrollHeight;
  }

  function setInteractive(command) {
    interactive = command;
    typed = 0;
    closing = false;
    input.readOnly = false;
    prompt.textContent = command ? ">" : "$";
    el.dataset.mode = command ? "interactive" : "shell";
  }

  // Ctrl-C (ConsoleProducer's shutdown hook) or Ctrl-D (the end of its input) runs
  // producer.close(), which waits until every record sent is acknowledged: the
  // server answers {"close": true} only then, and the shell prompt comes back with it.
  function closeTool() {
    if (closing || !handle()) { pending.clear(); delete el.dataset.pending; setInteractive(null); return; }
    const command = interactive;
    closing = true;
    input.readOnly = true;
    prompt.textContent = "";
    el.dataset.mode = "closing";
    send(command, { close: true });
  }

  function handle() { return sandbox && sandbox.liveSandbox; }

  function send(line, extra = {}) {
    const live = handle();
    if (!live) { print("# not connected yet; try again in a moment\n", "terminal-note"); return; }
    const id = `t${nextId++}`;
    pending.set(id, extra.input !== undefined ? extra.input : line);
    el.dataset.pending = String(pending.size);
    live.send({ type: "cli", id, line, ...extra });
  }

  function run(line) {
    if (closing) return; // the tool is still closing: nothing reads this line
    if (interactive) {
      print(`${line}\n`, "terminal-echo");
      typed += 1;
      send(interactive, { input: line, input_number: typed });
      return;
    }
    print(`$ ${line}\n`, "terminal-echo");
    history.add(line);
    saveHistory(history.items);
    const trimmed = line.trim();
    if (!trimmed) return;
    if (trimmed === "clear") { output.textContent = ""; return; }
    if (trimmed === "history") { print(history.items.map((l, i) => `${String(i + 1).padStart(5)}  ${l}\n`).join("")); return; }
    send(line);
  }

  sandbox?.addEventListener("live:message", (e) => {
    const msg = e.detail;
    if (msg.type !== "cli_output" || !pending.has(msg.id)) return;
    const asked = pending.get(msg.id);
    pending.delete(msg.id);
    if (pending.size) el.dataset.pending = String(pending.size);
    else delete el.dataset.pending;
    let text = msg.output || "";
    if (msg.interactive && text.endsWith(">")) text = text.slice(0, -1); // our prompt shows it
    print(text);
    if (msg.interactive && !interactive) setInteractive(lastLine);
    else if (!msg.interactive && interactive) setInteractive(null); // the tool exited
    // For pages that count what the learner ran (a lesson's score): the line and its answer.
    el.dispatchEvent(new CustomEvent("terminal:output", { bubbles: true, detail: { ...msg, line: asked } }));
  });
  sandbox?.addEventListener("live:error", (e) => {
    // A refused line (bad_cli, rate_limited...) has no cli_output: stop waiting for it.
    if (pending.size && REFUSALS.has(e.detail.code)) {
      print(`# ${e.detail.message}\n`, "terminal-note");
      pending.clear();
      delete el.dataset.pending;
    }
  });

  let lastLine = "";
  input.addEventListener("keydown", (e) => {
    if (e.key === "Enter") {
      e.preventDefault();
      const line = input.value;
      if (!interactive) lastLine = line;
      input.value = "";
      run(line);
    } else if (e.key === "ArrowUp" && !interactive) {
      e.preventDefault();
      input.value = history.up(input.value);
      input.setSelectionRange(input.value.length, input.value.length);
    } else if (e.key === "ArrowDown" && !interactive) {
      e.preventDefault();
      input.value = history.down(input.value);
    } else if (e.key === "Tab" && !e.shiftKey && !interactive) {
      e.preventDefault();
      const live = handle();
      const result = complete(input.value, input.selectionStart ?? input.value.length, data, liveNames(live && live.state));
      input.value = result.line;
      input.setSelectionRange(result.cursor, result.cursor);
      if (result.candidates.length) print(`${result.candidates.join("  ")}\n`, "terminal-note");
    } else if (e.ctrlKey && (e.key === "c" || e.key === "C")) {
      if (window.getSelection && String(window.getSelection())) return; // let the browser copy
      e.preventDefault();
      print(`${interactive ? "" : "$ "}${input.value}^C\n`, "terminal-echo");
      input.value = "";
      if (interactive) { closeTool(); return; }
      pending.clear(); // like ending the process: its answer is not shown
      delete el.dataset.pending;
      setInteractive(null);
    } else if (e.ctrlKey && (e.key === "d" || e.key === "D") && interactive) {
      e.preventDefault();
      closeTool();
    } else if (e.ctrlKey && (e.key === "l" || e.key === "L")) {
      e.preventDefault();
      output.textContent = "";
    }
  });

  el.querySelector("[data-terminal-clear]")?.addEventListener("click", () => { output.textContent = ""; input.focus(); });
  el.querySelector("[data-terminal-copy]")?.addEventListener("click", async (e) => {
    const button = e.currentTarget;
    try {
      await navigator.clipboard.writeText(output.textContent);
      button.textContent = "Copied";
    } catch {
      const range = document.createRange();
      range.selectNodeContents(output);
      const selection = window.getSelection();
      selection.removeAllRanges();
      selection.addRange(range);
      button.textContent = "Selected: Ctrl-C";
    }
    setTimeout(() => { button.textContent = "Copy"; }, 1500);
  });
  output.addEventListener("click", () => { if (!String(window.getSelection())) input.focus(); });
  setInteractive(null);
  el.terminal = { run, get interactive() { return interactive; } };
}

function bootAll() {
  for (const el of document.querySelectorAll("[data-terminal]")) if (!el.terminal) bootTerminal(el);
}

if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", bootAll);
else bootAll();
