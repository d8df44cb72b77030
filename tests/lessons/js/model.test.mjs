// The one model (static/js/live/): its composition, its reads, and the pure
// helpers the controls use. Run with `node --test` (tests/lessons/test_diagram_js.py).
import test from "node:test";
import assert from "node:assert/strict";

import { composeReducers, initialState, reduceEvent, reduceMessage, REDUCERS } from "../../../static/js/live/store.js";
import { LATE_FRAME_MS, MIN_HOP_MS } from "../../../static/js/live/model.js";
import {
  consumerSession, drawnFlights, groupLabel, hopFraction, messagePartition, producerStatus,
} from "../../../static/js/live/view.js";
import { lastConsumerName, newConsumerName } from "../../../static/js/live/consumer-names.js";

test("every event kind has one reducer, and a second claim is refused", () => {
  assert.throws(() => composeReducers({ a() {} }, { a() {} }), /two reducers for a/);
  for (const kind of ["records_queued", "batch_sent", "segment_rolled", "command_applied", "consumer_config_changed"]) {
    assert.equal(typeof REDUCERS[kind], "function", kind);
  }
  assert.throws(() => { REDUCERS.extra = () => {}; }, TypeError, "the table is frozen: no diagram adds to it");
});

test("the model has the same shape before any diagram is loaded", () => {
  const fresh = reduceMessage(initialState(), { type: "snapshot", now_ms: 0, state: {} }, 0);
  for (const key of ["produce", "segments", "consumerConfigs", "landed", "lastCommand"]) assert.ok(key in fresh, key);
});

test("a short hop is drawn over MIN_HOP_MS of simulated time, also after it landed", () => {
  const state = initialState();
  const sent = { kind: "message_sent", seq: 1, at_ms: 1000, message_id: 7, message_kind: "produce", source: "producer:A",
    target: "broker:2", sent_at_ms: 1000, arrive_at_ms: 1040, summary: { partition: "orders-1", records: 1 } };
  reduceEvent(state, sent);
  reduceEvent(state, { kind: "message_delivered", seq: 2, at_ms: 1040, message_id: 7, message_kind: "produce", source: "producer:A", target: "broker:2" });
  assert.deepEqual(Object.keys(state.inflight), []);
  assert.equal(drawnFlights(state, 1200).length, 1, "still drawn after it arrived");
  assert.equal(hopFraction(drawnFlights(state, 1200)[0], 1200), 200 / MIN_HOP_MS);
  assert.equal(drawnFlights(state, 1000 + MIN_HOP_MS).length, 0, "gone once its drawn hop ends");
  assert.equal(messagePartition(sent.summary), 1);
});

test("a hop first seen in a late live frame is drawn over its whole span from when the page shows it", () => {
  const sent = { kind: "message_sent", seq: 1, at_ms: 1005, message_id: 7, message_kind: "produce", source: "producer:A",
    target: "broker:2", sent_at_ms: 1005, arrive_at_ms: 1045, summary: { partition: "orders-1", records: 1 } };
  const delivered = { kind: "message_delivered", seq: 2, at_ms: 1045, message_id: 7, message_kind: "produce", source: "producer:A", target: "broker:2" };
  const playing = { ...initialState(), ready: true, playing: true, now_ms: 1000 };
  // The frame with the send and its delivery comes 100 ms after the send: the
  // page shows 1105 as it lands, so the hop starts there, at the producer.
  const late = reduceMessage(playing, { type: "events", now_ms: 1105, events: [sent, delivered] }, 0);
  const [m] = drawnFlights(late, 1105);
  assert.ok(m, "still drawn though it already arrived");
  assert.equal(hopFraction(m, 1105), 0, "it leaves its sender in front of the learner");
  assert.equal(hopFraction(m, 1105 + MIN_HOP_MS / 2), 0.5);
  assert.equal(drawnFlights(late, 1105 + MIN_HOP_MS - 1).length, 1, "on screen for the whole MIN_HOP_MS");
  assert.equal(drawnFlights(late, 1105 + MIN_HOP_MS).length, 0);
  assert.equal(late.frameAtMs, null, "the frame's time is not kept past the frame");

  // A staler frame catches up at most LATE_FRAME_MS: 250 ms late, the hop
  // shows 50 ms along.
  const stale = reduceMessage(playing, { type: "events", now_ms: 1005 + LATE_FRAME_MS + 50, events: [sent] }, 0);
  assert.equal(hopFraction(drawnFlights(stale, 1005 + LATE_FRAME_MS + 50)[0], 1005 + LATE_FRAME_MS + 50), 50 / MIN_HOP_MS);

  // Paused (a step), or in a snapshot, a hop sits where simulated time puts it.
  const paused = reduceMessage({ ...playing, playing: false }, { type: "events", now_ms: 1105, events: [sent, delivered] }, 0);
  assert.equal(hopFraction(drawnFlights(paused, 1105)[0], 1105), 100 / MIN_HOP_MS);
});

test("a producer says it retries, on which attempt, and why", () => {
  const state = initialState();
  state.producers.A = { name: "A", configs: { acks: "all" } };
  const base = { producer: "A", batch_id: 1, topic: "orders", partition: 1 };
  reduceEvent(state, { kind: "batch_sent", seq: 1, at_ms: 0, ...base, broker: 2, record_count: 1, attempt: 1 });
  assert.equal(producerStatus(state, "A").tone, "sending");
  reduceEvent(state, { kind: "produce_failed", seq: 2, at_ms: 80, ...base, error: "NOT_ENOUGH_REPLICAS", will_retry: true, attempt: 1 });
  let status = producerStatus(state, "A");
  assert.equal(status.tone, "retrying");
  assert.equal(status.line1, "retrying · attempt 2");
  assert.equal(status.line2, "NOT_ENOUGH_REPLICAS");
  reduceEvent(state, { kind: "batch_sent", seq: 3, at_ms: 180, ...base, broker: 2, record_count: 1, attempt: 2 });
  assert.equal(producerStatus(state, "A").line1, "retrying · attempt 2", "the retry under way is attempt 2");
  reduceEvent(state, { kind: "produce_failed", seq: 4, at_ms: 9000, ...base, error: "DELIVERY_TIMEOUT", will_retry: false, attempt: 2 });
  status = producerStatus(state, "A");
  assert.equal(status.tone, "failed");
  assert.equal(status.line1, "timed out after 2 attempts");
});

