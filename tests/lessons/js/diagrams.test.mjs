// Pure parts of the lesson diagrams, run with `node --test` (tests/lessons/test_diagram_js.py).
// Every event fed here is shaped like the simulator's own (docs/events.md).
import test from "node:test";
import assert from "node:assert/strict";

import { clamp, ease, flightFraction, glow, pointAlong, spread } from "../../../static/js/diagrams/geometry.js";
import { formatMs, isDown, survival, batchesOf } from "../../../static/js/live/view.js";
import { cellKind, markerX, windowStart, CELLS, ROW_X, CELL_W } from "../../../static/js/diagrams/partition-log.js";
import { offsetScale, barX, BAR_X, BAR_W } from "../../../static/js/diagrams/isr.js";
import { laneVerdict } from "../../../static/js/diagrams/acks.js";
import { stepOfEvent, stepsDone } from "../../../static/js/diagrams/message-flow.js";
import { groupLayout, idleForWantOfPartitions, memberStatus, shortName } from "../../../static/js/diagrams/consumer-groups.js";
import { commandMatches } from "../../../static/js/diagrams/config.js";
import { initialState, reduceEvent } from "../../../static/js/live/store.js";

test("a message's place in flight comes from simulated time only", () => {
  assert.equal(flightFraction(100, 200, 100), 0);
  assert.equal(flightFraction(100, 200, 150), 0.5);
  assert.equal(flightFraction(100, 200, 999), 1);
  assert.equal(flightFraction(100, 200, 0), 0);
  assert.equal(flightFraction(100, 100, 50), 1, "an instant hop has arrived");
  assert.deepEqual(pointAlong({ x: 0, y: 0 }, { x: 10, y: 20 }, 0.5), { x: 5, y: 10 });
});

test("geometry helpers stay in range", () => {
  assert.equal(clamp(5, 0, 3), 3);
  assert.equal(ease(0.5), 0.5);
  assert.equal(ease(0.3, true), 0.3, "reduced motion: no easing");
  assert.deepEqual(spread(2, 0, 100), [25, 75]);
  assert.equal(glow(0), 1);
  assert.equal(glow(5000, 1000), 0);
});

test("durations read like a person would say them", () => {
  assert.equal(formatMs(604800000), "7 days");
  assert.equal(formatMs(30000), "30 s");
  assert.equal(formatMs(2500), "2.5 s");
  assert.equal(formatMs(60000), "1 min");
  assert.equal(formatMs(40), "40 ms");
});

test("a broker the simulator calls online is up; crashed or fenced is down", () => {
  const state = { brokers: { 1: { state: "online" }, 2: { state: "crashed" }, 3: { state: "fenced" } } };
  assert.equal(isDown(state, 1), false);
  assert.equal(isDown(state, 2), true);
  assert.equal(isDown(state, 3), true);
});

test("the partition log window ends just after the LEO and classifies every cell", () => {
  assert.equal(windowStart(5), 0);
  assert.equal(windowStart(40), 40 - (CELLS - 1));
  const log = { log_start: 4, hw: 8, leo: 10 };
  assert.equal(cellKind(2, log), "deleted");
  assert.equal(cellKind(5, log), "replicated");
  assert.equal(cellKind(8, log), "unreplicated");
  assert.equal(cellKind(10, log), "next");
  assert.equal(cellKind(11, log), "future");
  assert.equal(markerX(0, 20), ROW_X, "an offset before the window pins to its left edge");
  assert.equal(markerX(21, 20), ROW_X + CELL_W);
});

test("ISR bars share one offset scale up to the leader's LEO", () => {
  const scale = offsetScale([100, 100, 85]);
  assert.equal(scale.hi, 100);
  assert.equal(scale.lo, 80);
  assert.equal(barX(100, scale), BAR_X + BAR_W);
  assert.ok(barX(85, scale) < barX(100, scale));
});

