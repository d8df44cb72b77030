"""Text is checked before anything changes (valid Unicode scalar values, no
U+0000, in every string of every command, config dicts included), and apply is
atomic: a refused command changes nothing, whatever the reason, also when a
handler fails half-way."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from simulator import Simulation, SimulationError
from simulator import commands as cmds
from simulator.broker import Broker
from simulator.events import event_to_dict

from .simhelpers import scenario

TEMPLATES = [
    lambda x: {"type": "produce", "producer": "P", "topic": "t", "value": x, "key": "k"},
    lambda x: {"type": "produce", "producer": "P", "topic": "t", "value": "v", "key": x},
    lambda x: {"type": "produce", "producer": "P", "topic": "t", "headers": {"h": x}},
    lambda x: {"type": "produce", "producer": "P", "topic": "t", "headers": {x: "v"}},
    lambda x: {"type": "add_consumer", "consumer": "c", "group": x, "topics": ["t"]},
    lambda x: {"type": "add_consumer", "consumer": "c", "group": "g", "topics": [x]},
    lambda x: {"type": "add_consumer", "consumer": "c", "group": "g", "topics": ["t"],
               "configs": {"client.id": x}},
    lambda x: {"type": "add_consumer", "consumer": "c", "group": "g", "topics": ["t"],
               "principal": x},
    lambda x: {"type": "create_topic", "topic": "z", "configs": {x: 1}},
    lambda x: {"type": "add_producer", "producer": "Z", "configs": {"transactional.id": x}},
    lambda x: {"type": "add_acl", "resource_type": "TOPIC", "name": x,
               "principal": "User:a", "operation": "READ"},
    lambda x: {"type": "drop_messages", "message_kind": x},
    lambda x: {"type": "alter_topic_config", "topic": "t", "configs": {"retention.ms": x}},
]
BAD_CHARS = st.sampled_from(["\ud800", "\udfff", "\udc80", "\x00"])


def _sim(**kwargs) -> Simulation:
    return Simulation(scenario(partitions=2), seed=6, **kwargs)


def _state(sim: Simulation) -> tuple:
    return (json.dumps(sim.snapshot(), sort_keys=True), sim.world.last_seq, sim.position,
            len(sim.history))


def _future(sim: Simulation) -> list:
    sim.apply({"type": "produce", "producer": "P", "topic": "t", "value": "after"})
    return [event_to_dict(e) for e in sim.advance(2_000)]


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(template=st.sampled_from(TEMPLATES), prefix=st.text(max_size=5),
       bad=BAD_CHARS, suffix=st.text(max_size=5))
def test_a_lone_surrogate_or_nul_anywhere_is_refused_before_anything_changes(
        template, prefix, bad, suffix):
    sim = _sim()
    state = _state(sim)
    with pytest.raises(SimulationError) as err:
        sim.apply(template(prefix + bad + suffix))
    assert err.value.code == "bad_text"
    assert _state(sim) == state
    json.dumps(err.value.to_dict()).encode("utf-8")  # the reply itself is storable text


def test_a_command_built_in_code_is_checked_too():
    sim = _sim()
    state = _state(sim)
    with pytest.raises(SimulationError) as err:
        sim.apply(cmds.Produce(producer="P", topic="t", value="caf\ud800"))
    assert err.value.code == "bad_text" and _state(sim) == state
    with pytest.raises(SimulationError) as err:
        sim.apply(cmds.AddProducer(producer="Z", configs={"metadata.max.age.ms": 0}))
    assert err.value.code == "bad_config" and _state(sim) == state


def test_deep_nesting_is_refused_without_recursion():
    deep: dict = {}
    node = deep
    for _ in range(5_000):
        node["x"] = {}
        node = node["x"]
    sim = _sim()
    with pytest.raises(SimulationError) as err:
        sim.apply({"type": "create_topic", "topic": "z", "configs": deep})
    assert err.value.code == "bad_command" and "nested" in err.value.message


def test_text_in_a_scenario_is_checked():
    sc = scenario()
    sc["topics"][0]["name"] = "t\x00"
    with pytest.raises(SimulationError) as err:
        Simulation(sc)
    assert err.value.code == "bad_scenario"


def test_ordinary_unicode_is_welcome():
    sim = _sim()
    sim.apply({"type": "produce", "producer": "P", "topic": "t", "value": "Grüße 🎉 日本",
               "key": "ключ"})
    sim.advance(500)


@pytest.mark.parametrize("interval", [None, 500])
def test_a_handler_failing_half_way_changes_nothing(monkeypatch, interval):
    sim, twin = _sim(checkpoint_interval_ms=interval), _sim(checkpoint_interval_ms=interval)
    for s in (sim, twin):
        s.apply({"type": "produce", "producer": "P", "topic": "t", "value": "v", "count": 5})
        s.advance(1_234)
    state = _state(sim)
    real = cmds.HANDLERS[cmds.CrashBroker]

    def half_then_fail(world, cmd):
        real(world, cmd)  # the broker really crashed, events were emitted...
        world.rng.random()
        raise KeyError("a bug")  # ...then the handler blew up

    monkeypatch.setitem(cmds.HANDLERS, cmds.CrashBroker, half_then_fail)
    with pytest.raises(SimulationError) as err:
        sim.apply({"type": "crash_broker", "broker": 2})
    assert err.value.code == "internal_error"
    assert isinstance(err.value.__cause__, KeyError)
    assert _state(sim) == state
    monkeypatch.setitem(cmds.HANDLERS, cmds.CrashBroker, real)
    assert _future(sim) == _future(twin)


def test_a_handler_refusing_after_a_change_is_undone_too(monkeypatch):
    sim, twin = _sim(), _sim()
    for s in (sim, twin):
        s.advance(300)
    state = _state(sim)
    real = cmds.HANDLERS[cmds.CrashBroker]

    def crash_then_refuse(world, cmd):
        real(world, cmd)
        raise SimulationError("illegal_state", "changed my mind")

    monkeypatch.setitem(cmds.HANDLERS, cmds.CrashBroker, crash_then_refuse)
    with pytest.raises(SimulationError) as err:
        sim.apply({"type": "crash_broker", "broker": 1})
    assert err.value.code == "illegal_state"
    assert _state(sim) == state
    monkeypatch.setitem(cmds.HANDLERS, cmds.CrashBroker, real)
    assert _future(sim) == _future(twin)


def test_a_failing_timer_puts_the_simulation_back_where_the_advance_began(monkeypatch):
    sim, twin = _sim(), _sim()
    for s in (sim, twin):
        s.apply({"type": "produce", "producer": "P", "topic": "t", "value": "v"})
        s.advance(2_000)
    state = _state(sim)
    real = Broker.heartbeat

    def heartbeat(self, *args):
        if self.world.now_ms > 2_000:
            raise ZeroDivisionError("a bug in a timer")
        return real(self, *args)

    monkeypatch.setattr(Broker, "heartbeat", heartbeat)
    with pytest.raises(SimulationError) as err:
        sim.advance(5_000)
    assert err.value.code == "internal_error"
    assert isinstance(err.value.__cause__, ZeroDivisionError)
    assert _state(sim) == state
    monkeypatch.setattr(Broker, "heartbeat", real)
    assert _future(sim) == _future(twin)


def test_a_failure_that_cannot_be_undone_is_said_and_the_simulation_refuses_more(monkeypatch):
    sim = _sim(checkpoint_interval_ms=None)
    sim.advance(100)

    def always_fails(world, cmd):
        raise KeyError("a bug")

    # The restore replays the history; make that replay fail too.
    sim.apply({"type": "produce", "producer": "P", "topic": "t", "value": "v"})
    monkeypatch.setitem(cmds.HANDLERS, cmds.Produce, always_fails)
    with pytest.raises(SimulationError) as err:
        sim.apply({"type": "produce", "producer": "P", "topic": "t", "value": "w"})
    assert err.value.code == "internal_error" and "could not be restored" in err.value.message
    with pytest.raises(SimulationError) as err:
        sim.advance(10)
    assert err.value.code == "internal_error"
