"""Writes to stored sandboxes. The live side (runtime.py) calls these; so do views.

Every function takes keyword-only arguments and leaves the row consistent: a
command is only ever recorded after the simulation accepted it.
"""
import secrets

from django.http import HttpRequest

from .models import Sandbox
from .selectors import sandbox_count_for_session, sandbox_latest_for_session

# One session may own this many sandboxes; beyond it, new ones are refused so a
# script cannot fill the database by connecting to made-up ids.
MAX_SANDBOXES_PER_SESSION = 50


class SandboxLimitReached(Exception):
    pass


def _new_seed() -> int:
    return secrets.randbelow(2**31)


def sandbox_create(
    *, session_key: str, scenario: str, public_id: str | None = None, seed: int | None = None
) -> Sandbox:
    if sandbox_count_for_session(session_key=session_key) >= MAX_SANDBOXES_PER_SESSION:
        raise SandboxLimitReached(session_key)
    fields = {"owner_session_key": session_key, "scenario": scenario,
              "seed": _new_seed() if seed is None else seed}
    if public_id:
        fields["public_id"] = public_id
    return Sandbox.objects.create(**fields)


def sandbox_for_session(*, session_key: str, scenario: str) -> Sandbox:
    """This session's sandbox for `scenario`, created on first use."""
    existing = sandbox_latest_for_session(session_key=session_key, scenario=scenario)
    return existing or sandbox_create(session_key=session_key, scenario=scenario)


def session_key_for_request(request: HttpRequest) -> str:
    """The request's session key, saving a new session first if it has none (so
    the response sets the cookie the WebSocket will then carry)."""
    if not request.session.session_key:
        request.session.save()
    return request.session.session_key


def sandbox_for_request(*, request: HttpRequest, scenario: str) -> Sandbox:
    """What a page embedding a live diagram calls: this visitor's sandbox for `scenario`."""
    return sandbox_for_session(session_key=session_key_for_request(request), scenario=scenario)


def sandbox_record_command(*, public_id: str, at_ms: int, command: dict, now_ms: int) -> None:
    """Append one accepted command to the log (the recipe for rebuilding)."""
    sandbox = Sandbox.objects.get(public_id=public_id)
    sandbox.command_log = [*sandbox.command_log, {"at_ms": at_ms, "command": command}]
    sandbox.now_ms = now_ms
    sandbox.save(update_fields=["command_log", "now_ms", "updated_at"])


def sandbox_save_clock(*, public_id: str, now_ms: int, speed: float, playing: bool) -> None:
    Sandbox.objects.filter(public_id=public_id).update(now_ms=now_ms, speed=speed, playing=playing)


def sandbox_replace_history(
    *, public_id: str, scenario: str, command_log: list[dict], now_ms: int
) -> None:
    """Rewind, reset and load_scenario rewrite history: the log is cut or emptied."""
    sandbox = Sandbox.objects.get(public_id=public_id)
    sandbox.scenario = scenario
    sandbox.command_log = command_log
    sandbox.now_ms = now_ms
    sandbox.save(update_fields=["scenario", "command_log", "now_ms", "updated_at"])


def sandbox_delete_stale(*, older_than_days: int) -> int:
    """Delete sandboxes untouched for `older_than_days` days; returns how many."""
    from datetime import timedelta

    from django.utils import timezone

    cutoff = timezone.now() - timedelta(days=older_than_days)
    deleted, _ = Sandbox.objects.filter(updated_at__lt=cutoff).delete()
    return deleted
