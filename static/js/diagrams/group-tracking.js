/**
 * Teaches the store (static/js/live/store.js) the consumer-group events that
 * its generic member handler does not cover, keeping the shape its view
 * documents: groups[g] = {group, state, members: {id: {id, group, state,
 * assignment}}, offsets: {"topic/p": offset}}, plus `protocol` (the chosen
 * assignor) and `generation`. Registered by the diagrams that draw groups.
 */
import { registerHandler } from "../live/store.js";

function groupOf(state, id) {
  const g = state.groups[id] || { group: id, state: "", members: {}, offsets: {} };
  state.groups = { ...state.groups, [id]: { ...g, members: { ...g.members }, offsets: { ...g.offsets } } };
  return state.groups[id];
}

export const GROUP_HANDLERS = {
  consumer_added(s, e) {
    const g = groupOf(s, e.group);
    g.members[e.consumer] = { id: e.consumer, group: e.group, state: "joining", assignment: [], configs: e.configs || {} };
  },
  consumer_removed(s, e) {
    delete groupOf(s, e.group).members[e.consumer];
  },
  consumer_crashed(s, e) {
    const g = groupOf(s, e.group);
    if (g.members[e.consumer]) g.members[e.consumer] = { ...g.members[e.consumer], state: "crashed", assignment: [] };
  },
  consumer_config_changed(s, e) {
    for (const g of Object.values(s.groups)) {
      if (g.members[e.consumer]) {
        const copy = groupOf(s, g.group);
        copy.members[e.consumer] = { ...copy.members[e.consumer], configs: e.configs || {} };
      }
    }
  },
  group_state_changed(s, e) {
    const g = groupOf(s, e.group);
    Object.assign(g, { state: e.state, generation: e.generation, protocol: e.protocol, rebalance_protocol: e.rebalance_protocol, leader: e.leader });
  },
  assignment_changed(s, e) {
    const g = groupOf(s, e.group);
    g.members[e.consumer] = { ...(g.members[e.consumer] || { id: e.consumer, group: e.group }), assignment: e.assignment || [], state: "assigned" };
  },
  offset_committed(s, e) {
    groupOf(s, e.group).offsets[`${e.topic}/${e.partition}`] = e.offset;
  },
  consumer_position_changed(s, e) {
    const g = groupOf(s, e.group);
    const m = { ...(g.members[e.consumer] || { id: e.consumer, group: e.group, assignment: [] }) };
    m.positions = { ...(m.positions || {}), [`${e.topic}/${e.partition}`]: e.position };
    if (e.reason === "poll") m.last_poll = { count: e.count, at_ms: e.at_ms, topic: e.topic, partition: e.partition };
    g.members[e.consumer] = m;
  },
};

for (const [kind, fn] of Object.entries(GROUP_HANDLERS)) registerHandler(kind, fn);
