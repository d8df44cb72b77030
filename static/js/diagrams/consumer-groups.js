/**
 * consumer-groups — topic partitions on the left, each consumer group on the
 * right with its members, and a line from every partition to the member that
 * owns it in that group. Every group reads every partition; inside a group a
 * partition has exactly one owner; a member with nothing assigned is drawn
 * idle with the guide's warning. During a rebalance a member is drawn doing
 * what a Kafka consumer does then: rejoining (JoinGroup, the group
 * PreparingRebalance) or waiting for its assignment (SyncGroup, the group
 * CompletingRebalance); with the cooperative protocol it keeps reading the
 * partitions it owns meanwhile. It is idle only once the group is stable and
 * gave it nothing. Assignments come straight from the
 * simulator's group events (the coordinator and assignors compute them), so
 * choosing an assignor shows exactly what Kafka would do.
 *
 * On a phone (layout "narrow") the partitions sit in a row on top and the
 * groups stack under them, in a viewBox as wide as the screen, so every
 * label reads at >= 12 px; there each member's label says what it reads and
 * the ownership lines are left out (on a phone's width they would cross
 * every member box).
 *
 * svg data attributes: data-topic, data-groups="payment-service,analytics-service".
 */
import { keyed, layer, layoutOf, prune, setLines, setText, useViewBox } from "./geometry.js";

export const PARTITION_X = 40;
export const PARTITION_W = 120;
export const MEMBER_X = 440;
export const MEMBER_W = 150;
export const MEMBER_H = 30;
export const GROUP_GAP = 26;
export const TOP = 56;

/** y of partition `index` of `count`, centred on the drawing's height. */
export function partitionY(index, count, height = 380) {
  const span = Math.min(90, (height - TOP - 20) / Math.max(1, count));
  const top = TOP + ((height - TOP) - span * count) / 2;
  return top + span * (index + 0.5);
}

/** Layout of groups stacked on the right: [{group, y0, members: [{id, y}]}]. Pure. */
export function groupLayout(groups) {
  let y = TOP - 16;
  return groups.map(({ group, members }) => {
    const y0 = y;
    const placed = members.map((id, i) => ({ id, y: y0 + 30 + i * (MEMBER_H + 8) + MEMBER_H / 2 }));
    y = y0 + 30 + Math.max(1, members.length) * (MEMBER_H + 8) + GROUP_GAP;
    return { group, y0, height: y - y0 - GROUP_GAP, members: placed };
  });
}

/** The phone's layout: partitions in a row at the top, groups stacked below. Pure. */
export const NARROW = { partitionsY: 52, partitionH: 36, memberX: 34, memberW: 132, memberH: 30, statusX: 176 };
export function narrowPartitionX(index, count) {
  const span = Math.min(84, 316 / Math.max(1, count));
  return 12 + (316 - span * count) / 2 + span * (index + 0.5);
}
export function narrowGroupLayout(groups, nameLines) {
  let y = NARROW.partitionsY + NARROW.partitionH + 30;
  return groups.map(({ group, members }, gi) => {
    const y0 = y;
    const head = 10 + nameLines[gi] * 16;
    const placed = members.map((id, i) => ({ id, y: y0 + head + i * (NARROW.memberH + 8) + NARROW.memberH / 2 }));
    y = y0 + head + Math.max(1, members.length) * (NARROW.memberH + 8) + 18;
    return { group, y0, height: y - y0 - 18, members: placed };
  });
}

/** A member's short display name: "consumer:A" -> "A"; "payment-service-A-1" stays as it is. */
export function shortName(id) {
  return String(id).replace(/^consumer:/, "");
}

/**
 * What a member is doing, as its label says it: {text, words, kind}.
 * kind: "crashed", "rebalancing", "idle" or "reading". Pure.
 * (Kafka: ConsumerCoordinator / AbstractCoordinator's join and sync phases.)
 */
