"""The one error type the simulator raises for bad input.

Every rejected command, scenario or argument raises `SimulationError` with a
short machine-readable `code` (e.g. ``unknown_broker``, ``cap_exceeded``) and a
sentence for a human. When it is raised the simulation has not changed.
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
