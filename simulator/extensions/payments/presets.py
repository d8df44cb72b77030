"""The race's preset interleavings (``race_preset``), for two threads A and B.

Each preset is a rule for which thread steps next, so it works for every
variant and safeguard (they add lines): a thread that is waiting is passed
over, and the race ends when both are done.

* ``serial``: A runs to its end, then B (a late retry: the check finds A's row).
* ``guide``: the guide's figure: A runs through its check, then B through its
  check (unless a lock makes it wait), then they alternate one line each.
  Both checks find nothing; then the UNIQUE constraint decides.
* ``check_check``: the same, then B goes first after both checks (B claims
  first).
* ``alternate``: A, B, A, B ... one line each from the start.
"""

from __future__ import annotations

PRESETS = ("serial", "guide", "check_check", "alternate")
MAX_PRESET_STEPS = 400


def _ready(t) -> bool:
    return t.state == "ready"


def schedule(preset: str, a, b, step) -> None:
    """Drive threads `a` and `b` with `step(thread)` following `preset`."""
    steps = 0

    def go(t) -> bool:
        nonlocal steps
        if not _ready(t) or steps >= MAX_PRESET_STEPS:
            return False
        steps += 1
        step(t)
        return True

    if preset == "serial":
        while go(a) or go(b):
            pass
        return
    order = [a, b]
    if preset in ("guide", "check_check"):
        while a.last_line != "check" and go(a):
            pass
        while b.last_line != "check" and go(b):
            pass
        if preset == "check_check":
            order = [b, a]
    while _ready(order[0]) or _ready(order[1]):
        moved = go(order[0])
        moved = go(order[1]) or moved
        if not moved:
            break
