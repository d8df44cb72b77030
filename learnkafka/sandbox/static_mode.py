"""Static mode's one computation: run a scenario to a still picture (docs/architecture.md §3).

This runs the simulator, so it is a service (a computation), not a selector (a
read of stored rows); it stores nothing. Its own module, beside services.py's
writes, because static mode needs no stored sandbox at all.
"""
from simulator import Simulation
from simulator.commands import command_from_dict
from simulator.scenarios import load_scenario


def static_snapshot_compute(*, scenario: str, seed: int = 1, commands: list[dict] | None = None,
                            until_ms: int = 0) -> dict:
    """The scenario run with `commands` (each {"at_ms", "command"}) up to `until_ms`,
    as a snapshot message without type/seq. Embed it with `json_script`."""
    log = [(int(c["at_ms"]), command_from_dict(c["command"])) for c in commands or []]
    sim = Simulation.rebuild(load_scenario(scenario), seed, log, until_ms)
    return {"scenario": scenario, "now_ms": sim.now_ms, "speed": 1.0, "playing": False,
            "state": sim.snapshot()}
