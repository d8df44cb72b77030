"""The facade of docs/architecture.md §1: apply/advance/step/snapshot/command_log,
JSON shapes, and the smaller commands."""

import json

from simulator import Simulation, SimulationError
from simulator.events import EVENT_CLASSES, event_to_dict
from simulator.scenarios import load_scenario

from .simhelpers import of_kind, partition, produce, sim_with


def test_snapshot_and_events_are_plain_json():
    sim = Simulation(load_scenario("playground"), seed=9)
    events = list(sim.setup_events)
    events += sim.apply({"type": "produce", "producer": "A", "topic": "orders", "key": "k",
                         "value": "v", "headers": {"trace": "1"}})
    events += sim.advance(3_000)
    snap = sim.snapshot()
    assert json.loads(json.dumps(snap)) == snap
    for e in events:
        data = event_to_dict(e)
        assert json.loads(json.dumps(data)) == data
        assert data["kind"] in EVENT_CLASSES
    assert [e.seq for e in events] == list(range(1, len(events) + 1))
    assert snap["last_seq"] == events[-1].seq and snap["now_ms"] == 3_000


def test_the_snapshot_has_what_a_diagram_needs():
    sim = sim_with(partitions=2)
    produce(sim, "v", partition=0)
    sim.apply({"type": "crash_broker", "broker": 3})
    sim.advance(6)  # the batch left at 5 ms (linger.ms) and arrives at 7
    snap = sim.snapshot()
    assert set(snap["controller"]) >= {"quorum", "active", "epoch"}
    assert {b["state"] for b in snap["brokers"]} == {"online", "crashed"}
    p = snap["topics"][0]["partitions"][0]
    for key in ("partition", "leader", "leader_epoch", "replicas", "isr", "preferred_leader",
                "high_watermark", "last_stable_offset", "log_start_offset", "replicas_state",
                "segments", "records"):
        assert key in p
    assert {"broker", "leo", "log_start_offset"} <= set(p["replicas_state"][0])
    in_flight = snap["in_flight"]
    assert in_flight and {"message_id", "kind", "source", "target", "sent_at_ms",
                          "arrive_at_ms"} <= set(in_flight[0])


def test_the_snapshot_bounds_the_records_it_includes():
    sim = sim_with()
    produce(sim, "v", partition=0, count=500)
    sim.advance(1_000)
    p = partition(sim)
    assert len(p["records"]) == 200 and p["records_truncated"] is True
    assert p["records"][-1]["offset"] == 499


def test_step_jumps_to_the_next_happening():
    sim = sim_with()
    before = sim.now_ms
    events = sim.step()
    assert events and sim.now_ms > before
    assert all(e.at_ms == sim.now_ms for e in events)


def test_the_command_log_keeps_accepted_commands_with_their_time():
    sim = sim_with()
    sim.advance(250)
    produce(sim, "a")
    try:
        sim.apply({"type": "crash_broker", "broker": 42})
    except SimulationError:
        pass
    assert [(at, c.type) for at, c in sim.command_log] == [(250, "produce")]


def test_advance_refuses_negative_or_huge_steps():
    sim = sim_with()
    for bad in (-1, 1.5, "10", 10**12):
        try:
            sim.advance(bad)
        except SimulationError as exc:
            assert exc.code in ("bad_command", "cap_exceeded")
        else:
            raise AssertionError(f"advance({bad!r}) was accepted")


def test_a_new_broker_registers_and_can_host_new_topics():
    sim = sim_with()
    events = sim.apply({"type": "add_broker", "broker": 4}) + sim.advance(3_000)
    assert of_kind(events, "broker_unfenced", broker=4)
    sim.apply({"type": "create_topic", "topic": "wide", "partitions": 4,
               "replication_factor": 4})
    sim.advance(500)
    wide = next(t for t in sim.snapshot()["topics"] if t["name"] == "wide")
    assert {p["leader"] for p in wide["partitions"]} == {1, 2, 3, 4}


def test_altering_a_topic_config_is_announced_with_the_effective_configs():
    sim = sim_with()
    events = sim.apply({"type": "alter_topic_config", "topic": "t",
                        "configs": {"retention.ms": 60_000}})
    changed = of_kind(events, "topic_config_changed")[0]
    assert changed.configs["retention.ms"] == 60_000 and changed.configs["segment.ms"] > 0


def test_flush_sends_without_waiting_for_linger():
    sim = sim_with(producer_configs={"linger.ms": 10_000})
    produce(sim, "a", partition=0)
    events = sim.apply({"type": "flush", "producer": "P"}) + sim.advance(1)
    assert of_kind(events, "batch_sent")


def test_a_removed_producer_is_gone_and_its_name_can_be_reused():
    sim = sim_with()
    sim.apply({"type": "remove_producer", "producer": "P"})
    assert sim.snapshot()["producers"] == []
    sim.apply({"type": "add_producer", "producer": "P", "configs": {"acks": "1"}})
    events = sim.advance(100)
    assert of_kind(events, "metadata_refreshed", producer="P")


def test_a_scenario_timeline_command_that_fails_is_reported_not_raised():
    sc = {"cluster": {"brokers": 1},
          "timeline": [{"at_ms": 5, "command": {"type": "crash_broker", "broker": 2}}]}
    sim = Simulation(sc, seed=0)
    rejected = of_kind(sim.advance(10), "command_rejected")
    assert rejected and rejected[0].code == "unknown_broker"


def test_every_core_event_kind_is_documented_in_docs_events_md():
    from pathlib import Path

    import simulator.events as events_module

    root = Path(events_module.__file__).resolve().parents[1]
    source = Path(events_module.__file__).read_text(encoding="utf-8")
    core = source.split("Append below this line")[0]
    kinds = [k for k in EVENT_CLASSES if f'@event("{k}")' in core]
    assert len(kinds) > 30
    doc = (root / "docs" / "events.md").read_text(encoding="utf-8")
    missing = [k for k in kinds if f"`{k}`" not in doc]
    assert not missing, missing
