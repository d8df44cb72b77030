/**
 * dashboard.js — the instructor's dashboard follows the room: on every change
 * pushed by the room socket (an answer, someone coming or going) it fetches the
 * server-rendered table again (at most twice a second).
 */
import { connectRoom } from "./room-socket.js";

const root = document.querySelector("[data-room-socket]");
let due = null;

function refreshSoon() {
  if (due) return;
  due = setTimeout(async () => {
    due = null;
    const response = await fetch(root.dataset.dashboardUrl, { credentials: "same-origin" });
    if (response.ok) {
      const parsed = new DOMParser().parseFromString(await response.text(), "text/html");
      root.querySelector("[data-dashboard]").replaceChildren(...parsed.body.childNodes);
    }
  }, 500);
}

connectRoom(root.dataset.roomSocket, {
  onMessage(msg) { if (msg.type === "presenter" || msg.type === "room") refreshSoon(); },
  onStatus(status) { root.dataset.roomLive = status; },
});
