/**
 * isr — the in-sync replicas of one partition, as in the guide: one row per
 * replica with its log end offset, a ✓ ISR / ✗ OUT badge, the high watermark
 * across all rows, and fetches travelling from followers to the leader (and
 * answers back) at the speed the simulated network gives them. Slow a
 * follower and its fetches crawl; after replica.lag.time.max.ms the leader
 * drops it from the ISR; healed, it catches up and the badge flips back.
 *
 * On a phone (layout "narrow") each row stacks the broker's name over its
 * bar, in a viewBox as wide as the screen, so every label reads at >= 12 px.
 *
 * svg data attributes: data-topic, data-partition.
 */
import { clamp, keyed, layer, layoutOf, lerp, prune, setAttrs, setLines, setText, useViewBox } from "./geometry.js";
import { brokerIdOf, formatMs, drawnFlights, hopFraction, isDown, logOf, partitionOf } from "../live/view.js";

export const BAR_X = 210;
export const BAR_W = 360;
export const ROW_H = 78;
export const FIRST_ROW_Y = 92;

/** The y of the row for the `index`-th replica. */
export function rowY(index) {
  return FIRST_ROW_Y + index * ROW_H;
}

/** Offsets shown on the bars: from a little below the slowest replica to the leader's LEO. */
export function offsetScale(leos) {
  const hi = Math.max(1, ...leos);
  const lo = Math.max(0, Math.min(...leos, hi) - 5);
  return { lo, hi: Math.max(hi, lo + 10) };
}

/** Below this a fetch is just travelling; above it the lag clock is drawn. */
export const CLOCK_FROM_MS = 1000;

/** How long the oldest fetch from `follower` to `leader` has been in flight at `nowMs` (null: none). */
export function fetchWaitMs(state, follower, leader, nowMs) {
  let oldest = null;
  for (const m of Object.values(state.inflight || {})) {
    if (m.message_kind !== "fetch" || brokerIdOf(m.source) !== follower || brokerIdOf(m.target) !== leader) continue;
    if (oldest === null || m.sent_at_ms < oldest) oldest = m.sent_at_ms;
  }
  return oldest === null ? null : Math.max(0, nowMs - oldest);
}

/** x position of `offset` on the bars. */
export function barX(offset, scale, bar = { x: BAR_X, w: BAR_W }) {
  return bar.x + clamp((offset - scale.lo) / (scale.hi - scale.lo), 0, 1) * bar.w;
}

/** Where each part of a row goes, wide (a laptop) or narrow (a phone). Pure. */
export function rowGeometry(layout) {
  if (layout === "narrow") {
    const top = 100;
    const rowH = 100;
    return {
      narrow: true, bar: { x: 30, w: 200 }, rowY: (i) => top + i * rowH, firstY: top, rowH,
      card: null, name: [30, -24], role: [100, -24], offset: [242, 5], badge: [318, -24], badgeAnchor: "end",
      clock: 15, clockLabel: 33, flightX: (k) => 16 - 4 * k, wrap: 44,
      height: (rows) => top + (Math.max(1, rows) - 1) * rowH + 72,
    };
  }
  return {
    narrow: false, bar: { x: BAR_X, w: BAR_W }, rowY, firstY: FIRST_ROW_Y, rowH: ROW_H,
    card: true, name: [38, -6], role: [38, 14], offset: [BAR_X + BAR_W + 14, -4],
    badge: [BAR_X + BAR_W + 14, 16], badgeAnchor: null, clock: 13, clockLabel: 31, flightX: (k) => BAR_X - 10 - 6 * k,
    wrap: null, height: () => 330,
  };
}

