/**
 * view.js — every read a diagram makes of the model (model.js): a partition,
 * a replica's log, a group's offsets, a producer's batches, what a message in
 * flight is about, the latest events of some kinds, how to say a duration.
 * One definition of each, shared by all diagrams. Pure functions of the
 * model; no DOM, no writes.
 */
import { drawnUntil, hopSpan, hopStart } from "./model.js";

export function partitionOf(state, topic, partition) {
  const t = state.topics && state.topics[topic];
  return (t && t.partitions && t.partitions[partition]) || null;
}

export function logOf(state, topic, partition, broker) {
  return (state.logs && state.logs[`${topic}/${partition}/${broker}`]) || null;
}

/**
 * The partition's records, oldest first: what its leaders wrote (the store
 * keeps the last 50) below the current leader's log end. A former leader's
 * uncommitted tail is not the partition's (as in the snapshot), but it is kept:
 * a later leader that has it (it was fetched, never truncated) shows it again.
 */
export function recordsOf(state, topic, partition) {
  const all = (state.records && state.records[`${topic}/${partition}`]) || [];
  const p = partitionOf(state, topic, partition);
  if (!p) return all;
  // Offline (no leader): the ISR's longest log, what the last leader had (= simulator/snapshot.py).
  const source = p.leader != null ? [p.leader] : (p.isr && p.isr.length ? p.isr : p.replicas || []);
  const logs = source.map((b) => logOf(state, topic, partition, b)).filter(Boolean);
  if (!logs.length) return all;
  const end = Math.max(...logs.map((l) => l.leo));
  return all.filter((r) => r.offset < end);
}

/** A consumer group's committed offset for one partition (store key "topic-p"), or null. */
export function committedOffset(state, group, topic, partition) {
  const g = group && state.groups && state.groups[group];
  const value = g && g.offsets ? g.offsets[`${topic}-${partition}`] : undefined;
  return value === undefined ? null : value;
}

/** The leader's log of a partition (or null when it has no leader). */
export function leaderLog(state, topic, partition) {
  const p = partitionOf(state, topic, partition);
  if (!p || p.leader === null || p.leader === undefined) return null;
  return logOf(state, topic, partition, p.leader);
}

/** A topic config as the simulator knows it, falling back to Kafka's default. */
export function topicConfig(state, topic, key, fallback) {
  const t = state.topics && state.topics[topic];
  const value = t && t.configs ? t.configs[key] : undefined;
  return value === undefined ? fallback : value;
}

/** The newest event in `state.recent` whose kind is one of `kinds` and that passes `test`. */
export function latestEvent(state, kinds, test = () => true) {
  const wanted = new Set(kinds);
  const recent = state.recent || [];
  for (let i = recent.length - 1; i >= 0; i -= 1) {
    const e = recent[i];
    if (wanted.has(e.kind) && test(e)) return e;
  }
  return null;
}

/** Messages in flight (from state.inflight) filtered by `test`. */
export function inflight(state, test = () => true) {
  return Object.values(state.inflight || {}).filter(test);
}

/** "broker:2" -> 2; anything else -> null. */
export function brokerIdOf(actorId) {
  const match = /^broker:(\d+)$/.exec(actorId || "");
  return match ? Number(match[1]) : null;
}

/** A broker that cannot serve right now (the simulator says "online" when it can). */
export function isDown(state, broker) {
  const b = state.brokers && state.brokers[broker];
  return !!b && !["online", "running", undefined, ""].includes(b.state);
}

/** A duration for people: 40 ms, 2.5 s, 30 s, 5 min, 7 days. */
export function formatMs(ms) {
  if (ms === null || ms === undefined) return "–";
  const day = 86_400_000;
  if (ms >= day && ms % day === 0) return `${ms / day} day${ms === day ? "" : "s"}`;
  if (ms >= 3_600_000 && ms % 3_600_000 === 0) return `${ms / 3_600_000} h`;
  if (ms >= 60_000 && ms % 60_000 === 0) return `${ms / 60_000} min`;
  if (ms >= 10_000) return `${(ms / 1000).toFixed(0)} s`;
  if (ms >= 1000) return `${(ms / 1000).toFixed(1)} s`;
  return `${Math.round(ms)} ms`;
}

