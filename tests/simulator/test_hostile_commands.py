"""Any JSON a hostile client can send to `apply` either works or raises
`SimulationError`, and a refusal changes nothing: wrong types in every field of
every command, boundary numbers, odd text, nesting."""

from __future__ import annotations

import json
from dataclasses import fields

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from simulator import Simulation, SimulationError
from simulator.commands import COMMAND_CLASSES

from .simhelpers import scenario

NUMBERS = st.one_of(st.integers(-3, 12), st.sampled_from([-1, 0, 2**31 - 1, 2**31, 2**63,
                                                           -(2**63), 10**30]),
                    st.floats(allow_nan=True, allow_infinity=True))
TEXT = st.one_of(st.sampled_from(["P", "t", "g", "c1", "broker:1", "all", "latest", "TOPIC",
                                  "READ", "", " ", "__consumer_offsets"]),
                 st.text(max_size=12))
SCALARS = st.one_of(st.none(), st.booleans(), NUMBERS, TEXT)
JSON = st.recursive(SCALARS, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(TEXT, inner, max_size=4)), max_leaves=12)


@st.composite
def hostile_command(draw):
    type_name = draw(st.sampled_from(sorted(COMMAND_CLASSES)))
    command = {"type": type_name}
    for f in fields(COMMAND_CLASSES[type_name]):
        if draw(st.booleans()):
            command[f.name] = draw(JSON)
    if draw(st.integers(0, 9)) == 0:
        command[draw(TEXT)] = draw(JSON)
    return command


def _state(sim):
    return (json.dumps(sim.snapshot(), sort_keys=True), sim.world.last_seq, sim.position,
            len(sim.history))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(commands=st.lists(hostile_command(), min_size=1, max_size=6), seed=st.integers(0, 50))
def test_hostile_commands_work_or_are_refused_without_a_trace(commands, seed):
    sim = Simulation(scenario(partitions=2), seed=seed, checkpoint_interval_ms=None)
    sim.advance(50)
    for command in commands:
        state = _state(sim)
        try:
            sim.apply(command)
        except SimulationError as err:
            assert err.code != "internal_error", (command, err.__cause__)
            assert _state(sim) == state, command
        sim.advance(20)
