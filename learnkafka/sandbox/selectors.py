"""Reads of stored sandboxes."""
from .models import Sandbox, SandboxCommand, SandboxMember


def sandbox_get(*, public_id: str) -> Sandbox | None:
    return Sandbox.objects.filter(public_id=public_id, archived=False).first()


def sandbox_latest_for_owner(*, owner_key: str, scenario: str) -> Sandbox | None:
    return (
        Sandbox.objects.filter(owner_key=owner_key, scenario=scenario, archived=False)
        .order_by("-updated_at", "-id")
        .first()
    )


def sandbox_count_for_owner(*, owner_key: str) -> int:
    return Sandbox.objects.filter(owner_key=owner_key, archived=False).count()


def sandbox_history(*, public_id: str) -> list[dict]:
    """The accepted commands in order, as history entry dicts {"at_ms", "fired", "command"}."""
    return [row.entry() for row in
            SandboxCommand.objects.filter(sandbox__public_id=public_id).order_by("position")]


def member_role(*, sandbox: Sandbox, learner_key: str) -> str | None:
    return (SandboxMember.objects.filter(sandbox=sandbox, learner_key=learner_key)
            .values_list("role", flat=True).first())


def lease_of(*, public_id: str) -> tuple[str, float, int]:
    """(holder channel, until unix seconds, epoch) of a sandbox's lease."""
    return Sandbox.objects.filter(public_id=public_id).values_list(
        "lease_holder", "lease_until", "lease_epoch").get()


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
