/**
 * Small read-only helpers the lesson diagrams share for looking things up in
 * the store's view (static/js/live/store.js): a partition, a replica's log,
 * the latest events of some kinds. Pure functions of state; no DOM.
 */

export function partitionOf(state, topic, partition) {
  const t = state.topics && state.topics[topic];
  return (t && t.partitions && t.partitions[partition]) || null;
}

export function logOf(state, topic, partition, broker) {
  return (state.logs && state.logs[`${topic}/${partition}/${broker}`]) || null;
}

/** The records the partition's leaders wrote (the store keeps the last 50), oldest first. */
export function recordsOf(state, topic, partition) {
  return (state.records && state.records[`${topic}/${partition}`]) || [];
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
