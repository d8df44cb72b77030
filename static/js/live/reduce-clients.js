/**
 * reduce-clients.js — how producers', consumers' and groups' events change
 * the model: producers and their configs, consumer groups with their members
 * (status, assignment, positions), committed offsets, consumers' configs and
 * session deadlines, and the last command the simulation accepted.
 *
 * A table {event kind: (state, event) => void}, composed by store.js.
 */
import { tpObject } from "./model.js";

function group(state, e) {
  const id = e.group ?? e.group_id;
  const g = state.groups[id] || { group: id, state: "", generation: 0, protocol: null, members: {}, offsets: {} };
  state.groups[id] = { ...g, members: { ...g.members }, offsets: { ...g.offsets } };
  return state.groups[id];
}

function member(state, e, patch) {
  const g = group(state, e);
  const m = { ...(g.members[e.consumer] || { id: e.consumer, group: g.group, state: "", assignment: [], positions: {} }), ...patch };
  g.members[e.consumer] = m;
  return m;
}

export const CLIENT_REDUCERS = {
  command_applied(s, e) { s.lastCommand = { command: e.command, at_ms: e.at_ms }; },
  producer_added(s, e) { s.producers[e.producer] = { name: e.producer, configs: e.configs || {} }; },
  producer_removed(s, e) { delete s.producers[e.producer]; },
  // A real Kafka client through the gateway (docs/events.md, "Outside clients").
  wire_client_connected(s, e) { s.wireClients[e.client] = { client: e.client, actor_id: e.actor_id, label: e.label }; },
  wire_client_closed(s, e) { delete s.wireClients[e.client]; },
  consumer_added(s, e) {
    member(s, e, { state: "rebalancing", assignment: [], positions: {}, crashed_at_ms: null });
    s.consumerConfigs = { ...s.consumerConfigs, [e.consumer]: e.configs || {} };
  },
  consumer_removed(s, e) {
    const g = group(s, e);
    delete g.members[e.consumer];
    const { [e.consumer]: _gone, ...rest } = s.consumerConfigs;
    s.consumerConfigs = rest;
  },
  consumer_crashed(s, e) { member(s, e, { state: "crashed", crashed_at_ms: e.at_ms }); },
  // A restarted consumer is a new member: no assignment, no positions yet
  // (consumers/client.py _reset_membership_state), until it rejoins.
  consumer_restarted(s, e) { member(s, e, { state: "rebalancing", crashed_at_ms: null, assignment: [], positions: {} }); },
  consumer_status_changed(s, e) { member(s, e, { state: e.status }); },
  consumer_config_changed(s, e) { s.consumerConfigs = { ...s.consumerConfigs, [e.consumer]: e.configs || {} }; },
  assignment_changed(s, e) {
    const m = member(s, e, { assignment: (e.assignment || []).map(tpObject) });
    // The consumer forgets its position in every partition it gave up.
    const positions = { ...m.positions };
    for (const tp of (e.revoked || []).map(tpObject)) delete positions[`${tp.topic}-${tp.partition}`];
    m.positions = positions;
  },
  consumer_position_changed(s, e) {
    const m = member(s, e, {});
    m.positions = { ...m.positions, [`${e.topic}-${e.partition}`]: e.position };
  },
  group_state_changed(s, e) {
    const g = group(s, e);
    g.state = e.state;
    g.generation = e.generation;
    g.protocol = "protocol" in e ? e.protocol : g.protocol; // the chosen assignor (null once the group is empty)
  },
  offset_committed(s, e) { group(s, e).offsets[`${e.topic}-${e.partition}`] = e.offset; },
};
