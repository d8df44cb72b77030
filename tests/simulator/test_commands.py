"""Every command is validated first: an impossible one raises a typed error and
changes nothing. Caps keep a cluster small and say so."""

import pytest

from simulator import Simulation, SimulationError
from simulator.commands import CrashBroker, command_from_dict, command_to_dict
from simulator.scenarios import load_scenario, scenario_names

from .simhelpers import produce, scenario, sim_with


def _rejects(sim, command, code):
    before = sim.snapshot()
    log = list(sim.command_log)
    with pytest.raises(SimulationError) as err:
        sim.apply(command)
    assert err.value.code == code, err.value.message
    assert sim.snapshot() == before
    assert sim.command_log == log
    return err.value


@pytest.mark.parametrize(("command", "code"), [
    ({"type": "crash_broker", "broker": 9}, "unknown_broker"),
    ({"type": "restart_broker", "broker": 1}, "not_crashed"),
    ({"type": "create_topic", "topic": "big", "partitions": 3, "replication_factor": 4},
     "invalid_replication_factor"),
    ({"type": "create_topic", "topic": "neg", "partitions": -1}, "bad_command"),
    ({"type": "create_topic", "topic": "huge", "partitions": 65}, "cap_exceeded"),
    ({"type": "create_topic", "topic": "t"}, "topic_exists"),
    ({"type": "create_topic", "topic": "bad name!"}, "bad_topic_name"),
    ({"type": "create_topic", "topic": "c", "configs": {"retention.ms": "soon"}}, "bad_config"),
    ({"type": "create_topic", "topic": "c", "configs": {"no.such": 1}}, "bad_config"),
    ({"type": "produce", "producer": "Z", "topic": "t", "value": "v"}, "unknown_producer"),
    ({"type": "produce", "producer": "P", "topic": "nope", "value": "v"}, "unknown_topic"),
    ({"type": "produce", "producer": "P", "topic": "t", "value": "v", "partition": 5},
     "unknown_partition"),
    ({"type": "produce", "producer": "P", "topic": "t", "value": "v", "count": 0},
     "bad_command"),
    ({"type": "produce", "producer": "P", "topic": "t", "value": "v", "count": 10**7},
     "cap_exceeded"),
    ({"type": "produce", "producer": "P", "topic": "t", "value": "x" * 20_000}, "cap_exceeded"),
    ({"type": "slow_broker", "broker": 1, "slow_ms": -5}, "bad_command"),
    ({"type": "add_broker", "broker": 1}, "broker_exists"),
    ({"type": "add_producer", "producer": "P"}, "producer_exists"),
    ({"type": "add_producer", "producer": "Q", "configs": {"acks": "2"}}, "bad_config"),
    ({"type": "begin_transaction", "producer": "P"}, "illegal_state"),
    ({"type": "crash_controller", "controller": 7}, "unknown_controller"),
    ({"type": "elect_leaders", "topic": "t", "election": "random"}, "bad_command"),
    ({"type": "delete_topic", "topic": "nope"}, "unknown_topic"),
    ({"type": "produce", "producer": "P", "topic": "t", "value": "v",
      "headers": {"h": "x" * 5_000}}, "bad_command"),
    ({"type": "add_producer", "producer": "Q", "configs": {"transactional.id": "x" * 300}},
     "bad_config"),
    ({"type": "drop_messages", "count": 0}, "bad_command"),
])
def test_an_impossible_command_is_refused_and_changes_nothing(command, code):
    _rejects(sim_with(), command, code)


def test_the_replication_factor_is_checked_against_live_brokers():
    sim = sim_with()
    sim.apply({"type": "crash_broker", "broker": 3})
    sim.advance(12_000)
    err = _rejects(sim, {"type": "create_topic", "topic": "x", "partitions": 1,
                         "replication_factor": 3}, "invalid_replication_factor")
    assert "available brokers: 2" in err.message