/** Whether an idle member is idle because its group has more members than the
 * topic has partitions (the diagram's warning). A member idle for another
 * reason (its group emptied after a failure) must not get that warning: in a
 * mystery level it would point the learner at the wrong cause. */
export function idleForWantOfPartitions(idle, memberCount, partitionCount) {
  return Boolean(idle) && memberCount > partitionCount;
}

export function memberStatus(memberState, groupState, owned) {
  const list = owned.map((p) => `P${p}`).join(", ");
  if (memberState === "crashed") {
    return { kind: "crashed", text: "crashed", words: "crashed; the coordinator waits out its session timeout" };
  }
  if (memberState === "rebalancing") {
    if (groupState !== "PreparingRebalance" && groupState !== "CompletingRebalance" && owned.length) {
      // SyncGroup answered: it has its partitions and reads their committed offsets first.
      return { kind: "rebalancing", text: list, words: `assigned ${list}; fetching its committed offsets before it polls` };
    }
    const syncing = groupState === "CompletingRebalance";
    const phase = syncing ? "SyncGroup…" : "JoinGroup…";
    const words = syncing ? "rebalancing: sent SyncGroup, waiting for its assignment"
      : "rebalancing: sent JoinGroup, waiting for the other members to rejoin";
    if (owned.length) return { kind: "rebalancing", text: `${list} · ${syncing ? "sync" : "join"}`, words: `${words}; keeps reading ${list} meanwhile` };
    return { kind: "rebalancing", text: phase, words };
  }
  if (!owned.length) return { kind: "idle", text: "IDLE", words: "idle, no partitions" };
  return { kind: "reading", text: list, words: `reads ${list}` };
}

function assignmentOf(member, topic) {
  return (member.assignment || [])
    .map((a) => (Array.isArray(a) ? { topic: a[0], partition: a[1] } : a))
    .filter((a) => a.topic === topic)
    .map((a) => Number(a.partition));
}

