/**
 * partition-log — one partition as a row of cells, old to new, with the four
 * markers that explain it: log start offset, high watermark (HW), log end
 * offset (LEO) and a consumer group's committed offset.
 *
 * Reads the leader's log from the store (leo, hw, log_start, records) and the
 * group's committed offset; records in flight to the leader glide in from the
 * producer by simulated time. Configuration comes from the svg's data
 * attributes: data-topic, data-partition, data-group. On a phone (layout
 * "narrow") the row shows the newest 8 offsets instead of 16, in a viewBox as
 * wide as the screen, so every label reads at >= 12 px.
 */
import { NARROW_W, clamp, keyed, layer, layoutOf, pointAlong, prune, setAttrs, setLines, setText, useViewBox } from "./geometry.js";
import { brokerIdOf, committedOffset, formatMs, drawnFlights, hopFraction, leaderLog, partitionOf, recordsOf, topicConfig } from "../live/view.js";

export const CELLS = 16;
export const CELL_W = 38;
export const CELL_H = 50;
export const ROW_X = 60;
export const ROW_Y = 125;

/** The row's geometry: a laptop's 16 cells, or a phone's 8 (layout "narrow"). */
export const WIDE = { cells: CELLS, cellW: CELL_W, rowX: ROW_X, width: 720, producer: { x: 560, y: 58 }, wrap: null };
export const NARROW = { cells: 8, cellW: 36, rowX: 24, width: NARROW_W, producer: { x: 270, y: 58 }, wrap: 44 };

/** The first offset shown: the window always ends just after the LEO slot. */
export function windowStart(leo, g = WIDE) {
  return Math.max(0, leo - (g.cells - 1));
}

/** Left edge of the cell for `offset` in a window starting at `first`. */
export function cellX(offset, first, g = WIDE) {
  return g.rowX + (offset - first) * g.cellW;
}

/** Where a marker for `offset` sits, clamped to the drawn row (offsets off-window pin to an edge). */
export function markerX(offset, first, g = WIDE) {
  return clamp(cellX(offset, first, g), g.rowX, g.rowX + g.cells * g.cellW);
}

/** What kind of cell `offset` is: deleted, replicated (below HW), unreplicated, the next slot, or beyond it. */
export function cellKind(offset, log) {
  if (offset < log.log_start) return "deleted";
  if (offset > log.leo) return "future";
  if (offset === log.leo) return "next";
  if (offset < log.hw) return "replicated";
  return "unreplicated";
}

const LABEL_CHAR_W = 6.8; // a 12px label's average character width, to keep labels inside
const SEGMENT_Y = ROW_Y + CELL_H + 8;

// Segment boundaries: the snapshot's `segments` (those that existed before the
// page connected) plus those the model saw roll since (state.segments).
/** Base offsets of the leader's segments still on disk, oldest first. */
export function segmentBases(state, topic, partitionId, leader, logStart) {
  const rawTopic = ((state.raw && state.raw.topics) || []).find((t) => (t.name ?? t.topic) === topic);
  const rawPartition = rawTopic && (rawTopic.partitions || []).find((p) => p.partition === partitionId);
  const fromSnapshot = ((rawPartition && rawPartition.segments) || []).map((s) => s.base_offset);
  const tracked = (state.segments && state.segments[`${topic}/${partitionId}/${leader}`]) || [];
  const bases = [...new Set([...fromSnapshot, ...tracked, logStart])].filter((b) => b >= logStart);
  return bases.sort((a, b) => a - b);
}

function drawMarker(parent, key, { x, label, tier, below, width }) {
  const g = keyed(parent, "g", key, { class: `marker marker-${key}`, transform: `translate(${x},0)` });
  const y0 = below ? ROW_Y + CELL_H : ROW_Y;
  const y1 = below ? ROW_Y + CELL_H + 34 + tier * 22 : ROW_Y - 22 - tier * 22;
  keyed(g, "line", "l", { x1: 0, x2: 0, y1: below ? ROW_Y - 6 : y0 - 0, y2: y1, class: "marker-line" });
  if (!below) keyed(g, "line", "through", { x1: 0, x2: 0, y1: ROW_Y, y2: ROW_Y + CELL_H + 6, class: "marker-through" });
  // Labels near the right edge read leftwards so they stay inside the drawing.
  const leftwards = x + label.length * LABEL_CHAR_W > width - 8;
  const text = keyed(g, "text", "t", {
    x: leftwards ? -4 : 4, y: below ? y1 + 4 : y1 - 4, class: "marker-label", "text-anchor": leftwards ? "end" : "start",
  });
  setText(text, label);
  return g;
}

