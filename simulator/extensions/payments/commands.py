"""The payments extension's commands (docs/events.md, "Payments extension").

Frozen dataclasses registered with the extension (simulator/extension.py), so
they are accepted only in a simulation that loads ``payments``. Their handlers
(``handlers.py``) validate everything first and raise `SimulationError`
before changing anything.

A lost HTTP response needs no command of its own: the core ``drop_messages``
with ``target: "client:shop", message_kind: "pay_response"`` loses the next
response after the work was done.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from simulator.commands import Command
from simulator.extensions.payments.extension import EXTENSION


@EXTENSION.command("payments_configure")
@dataclass(frozen=True)
class PaymentsConfigure(Command):
    """Switch settings (variant, safeguard, layers, times; see config.py)."""

    settings: dict = field(default_factory=dict)


@EXTENSION.command("pay")
@dataclass(frozen=True)
class Pay(Command):
    """The client starts a payment: POST /pay, then timeouts and retries.

    ``idempotency_key`` None: the client makes a UUID v4 (unless the variant
    is no_key); ``same_key_as`` reuses the key of an earlier request (a repeat
    with other parameters is refused by the service). ``request_id`` names
    the logical payment (default ``pay-<n>``); retries share it.
    """

    client: str = "shop"
    account: str = "alice"
    amount: int = 100
    request_id: str | None = None
    idempotency_key: str | None = None
    same_key_as: str | None = None
    max_retries: int | None = None
    timeout_ms: int | None = None


@EXTENSION.command("race_start")
@dataclass(frozen=True)
class RaceStart(Command):
    """Two (or more) retries with one key reach the service at once; each is a
    thread (A, B, ...) that moves one handler line per ``race_step``."""

    threads: int = 2
    account: str = "alice"
    amount: int = 100
    idempotency_key: str | None = None


@EXTENSION.command("race_step")
@dataclass(frozen=True)
class RaceStep(Command):
    """Run the next handler line of race thread `thread` ("A", "B", ...)."""

    thread: str


@EXTENSION.command("race_preset")
@dataclass(frozen=True)
class RacePreset(Command):
    """Start a two-thread race and step it through a named interleaving
    (presets.py: serial, guide, check_check, alternate)."""

    preset: str
    account: str = "alice"
    amount: int = 100


@EXTENSION.command("crash_payment_service")
@dataclass(frozen=True)
class CrashPaymentService(Command):
    """Kill the payment service: ``now``, or ``after_commit`` (right after its
    next database commit, before anything is published)."""

    when: str = "now"


@EXTENSION.command("restart_payment_service")
@dataclass(frozen=True)
class RestartPaymentService(Command):
    """Start the crashed payment service again (its outbox relay too)."""
