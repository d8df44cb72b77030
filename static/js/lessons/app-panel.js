/**
 * app-panel.js — the mystery levels' application panel: what payment-service's
 * operators can do (stop, start, add, remove an instance; change a setting and
 * redeploy), turned into simulator commands. It builds the commands, puts them on
 * the sandbox's hidden [data-app-send] button as data-command-sequence and clicks
 * it, so they go through the live sandbox's one command path (commands.js) like
 * every other control. Pure `appCommands` is exported for tests.
 */

const INTEGER_SETTINGS = new Set(["max.poll.records", "max.poll.interval.ms", "session.timeout.ms"]);

/** The commands for `action` on `instance` ({error} for a value Kafka would refuse). */
export function appCommands(app, action, instance, setting, rawValue) {
  const base = { group: app.group, topics: [app.topic], principal: app.principal, configs: app.configs || {} };
  const add = (name, group = base.group) => ({ type: "add_consumer", consumer: name, group, topics: base.topics, principal: base.principal, configs: base.configs });
  if (action === "stop") return { commands: [{ type: "stop_consumer", consumer: instance }] };
  if (action === "start") return { commands: [{ type: "restart_consumer", consumer: instance }] };
  if (action === "add") return { commands: [add(instance)] };
  if (action === "remove") return { commands: [{ type: "remove_consumer", consumer: instance }] };
  if (action !== "set") return { error: "Unknown action." };
  const value = (rawValue || "").trim();
  if (!value) return { error: "Type a value first." };
  if (setting === "topic") return { commands: [{ type: "subscribe", consumer: instance, topics: [value] }] };
  // A new group.id is a redeploy: the instance leaves its group and joins the other.
  if (setting === "group.id") return { commands: [{ type: "remove_consumer", consumer: instance }, add(instance, value)] };
  let parsed = value;
  if (INTEGER_SETTINGS.has(setting)) {
    if (!/^\d{1,9}$/.test(value)) return { error: `${setting} is a whole number of ${setting.endsWith(".ms") ? "milliseconds" : "records"}.` };
    parsed = Number(value);
  } else if (setting === "enable.auto.commit") {
    if (value !== "true" && value !== "false") return { error: "enable.auto.commit is true or false." };
    parsed = value === "true";
  }
  return { commands: [{ type: "set_consumer_config", consumer: instance, configs: { [setting]: parsed } }] };
}

function boot(panel) {
  let app;
  try { app = JSON.parse(panel.dataset.app || "{}"); } catch { return; }
  const status = panel.querySelector("[data-app-status]");
  panel.addEventListener("click", (event) => {
    const button = event.target.closest("[data-app-action]");
    if (!button) return;
    const instance = panel.querySelector("[data-app-instance]").value;
    const setting = panel.querySelector("[data-app-setting]").value;
    const value = panel.querySelector("[data-app-value]").value;
    const result = appCommands(app, button.dataset.appAction, instance, setting, value);
    if (result.error) { status.textContent = result.error; return; }
    const send = document.querySelector("[data-app-send]");
    if (!send) { status.textContent = "The live cluster is not running on this page."; return; }
    send.dataset.commandSequence = JSON.stringify(result.commands);
    send.click();
    status.textContent = `Sent: ${button.dataset.appAction} ${instance}${button.dataset.appAction === "set" ? ` ${setting}=${value}` : ""}`;
  });
}

if (typeof document !== "undefined") document.querySelectorAll("[data-app-panel]").forEach(boot);