export function render(svg, state, nowMs) {
  const topic = svg.dataset.topic || "orders";
  const wanted = (svg.dataset.groups || "").split(",").filter(Boolean);
  const t = state.topics[topic];
  const partitions = t ? Object.keys(t.partitions).map(Number).sort((a, b) => a - b) : [];
  const groupIds = wanted.length ? wanted : Object.keys(state.groups || {}).sort();
  const groups = groupIds.map((id) => {
    const g = (state.groups || {})[id] || { members: {}, state: "Empty" };
    const members = Object.values(g.members).filter((m) => m.state !== "left" && m.state !== "removed")
      .map((m) => m.id).sort();
    return { group: id, members, data: g };
  });
  const narrow = layoutOf(svg) === "narrow";
  const nameOf = (info) => `${info.group}${info.data.state ? ` · ${info.data.state}` : ""}${info.data.protocol ? ` · ${info.data.protocol}` : ""}`;
  const nameLines = groups.map((info) => (narrow ? Math.min(3, Math.ceil(nameOf(info).length / 34)) : 1));
  const layout = narrow ? narrowGroupLayout(groups, nameLines) : groupLayout(groups);
  const partitionAt = (i) => (narrow ? { x: narrowPartitionX(i, partitions.length), y: NARROW.partitionsY + NARROW.partitionH / 2 }
    : { x: PARTITION_X + PARTITION_W / 2, y: partitionY(i, partitions.length) });

  // Partitions of the topic
  const parts = layer(svg, "partitions");
  setText(layer(svg, "topic-label"), `topic “${topic}” · ${partitions.length} partitions`);
  const keepParts = new Set();
  partitions.forEach((p, i) => {
    keepParts.add(String(p));
    const at = partitionAt(i);
    const w = narrow ? Math.min(64, 316 / Math.max(1, partitions.length) - 8) : PARTITION_W;
    const h = narrow ? NARROW.partitionH : 40;
    const g = keyed(parts, "g", p, { class: "cg-partition", "data-partition": p });
    keyed(g, "rect", "r", { x: at.x - w / 2, y: at.y - h / 2, width: w, height: h, rx: 8 });
    setText(keyed(g, "text", "t", { x: at.x, y: at.y, "text-anchor": "middle", "dominant-baseline": "central" }), `P${p}`);
  });
  prune(parts, keepParts);

  // Groups, members, ownership lines
  const groupLayer = layer(svg, "groups");
  const lines = layer(svg, "assignments");
  const keepGroups = new Set();
  const keepLines = new Set();
  let idleCount = 0;
  layout.forEach((slot, gi) => {
    const info = groups[gi];
    keepGroups.add(info.group);
    const g = keyed(groupLayer, "g", info.group, { class: `cg-group state-${String(info.data.state || "").toLowerCase()}`, "data-group": info.group });
    keyed(g, "rect", "frame", narrow ? { x: 12, y: slot.y0, width: 316, height: slot.height, rx: 10, class: "cg-frame" }
      : { x: MEMBER_X - 14, y: slot.y0, width: MEMBER_W + 120, height: slot.height, rx: 10, class: "cg-frame" });
    setLines(keyed(g, "text", "name", { class: "cg-name" }), nameOf(info), narrow ? 22 : MEMBER_X - 4, slot.y0 + 19,
      narrow ? 34 : null, 16);
    const keepMembers = new Set(["frame", "name"]);
    slot.members.forEach(({ id, y }) => {
      const member = info.data.members[id];
      const owned = assignmentOf(member, topic).sort((a, b) => a - b);
      const status = memberStatus(member.state, info.data.state, owned);
      const idle = status.kind === "idle";
      if (idleForWantOfPartitions(idle, slot.members.length, partitions.length)) idleCount += 1;
      const key = `m-${id}`;
      keepMembers.add(key);
      const mg = keyed(g, "g", key, { class: `cg-member is-${status.kind}`, "data-member": id, "data-owns": owned.join(","),
        "data-status": status.kind, tabindex: 0, role: "img", "aria-label": `${shortName(id)} in ${info.group}: ${status.words}` });
      const mx = narrow ? NARROW.memberX : MEMBER_X;
      const mw = narrow ? NARROW.memberW : MEMBER_W;
      keyed(mg, "rect", "r", { x: mx, y: y - MEMBER_H / 2, width: mw, height: MEMBER_H, rx: 7 });
      setText(keyed(mg, "text", "n", { x: mx + 10, y, "dominant-baseline": "central" }), `Consumer ${shortName(id)}`);
      setText(keyed(mg, "text", "a", { x: narrow ? NARROW.statusX : MEMBER_X + MEMBER_W + 8, y, "dominant-baseline": "central", class: "cg-owns" }),
        status.text);
      for (const p of narrow ? [] : owned) {
        const pi = partitions.indexOf(p);
        if (pi < 0) continue;
        const lineKey = `${info.group}|${p}|${id}`;
        keepLines.add(lineKey);
        const py = partitionY(pi, partitions.length);
        keyed(lines, "path", lineKey, {
          d: `M${PARTITION_X + PARTITION_W},${py} C${PARTITION_X + PARTITION_W + 120},${py} ${MEMBER_X - 120},${y} ${MEMBER_X},${y}`,
          class: `cg-line group-${gi % 4}`,
        });
      }
    });
    prune(g, keepMembers);
  });
  prune(groupLayer, keepGroups);
  prune(lines, keepLines);

  const warning = layer(svg, "warning");
  const last = layout[layout.length - 1];
  const warningY = narrow ? (last ? last.y0 + last.height + 26 : 140) : 392;
  const warningLines = setLines(warning, idleCount ? "⚠ More consumers than partitions: the extra consumers sit IDLE until a member leaves." : "",
    narrow ? 12 : 20, warningY, narrow ? 40 : null);
  useViewBox(svg, narrow ? "narrow" : "wide", warningY + Math.max(0, warningLines - 1) * 17 + 10);
  svg.dataset.idle = String(idleCount);
}