function producerEvents() {
  return [
    { kind: "records_queued", seq: 1, at_ms: 100, producer: "one", topic: "payments", record_count: 1,
      records: [{ key: null, value: "pay-1", partition: 1, reason: "explicit", murmur2: null }] },
    { kind: "batch_sent", seq: 2, at_ms: 105, producer: "one", batch_id: 1, topic: "payments", partition: 1,
      broker: 1, record_count: 1, size_bytes: 70, compressed_size_bytes: 70, compression: "none", base_sequence: 0, attempt: 1 },
    { kind: "produce_acknowledged", seq: 3, at_ms: 165, producer: "one", batch_id: 1, topic: "payments",
      partition: 1, base_offset: 0, last_offset: 0, record_count: 1, acks: "1", attempt: 1 },
  ];
}

test("producer tracking pairs queued records with the batch that carried them", () => {
  const state = { ...initialState(), ready: true };
  for (const e of producerEvents()) reduceEvent(state, e);
  const [batch] = batchesOf(state, "one");
  assert.equal(batch.batch_id, 1);
  assert.deepEqual(batch.values, ["pay-1"]);
  assert.equal(batch.acked_at_ms - batch.sent_at_ms, 60);
  assert.equal(batch.base_offset, 0);
});

test("an acknowledged record is lost when the leader's log no longer holds it", () => {
  const acked = { base_offset: 0, values: ["pay-1"], acked_at_ms: 165 };
  assert.equal(survival(acked, { leo: 0 }, [], true), "lost");
  assert.equal(survival(acked, { leo: 1 }, [{ offset: 0, value: "pay-2" }], true), "lost");
  assert.equal(survival(acked, { leo: 1 }, [{ offset: 0, value: "pay-1" }], true), "kept");
  assert.equal(survival(acked, { leo: 1 }, [], true), "unknown");
  assert.equal(survival(acked, null, [], false), "offline");
  const verdict = laneVerdict("1", { ...acked, sent_at_ms: 105 }, "lost", [2, 3], 2);
  assert.equal(verdict.tone, "error");
  assert.match(verdict.text, /LOST/);
  const refused = laneVerdict("all", { error: "NOT_ENOUGH_REPLICAS", will_retry: true }, null, [2], 2);
  assert.match(refused.text, /min\.insync\.replicas=2/);
});

test("each engine event maps to the guide's step it performs", () => {
  const ctx = { producer: "A", topic: "orders", group: "payment-service" };
  const step = (e) => stepOfEvent({ seq: 1, at_ms: 0, ...e }, ctx);
  assert.equal(step({ kind: "records_queued", producer: "A" }), 1);
  assert.equal(step({ kind: "batch_sent", producer: "A" }), 2);
  assert.equal(step({ kind: "records_appended", topic: "orders", role: "leader" }), 3);
  assert.equal(step({ kind: "records_appended", topic: "orders", role: "follower" }), 4);
  assert.equal(step({ kind: "high_watermark_changed", topic: "orders" }), 4);
  assert.equal(step({ kind: "produce_acknowledged", producer: "A" }), 5);
  assert.equal(step({ kind: "consumer_position_changed", topic: "orders", group: "payment-service", reason: "poll" }), 6);
  assert.equal(step({ kind: "offset_committed", topic: "orders", group: "payment-service" }), 6);
  assert.equal(step({ kind: "offset_committed", topic: "orders", group: "someone-else" }), 0);
  assert.equal(step({ kind: "batch_sent", producer: "B" }), 0);
  // Following the record at orders-1 offset 3: only a read or commit past it is step 6.
  const at = (e) => stepOfEvent({ seq: 1, at_ms: 0, topic: "orders", group: "payment-service", ...e },
    { ...ctx, partition: 1, offset: 3 });
  assert.equal(at({ kind: "offset_committed", partition: 1, offset: 3 }), 0);  // an older position
  assert.equal(at({ kind: "offset_committed", partition: 1, offset: 4 }), 6);
  assert.equal(at({ kind: "offset_committed", partition: 0, offset: 9 }), 0);
  assert.equal(at({ kind: "consumer_position_changed", reason: "poll", partition: 1, position: 4 }), 6);
  assert.equal(at({ kind: "consumer_position_changed", reason: "poll", partition: 1, position: 3 }), 0);
});

