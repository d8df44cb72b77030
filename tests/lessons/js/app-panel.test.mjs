// The mystery levels' application panel: each operator action becomes the simulator
// commands a real operator's change amounts to; bad values are refused before sending.
import { test } from "node:test";
import assert from "node:assert/strict";
import { appCommands } from "../../../static/js/lessons/app-panel.js";

const app = { group: "payment-service", topic: "orders", principal: "User:payments",
  configs: { "auto.offset.reset": "earliest" } };

test("stop and start are a clean shutdown and a restart of the same instance", () => {
  assert.deepEqual(appCommands(app, "stop", "payment-1").commands,
    [{ type: "stop_consumer", consumer: "payment-1" }]);
  assert.deepEqual(appCommands(app, "start", "payment-1").commands,
    [{ type: "restart_consumer", consumer: "payment-1" }]);
});

test("an added instance runs the deployed configuration as the app's principal", () => {
  const [add] = appCommands(app, "add", "payment-3").commands;
  assert.equal(add.type, "add_consumer");
  assert.equal(add.group, "payment-service");
  assert.equal(add.principal, "User:payments");
  assert.deepEqual(add.configs, { "auto.offset.reset": "earliest" });
});

test("settings become typed configs; topic and group.id become resubscribe and redeploy", () => {
  assert.deepEqual(appCommands(app, "set", "payment-1", "max.poll.records", "10").commands,
    [{ type: "set_consumer_config", consumer: "payment-1", configs: { "max.poll.records": 10 } }]);
  assert.deepEqual(appCommands(app, "set", "payment-1", "enable.auto.commit", "true").commands[0].configs,
    { "enable.auto.commit": true });
  assert.deepEqual(appCommands(app, "set", "payment-1", "topic", "orders").commands,
    [{ type: "subscribe", consumer: "payment-1", topics: ["orders"] }]);
  const redeploy = appCommands(app, "set", "payment-1", "group.id", "payment-service").commands;
  assert.deepEqual(redeploy.map((c) => c.type), ["remove_consumer", "add_consumer"]);
  assert.equal(redeploy[1].group, "payment-service");
});

test("a value Kafka would refuse is refused here, with no command", () => {
  assert.ok(appCommands(app, "set", "payment-1", "max.poll.records", "ten").error);
  assert.ok(appCommands(app, "set", "payment-1", "enable.auto.commit", "yes").error);
  assert.ok(appCommands(app, "set", "payment-1", "auto.offset.reset", "  ").error);
  assert.equal(appCommands(app, "set", "payment-1", "max.poll.records", "ten").commands, undefined);
});
