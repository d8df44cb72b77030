/**
 * terminal.js — the in-browser Kafka terminal (learnkafka/components/terminal).
 *
 * Each [data-terminal] inside a live sandbox sends a typed line over that
 * sandbox's socket as {"type": "cli", "id", "line"} and prints the matching
 * {"type": "cli_output"} reply, which the server sends to this socket only
 * (docs/protocol.md, "The terminal"). An interactive tool (console-producer)
 * switches the prompt to ">" and sends each line as {"type": "cli", "line": the
 * tool's command, "input": the line} until Ctrl-C or Ctrl-D.
 *
 * Keys: Enter runs; Up/Down walk the history; Tab completes tools, flags, topics
 * and groups (completion.js, from the live model); Ctrl-C cancels the line or
 * leaves the producer (it copies instead when text is selected); Ctrl-L or
 * `clear` clears; the Copy button copies the whole output. Text only: every
 * piece of output is a text node, so a key or value that looks like HTML stays text.
 */
import { complete, liveNames } from "./completion.js";
import { createHistory } from "./history.js";

const MAX_OUTPUT_CHARS = 200_000;
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
  let pending = null;        // id of the request we wait for
  let interactive = null;    // the command of a tool reading lines (console-producer)

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
    prompt.textContent = command ? ">" : "$";
    el.dataset.mode = command ? "interactive" : "shell";
  }

  function handle() { return sandbox && sandbox.liveSandbox; }

  function send(line, extra = {}) {
    const live = handle();
    if (!live) { print("# not connected yet; try again in a moment\n", "terminal-note"); return; }
    pending = `t${nextId++}`;
    el.dataset.pending = pending;
    live.send({ type: "cli", id: pending, line, ...extra });
  }

  function run(line) {
    if (interactive) {
      print(`${line}\n`, "terminal-echo");
      send(interactive, { input: line });
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
    if (msg.type !== "cli_output" || msg.id !== pending) return;
    pending = null;
    delete el.dataset.pending;
    let text = msg.output || "";
    if (msg.interactive && text.endsWith(">")) text = text.slice(0, -1); // our prompt shows it
    print(text);
    if (msg.interactive && !interactive) setInteractive(lastLine);
    el.dispatchEvent(new CustomEvent("terminal:output", { bubbles: true, detail: msg }));
  });
  sandbox?.addEventListener("live:error", (e) => {
    if (pending && e.detail.code && e.detail.code.startsWith("bad_cli")) {
      print(`# ${e.detail.message}\n`, "terminal-note");
      pending = null;
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
      pending = null;
      setInteractive(null);
    } else if (e.ctrlKey && (e.key === "d" || e.key === "D") && interactive) {
      e.preventDefault();
      setInteractive(null);
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
