/**
 * config — the guide's config table made live. The HTML table beside this
 * svg holds the controls (plain buttons with data-command, one per choice);
 * this module draws the running cluster those choices act on (replicas and
 * ISR per partition, the last write and what it was told, the log's start and
 * end, the consumer's position and last poll) and fills each row's "what just
 * happened" cell from the simulation, lighting the row whose control sent the
 * last command. Text goes in through textContent only.
 *
 * svg data attributes: data-topic, data-consumer, data-group.
 * The table: [data-config-table] inside the same live sandbox, rows
 * tr[data-config-row=<config name>], cells [data-happened].
 * On a phone (layout "narrow") the grid's columns close up and the title and
 * readouts wrap, in a viewBox as wide as the screen: labels read at >= 12 px.
 */
import { keyed, layer, layoutOf, prune, setLines, setText, useViewBox } from "./geometry.js";

import { batchesOf, consumerConfigs, formatMs, isDown, latestEvent, logOf, partitionOf, topicConfig } from "../live/view.js";

const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);

/**
 * True when `applied` (a command as the simulator echoes it, defaults filled
 * in) is what the button's `sent` command asked for: every field the button
 * set has the same value.
 */
export function commandMatches(sent, applied) {
  if (!sent || !applied || sent.type !== applied.type) return false;
  return Object.entries(sent).every(([key, value]) => same(value, applied[key]));
}

/** The config row whose control sent `command`, or null. */
export function rowForCommand(table, command) {
  if (!table || !command) return null;
  let best = null;
  let bestFields = -1;
  for (const button of table.querySelectorAll("[data-command]")) {
    let sent;
    try { sent = JSON.parse(button.dataset.command); } catch { continue; }
    const fields = Object.keys(sent).length;
    if (commandMatches(sent, command) && fields > bestFields) {
      best = button.closest("[data-config-row]");
      bestFields = fields;
    }
  }
  return best;
}

const ROW_H = 34;
const WIDE = { gridX: 150, colW: 120, gridY: 58, wrap: null, textX: 20 };
const NARROW = { gridX: 60, colW: 92, gridY: 84, wrap: 44, textX: 12 };

function describeWrite(state, producers) {
  let newest = null;
  for (const name of producers) {
    const b = batchesOf(state, name)[0];
    if (b && (!newest || b.batch_id > newest.batch.batch_id || (b.sent_at_ms ?? 0) > (newest.batch.sent_at_ms ?? 0))) newest = { name, batch: b };
  }
  if (!newest) return { text: "No write yet.", name: null };
  const { name, batch } = newest;
  const acks = state.producers[name] ? String(state.producers[name].configs.acks ?? "all") : "?";
  if (batch.error) return { text: `producer ${name} (acks=${acks}): ${batch.error}`, name };
  if (acks === "0") return { text: `producer ${name} (acks=0): sent, no acknowledgement, offset unknown`, name };
  if (batch.acked_at_ms != null) return { text: `producer ${name} (acks=${acks}): acknowledged at offset ${batch.base_offset} after ${formatMs(batch.acked_at_ms - batch.sent_at_ms)}`, name };
  return { text: `producer ${name} (acks=${acks}): waiting for the acknowledgement…`, name };
}

