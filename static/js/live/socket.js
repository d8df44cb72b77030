/**
 * socket.js — one sandbox WebSocket: gap-checked, self-healing.
 *
 * The simulation's frames (`snapshot`, `events`, `status`) carry `frame` (+1 per
 * frame of the simulation, the same for every watcher) and `epoch` (+1 when
 * another server process takes the simulation over; `frame` restarts there).
 * A snapshot is a fresh start at its (epoch, frame). After it, a frame that is
 * not the next one of the same epoch means something was lost, so we ask for a
 * fresh snapshot (`resync`) and ignore frames until it arrives; a frame of an
 * older epoch, or one the last snapshot already includes, is ignored.
 * Replies to this socket alone (`error`, `cli_output`) carry no frame number
 * and are always passed on. A dropped socket reconnects with exponential
 * backoff; the server answers a new connection with a snapshot first.
 * Close codes 4401/4403/4429 are refusals: retrying would not help.
 */

const REFUSED = new Set([4401, 4403, 4429]);
const BACKOFF_MS = [250, 500, 1000, 2000, 4000, 8000];
const RESYNC_RETRY_MS = 2000;

export function wsUrlFor(path) {
  const url = new URL(path, window.location.href);
  url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
  return url.toString();
}

/**
 * connectSandbox(path, {onMessage, onStatus}) -> {send(obj), close()}
 * onMessage(msg) receives snapshot/events/status/error messages in order.
 * onStatus(text) receives "connecting" | "live" | "reconnecting" | "refused".
 */
export function connectSandbox(path, { onMessage, onStatus = () => {} }) {
  let ws = null;
  let epoch = null;   // where the last frame we passed on stands (null: no snapshot yet)
  let frame = 0;
  let awaitingSnapshot = false;
  let attempt = 0;
  let closedByUs = false;
  let refused = false;
  let timer = null;
  let resyncTimer = null;

  function open() {
    onStatus(attempt === 0 ? "connecting" : "reconnecting");
    ws = new WebSocket(wsUrlFor(path));
    epoch = null;
    awaitingSnapshot = false;  // a new socket starts with a snapshot anyway
    clearTimeout(resyncTimer);
    ws.addEventListener("open", () => { attempt = 0; onStatus("live"); });
    ws.addEventListener("message", (e) => receive(e.data));
    ws.addEventListener("close", (e) => {
      if (closedByUs) return;
      if (REFUSED.has(e.code)) { refused = true; onStatus("refused"); return; }
      const delay = BACKOFF_MS[Math.min(attempt, BACKOFF_MS.length - 1)];
      attempt += 1;
      onStatus("reconnecting");
      timer = setTimeout(open, delay);
    });
  }

  function receive(text) {
    let msg;
    try { msg = JSON.parse(text); } catch { return; }
    if (typeof msg.frame === "number") {
      if (msg.type === "snapshot") {
        awaitingSnapshot = false;  // the whole truth, at (epoch, frame)
      } else if (awaitingSnapshot) {
        return;
      } else if (epoch === null || msg.epoch > epoch
                 || (msg.epoch === epoch && msg.frame > frame + 1)) {
        askForSnapshot();  // a gap: something was lost. Ask once for the whole truth again.
        return;
      } else if (msg.epoch < epoch || msg.frame <= frame) {
        return;  // an older holder's straggler, or already in our snapshot
      }
      epoch = msg.epoch;
      frame = msg.frame;
    }
    onMessage(msg);
  }

  /** Ask for a snapshot, and ask again every 2 s until one arrives (a resync
   * can itself be dropped, e.g. by the server's rate limit). */
  function askForSnapshot() {
    awaitingSnapshot = true;
    send({ type: "resync" });
    clearTimeout(resyncTimer);
    resyncTimer = setTimeout(() => { if (awaitingSnapshot) askForSnapshot(); }, RESYNC_RETRY_MS);
  }

  function send(obj) {
    if (ws && ws.readyState === WebSocket.OPEN) {
      ws.send(JSON.stringify(obj));
      return true;
    }
    return false;
  }

  function close() {
    closedByUs = true;
    clearTimeout(timer);
    clearTimeout(resyncTimer);
    if (ws) ws.close();
  }

  open();
  return { send, close, get refused() { return refused; }, _receive: receive };
}