test("steps done are judged one by one from state", () => {
  const batch = { sent_at_ms: 5, base_offset: 3, acked_at_ms: 50 };
  const done = stepsDone(batch, { leo: 4, hw: 4 }, [{ leo: 4 }, { leo: 4 }], 4, "all");
  assert.deepEqual([...done].sort(), [1, 2, 3, 4, 5, 6]);
  const early = stepsDone({ sent_at_ms: 5, expected_offset: 3 }, { leo: 4, hw: 3 }, [{ leo: 3 }], null, "all");
  assert.deepEqual([...early].sort(), [1, 2, 3]);
});

test("consumer groups stack on the right, members in order", () => {
  const layout = groupLayout([{ group: "g1", members: ["A", "B"] }, { group: "g2", members: ["X"] }]);
  assert.equal(layout.length, 2);
  assert.ok(layout[1].y0 > layout[0].y0 + layout[0].height);
  assert.ok(layout[0].members[1].y > layout[0].members[0].y);
  assert.equal(shortName("consumer:A"), "A");
});

test("the store keeps what the consumer-groups diagram reads: assignments, assignor, offsets", () => {
  const state = { ...initialState(), ready: true };
  reduceEvent(state, { kind: "consumer_added", seq: 1, at_ms: 0, consumer: "X", group: "analytics", client_id: "", principal: "", configs: {}, topics: ["orders"] });
  reduceEvent(state, { kind: "group_state_changed", seq: 2, at_ms: 1, group: "analytics", state: "Stable", generation: 2, protocol: "roundrobin", rebalance_protocol: "eager", leader: "m1", members: ["m1"], coordinator: 1, log: null });
  reduceEvent(state, { kind: "assignment_changed", seq: 3, at_ms: 2, group: "analytics", consumer: "X", member_id: "m1", generation: 2, assignment: [["orders", 0], ["orders", 2]], added: [], revoked: [], log: null });
  reduceEvent(state, { kind: "offset_committed", seq: 4, at_ms: 3, group: "analytics", consumer: "X", topic: "orders", partition: 0, offset: 7, commit_kind: "auto", coordinator: 1, offsets_partition: 3, record_offset: 0 });
  const g = state.groups.analytics;
  assert.equal(g.protocol, "roundrobin");
  assert.deepEqual(g.members.X.assignment.map((a) => a.partition), [0, 2]);
  assert.equal(g.offsets["orders-0"], 7);
  reduceEvent(state, { kind: "consumer_removed", seq: 5, at_ms: 4, consumer: "X", group: "analytics" });
  assert.equal(state.groups.analytics.members.X, undefined);
});

test("a config row matches the command the simulator echoes back with defaults filled in", () => {
  const sent = { type: "produce", producer: "acks1", topic: "orders", partition: 0, value: "a1" };
  const echoed = { ...sent, key: null, headers: {}, count: 1 };
  assert.ok(commandMatches(sent, echoed));
  assert.ok(!commandMatches(sent, { ...echoed, producer: "acks0" }));
  assert.ok(!commandMatches({ type: "crash_broker", broker: 3 }, { type: "restart_broker", broker: 3 }));
});

test("the ISR lag clock is the age of a follower's oldest fetch still on its way", async () => {
  const { fetchWaitMs } = await import("../../../static/js/diagrams/isr.js");
  const state = { inflight: {
    7: { message_id: 7, message_kind: "fetch", source: "broker:2", target: "broker:1", sent_at_ms: 1000, arrive_at_ms: 21000 },
    8: { message_id: 8, message_kind: "fetch_response", source: "broker:1", target: "broker:3", sent_at_ms: 5000, arrive_at_ms: 5040 },
  } };
  assert.equal(fetchWaitMs(state, 2, 1, 8500), 7500);
  assert.equal(fetchWaitMs(state, 3, 1, 8500), null, "a response to broker 3 is not its fetch");
});

test("acks latency bars use a log scale so milliseconds and seconds both show", async () => {
  const { latencyFraction } = await import("../../../static/js/diagrams/acks.js");
  assert.equal(latencyFraction(10), 0);
  assert.equal(latencyFraction(60_000), 1);
  assert.ok(latencyFraction(60) > 0.15 && latencyFraction(60) < 0.3);
  assert.ok(latencyFraction(15_000) > 0.8);
});

