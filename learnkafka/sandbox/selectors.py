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
    """(holder channel, until unix seconds, epoch) of a sandbox's lease; a sandbox
    whose row is gone (deleted by the cleanup command) has no holder: ("", 0, 0)."""
    row = Sandbox.objects.filter(public_id=public_id).values_list(
        "lease_holder", "lease_until", "lease_epoch").first()
    return row if row is not None else ("", 0.0, 0)