@pytest.mark.parametrize(("data", "fragment"), [
    ({"type": "warp_drive"}, "unknown command type"),
    ({"type": "crash_broker"}, "missing field 'broker'"),
    ({"type": "crash_broker", "broker": "1"}, "must be an integer"),
    ({"type": "crash_broker", "broker": True}, "must be an integer"),
    ({"type": "crash_broker", "broker": 1, "extra": 2}, "unknown field"),
    (["crash_broker"], "JSON object"),
    ({"type": "produce", "producer": "P", "topic": "t", "headers": []}, "must be an object"),
])
def test_malformed_command_dicts_are_refused_with_a_clear_message(data, fragment):
    with pytest.raises(SimulationError) as err:
        command_from_dict(data)
    assert err.value.code == "bad_command" and fragment in err.value.message


def test_commands_round_trip_through_their_dict_form():
    cmd = command_from_dict({"type": "crash_broker", "broker": 2})
    assert cmd == CrashBroker(2) and command_to_dict(cmd) == {"type": "crash_broker", "broker": 2}


def test_hostile_text_is_kept_as_plain_data():
    sim = sim_with()
    produce(sim, "<script>alert(1)</script>", key="\"'><img>", partition=0)
    sim.advance(100)
    rec = sim.snapshot()["topics"][0]["partitions"][0]["records"][0]
    assert rec["value"] == "<script>alert(1)</script>" and rec["key"] == "\"'><img>"


def test_the_records_cap_deletes_the_oldest_records_and_says_so(monkeypatch):
    from simulator.broker import record_cap

    monkeypatch.setattr(record_cap, "MAX_RECORDS_PER_PARTITION", 100)
    sim = sim_with(rf=1, brokers=1)
    events = produce(sim, "v", partition=0, count=250) + sim.advance(1_000)
    caps = [e for e in events if e.kind == "cap_reached"]
    assert caps and "simulator cap" in caps[0].message
    p = sim.snapshot()["topics"][0]["partitions"][0]
    assert p["log_end_offset"] == 250 and p["log_end_offset"] - p["log_start_offset"] <= 100


@pytest.mark.parametrize(("changes", "fragment"), [
    ({"cluster": {"brokers": 10}}, "cluster.brokers"),
    ({"cluster": {"brokers": 0}}, "cluster.brokers"),
    ({"cluster": {"configs": {"nope": 1}}}, "unknown cluster config"),
    ({"mystery": 1}, "unknown scenario section"),
    ({"timeline": [{"at_ms": 5, "command": {"type": "nope"}}]}, "unknown command type"),
])
def test_a_bad_scenario_is_refused(changes, fragment):
    sc = scenario()
    sc.update(changes)
    with pytest.raises(SimulationError) as err:
        Simulation(sc)
    assert fragment in err.value.message


def test_the_playground_matches_the_guides_diagram():
    assert "playground" in scenario_names()
    sim = Simulation(load_scenario("playground"), seed=1)
    snap = sim.snapshot()
    assert [b["id"] for b in snap["brokers"]] == [1, 2, 3]
    orders = next(t for t in snap["topics"] if t["name"] == "orders")
    assert [p["leader"] for p in orders["partitions"]] == [1, 2, 3]
    assert all(len(p["replicas"]) == 3 for p in orders["partitions"])
    assert [p["name"] for p in snap["producers"]] == ["A", "B"]
    assert snap["controller"]["active"] is not None


@pytest.mark.parametrize("name", [n for n in scenario_names() if not n.startswith("lesson-")])
def test_every_named_scenario_loads_and_runs_its_timeline_without_rejections(name):
    sc = load_scenario(name)
    sim = Simulation(sc, seed=1)
    until = max((e["at_ms"] for e in sc.get("timeline", [])), default=0) + 1_000
    events = sim.advance(until)
    assert not [e for e in events if e.kind == "command_rejected"]
    applied = [e for e in events if e.kind == "command_applied"]
    assert len(applied) == len(sc.get("timeline", []))