test("a refused batch keeps its error while the producer retries, until an ack", () => {
  const state = { ...initialState(), ready: true };
  const base = { producer: "all", batch_id: 4, topic: "payments", partition: 2 };
  reduceEvent(state, { kind: "batch_sent", seq: 1, at_ms: 0, ...base, broker: 2, record_count: 1, size_bytes: 70, compressed_size_bytes: 70, compression: "none", base_sequence: 0, attempt: 1 });
  reduceEvent(state, { kind: "produce_failed", seq: 2, at_ms: 40, ...base, error: "NOT_ENOUGH_REPLICAS", message: "", will_retry: true, attempt: 1 });
  reduceEvent(state, { kind: "batch_sent", seq: 3, at_ms: 140, ...base, broker: 2, record_count: 1, size_bytes: 70, compressed_size_bytes: 70, compression: "none", base_sequence: 0, attempt: 2 });
  assert.equal(batchesOf(state, "all")[0].error, "NOT_ENOUGH_REPLICAS");
  reduceEvent(state, { kind: "produce_acknowledged", seq: 4, at_ms: 900, ...base, base_offset: 1, last_offset: 1, record_count: 1, acks: "all", attempt: 2 });
  assert.equal(batchesOf(state, "all")[0].error, null);
});

test("during a rebalance a member is drawn rejoining, not idle; idle only once stable with nothing", () => {
  // Eager (range/roundrobin): the member revoked everything and sent JoinGroup.
  assert.deepEqual(memberStatus("rebalancing", "PreparingRebalance", []).text, "JoinGroup…");
  assert.equal(memberStatus("rebalancing", "PreparingRebalance", []).kind, "rebalancing");
  // The leader computed the plan; members wait for SyncGroup's answer.
  assert.equal(memberStatus("rebalancing", "CompletingRebalance", []).text, "SyncGroup…");
  // Cooperative: the member keeps reading what it owns while it rejoins.
  const coop = memberStatus("rebalancing", "PreparingRebalance", [0, 2]);
  assert.equal(coop.text, "P0, P2 · join");
  assert.match(coop.words, /keeps reading P0, P2/);
  assert.equal(memberStatus("idle", "Stable", []).kind, "idle");
  assert.equal(memberStatus("idle", "Stable", []).text, "IDLE");
  assert.equal(memberStatus("polling", "Stable", [1]).text, "P1");
  assert.equal(memberStatus("crashed", "Stable", [1]).kind, "crashed");
});

test("a member that got its partitions back fetches offsets before it polls: it shows them", () => {
  const s = memberStatus("rebalancing", "Stable", [0]);
  assert.equal(s.text, "P0");
  assert.match(s.words, /committed offsets/);
});

test("the 'more consumers than partitions' warning needs more members than partitions", () => {
  assert.equal(idleForWantOfPartitions(true, 4, 3), true);
  // One member left idle in an emptied group, three partitions: not this cause.
  assert.equal(idleForWantOfPartitions(true, 1, 3), false);
  assert.equal(idleForWantOfPartitions(false, 4, 3), false);
});

test("a real Kafka client through the gateway joins and leaves the model (docs/events.md, Outside clients)", async () => {
  const { wireClientSlots } = await import("../../../static/js/diagrams/cluster.js");
  const state = initialState();
  reduceEvent(state, { kind: "wire_client_connected", seq: 1, at_ms: 10, client: "gw-7", actor_id: "wire:gw-7",
    client_id: "kafka-python-3", software: "kafka-python", label: "kafka-python gw-7" });
  assert.deepEqual(state.wireClients["gw-7"], { client: "gw-7", actor_id: "wire:gw-7", label: "kafka-python gw-7" });
  reduceEvent(state, { kind: "wire_client_closed", seq: 2, at_ms: 20, client: "gw-7", actor_id: "wire:gw-7" });
  assert.deepEqual(state.wireClients, {});
  assert.equal(wireClientSlots(1, false), 2, "beside one producer, two clients fit on a wide screen");
  assert.equal(wireClientSlots(2, true), 0, "a phone's row of two is full");
});
