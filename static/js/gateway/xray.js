/**
 * xray.js — the protocol X-ray (templates/gateway/_xray.html): the Kafka requests
 * and responses of real clients (learnkafka/gateway), decoded, as they pass.
 *
 * It reads the live sandbox's frames (the `live:message` events sandbox.js
 * dispatches), as every watcher of the simulation gets them (docs/events.md
 * "Outside clients"): a request is a `message_sent` from a `wire:<client>` actor
 * (its summary carries `api`, `client`, `correlation_id` and key fields); a
 * response is a `wire_response` (Kafka's response, decoded); connections come and
 * go as `wire_client_connected`, `wire_client_closed` and `wire_disconnect`. Each
 * becomes one line: simulated time, client, direction, API, key fields.
 * Lines are text (textContent), at most MAX_LINES kept. Up/Down move through the
 * list, Enter (or a click) shows the line's decoded fields below it.
 */
const MAX_LINES = 300;
const ERRORS = {
  "-1": "UNKNOWN_SERVER_ERROR", 0: "NONE", 1: "OFFSET_OUT_OF_RANGE", 3: "UNKNOWN_TOPIC_OR_PARTITION",
  5: "LEADER_NOT_AVAILABLE", 6: "NOT_LEADER_OR_FOLLOWER", 7: "REQUEST_TIMED_OUT",
  15: "COORDINATOR_NOT_AVAILABLE", 16: "NOT_COORDINATOR", 19: "NOT_ENOUGH_REPLICAS",
  22: "ILLEGAL_GENERATION", 25: "UNKNOWN_MEMBER_ID", 27: "REBALANCE_IN_PROGRESS",
  35: "UNSUPPORTED_VERSION", 45: "OUT_OF_ORDER_SEQUENCE_NUMBER", 46: "DUPLICATE_SEQUENCE_NUMBER",
  47: "INVALID_PRODUCER_EPOCH", 58: "SASL_AUTHENTICATION_FAILED", 79: "MEMBER_ID_REQUIRED",
};

const errorName = (code) => ERRORS[code] ?? `error ${code}`;

function partitionsOf(list, topicKey, partsKey, describe) {
  const out = [];
  for (const t of list || []) {
    for (const p of t[partsKey] || []) out.push(`${t[topicKey] ?? t.name}-${p.partition_index ?? p.index ?? p.partition}${describe(p)}`);
  }
  return out.slice(0, 6).join(", ") + (out.length > 6 ? ` (+${out.length - 6})` : "");
}

function errorsIn(obj) {
  // The first non-zero error code anywhere in a response: what a learner looks for.
  let found = null;
  (function walk(v) {
    if (found !== null || !v || typeof v !== "object") return;
    if (typeof v.error_code === "number" && v.error_code !== 0) { found = v.error_code; return; }
    for (const x of Object.values(v)) walk(x);
  })(obj);
  return found;
}

const SKIP = new Set(["api", "api_version", "client", "correlation_id"]);

function requestText(summary, e) {
  // The summary's own key fields (partition, records, base_sequence, group...), as sent.
  const parts = [`to ${String(e.target).replace("broker:", "broker ")}`, `#${summary.correlation_id}`];
  for (const [k, v] of Object.entries(summary)) {
    if (SKIP.has(k) || v === null || v === undefined || typeof v === "object") continue;
    parts.push(`${k}=${v}`);
  }
  return parts.join(" ");
}

const RESPONSE = {
  metadata: (r) => `brokers ${(r.brokers || []).map((b) => b.node_id).join(",")}; leaders ${partitionsOf(r.topics, "name", "partitions", (p) => `→${p.leader_id}`)}`,
  produce: (r) => partitionsOf(r.responses, "name", "partition_responses", (p) => ` ${errorName(p.error_code)} base_offset=${p.base_offset}`),
  fetch: (r) => partitionsOf(r.responses, "topic", "partitions", (p) => ` hw=${p.high_watermark} ${(p.records || []).length} rec`),
  find_coordinator: (r) => `coordinator=${r.node_id ?? (r.coordinators || []).map((c) => c.node_id).join(",")}`,
  join_group: (r) => `gen=${r.generation_id} leader=${r.leader} me=${r.member_id}`,
  init_producer_id: (r) => `pid=${r.producer_id} epoch=${r.producer_epoch}`,
  offset_fetch: (r) => partitionsOf(r.topics, "name", "partitions", (p) => `=${p.committed_offset}`),
};