test("a crashed consumer counts down to its session timeout", () => {
  const state = initialState();
  reduceEvent(state, { kind: "consumer_added", seq: 1, at_ms: 0, consumer: "2a", group: "2", configs: { "session.timeout.ms": 45000 }, topics: ["orders"] });
  assert.equal(state.groups["2"].members["2a"].state, "rebalancing", "a new KafkaConsumer starts rebalancing");
  reduceEvent(state, { kind: "consumer_crashed", seq: 2, at_ms: 10_000, consumer: "2a", group: "2" });
  assert.deepEqual(consumerSession(state, "2a", 25_000), { timeoutMs: 45000, remainingMs: 30_000 });
  assert.equal(consumerSession(state, "2a", 60_000).remainingMs, 0);
});

test("added consumers continue the group's own naming scheme", () => {
  const state = initialState();
  state.groups = {
    1: { members: { "1a": {} } },
    "group-2": { members: { "g2-a": {}, "g2-b": {} } },
    empty: { members: {} },
    7: { members: {} },
  };
  assert.equal(newConsumerName(state, "1"), "1b");
  assert.equal(newConsumerName(state, "group-2"), "g2-c");
  assert.equal(newConsumerName(state, "empty"), "empty-a");
  assert.equal(newConsumerName(state, "7"), "7a");
  assert.equal(lastConsumerName(state, "group-2"), "g2-b");
  assert.equal(lastConsumerName(state, "empty"), null);
  assert.equal(groupLabel("1"), "Group 1");
  assert.equal(groupLabel("group-1"), "group-1");
});

test("a replica's role change carries the HW it starts with", () => {
  const state = initialState();
  reduceEvent(state, { kind: "topic_created", seq: 0, at_ms: 0, topic: "orders", configs: {}, partitions: [{ partition: 0, replicas: [1, 2], leader: 1, isr: [1, 2], leader_epoch: 0 }] });
  reduceEvent(state, { kind: "replica_role_changed", seq: 1, at_ms: 0, broker: 2, topic: "orders", partition: 0, role: "leader", leader: 2, leader_epoch: 1, high_watermark: 3 });
  assert.equal(state.logs["orders/0/2"].hw, 3);
  reduceEvent(state, { kind: "broker_crashed", seq: 2, at_ms: 5, broker: 2, state: "crashed" });
  assert.equal(state.logs["orders/0/2"].role, "none", "a crashed broker neither leads nor follows");
  reduceEvent(state, { kind: "replica_role_changed", seq: 3, at_ms: 9, broker: 1, topic: "gone", partition: 0, role: "leader", leader: 1, leader_epoch: 0, high_watermark: 0 });
  assert.equal(state.logs["gone/0/1"], undefined, "no log for a topic the model does not know (deleted already)");
});

test("a restarted consumer comes back as a new member, owning nothing yet", () => {
  const state = initialState();
  reduceEvent(state, { kind: "consumer_added", seq: 1, at_ms: 0, consumer: "2a", group: "2", configs: {}, topics: ["orders"] });
  reduceEvent(state, { kind: "assignment_changed", seq: 2, at_ms: 5, group: "2", consumer: "2a", assignment: [["orders", 0]], added: [["orders", 0]], revoked: [] });
  reduceEvent(state, { kind: "consumer_position_changed", seq: 3, at_ms: 6, group: "2", consumer: "2a", topic: "orders", partition: 0, position: 4 });
  reduceEvent(state, { kind: "consumer_crashed", seq: 4, at_ms: 10, consumer: "2a", group: "2" });
  reduceEvent(state, { kind: "consumer_restarted", seq: 5, at_ms: 60_000, consumer: "2a", group: "2" });
  const m = state.groups["2"].members["2a"];
  assert.deepEqual([m.state, m.assignment, m.positions, m.crashed_at_ms], ["rebalancing", [], {}, null]);
});

test("clicks faster than the round trip each ask for a new consumer name", async () => {
  // The playground flake: three "Add consumer" clicks before any consumer_added came
  // back all asked for "1b", so two were refused as duplicates and never drawn.
  const { clickMessages } = await import("../../../static/js/live/commands.js");
  const state = initialState();
  state.groups = { 1: { members: { "1a": {} } } };
  const button = { tagName: "BUTTON", dataset: { command: '{"type":"add_consumer","group":"1"}', newConsumerIn: "1" } };
  const root = { querySelector: () => null };
  const names = [0, 10, 20].map((t) => clickMessages(button, root, state, 1_000 + t).messages[0].command.consumer);
  assert.deepEqual(names, ["1b", "1c", "1d"]);
  // Once they arrived the model has them; later (or after a refusal's expiry) no gap grows.
  state.groups[1].members = { "1a": {}, "1b": {}, "1c": {}, "1d": {} };
  assert.equal(clickMessages(button, root, state, 2_000).messages[0].command.consumer, "1e");
  state.groups[1].members = { "1a": {} }; // reset: the handed-out names are long gone
  assert.equal(clickMessages(button, root, state, 100_000).messages[0].command.consumer, "1b");
});
