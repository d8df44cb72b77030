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