function line(e) {
  const who = e.client || "";
  if (e.kind === "wire_response") {
    const r = e.response || {};
    const err = errorsIn(r);
    const extra = RESPONSE[e.api] ? RESPONSE[e.api](r) : "";
    return { who, dir: "←", api: e.api, text: `#${e.correlation_id} from broker ${e.broker}: ${err !== null ? errorName(err) + " " : ""}${extra}`, error: err !== null, fields: r, at: e.at_ms };
  }
  if (e.kind === "message_sent" && String(e.source).startsWith("wire:") && e.summary && e.summary.api) {
    const s = e.summary;
    const v = s.api_version !== undefined && s.api_version >= 0 ? ` v${s.api_version}` : "";
    return { who: s.client || e.source.slice(5), dir: "→", api: s.api + v, text: requestText(s, e), fields: s, at: e.sent_at_ms };
  }
  if (e.kind === "wire_client_connected") return { who, dir: "•", api: "connected", text: e.label || e.software || "", fields: e, at: e.at_ms };
  if (e.kind === "wire_client_closed") return { who, dir: "•", api: "closed", text: "", fields: e, at: e.at_ms };
  if (e.kind === "wire_disconnect") return { who, dir: "×", api: "disconnected", text: `from broker ${e.broker}: ${e.reason}`, error: true, fields: e, at: e.at_ms };
  return null;
}

function bootXray(el) {
  const sandbox = el.closest("[data-live-sandbox]");
  const list = el.querySelector("[data-xray-lines]");
  const empty = el.querySelector("[data-xray-empty]");
  const detail = el.querySelector("[data-xray-detail]");
  const clientFilter = el.querySelector("[data-xray-client]");
  const pause = el.querySelector("[data-xray-pause]");
  const clients = new Set();
  let paused = false;
  let selected = null;

  function addClient(name) {
    if (!name || clients.has(name)) return;
    clients.add(name);
    const o = document.createElement("option");
    o.value = name; o.textContent = name;
    clientFilter.appendChild(o);
  }

  function append(l) {
    const li = document.createElement("li");
    li.dataset.client = l.who;
    li.dataset.dir = l.dir;
    if (l.error) li.dataset.error = "";
    const at = document.createElement("span"); at.className = "xray-at";
    at.textContent = typeof l.at === "number" ? `${(l.at / 1000).toFixed(2)}s` : "";
    const who = document.createElement("span"); who.className = "xray-who"; who.textContent = l.who;
    const api = document.createElement("span"); api.className = "xray-api"; api.textContent = `${l.dir} ${l.api}`;
    const text = document.createElement("span"); text.className = "xray-text"; text.textContent = l.text;
    li.append(at, who, api, text);
    li.setAttribute("role", "option");
    li.setAttribute("aria-selected", "false");
    li._fields = l.fields;
    li.hidden = !!clientFilter.value && clientFilter.value !== l.who;
    addClient(l.who);
    const atBottom = list.scrollTop + list.clientHeight >= list.scrollHeight - 4;
    list.appendChild(li);
    while (list.children.length > MAX_LINES) list.removeChild(list.firstChild);
    if (atBottom) list.scrollTop = list.scrollHeight;
    empty.hidden = true;
  }

  function choose(li) {
    if (selected) selected.setAttribute("aria-selected", "false");
    selected = li;
    if (!li) { detail.hidden = true; return; }
    li.setAttribute("aria-selected", "true");
    li.scrollIntoView({ block: "nearest" });
    detail.hidden = false;
    detail.textContent = JSON.stringify(li._fields, null, 2).slice(0, 20000);
  }

  (sandbox || document).addEventListener("live:message", (ev) => {
    const msg = ev.detail;
    if (paused || !msg || msg.type !== "events") return;
    for (const e of msg.events || []) {
      if (typeof e.kind !== "string") continue;
      if (!e.kind.startsWith("wire_") && !(e.kind === "message_sent" && String(e.source).startsWith("wire:"))) continue;
      const l = line(e);
      if (l) append(l);
    }
  });
  list.addEventListener("click", (e) => { const li = e.target.closest("li"); if (li) choose(li); });
  list.addEventListener("keydown", (e) => {
    const shown = [...list.children].filter((li) => !li.hidden);
    if (!shown.length) return;
    const i = selected ? shown.indexOf(selected) : -1;
    if (e.key === "ArrowDown") { choose(shown[Math.min(shown.length - 1, i + 1)]); e.preventDefault(); }
    else if (e.key === "ArrowUp") { choose(shown[Math.max(0, i - 1)]); e.preventDefault(); }
    else if (e.key === "Enter" && !selected) { choose(shown[shown.length - 1]); e.preventDefault(); }
    else if (e.key === "Escape") { choose(null); e.preventDefault(); }
  });
  clientFilter.addEventListener("change", () => {
    for (const li of list.children) li.hidden = !!clientFilter.value && clientFilter.value !== li.dataset.client;
  });
  pause.addEventListener("click", () => {
    paused = !paused;
    pause.setAttribute("aria-pressed", String(paused));
    pause.textContent = paused ? "Resume list" : "Pause list";
  });
  el.querySelector("[data-xray-clear]").addEventListener("click", () => {
    list.replaceChildren(); choose(null); empty.hidden = false;
  });
}

for (const el of document.querySelectorAll("[data-xray]")) bootXray(el);
