"""Same seed + scenario + commands = byte-identical events; rebuild, rewind and fork."""

import json

from simulator import Simulation
from simulator.commands import command_to_dict
from simulator.events import event_to_dict

from .simhelpers import scenario

COMMANDS = [
    (0, {"type": "produce", "producer": "P", "topic": "t", "value": "a", "count": 20}),
    (1_500, {"type": "crash_broker", "broker": 1}),
    (3_000, {"type": "produce", "producer": "P", "topic": "t", "key": "k", "value": "b"}),
    (14_000, {"type": "restart_broker", "broker": 1}),
    (15_000, {"type": "crash_controller", "controller": 1}),
    (16_000, {"type": "produce", "producer": "P", "topic": "t", "value": "c", "count": 5}),
]


def _run(seed: int, until_ms: int = 30_000, jitter: int = 3) -> tuple[Simulation, str]:
    sc = scenario(partitions=3)
    sc["cluster"]["network"] = {"latency_ms": 2, "jitter_ms": jitter}
    sim = Simulation(sc, seed=seed)
    lines = [json.dumps(event_to_dict(e)) for e in sim.setup_events]
    for at, cmd in COMMANDS:
        lines += [json.dumps(event_to_dict(e)) for e in sim.advance(at - sim.now_ms)]
        lines += [json.dumps(event_to_dict(e)) for e in sim.apply(cmd)]
    lines += [json.dumps(event_to_dict(e)) for e in sim.advance(until_ms - sim.now_ms)]
    return sim, "\n".join(lines)


def test_the_same_seed_and_commands_give_byte_identical_events():
    _, first = _run(seed=11)
    _, second = _run(seed=11)
    assert first == second
    assert first.count("\n") > 500


def test_a_different_seed_gives_a_different_history():
    _, first = _run(seed=11)
    _, other = _run(seed=12)
    assert first != other


def test_advancing_in_small_or_large_steps_gives_the_same_events():
    sc = scenario(partitions=3)
    a = Simulation(sc, seed=5)
    b = Simulation(sc, seed=5)
    a.apply(COMMANDS[0][1])
    b.apply(COMMANDS[0][1])
    big = [event_to_dict(e) for e in a.advance(20_000)]
    small = []
    for _ in range(400):
        small += [event_to_dict(e) for e in b.advance(50)]
    assert big == small


def test_rebuild_from_the_command_log_reproduces_the_state():
    sim, _ = _run(seed=3)
    log = [(at, command_to_dict(cmd)) for at, cmd in sim.command_log]
    rebuilt = Simulation.rebuild(sim.scenario, 3, log, until_ms=sim.now_ms)
    assert rebuilt.snapshot() == sim.snapshot()


def test_rewinding_gives_exactly_the_state_the_simulation_had_then():
    sim, _ = _run(seed=4)
    reference, _ = _run(seed=4, until_ms=30_000)
    assert reference.snapshot() == sim.snapshot()
    for at in (0, 1_499, 1_500, 7_777, 15_000, 22_222):
        fork = sim.rewind_to(at)
        fresh = Simulation.rebuild(sim.scenario, 4, sim.command_log, until_ms=at)
        assert fork.now_ms == at
        assert fork.snapshot() == fresh.snapshot(), at


def test_a_fork_continues_on_its_own_and_leaves_the_original_untouched():
    sim, _ = _run(seed=6)
    before = sim.snapshot()
    fork = sim.rewind_to(10_000)
    fork.apply({"type": "crash_broker", "broker": 2})
    fork.advance(5_000)
    assert sim.snapshot() == before
    assert [c for _, c in fork.command_log][-1].type == "crash_broker"
    assert len(fork.command_log) == 3 + 1  # the three commands before 10 s, then ours


def test_events_after_a_rewind_continue_the_sequence_of_that_moment():
    sim, _ = _run(seed=7)
    fork = sim.rewind_to(5_000)
    events = fork.advance(1_000)
    assert events and events[0].seq == fork.snapshot()["last_seq"] - len(events) + 1


def test_the_playground_with_its_consumer_groups_is_deterministic_too():
    from simulator.scenarios import load_scenario

    def run():
        sim = Simulation(load_scenario("playground"), seed=21)
        out = [event_to_dict(e) for e in sim.setup_events]
        out += [event_to_dict(e) for e in sim.apply(
            {"type": "produce", "producer": "A", "topic": "orders", "value": "o", "count": 30})]
        out += [event_to_dict(e) for e in sim.advance(8_000)]
        out += [event_to_dict(e) for e in sim.apply({"type": "crash_broker", "broker": 2})]
        out += [event_to_dict(e) for e in sim.advance(20_000)]
        return json.dumps(out), sim

    first, sim = run()
    second, _ = run()
    assert first == second
    fork = sim.rewind_to(9_000)
    fresh = Simulation.rebuild(sim.scenario, 21, sim.command_log, until_ms=9_000)
    assert fork.snapshot() == fresh.snapshot()
