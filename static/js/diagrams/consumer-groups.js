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
 * svg data attributes: data-topic, data-groups="payment-service,analytics-service".
 */
import { keyed, layer, prune, setText } from "./geometry.js";

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

/** A member's short display name: "consumer:A" -> "A"; "payment-service-A-1" stays as it is. */
export function shortName(id) {
  return String(id).replace(/^consumer:/, "");
}

/**
 * What a member is doing, as its label says it: {text, words, kind}.
 * kind: "crashed", "rebalancing", "idle" or "reading". Pure.
 * (Kafka: ConsumerCoordinator / AbstractCoordinator's join and sync phases.)
 */
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
  const layout = groupLayout(groups);

  // Partitions of the topic
  const parts = layer(svg, "partitions");
  setText(layer(svg, "topic-label"), `topic “${topic}” · ${partitions.length} partitions`);
  const keepParts = new Set();
  partitions.forEach((p, i) => {
    keepParts.add(String(p));
    const y = partitionY(i, partitions.length);
    const g = keyed(parts, "g", p, { class: "cg-partition", "data-partition": p });
    keyed(g, "rect", "r", { x: PARTITION_X, y: y - 20, width: PARTITION_W, height: 40, rx: 8 });
    setText(keyed(g, "text", "t", { x: PARTITION_X + PARTITION_W / 2, y, "text-anchor": "middle", "dominant-baseline": "central" }), `P${p}`);
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
    keyed(g, "rect", "frame", { x: MEMBER_X - 14, y: slot.y0, width: MEMBER_W + 120, height: slot.height, rx: 10, class: "cg-frame" });
    const assignor = info.data.protocol || "";
    setText(keyed(g, "text", "name", { x: MEMBER_X - 4, y: slot.y0 + 19, class: "cg-name" }),
      `${info.group}${info.data.state ? ` · ${info.data.state}` : ""}${assignor ? ` · ${assignor}` : ""}`);
    const keepMembers = new Set(["frame", "name"]);
    slot.members.forEach(({ id, y }) => {
      const member = info.data.members[id];
      const owned = assignmentOf(member, topic).sort((a, b) => a - b);
      const status = memberStatus(member.state, info.data.state, owned);
      const idle = status.kind === "idle";
      if (idle) idleCount += 1;
      const key = `m-${id}`;
      keepMembers.add(key);
      const mg = keyed(g, "g", key, { class: `cg-member is-${status.kind}`, "data-member": id, "data-owns": owned.join(","),
        "data-status": status.kind, tabindex: 0, role: "img", "aria-label": `${shortName(id)} in ${info.group}: ${status.words}` });
      keyed(mg, "rect", "r", { x: MEMBER_X, y: y - MEMBER_H / 2, width: MEMBER_W, height: MEMBER_H, rx: 7 });
      setText(keyed(mg, "text", "n", { x: MEMBER_X + 10, y, "dominant-baseline": "central" }), `Consumer ${shortName(id)}`);
      setText(keyed(mg, "text", "a", { x: MEMBER_X + MEMBER_W + 8, y, "dominant-baseline": "central", class: "cg-owns" }),
        status.text);
      for (const p of owned) {
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
  setText(warning, idleCount ? "⚠ More consumers than partitions: the extra consumers sit IDLE until a member leaves." : "");
  svg.dataset.idle = String(idleCount);
}
