// Q2's practical: the application panel. The payment-service team can stop, start,
// reconfigure, resubscribe or add an instance; each is one simulator command sent over
// the live sandbox's socket (static/js/live/sandbox.js exposes `root.liveSandbox.send`),
// so it is logged in the sandbox's history and replayed when the fix is checked.
const panel = document.querySelector("[data-iv-app]");
if (panel) {
  const root = panel.closest("[data-live-sandbox]");
  const status = panel.querySelector("[data-iv-app-status]");
  const field = (name) => panel.querySelector(`[data-iv-app-${name}]`);
  const typed = (text) => {
    if (text === "true" || text === "false") return text === "true";
    return /^-?\d+$/.test(text) ? Number(text) : text;
  };
  const nextName = () => {
    const names = [...field("consumer").options].map((o) => o.value);
    let n = names.length + 1;
    while (names.includes(`payment-${n}`)) n += 1;
    return `payment-${n}`;
  };
  const build = (action) => {
    const consumer = field("consumer").value;
    if (action === "stop") return { type: "stop_consumer", consumer };
    if (action === "start") return { type: "restart_consumer", consumer };
    if (action === "config") {
      const key = field("key").value.trim();
      if (!key) return null;
      return { type: "set_consumer_config", consumer, configs: { [key]: typed(field("value").value.trim()) } };
    }
    if (action === "subscribe") return { type: "subscribe", consumer, topics: [field("topic").value.trim()] };
    if (action === "add") {
      return { type: "add_consumer", consumer: nextName(), group: "payment-service",
        topics: [field("topic").value.trim() || "orders"], principal: "User:payments", configs: {} };
    }
    return null;
  };
  panel.addEventListener("click", (event) => {
    const button = event.target.closest("[data-iv-app-action]");
    if (!button) return;
    const command = build(button.dataset.ivAppAction);
    if (!command) { status.textContent = "Name the config to set."; return; }
    const live = root && root.liveSandbox;
    if (!live) { status.textContent = "Not connected yet; try again in a moment."; return; }
    live.send({ type: "command", command });
    if (command.type === "add_consumer") {
      const option = document.createElement("option");
      option.value = option.textContent = command.consumer;
      field("consumer").append(option);
    }
    status.textContent = `Sent: ${JSON.stringify(command)}`;
    panel.dataset.sent = String(Number(panel.dataset.sent || 0) + 1);
  });
}
