"""The clocks the live layer reads, in one injectable object.

`wall()` paces simulated time (seconds, monotonic); `cpu()` is the CPU time of
the calling thread, which the CPU guard reads around `advance`/`apply` so that
time spent waiting (on sockets, the database, other learners' work) is never
blamed on a learner's simulation. Tests pass a `ManualClock` and move it by
hand instead of sleeping; the socket's rate limiter reads the same clock.
"""
from __future__ import annotations

import time


class Clock:
    def wall(self) -> float:
        return time.monotonic()

    def cpu(self) -> float:
        return time.thread_time()


class ManualClock(Clock):
    """A clock that moves only when told (`advance(s)`, `spend_cpu(s)`)."""

    def __init__(self, start: float = 1000.0):
        self.now = start
        self.cpu_s = 0.0

    def wall(self) -> float:
        return self.now

    def cpu(self) -> float:
        return self.cpu_s

    def advance(self, seconds: float) -> None:
        self.now += seconds

    def spend_cpu(self, seconds: float) -> None:
        """As if the simulation burned `seconds` of CPU (and as much wall time)."""
        self.cpu_s += seconds
        self.now += seconds


SYSTEM = Clock()
