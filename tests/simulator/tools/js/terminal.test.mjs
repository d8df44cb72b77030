// The terminal's pure parts: Tab completion (static/js/terminal/completion.js) and the
// history (history.js), under Node's own test runner.
import assert from "node:assert/strict";
import { test } from "node:test";

import { complete, candidatesFor, liveNames } from "../../../../static/js/terminal/completion.js";
import { createHistory, MAX_HISTORY } from "../../../../static/js/terminal/history.js";

const DATA = {
  tools: ["kafka-acls", "kafka-configs", "kafka-console-consumer", "kafka-console-producer",
    "kafka-consumer-groups", "kafka-get-offsets", "kafka-topics", "kafka-run-class"],
  options: {
    "kafka-topics": ["--bootstrap-server", "--list", "--describe", "--topic", "--create"],
    "kafka-consumer-groups": ["--bootstrap-server", "--describe", "--group", "--reset-offsets",
      "--to-earliest", "--to-latest"],
  },
  bootstrap: "broker-1:9092",
};
const LIVE = liveNames({ topics: { orders: {}, payments: {}, __consumer_offsets: {} },
  groups: { "payment-service": {}, "1": {} } });

function tab(line) {
  return complete(line, line.length, DATA, LIVE);
}

test("a unique tool completes with .sh and a space", () => {
  assert.deepEqual(tab("kafka-top"), { line: "kafka-topics.sh ", cursor: 16, candidates: [] });
  assert.equal(tab("kafka-run").line, "kafka-run-class ");
});

test("several tools fill their common prefix and are listed", () => {
  const r = tab("kafka-con");
  assert.equal(r.line, "kafka-con");
  assert.deepEqual(r.candidates, ["kafka-configs.sh", "kafka-console-consumer.sh",
    "kafka-console-producer.sh", "kafka-consumer-groups.sh"]);
  assert.equal(tab("kafka-conso").line, "kafka-console-");
});

test("flags of the tool typed, not ones already given", () => {
  assert.equal(tab("kafka-topics.sh --li").line, "kafka-topics.sh --list ");
  assert.deepEqual(tab("kafka-topics.sh --list --").candidates.includes("--list"), false);
  assert.equal(tab("bin/kafka-consumer-groups.sh --res").line,
    "bin/kafka-consumer-groups.sh --reset-offsets ");
});

test("values: the bootstrap server, live topics and live groups", () => {
  assert.equal(tab("kafka-topics.sh --bootstrap-server ").line,
    "kafka-topics.sh --bootstrap-server broker-1:9092 ");
  assert.equal(tab("kafka-topics.sh --topic pa").line, "kafka-topics.sh --topic payments ");
  assert.deepEqual(tab("kafka-topics.sh --topic ").candidates,
    ["__consumer_offsets", "orders", "payments"]);
  assert.equal(tab("kafka-consumer-groups.sh --group pay").line,
    "kafka-consumer-groups.sh --group payment-service ");
  assert.deepEqual(candidatesFor(["kafka-consumer-groups", "--group", ""], DATA, LIVE),
    ["1", "payment-service"]);
});

test("completion in the middle of a line keeps what follows", () => {
  const line = "kafka-top --list";
  const r = complete(line, 9, DATA, LIVE);
  assert.equal(r.line, "kafka-topics.sh  --list");
  assert.equal(r.cursor, 16);
});

test("nothing to complete leaves the line alone", () => {
  assert.deepEqual(tab("rm -rf"), { line: "rm -rf", cursor: 6, candidates: [] });
  assert.deepEqual(liveNames(undefined), { topics: [], groups: [] });
});

test("history: up walks back, down returns to the draft, repeats are kept once", () => {
  const h = createHistory();
  h.add("a");
  h.add("b");
  h.add("b");
  h.add("   ");
  assert.deepEqual(h.items, ["a", "b"]);
  assert.equal(h.up("draft"), "b");
  assert.equal(h.up("b"), "a");
  assert.equal(h.up("a"), "a");
  assert.equal(h.down("a"), "b");
  assert.equal(h.down("b"), "draft");
  assert.equal(h.down("draft"), "draft");
});

test("history keeps at most MAX_HISTORY lines", () => {
  const h = createHistory(Array.from({ length: MAX_HISTORY + 5 }, (_, i) => `l${i}`));
  assert.equal(h.items.length, MAX_HISTORY);
  h.add("new");
  assert.equal(h.items.length, MAX_HISTORY);
  assert.equal(h.items.at(-1), "new");
  assert.equal(h.items[0], "l6");
});
