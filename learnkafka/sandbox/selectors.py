"""Reads of stored sandboxes."""
from .models import Sandbox


def sandbox_get(*, public_id: str) -> Sandbox | None:
    return Sandbox.objects.filter(public_id=public_id).first()


def sandbox_latest_for_session(*, session_key: str, scenario: str) -> Sandbox | None:
    return (
        Sandbox.objects.filter(owner_session_key=session_key, scenario=scenario)
        .order_by("-updated_at", "-id")
        .first()
    )


def sandbox_count_for_session(*, session_key: str) -> int:
    return Sandbox.objects.filter(owner_session_key=session_key).count()


def static_snapshot(*, scenario: str, seed: int = 1, commands: list[dict] | None = None,
                    until_ms: int = 0) -> dict:
    """A still picture for static mode (docs/architecture.md §3): the scenario run
    with `commands` (each {"at_ms", "command"}) up to `until_ms`, as a snapshot
    message without type/seq. Embed it with `json_script`."""
    from simulator import Simulation
    from simulator.commands import command_from_dict
    from simulator.scenarios import load_scenario

    log = [(int(c["at_ms"]), command_from_dict(c["command"])) for c in commands or []]
    sim = Simulation.rebuild(load_scenario(scenario), seed, log, until_ms)
    return {"scenario": scenario, "now_ms": sim.now_ms, "speed": 1.0, "playing": False,
            "state": sim.snapshot()}
