/**
 * narrator.js — tells screen-reader users what just happened, in plain words.
 *
 * Writes to an aria-live="polite" region. Network hops and routine chatter
 * (heartbeats, polls, commits) are skipped; what is left is batched every
 * 400 ms into at most three sentences, important changes (a crash, a new
 * leader, an ISR change) first. Text only (textContent). With reduced motion
 * a record's hop is drawn as a still marker, so the narrator also says where
 * records are going ("1 record: producer A → broker 2, P1").
 */
import { flightPhrase, formatMs, recordCount } from "./view.js";

const QUIET = new Set([
  "message_sent", "message_delivered", "records_queued", "batch_sent", "metadata_refreshed",
  "heartbeat_answered", "consumer_position_changed", "records_processed", "offset_committed",
  "consumer_status_changed", "group_state_changed", "member_joined",
]);

const b = (id) => `Broker ${id}`;
const tp = (e) => `${e.topic} partition ${e.partition}`;

const PHRASES = {
  broker_crashed: (e) => `${b(e.broker)} crashed.`,
  broker_restarted: (e) => `${b(e.broker)} restarted.`,
  broker_slowed: (e) => (e.slow_ms ? `${b(e.broker)} is slowed by ${formatMs(e.slow_ms)}.` : `${b(e.broker)} is back to normal speed.`),
  broker_isolated: (e) => `${b(e.broker)} is cut off from the network.`,
  broker_reconnected: (e) => `${b(e.broker)} is reachable again.`,
  controller_elected: (e) => `Controller ${e.controller} is now the active KRaft controller (epoch ${e.epoch}).`,
  controller_lost: () => "There is no active controller right now.",
  leader_changed: (e) => (e.leader == null ? `${tp(e)} has no leader: it is offline.`
    : `${b(e.leader)} is now the leader of ${tp(e)}.`),
  isr_changed: (e) => `P${e.partition} in sync: ${(e.isr || []).length ? `brokers ${(e.isr || []).join(", ")}` : "none"}.`,
  records_appended: (e) => (e.role === "leader" || (e.records && e.records.length)
    ? `${b(e.broker)} wrote ${e.records && e.records.length ? e.records.length : "new"} record${e.records && e.records.length === 1 ? "" : "s"} to P${e.partition}${e.last_offset != null ? ` (offset ${e.last_offset})` : ""}.`
    : null),
  high_watermark_changed: (e) => null,
  produce_acknowledged: (e) => `Producer ${e.producer}'s write to ${tp(e)} was acknowledged${e.base_offset != null ? ` at offset ${e.base_offset}` : ""}.`,
  produce_failed: (e) => `Producer ${e.producer}'s write failed${e.error ? `: ${e.error}` : ""}.`,
  message_dropped: (e) => null,
  command_rejected: (e) => `A command was rejected: ${e.message}`,
  consumer_added: (e) => `Consumer ${e.consumer} joined group ${e.group}.`,
  consumer_removed: (e) => `Consumer ${e.consumer} left group ${e.group}.`,
  consumer_crashed: (e) => `Consumer ${e.consumer} crashed; group ${e.group} notices only after the session timeout.`,
  consumer_restarted: (e) => `Consumer ${e.consumer} restarted.`,
  assignment_changed: (e) => ((e.assignment || []).length
    ? `Consumer ${e.consumer} now reads ${(e.assignment || []).map((tp) => `partition ${tp[1]}`).join(", ")}.`
    : `Consumer ${e.consumer} has no partition: it is idle.`),
  member_removed: (e) => `Consumer ${e.consumer} was removed from group ${e.group} (${String(e.reason).replace(/_/g, " ")}).`,
  poll_timeout_expired: (e) => `Consumer ${e.consumer} took too long between polls and left its group.`,
  consumer_error: (e) => `Consumer ${e.consumer} hit an error: ${e.error}.`,
};

/** Events that change the picture a lot: never crowded out by routine ones. */
const IMPORTANT = new Set([
  "broker_crashed", "broker_restarted", "broker_isolated", "broker_reconnected", "leader_changed",
  "isr_changed", "controller_elected", "controller_lost", "produce_failed", "consumer_crashed",
  "member_removed", "poll_timeout_expired", "command_rejected",
]);

export function describe(event) {
  if (QUIET.has(event.kind)) return null;
  const phrase = PHRASES[event.kind];
  return phrase ? phrase(event) : null;
}

export function createNarrator(region, { maxSentences = 3 } = {}) {
  let pending = [];  // [{text, important}]
  let timer = null;
  function flush() {
    timer = null;
    if (!region || !pending.length) return;
    // Important sentences first, then the most recent others, in their order.
    const important = pending.filter((p) => p.important);
    const others = pending.filter((p) => !p.important);
    const keep = new Set([...important.slice(-maxSentences),
      ...others.slice(-Math.max(0, maxSentences - important.length))]);
    const shown = pending.filter((p) => keep.has(p)).map((p) => p.text);
    const extra = pending.length - shown.length;
    region.textContent = shown.join(" ") + (extra > 0 ? ` (${extra} smaller changes.)` : "");
    pending = [];
  }
  function say(text, important = false) {
    if (!text) return;
    pending.push({ text, important });
    if (!timer) timer = setTimeout(flush, 400);
  }
  return {
    say,
    narrate(events, { reducedMotion = false } = {}) {
      for (const e of events) {
        const clientHop = /^(producer|consumer):/.test(e.source || "") || /^(producer|consumer):/.test(e.target || "");
        if (reducedMotion && e.kind === "message_sent" && clientHop && recordCount(e.summary) > 0) {
          say(`On its way: ${flightPhrase(e)}.`);
        }
        say(describe(e), IMPORTANT.has(e.kind));
      }
    },
  };
}
