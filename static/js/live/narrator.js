/**
 * narrator.js — tells screen-reader users what just happened, in plain words.
 *
 * Writes to an aria-live="polite" region. Network hops and other chatter are
 * skipped; what is left is batched so a busy frame becomes one short sentence
 * list instead of a stream of interruptions. Text only (textContent).
 */

const QUIET = new Set([
  "message_sent", "message_delivered", "fetch_sent", "fetch_answered",
  "records_queued", "batch_sent", "heartbeat_sent", "metadata_refreshed",
]);

const b = (id) => `Broker ${id}`;
const tp = (e) => `${e.topic} partition ${e.partition}`;

const PHRASES = {
  broker_crashed: (e) => `${b(e.broker)} crashed.`,
  broker_restarted: (e) => `${b(e.broker)} restarted.`,
  broker_slowed: (e) => (e.slow_ms ? `${b(e.broker)} is slowed by ${e.slow_ms} ms.` : `${b(e.broker)} is back to normal speed.`),
  broker_isolated: (e) => `${b(e.broker)} is cut off from the network.`,
  broker_reconnected: (e) => `${b(e.broker)} is reachable again.`,
  controller_elected: (e) => `Controller ${e.controller} is now the active KRaft controller (epoch ${e.epoch}).`,
  controller_lost: () => "There is no active controller right now.",
  leader_changed: (e) => (e.leader == null ? `${tp(e)} has no leader: it is offline.`
    : `${b(e.leader)} is now the leader of ${tp(e)}.`),
  isr_changed: (e) => `In-sync replicas of ${tp(e)} are now brokers ${(e.isr || []).join(", ") || "none"}.`,
  records_appended: (e) => (e.role === "leader" || (e.records && e.records.length)
    ? `${b(e.broker)} appended ${e.records && e.records.length ? e.records.length : "new"} record${e.records && e.records.length === 1 ? "" : "s"} to ${tp(e)}${e.last_offset != null ? ` up to offset ${e.last_offset}` : ""}.`
    : null),
  high_watermark_changed: (e) => null,
  produce_acknowledged: (e) => `Producer ${e.producer}'s write to ${tp(e)} was acknowledged${e.base_offset != null ? ` at offset ${e.base_offset}` : ""}.`,
  produce_failed: (e) => `Producer ${e.producer}'s write failed${e.error ? `: ${e.error}` : ""}.`,
  message_dropped: (e) => null,
  command_rejected: (e) => `A command was rejected: ${e.message}`,
};

export function describe(event) {
  if (QUIET.has(event.kind)) return null;
  const phrase = PHRASES[event.kind];
  if (phrase) return phrase(event);
  if (/^consumer_|^group_|^partitions_|^offset/.test(event.kind)) {
    return event.kind.replace(/_/g, " ") + (event.consumer ? ` (${event.consumer})` : "") + ".";
  }
  return null;
}

export function createNarrator(region, { maxSentences = 3 } = {}) {
  let pending = [];
  let timer = null;
  function flush() {
    timer = null;
    if (!region || !pending.length) return;
    const shown = pending.slice(-maxSentences);
    const extra = pending.length - shown.length;
    region.textContent = (extra > 0 ? `${extra} earlier changes. ` : "") + shown.join(" ");
    pending = [];
  }
  function say(text) {
    if (!text) return;
    pending.push(text);
    if (!timer) timer = setTimeout(flush, 400);
  }
  return {
    say,
    narrate(events) { for (const e of events) say(describe(e)); },
  };
}