export function render(svg, state, nowMs, options = {}) {
  const topic = svg.dataset.topic || "orders";
  const partitionId = Number(svg.dataset.partition || 0);
  const partition = partitionOf(state, topic, partitionId) || { replicas: [], isr: [], leader: null };
  const replicas = [...partition.replicas];
  const logs = replicas.map((b) => logOf(state, topic, partitionId, b) || { leo: 0, hw: 0 });
  const leaderIndex = replicas.indexOf(partition.leader);
  const leaderLog = leaderIndex >= 0 ? logs[leaderIndex] : null;
  const hw = leaderLog ? leaderLog.hw : 0;
  const scale = offsetScale(logs.map((l) => l.leo));
  const lagMax = (state.raw && state.raw.config && state.raw.config["replica.lag.time.max.ms"]) || 30000;

  const G = rowGeometry(layoutOf(svg));
  const bar = G.bar;
  const shownPartition = partition.partition ?? partitionId;
  const isrText = (partition.isr || []).join(", ");
  setText(layer(svg, "title"), G.narrow ? `${topic} · P${shownPartition} · ISR {${isrText}}`
    : `${topic} · partition ${shownPartition} · ISR = {${isrText}}`);
  // The two readouts under the rows: one line each when wide, wrapped on a phone.
  const readoutY = G.narrow ? G.height(replicas.length) : 300;
  const ruleLines = setLines(layer(svg, "rule"), `A follower leaves the ISR when it has not caught up to the leader for replica.lag.time.max.ms (${formatMs(lagMax)} here).`, G.narrow ? 12 : 20, readoutY, G.wrap);
  const note = layer(svg, "note");
  if (!note.dataset.text) note.dataset.text = note.textContent.trim();
  const noteLines = setLines(note, note.dataset.text, G.narrow ? 12 : 20, readoutY + (G.narrow ? ruleLines * 17 + 6 : 18), G.wrap);
  useViewBox(svg, G.narrow ? "narrow" : "wide", readoutY + (ruleLines + noteLines) * 17 + 10);

  const rows = layer(svg, "rows");
  const keep = new Set();
  replicas.forEach((broker, index) => {
    const key = String(broker);
    keep.add(key);
    const y = G.rowY(index);
    const log = logs[index];
    const inIsr = (partition.isr || []).includes(broker);
    const isLeader = broker === partition.leader;
    const down = isDown(state, broker);
    const brokerState = down ? state.brokers[broker].state : "online";
    const slowMs = (state.brokers[broker] && state.brokers[broker].slow_ms) || 0;
    const g = keyed(rows, "g", key, {
      class: `replica-row ${inIsr ? "in-isr" : "out-of-isr"} ${isLeader ? "is-leader" : "is-follower"} state-${brokerState}`,
      "data-broker": broker, "data-in-isr": String(inIsr), "data-leo": log.leo, tabindex: 0,
      role: "img", "aria-label": `Broker ${broker}, ${isLeader ? "leader" : "follower"}, log end offset ${log.leo}, ${inIsr ? "in the ISR" : "out of the ISR"}`,
    });
    // Wide: a card on the left, the bar, the offset and badge on the right.
    // Narrow: the name, role and badge on one line, the bar and offset under it.
    keyed(g, "rect", "card", G.card ? { x: 24, y: y - 26, width: 170, height: 52, rx: 8, class: "replica-card" }
      : { x: 22, y: y - 44, width: 306, height: 90, rx: 8, class: "replica-card" });
    setText(keyed(g, "text", "name", { x: G.name[0], y: y + G.name[1], class: "replica-name" }), `Broker ${broker}`);
    setText(keyed(g, "text", "role", { x: G.role[0], y: y + G.role[1], class: "replica-role" }),
      down ? brokerState : isLeader ? "Leader" : slowMs ? `Follower · slowed ${formatMs(slowMs)}` : "Follower");
    keyed(g, "rect", "track", { x: bar.x, y: y - 9, width: bar.w, height: 18, rx: 9, class: "bar-track" });
    keyed(g, "rect", "fill", { x: bar.x, y: y - 9, width: Math.max(0, barX(log.leo, scale, bar) - bar.x), height: 18, rx: 9, class: "bar-fill" });
    setText(keyed(g, "text", "leo", { x: G.offset[0], y: y + G.offset[1], class: "replica-offset" }), `offset ${log.leo}`);
    setText(keyed(g, "text", "badge", { x: G.badge[0], y: y + G.badge[1], "text-anchor": G.badgeAnchor, class: "isr-badge" }), inIsr ? "✓ ISR" : "✗ OUT");

    // The lag clock: how long this follower's oldest fetch has been on its way to
    // the leader, against replica.lag.time.max.ms. It grows with simulated time,
    // so a slowed follower's clock visibly runs out before it leaves the ISR.
    const waiting = isLeader || down ? null : fetchWaitMs(state, broker, partition.leader, nowMs);
    const showClock = waiting !== null && waiting >= CLOCK_FROM_MS;
    const fraction = showClock ? Math.min(1, waiting / lagMax) : 0;
    keyed(g, "rect", "clock", {
      x: bar.x, y: y + G.clock, width: fraction * bar.w, height: 4, rx: 2,
      class: `lag-clock ${fraction >= 1 ? "is-over" : ""}`,
    });
    setText(keyed(g, "text", "clock-label", { x: bar.x, y: y + G.clockLabel, class: "lag-clock-label" }),
      showClock ? `fetch on its way for ${formatMs(Math.round(waiting))} · limit ${formatMs(lagMax)}` : "");
    g.dataset.fetchWaitMs = showClock ? String(Math.round(waiting)) : "0";
  });
  prune(rows, keep);

  // The high watermark: the lowest LEO among the ISR; consumers read below it.
  const hwX = barX(hw, scale, bar);
  const hwLine = layer(svg, "hw");
  const hwTop = G.narrow ? G.firstY - 52 : G.firstY - 36;
  keyed(hwLine, "line", "l", { x1: hwX, x2: hwX, y1: hwTop, y2: G.rowY(Math.max(0, replicas.length - 1)) + 30, class: "hw-line" });
  setText(keyed(hwLine, "text", "t", { x: hwX, y: hwTop - 6, "text-anchor": "middle", class: "hw-label" }), `HW ${hw}`);
  svg.dataset.isr = (partition.isr || []).join(",");
  svg.dataset.hw = String(hw);

  // Fetches between followers and the leader, positioned by simulated time.
  const flights = layer(svg, "flights");
  const keepFlights = new Set();
  if (leaderIndex >= 0) {
    for (const m of drawnFlights(state, nowMs, (x) => /fetch/.test(x.message_kind))) {
      const source = brokerIdOf(m.source);
      const target = brokerIdOf(m.target);
      const from = replicas.indexOf(source);
      const to = replicas.indexOf(target);
      if (from < 0 || to < 0) continue;
      const f = options.reducedMotion ? 0.5 : hopFraction(m, nowMs);
      const x = G.flightX(Math.max(from, to));
      const y = lerp(G.rowY(from), G.rowY(to), f);
      keepFlights.add(String(m.message_id));
      keyed(flights, "circle", m.message_id, {
        cx: x, cy: y, r: 5, class: /response/.test(m.message_kind) ? "fetch-dot response" : "fetch-dot",
      });
    }
  }
  prune(flights, keepFlights);
}
