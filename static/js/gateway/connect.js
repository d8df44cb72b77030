/**
 * connect.js — the "Connect a real Kafka client" panel (templates/gateway/_connect.html):
 * each Copy button copies the text of the element its data-copy-from names.
 */
for (const panel of document.querySelectorAll("[data-gateway-connect]")) {
  const status = panel.querySelector("[data-copy-status]");
  panel.addEventListener("click", async (e) => {
    const button = e.target.closest("[data-copy-from]");
    if (!button) return;
    const source = panel.querySelector(button.dataset.copyFrom);
    const text = source.value !== undefined && source.tagName === "INPUT" ? source.value : source.textContent;
    try {
      await navigator.clipboard.writeText(text);
      status.textContent = "Copied.";
    } catch {
      // No clipboard permission (an insecure origin): select it for Ctrl+C instead.
      const range = document.createRange();
      range.selectNodeContents(source);
      getSelection().removeAllRanges();
      getSelection().addRange(range);
      if (source.select) source.select();
      status.textContent = "Selected: press Ctrl+C (Cmd+C) to copy.";
    }
  });
}
