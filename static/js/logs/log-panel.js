/**
 * log-panel.js — the consumer applications' and brokers' log beside the diagram
 * (learnkafka/components/log_panel). Each `events` frame carries `logs`
 * (docs/protocol.md, "Log lines"): {seq, at_ms, source, client, level, logger,
 * text, about}. Lines are appended as text (textContent), at most MAX_LINES kept,
 * filtered by log, level and client. Choosing a line (click, or Up/Down then
 * Enter in the list) lights the diagram part `about` names (a consumer or a
 * broker: [data-log-lit]) and announces it as a bubbling `diagram:select`.
 */
const MAX_LINES = 500;
const LEVELS = { INFO: 0, WARN: 1, ERROR: 2 };

function selectorFor(about) {
  if (about && about.consumer) return `[data-consumer="consumer:${CSS.escape(about.consumer)}"]`;
  if (about && about.broker !== undefined && about.broker !== null) return `[data-broker="${CSS.escape(String(about.broker))}"]`;
  return null;
}

function bootPanel(el) {
  const sandbox = el.closest("[data-live-sandbox]");
  const list = el.querySelector("[data-log-lines]");
  const filters = Object.fromEntries([...el.querySelectorAll("[data-log-filter]")].map((s) => [s.dataset.logFilter, s]));
  const clients = new Set();

  function visible(li) {
    const source = filters.source.value;
    const level = filters.level.value;
    const client = filters.client.value;
    return (!source || li.dataset.source === source)
      && (!level || LEVELS[li.dataset.level] >= LEVELS[level])
      && (!client || li.dataset.client === client);
  }

  function applyFilters() { for (const li of list.children) li.hidden = !visible(li); }

  function addClient(name) {
    if (!name || clients.has(name)) return;
    clients.add(name);
    const option = document.createElement("option");
    option.value = name;
    option.textContent = name;
    filters.client.appendChild(option);
  }

  function append(line) {
    const li = document.createElement("li");
    li.textContent = line.text;
    li.dataset.source = line.source;
    li.dataset.level = line.level;
    li.dataset.client = line.client;
    li.dataset.about = JSON.stringify(line.about || {});
    li.setAttribute("role", "option");
    li.setAttribute("aria-selected", "false");
    li.hidden = !visible(li);
    addClient(line.client);
    const atBottom = list.scrollTop + list.clientHeight >= list.scrollHeight - 4;
    list.appendChild(li);
    while (list.children.length > MAX_LINES) list.removeChild(list.firstChild);
    if (atBottom) list.scrollTop = list.scrollHeight;
  }

  function light(li) {
    for (const other of list.querySelectorAll('[aria-selected="true"]')) other.setAttribute("aria-selected", "false");
    for (const lit of sandbox.querySelectorAll("[data-log-lit]")) lit.removeAttribute("data-log-lit");
    li.setAttribute("aria-selected", "true");
    const about = JSON.parse(li.dataset.about || "{}");
    const selector = selectorFor(about);
    const part = selector && sandbox.querySelector(`svg[data-diagram] ${selector}`);
    el.dataset.lit = part ? selector : "";
    if (!part) return;
    part.setAttribute("data-log-lit", "");
    const detail = {};
    for (const k of ["broker", "consumer"]) if (part.dataset[k] !== undefined) detail[k] = part.dataset[k];
    part.dispatchEvent(new CustomEvent("diagram:select", { bubbles: true, detail }));
  }

  list.addEventListener("click", (e) => {
    const li = e.target.closest("li");
    if (li && list.contains(li)) light(li);
  });
  list.addEventListener("keydown", (e) => {
    const shown = [...list.children].filter((li) => !li.hidden);
    if (!shown.length) return;
    const current = shown.findIndex((li) => li.getAttribute("aria-selected") === "true");
    if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      e.preventDefault();
      const next = shown[Math.max(0, Math.min(shown.length - 1, current + (e.key === "ArrowDown" ? 1 : -1)))];
      light(next);
      next.scrollIntoView({ block: "nearest" });
    }
  });
  for (const select of Object.values(filters)) select.addEventListener("change", applyFilters);

  sandbox?.addEventListener("live:message", (e) => {
    const msg = e.detail;
    if (msg.type === "events" && Array.isArray(msg.logs)) for (const line of msg.logs) append(line);
    // The diagram redraws parts it keeps; a lit part stays lit if it is still drawn.
    const selector = el.dataset.lit;
    if (selector) {
      const part = sandbox.querySelector(`svg[data-diagram] ${selector}`);
      if (part && !part.hasAttribute("data-log-lit")) part.setAttribute("data-log-lit", "");
    }
  });
  el.logPanel = { append, get lines() { return [...list.children].map((li) => li.textContent); } };
}

function bootAll() {
  for (const el of document.querySelectorAll("[data-log-panel]")) if (!el.logPanel) bootPanel(el);
}

if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", bootAll);
else bootAll();