/** The producer's batches, newest first. */
export function batchesOf(state, producer) {
  const entry = state.produce && state.produce[producer];
  if (!entry) return [];
  return Object.values(entry.batches).sort((a, b) => b.batch_id - a.batch_id);
}

/**
 * Whether an acknowledged batch is still in the partition's current leader log
 * (`records`: what the leaders wrote, state.records["topic/p"]):
 * "kept", "lost" (the leader's log no longer holds those values at those offsets),
 * "offline" (no leader) or "unknown" (offsets outside the records the store keeps).
 */
export function survival(batchInfo, leaderLog, records, leaderPresent) {
  if (batchInfo.base_offset === null || batchInfo.base_offset === undefined) return "unknown";
  if (!leaderPresent) return "offline";
  if (!leaderLog || leaderLog.leo <= batchInfo.base_offset) return "lost";
  const byOffset = new Map((records || []).map((r) => [r.offset, r]));
  const record = byOffset.get(batchInfo.base_offset);
  if (!record) return "unknown";
  if (batchInfo.values && batchInfo.values.length && record.value !== batchInfo.values[0]) return "lost";
  return "kept";
}

/** A consumer's effective configs (from its consumer_added / consumer_config_changed, or the snapshot). */
export function consumerConfigs(state, consumer) {
  return (state.consumerConfigs && state.consumerConfigs[consumer]) || {};
}

/** The partition number a message in flight is about, from its summary
 * ("orders-1", {"orders-1": 3}, ["orders-0@5"]), or null. The busiest one when several. */
export function messagePartition(summary) {
  if (!summary) return null;
  const fromName = (name) => {
    const m = /-(\d+)(@\d+)?$/.exec(String(name));
    return m ? Number(m[1]) : null;
  };
  if (typeof summary.partition === "string") return fromName(summary.partition);
  if (typeof summary.partition === "number") return summary.partition;
  for (const key of ["records", "fetch_offsets"]) {
    const v = summary[key];
    if (v && typeof v === "object" && !Array.isArray(v)) {
      const names = Object.keys(v).sort((a, b) => (v[b] || 0) - (v[a] || 0));
      if (names.length) return fromName(names[0]);
    }
  }
  if (Array.isArray(summary.parts) && summary.parts.length) return fromName(summary.parts[0]);
  return null;
}

/** How many records a message carries (produce, replica and consumer fetch responses). */
export function recordCount(summary) {
  if (!summary) return 0;
  const r = summary.records;
  if (typeof r === "number") return r;
  if (r && typeof r === "object") return Object.values(r).reduce((a, b) => a + (Number(b) || 0), 0);
  return Number(summary.record_count) || 0;
}

/**
 * How far along its drawn hop a message is at `nowMs` (0..1), from simulated
 * time: a hop is drawn over its real flight time or MIN_HOP_MS, whichever is
 * longer, so a person can follow it.
 */
export function hopFraction(message, nowMs) {
  return Math.min(1, Math.max(0, (nowMs - hopStart(message)) / hopSpan(message)));
}

/** Every message to draw at `nowMs`: those on the wire, and those that landed but whose drawn hop has not ended. */
export function drawnFlights(state, nowMs, test = () => true) {
  const out = Object.values(state.inflight || {}).filter(test);
  for (const m of Object.values(state.landed || {})) {
    if (drawnUntil(m, m.dropped) > nowMs && !(state.inflight || {})[m.message_id] && test(m)) out.push(m);
  }
  return out;
}

/** A consumer's name as every diagram shows it: "consumer:1a" -> "1a". */
export function consumerLabel(id) {
  return String(id).replace(/^consumer:/, "");
}

/** A group's name as diagrams show it: "group-1" stays; a bare number reads "Group 1". */
export function groupLabel(name) {
  return /^\d+$/.test(String(name)) ? `Group ${name}` : String(name);
}