export function render(svg, state, nowMs, options = {}) {
  const topic = svg.dataset.topic || "orders";
  const partitionId = Number(svg.dataset.partition || 0);
  const groupId = svg.dataset.group || "";
  const partition = partitionOf(state, topic, partitionId);
  const log = leaderLog(state, topic, partitionId) || { leo: 0, hw: 0, log_start: 0 };
  const G = layoutOf(svg) === "narrow" ? NARROW : WIDE;
  const narrow = G === NARROW;
  const first = windowStart(log.leo, G);

  setText(layer(svg, "title"), `${topic} · ${narrow ? "P" : "partition "}${partitionId}` +
    (partition && partition.leader != null ? ` · leader: broker ${partition.leader}` : " · no leader"));
  setAttrs(layer(svg, "producer-label"), { x: G.producer.x });
  // The axis labels: one line across a laptop's row; shorter on a phone's.
  const older = layer(svg, "axis-old");
  const newer = layer(svg, "axis-new");
  if (!older.dataset.text) { older.dataset.text = older.textContent; newer.dataset.text = newer.textContent; }
  setText(older, narrow ? "◄ old · brackets: segment files" : older.dataset.text);
  setText(newer, narrow ? "new ►" : newer.dataset.text);
  setAttrs(older, { x: G.rowX });
  setAttrs(newer, { x: G.rowX + G.cells * G.cellW });

  // Cells
  const cells = layer(svg, "cells");
  const byOffset = new Map(recordsOf(state, topic, partitionId).map((r) => [r.offset, r]));
  const keep = new Set();
  for (let i = 0; i < G.cells; i += 1) {
    const offset = first + i;
    const kind = cellKind(offset, log);
    const key = String(i);
    keep.add(key);
    const g = keyed(cells, "g", key, { class: `cell cell-${kind}`, "data-offset": offset, "data-kind": kind });
    keyed(g, "rect", "r", { x: cellX(offset, first, G) + 2, y: ROW_Y, width: G.cellW - 4, height: CELL_H, rx: 5 });
    setText(keyed(g, "text", "o", { x: cellX(offset, first, G) + G.cellW / 2, y: ROW_Y + CELL_H / 2, "text-anchor": "middle", "dominant-baseline": "central", class: "cell-offset" }),
      kind === "next" || kind === "future" ? "" : offset);
    const record = byOffset.get(offset);
    const tip = keyed(g, "title", "tip");
    setText(tip, kind === "deleted" ? `offset ${offset}: deleted by retention`
      : kind === "next" ? `offset ${offset}: the next record appended gets this offset`
        : `offset ${offset}${record ? ` · key ${record.key ?? "(none)"} · value ${record.value ?? ""}` : ""}`);
  }
  prune(cells, keep);

  // Segments: a bracket under each run of cells stored in one segment file.
  const segLayer = layer(svg, "segments");
  const bases = segmentBases(state, topic, partitionId, partition ? partition.leader : null, log.log_start);
  const keepSegs = new Set();
  bases.forEach((base, i) => {
    const end = i + 1 < bases.length ? bases[i + 1] : log.leo;
    const x0 = Math.max(cellX(base, first, G), G.rowX);
    const x1 = Math.min(cellX(Math.max(end, base + 1), first, G), G.rowX + G.cells * G.cellW);
    if (x1 <= x0) return;
    keepSegs.add(String(base));
    const g = keyed(segLayer, "g", base, { class: `segment ${i + 1 === bases.length ? "is-active" : ""}`, "data-base": base });
    keyed(g, "path", "p", { d: `M${x0 + 3},${SEGMENT_Y} v5 H${x1 - 3} v-5`, class: "segment-bracket" });
    setText(keyed(g, "title", "tip"), `segment starting at offset ${base}${i + 1 === bases.length ? " (active: being written)" : ""}`);
  });
  prune(segLayer, keepSegs);
  svg.dataset.segments = bases.join(",");

  // Markers: HW and LEO above, committed offset and log start below.
  const markers = layer(svg, "markers");
  const committed = committedOffset(state, groupId, topic, partitionId) ?? undefined;
  const width = G.width;
  drawMarker(markers, "leo", { x: markerX(log.leo, first, G), label: `LEO ${log.leo}`, tier: 0, below: false, width });
  drawMarker(markers, "hw", { x: markerX(log.hw, first, G), label: `HW ${log.hw}`, tier: 1, below: false, width });
  drawMarker(markers, "start", { x: markerX(log.log_start, first, G), label: `${log.log_start < first ? "◄ " : ""}log start ${log.log_start}`, tier: 1, below: true, width });
  if (committed !== undefined && committed !== null) {
    drawMarker(markers, "committed", { x: markerX(committed, first, G), label: `committed ${committed} (${groupId})`, tier: 0, below: true, width });
  } else {
    prune(markers, new Set(["leo", "hw", "start"]));
  }
  svg.dataset.leo = String(log.leo);
  svg.dataset.hw = String(log.hw);
  svg.dataset.logStart = String(log.log_start);
  svg.dataset.committed = committed === undefined || committed === null ? "" : String(committed);

  // Readouts
  const lag = committed === undefined || committed === null ? null : Math.max(0, log.hw - committed);
  const lines = setLines(layer(svg, "readout"),
    `replicated below HW: ${Math.max(0, log.hw - log.log_start)} · waiting for followers: ${Math.max(0, log.leo - log.hw)}` +
    (lag === null ? "" : ` · lag of ${groupId}: ${lag}`) +
    ` · retention.ms ${formatMs(topicConfig(state, topic, "retention.ms", 604800000))}`, narrow ? 12 : 20, 292, G.wrap);
  useViewBox(svg, narrow ? "narrow" : "wide", 292 + lines * 17);

  // Records in flight to this partition's leader glide in from the producer.
  const flights = layer(svg, "flights");
  const leaderId = partition ? partition.leader : null;
  const target = { x: cellX(log.leo, first, G) + G.cellW / 2, y: ROW_Y - 4 };
  const moving = drawnFlights(state, nowMs, (m) => /produce/.test(m.message_kind) && !/response/.test(m.message_kind)
    && brokerIdOf(m.target) === leaderId
    && (!m.summary || m.summary.partition === undefined || m.summary.partition === `${topic}-${partitionId}`));
  const keepFlights = new Set();
  for (const m of moving) {
    const f = options.reducedMotion ? 1 : hopFraction(m, nowMs);
    const p = pointAlong(G.producer, target, f);
    keepFlights.add(String(m.message_id));
    keyed(flights, "circle", m.message_id, { cx: p.x, cy: p.y, r: 7, class: "record-dot" });
  }
  prune(flights, keepFlights);
}
