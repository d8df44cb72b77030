"""The error types the simulator raises for bad input or too much work.

Every rejected command, scenario or argument raises `SimulationError` with a
short machine-readable `code` (e.g. ``unknown_broker``, ``cap_exceeded``,
``over_budget``, ``internal_error``) and a sentence for a human. When `apply`
raises it, the simulation has not changed.

`WorkBudgetExceeded` (code ``over_budget``) is the one exception to "nothing
changed": raised by `advance`/`step`, it means time ran up to a timer boundary
and stopped there (a consistent state) because the work budget ran out. It
carries the events emitted before the stop, so a caller can still show them.
"""

from __future__ import annotations


class SimulationError(Exception):
    """A command or input the simulator refuses; nothing was changed."""

    def __init__(self, code: str, message: str):
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message

    def to_dict(self) -> dict:
        return {"code": self.code, "message": self.message}


class WorkBudgetExceeded(SimulationError):
    """Too much work: `reason` is ``per_ms`` (one simulated millisecond),
    ``per_call`` (one advance/step) or ``per_command`` (one apply).

    From `advance`/`step`: the simulation stopped at a timer boundary at
    `at_ms` and `events` are those emitted before the stop. From `apply` the
    command was refused and nothing changed (`events` is empty).
    """

    def __init__(self, reason: str, at_ms: int, events: list, detail: str):
        super().__init__("over_budget", f"{detail}: the simulation stopped at {at_ms} ms "
                                        "to protect the server")
        self.reason = reason
        self.at_ms = at_ms
        self.events = events
        self.detail = detail
