/**
 * room-socket.js — the room socket (/ws/room/<code>/): listens, reconnects by itself.
 *
 * The server only pushes (docs/protocol.md, "The room socket"): `room` (the
 * public state, with a `version`; an older version than the last one is
 * ignored), `me` and `score` (a student's own), `presenter` (the
 * instructor's), `error`. A dropped socket reconnects with backoff and is
 * sent the whole state again, so a network loss or a server restart needs no
 * reload. Close codes 4403/4404 are refusals: retrying would not help.
 */
import { wsUrlFor } from "../live/socket.js";

const BACKOFF_MS = [300, 600, 1200, 2500, 5000];
const REFUSED = new Set([4403, 4404]);

export function connectRoom(path, { onMessage, onStatus = () => {} }) {
  let attempt = 0;
  let version = 0;
  let ws = null;
  function open() {
    onStatus(attempt === 0 ? "connecting" : "reconnecting");
    ws = new WebSocket(wsUrlFor(path));
    ws.onopen = () => { attempt = 0; onStatus("live"); };
    ws.onmessage = (e) => {
      let msg;
      try { msg = JSON.parse(e.data); } catch { return; }
      if (msg.type === "room") {
        if (msg.version < version) return;
        version = msg.version;
      }
      onMessage(msg);
    };
    ws.onclose = (e) => {
      if (REFUSED.has(e.code)) { onStatus("refused"); return; }
      onStatus("reconnecting");
      const wait = BACKOFF_MS[Math.min(attempt, BACKOFF_MS.length - 1)];
      attempt += 1;
      setTimeout(open, wait);
    };
  }
  open();
  return { refresh() { if (ws && ws.readyState === 1) ws.send(JSON.stringify({ type: "refresh" })); } };
}

/** POST a form (or FormData) with its CSRF token; resolves to the JSON answer. */
export async function postForm(url, data) {
  const body = data instanceof FormData ? data : new FormData(data);
  const token = body.get("csrfmiddlewaretoken") ||
    document.querySelector("[name=csrfmiddlewaretoken]")?.value || "";
  const response = await fetch(url, {
    method: "POST", body, credentials: "same-origin",
    headers: { "Accept": "application/json", "X-CSRFToken": token },
  });
  let json = {};
  try { json = await response.json(); } catch { json = { message: "The server did not answer." }; }
  return { ok: response.ok, ...json };
}

export function setText(root, selector, text) {
  for (const el of root.querySelectorAll(selector)) el.textContent = text;
}
