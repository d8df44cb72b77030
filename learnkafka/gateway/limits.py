"""What one sandbox may cost the gateway (on each process): connections,
bytes per second and records per second.

Over a rate, a connection is not refused: like a Kafka broker's quotas
(kafka.server.ClientQuotaManager mutes the channel for the throttle time),
it simply is not read again until its sandbox's budget has refilled, so a
client slows down and nothing is lost. Connections past the cap are refused
at authentication.
"""
from __future__ import annotations

import time

MAX_CONNECTIONS = 24        # per sandbox (a client opens one per broker, plus bootstrap)
BYTES_PER_S = 1024 * 1024   # request bytes per sandbox per second, sustained
BYTES_BURST = 4 * 1024 * 1024
RECORDS_PER_S = 500         # produced records per sandbox per second, sustained
RECORDS_BURST = 2000
MAX_WAIT_S = 5.0            # one throttle pause at most (the bucket refills meanwhile)


class Bucket:
    """A token bucket that says how long to wait rather than refusing."""

    def __init__(self, rate: float, burst: float, clock=time.monotonic):
        self.rate, self.burst, self.clock = rate, burst, clock
        self.tokens = float(burst)
        self.last = clock()

    def take(self, amount: float) -> float:
        """Take `amount` (going into debt if needed); seconds to wait before the next."""
        now = self.clock()
        self.tokens = min(self.burst, self.tokens + (now - self.last) * self.rate)
        self.last = now
        self.tokens -= amount
        if self.tokens >= 0:
            return 0.0
        return min(MAX_WAIT_S, -self.tokens / self.rate)


class SandboxBudget:
    def __init__(self):
        self.connections = 0
        self.bytes = Bucket(BYTES_PER_S, BYTES_BURST)
        self.records = Bucket(RECORDS_PER_S, RECORDS_BURST)


_budgets: dict[str, SandboxBudget] = {}


def enter(public_id: str) -> SandboxBudget | None:
    """One more connection of this sandbox, or None when it has as many as it may."""
    budget = _budgets.setdefault(public_id, SandboxBudget())
    if budget.connections >= MAX_CONNECTIONS:
        return None
    budget.connections += 1
    return budget


def leave(public_id: str) -> None:
    budget = _budgets.get(public_id)
    if budget is None:
        return
    # The budget itself stays (one small object per sandbox ever connected), so
    # reconnecting never buys a fresh burst.
    budget.connections = max(0, budget.connections - 1)
