/**
 * "Try this" prompts that need several commands at once (every member of a
 * group switching assignor, two brokers restarting): a button with
 * data-command-sequence='[{...}, {...}]' inside a live sandbox sends each
 * command, in order, through the sandbox's own socket (static/js/live/boot.js
 * exposes it as element.liveSandbox). Single commands use boot.js's own
 * data-command handling.
 */

function onClick(event) {
  const button = event.target.closest("[data-command-sequence]");
  if (!button) return;
  const root = button.closest("[data-live-sandbox]");
  if (!root || !root.liveSandbox) return;
  let commands;
  try {
    commands = JSON.parse(button.dataset.commandSequence);
  } catch {
    return;
  }
  for (const command of commands) root.liveSandbox.send({ type: "command", command });
}

document.addEventListener("click", onClick);