export function render(svg, state, nowMs) {
  const topic = svg.dataset.topic || "orders";
  const consumerId = svg.dataset.consumer || "";
  const groupId = svg.dataset.group || "";
  const t = state.topics[topic];
  const partitions = t ? Object.keys(t.partitions).map(Number).sort((a, b) => a - b) : [];
  const brokers = Object.keys(state.brokers).map(Number).sort((a, b) => a - b);
  const G = layoutOf(svg) === "narrow" ? NARROW : WIDE;
  const narrow = G === NARROW;
  const { gridX: GRID_X, colW: COL_W, gridY: GRID_Y } = G;
  const title = layer(svg, "title");
  if (!title.dataset.text) title.dataset.text = title.textContent;
  setLines(title, title.dataset.text, G.textX, 22, narrow ? 40 : null);

  // Replica grid: partitions down, brokers across.
  const grid = layer(svg, "grid");
  const keep = new Set();
  brokers.forEach((b, j) => {
    const key = `b${b}`;
    keep.add(key);
    const down = isDown(state, b);
    setText(keyed(grid, "text", key, { x: GRID_X + j * COL_W + COL_W / 2, y: GRID_Y - 12, "text-anchor": "middle", class: `grid-head ${down ? "is-down" : ""}` }),
      `broker ${b}${down ? (narrow ? " ✗" : " (down)") : ""}`);
  });
  partitions.forEach((p, i) => {
    const y = GRID_Y + i * ROW_H;
    const part = partitionOf(state, topic, p);
    const key = `p${p}`;
    keep.add(key);
    setText(keyed(grid, "text", key, { x: GRID_X - 14, y: y + ROW_H / 2, "text-anchor": "end", "dominant-baseline": "central", class: "grid-row" }),
      `P${p}${part.leader == null ? " offline" : ""}`);
    brokers.forEach((b, j) => {
      const cellKey = `c${p}-${b}`;
      if (!part.replicas.includes(b)) return;
      keep.add(cellKey);
      const role = b === part.leader ? "leader" : part.isr.includes(b) ? "in-isr" : "out-of-isr";
      const log = logOf(state, topic, p, b) || { leo: 0 };
      const g = keyed(grid, "g", cellKey, { class: `grid-cell role-${role}` });
      keyed(g, "rect", "r", { x: GRID_X + j * COL_W + 6, y: y + 3, width: COL_W - 12, height: ROW_H - 6, rx: 6 });
      setText(keyed(g, "text", "t", { x: GRID_X + j * COL_W + COL_W / 2, y: y + ROW_H / 2, "text-anchor": "middle", "dominant-baseline": "central" }),
        `${role === "leader" ? "★ " : ""}${log.leo}`);
    });
  });
  prune(grid, keep);

  // Readouts and the table's "what just happened" column.
  const producers = Object.keys(state.producers).sort();
  const write = describeWrite(state, producers);
  const p0 = partitionOf(state, topic, 0);
  const leaderLog0 = p0 && p0.leader != null ? logOf(state, topic, 0, p0.leader) : null;
  const rf = p0 ? p0.replicas.length : 0;
  const minIsr = topicConfig(state, topic, "min.insync.replicas", 1);
  const group = state.groups[groupId];
  const member = group && group.members[consumerId];
  const committed = group ? Object.entries(group.offsets).filter(([k]) => k.startsWith(`${topic}-`))
    .map(([k, v]) => `P${k.slice(topic.length + 1)}:${v}`).sort().join(" ") : "";
  const configs = consumerConfigs(state, consumerId);
  const lastPoll = latestEvent(state, ["consumer_position_changed"], (e) => e.consumer === consumerId && e.reason === "poll");
  const autoCommit = configs["enable.auto.commit"] ?? true;
  const offline = partitions.filter((p) => partitionOf(state, topic, p).leader == null);
  const happened = {
    "acks": write.text,
    "replication.factor": `${topic}: ${rf} copies of each partition, so ${Math.max(0, rf - 1)} broker${rf === 2 ? "" : "s"} can fail. ${offline.length ? `Offline now: ${offline.map((p) => `P${p}`).join(", ")}.` : "Every partition has a leader."}`,
    "min.insync.replicas": p0 ? `P0's ISR is {${p0.isr.join(", ")}}; min.insync.replicas=${minIsr}: acks=all writes ${p0.isr.length >= minIsr ? "are accepted" : "are refused (NotEnoughReplicas)"}.` : "",
    "retention.ms": leaderLog0 ? `retention.ms=${formatMs(topicConfig(state, topic, "retention.ms", 604800000))}: P0 starts at offset ${leaderLog0.log_start} (${leaderLog0.log_start} deleted), ends at ${leaderLog0.leo}.` : "",
    "num.partitions": `${topic} has ${partitions.length} partition${partitions.length === 1 ? "" : "s"}: at most ${partitions.length} consumer${partitions.length === 1 ? "" : "s"} of one group work in parallel; order holds per partition.`,
    "enable.auto.commit": member ? `${consumerId}: auto-commit ${autoCommit === false || autoCommit === "false" ? "off: committed only when the app commits" : "on: committed every auto.commit.interval.ms"}; committed ${committed || "nothing yet"}.` : `${consumerId || "the consumer"} is not running.`,
    "max.poll.records": lastPoll ? `${consumerId}'s latest poll returned ${lastPoll.count} record${lastPoll.count === 1 ? "" : "s"} (max.poll.records=${configs["max.poll.records"] ?? 500}).` : `max.poll.records=${configs["max.poll.records"] ?? 500}: the most one poll() returns.`,
  };
  if (narrow) {
    const y = GRID_Y + partitions.length * ROW_H + 24;
    const writeLines = setLines(layer(svg, "write"), `Last write: ${write.text}`, G.textX, y, G.wrap);
    const pollLines = setLines(layer(svg, "consumer"), happened["max.poll.records"], G.textX, y + writeLines * 17 + 6, G.wrap);
    useViewBox(svg, "narrow", y + (writeLines + pollLines) * 17 + 6);
  } else {
    setLines(layer(svg, "write"), `Last write: ${write.text}`, 20, 214);
    setLines(layer(svg, "consumer"), happened["max.poll.records"], 20, 238);
    useViewBox(svg, "wide", 0);
  }

  const table = svg.closest("[data-live-sandbox]")?.querySelector("[data-config-table]");
  if (table) {
    const latest = rowForCommand(table, state.lastCommand && state.lastCommand.command);
    for (const row of table.querySelectorAll("[data-config-row]")) {
      const cell = row.querySelector("[data-happened]");
      if (cell) setText(cell, happened[row.dataset.configRow] || "");
      row.classList.toggle("is-latest", row === latest);
    }
    svg.dataset.latestRow = latest ? latest.dataset.configRow : "";
  }
}