const ERROR_WORDS = { REQUEST_TIMED_OUT: "timed out", DELIVERY_TIMEOUT: "timed out" };

/**
 * What a producer was last told, for its box in a diagram:
 * {tone: idle|sending|ok|retrying|failed, line1, line2, long (one sentence)}.
 */
export function producerStatus(state, name) {
  const latest = batchesOf(state, name)[0];
  const acks = state.producers[name] ? String(state.producers[name].configs.acks ?? "all") : "all";
  if (!latest) return { tone: "idle", line1: "idle", line2: "", long: "nothing sent yet" };
  const where = latest.partition != null ? `P${latest.partition}` : "";
  const attempt = latest.attempt || 1;
  if (latest.error && latest.acked_at_ms == null) {
    if (latest.will_retry) {
      const failed = latest.failed_attempt || attempt;
      const next = Math.max(attempt, failed + 1);
      return { tone: "retrying", line1: `retrying · attempt ${next}`, line2: latest.error,
        long: `${latest.error} on attempt ${failed}, retrying the write to ${where} (attempt ${next})` };
    }
    const words = ERROR_WORDS[latest.error] || "failed";
    return { tone: "failed", line1: `${words} after ${attempt} attempt${attempt === 1 ? "" : "s"}`, line2: latest.error,
      long: `gave up the write to ${where}: ${latest.error} after ${attempt} attempt${attempt === 1 ? "" : "s"}` };
  }
  if (latest.acked_at_ms != null) {
    const took = formatMs(latest.acked_at_ms - (latest.sent_at_ms ?? latest.acked_at_ms));
    return { tone: "ok", line1: `acked ${where}@${latest.base_offset}`,
      line2: `after ${took}${attempt > 1 ? ` · ${attempt} attempts` : ""}`,
      long: `acknowledged at offset ${latest.base_offset} of ${where} after ${took}${attempt > 1 ? `, on attempt ${attempt}` : ""}` };
  }
  if (acks === "0" && latest.sent_at_ms != null) {
    return { tone: "ok", line1: `sent to ${where}`, line2: "acks=0: no answer", long: `sent to ${where}; acks=0 expects no answer` };
  }
  return { tone: "sending", line1: `sending to ${where}`, line2: attempt > 1 ? `attempt ${attempt}` : "",
    long: `waiting for the answer from ${where}${attempt > 1 ? `, attempt ${attempt}` : ""}` };
}

/**
 * A crashed consumer's session: {timeoutMs, remainingMs} where remainingMs is
 * the time left until session.timeout.ms has passed since it crashed (the
 * coordinator removes it then, or a little sooner: its last heartbeat was
 * before the crash), null when the crash time is unknown (it crashed before
 * the page's snapshot, which does not carry it).
 */
export function consumerSession(state, consumer, nowMs) {
  const timeoutMs = Number(consumerConfigs(state, consumer)["session.timeout.ms"] ?? 45000);
  let crashedAt = null;
  for (const g of Object.values(state.groups || {})) {
    const m = g.members[consumer];
    if (m && m.crashed_at_ms != null) crashedAt = m.crashed_at_ms;
  }
  return { timeoutMs, remainingMs: crashedAt === null ? null : Math.max(0, crashedAt + timeoutMs - nowMs) };
}

function actorWords(actor) {
  const [kind, id] = String(actor).split(":");
  return { broker: `broker ${id}`, producer: `producer ${id}`, consumer: `consumer ${id}`, controller: `controller ${id}` }[kind] || String(actor);
}

/** A message in flight in a few words: "3 records: producer A → broker 2, P1". */
export function flightPhrase(m) {
  const n = recordCount(m.summary);
  const partition = messagePartition(m.summary);
  const what = n ? `${n} record${n === 1 ? "" : "s"}` : String(m.message_kind).replace(/_/g, " ");
  return `${what}: ${actorWords(m.source)} → ${actorWords(m.target)}${partition !== null ? `, P${partition}` : ""}`;
}
