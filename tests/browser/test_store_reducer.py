"""store.js folds events exactly as the simulator moves: snapshot(T0) + events(T0..T1)
gives the same view as snapshot(T1). Checked in Chromium on a busy, eventful run,
so a new or changed simulator event that the reducer misses fails here."""
import pytest

from simulator import Simulation
from simulator.events import event_to_dict
from simulator.scenarios import load_scenario

pytestmark = pytest.mark.browser

PROJECT = """
async ([first, frames, last]) => {
  const store = await import('/static/js/live/store.js');
  let state = store.reduceMessage(store.initialState(), first, 0);
  for (const frame of frames) state = store.reduceMessage(state, frame, 0);
  const truth = store.reduceMessage(store.initialState(), last, 0);
  const view = (s) => ({
    brokers: s.brokers,
    controllers: s.controllers,
    activeController: s.activeController,
    partitions: Object.fromEntries(Object.values(s.topics).flatMap((t) =>
      Object.values(t.partitions).map((p) => [`${t.name}/${p.partition}`,
        {leader: p.leader, isr: [...p.isr].sort(), replicas: p.replicas}]))),
    leo: Object.fromEntries(Object.entries(s.logs).map(([k, l]) => [k, l.leo])),
    leaderHw: Object.fromEntries(Object.values(s.topics).flatMap((t) =>
      Object.values(t.partitions).filter((p) => p.leader != null).map((p) =>
        [`${t.name}/${p.partition}`, s.logs[`${t.name}/${p.partition}/${p.leader}`].hw]))),
    lastRecords: Object.fromEntries(Object.entries(s.records).map(([k, rs]) =>
      [k, rs.slice(-5).map((r) => [r.offset, r.key, r.value])])),
    producers: Object.fromEntries(Object.entries(s.producers).map(([k, p]) => [k, p.configs.acks])),
    groups: Object.fromEntries(Object.entries(s.groups).map(([g, group]) => [g, {
      members: Object.fromEntries(Object.entries(group.members).map(([id, m]) =>
        [id, {state: m.state,
              assignment: m.assignment.map((a) => `${a.topic}-${a.partition}`).sort()}])),
    }])),
    inflight: Object.keys(s.inflight).sort(),
  });
  const start = store.reduceMessage(store.initialState(), first, 0);
  return [view(state), view(truth), view(start)];
}
"""


def snapshot_message(sim):
    return {"type": "snapshot", "seq": 1, "now_ms": sim.now_ms, "speed": 1, "playing": False,
            "scenario": "playground", "state": sim.snapshot()}


def events_message(sim, events):
    return {"type": "events", "seq": 2, "now_ms": sim.now_ms,
            "events": [event_to_dict(e) for e in events]}


def eventful_run():
    sim = Simulation(load_scenario("playground"), seed=21)
    sim.advance(4_000)
    first = snapshot_message(sim)
    frames = []

    def do(command=None, advance_ms=0):
        events = sim.apply(command) if command else []
        events += sim.advance(advance_ms)
        frames.append(events_message(sim, events))

    do({"type": "produce", "producer": "A", "topic": "orders", "key": "k1", "value": "v1"}, 500)
    do({"type": "add_consumer", "consumer": "1b", "group": "1", "topics": ["orders"]}, 100)
    do({"type": "produce", "producer": "B", "topic": "orders", "value": "no key", "count": 5}, 900)
    do({"type": "slow_broker", "broker": 3, "slow_ms": 40_000}, 1_000)
    do({"type": "crash_broker", "broker": 1}, 12_000)
    do({"type": "produce", "producer": "A", "topic": "orders", "key": "k2", "value": "v2"}, 3_000)
    do({"type": "add_consumer", "consumer": "1c", "group": "1", "topics": ["orders"]}, 100)
    do({"type": "add_consumer", "consumer": "1d", "group": "1", "topics": ["orders"]}, 8_000)
    do({"type": "remove_producer", "producer": "A"}, 10)
    do({"type": "add_producer", "producer": "A", "configs": {"acks": "1"}}, 500)
    do({"type": "restart_broker", "broker": 1}, 35_000)
    do({"type": "remove_consumer", "consumer": "1b"}, 10_000)
    do(None, 1_234)
    return first, frames, snapshot_message(sim)


def test_snapshot_plus_events_equals_the_later_snapshot(live_url, page):
    page.goto(f"{live_url}/")
    first, frames, last = eventful_run()
    folded, truth, start = page.evaluate(PROJECT, [first, frames, last])
    # The run really changed what the diagrams draw...
    for key in ("brokers", "partitions", "leo", "leaderHw", "lastRecords", "producers", "groups"):
        assert start[key] != truth[key], f"the run did not change {key}"
    # ...and folding its events reproduced every bit of it.
    for key in truth:
        assert folded[key] == truth[key], key
