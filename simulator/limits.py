"""Caps that keep one simulated cluster small enough for a shared server.

When a command would go past a cap it is refused with ``SimulationError``
(code ``cap_exceeded``) whose message names the cap; when retained data hits
`MAX_RECORDS_PER_PARTITION` the oldest whole segments are deleted and a
``cap_reached`` event says so. `WorkBudget` bounds the work of one simulated
millisecond, one command and one advance (code ``over_budget``).
"""

from dataclasses import dataclass

MAX_BROKERS = 9
MAX_CONTROLLERS = 5
MAX_TOPICS = 32
MAX_PARTITIONS_PER_TOPIC = 64
MAX_RECORDS_PER_PARTITION = 50_000
MAX_PRODUCERS = 16
MAX_RECORDS_PER_PRODUCE = 200_000
MAX_KEY_CHARS = 1_000
MAX_VALUE_CHARS = 10_000
MAX_HEADERS = 16
MAX_DROP_RULES = 50
# One advance() call returns every event of its span (an idle 3-broker cluster
# makes ~30 a second): callers pacing a live view should advance in small steps;
# replays (rebuild, rewind_to) run in chunks and drop events as they go.
MAX_ADVANCE_MS = 7 * 24 * 3600 * 1000
MAX_SCENARIO_MS = MAX_ADVANCE_MS
MAX_NAME_CHARS = 120
# How many records of a partition's leader log `snapshot()` includes (the last ones).
SNAPSHOT_RECORDS_PER_PARTITION = 200


# ---- the work budget (docs/events.md "Bounds and budgets") -----------------------
# Work is counted, never timed (the simulator reads no clock): a unit is one
# timer run or one event emitted.
@dataclass(frozen=True)
class WorkBudget:
    """How much work one simulated millisecond, one `apply` and one
    `advance`/`step` may do (None in a field: unlimited).

    * `per_ms`: timers run at one simulated ms plus the events they emit. A
      busy cluster does well under a hundred; a zero-delay loop would do
      infinitely many, so this is what guarantees that time keeps moving.
      Counted in the world, so a replay stops exactly where the live run did.
    * `per_command`: events one command may emit (a produce emits a few per
      batch, not per record).
    * `per_call` + `per_call_per_ms` x ms: the work one advance(ms)/step may
      do (and so the events it returns): a base plus an allowance per
      simulated ms, far above what a busy cluster does (under 1 per ms idle,
      tens when busy), so only a pathological rate meets it; replays run in
      chunks and are not limited by it.
    """

    per_ms: int | None = 20_000
    per_command: int | None = 100_000
    per_call: int | None = 500_000
    per_call_per_ms: int = 1_000

    def __post_init__(self):
        for name in ("per_ms", "per_command", "per_call"):
            value = getattr(self, name)
            if value is not None and (isinstance(value, bool) or not isinstance(value, int)
                                      or value < 1):
                raise ValueError(f"WorkBudget.{name} must be a positive integer or None")
        rate = self.per_call_per_ms
        if isinstance(rate, bool) or not isinstance(rate, int) or rate < 0:
            raise ValueError("WorkBudget.per_call_per_ms must be a non-negative integer")

    def call_allowance(self, ms: int) -> int | None:
        """The work one advance of `ms` may do (None: unlimited)."""
        if self.per_call is None:
            return None
        return self.per_call + self.per_call_per_ms * ms


DEFAULT_BUDGET = WorkBudget()
UNLIMITED = WorkBudget(None, None, None)
# A fast_forward command (simulator/fast_forward.py) skips routine work but runs
# the time rules of its span (retention checks, TTL cleanups): at most this many
# of their timers and events, whatever the span.
FAST_FORWARD_WORK = 200_000
# Replays drop events as they go, in chunks of this much work.
REPLAY_CHUNK_WORK = 50_000
