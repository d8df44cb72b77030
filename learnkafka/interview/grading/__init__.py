"""Grading of a mock interview's phases: pure Python, no Django.

Every grader turns what the candidate did into a list of `Check`s: one
thing a good answer does, passed or not, the score dimension it counts
towards and the lesson step that teaches it. The result page adds the
checks up per dimension and links each failed one to its lesson step, so
a grader never computes a score of its own that could disagree with them.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

DIMENSIONS: dict[str, str] = {
    "fundamentals": "Kafka fundamentals",
    "debugging": "Debugging method",
    "cli": "CLI fluency",
    "idempotency": "Idempotency design",
    "structure": "Structure of the answer",
}


class InvalidAnswer(ValueError):
    """A submission that cannot be graded; the message says what to change."""


@dataclass(frozen=True)
class Check:
    id: str
    label: str
    passed: bool
    dimension: str
    lesson: str  # lesson slug, e.g. "kafka-basics"
    step: str = ""  # step slug; "" links the lesson's overview
    note: str = ""  # why it failed, or what today's Kafka does

    def __post_init__(self):
        if self.dimension not in DIMENSIONS:
            raise ValueError(f"unknown dimension {self.dimension!r}")

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> Check:
        return cls(**{k: data[k] for k in cls.__dataclass_fields__ if k in data})

    def failed(self, note: str = "") -> Check:
        return Check(**{**asdict(self), "passed": False, "note": note or self.note})


def share_passed(checks: list[Check]) -> float:
    """The fraction of checks passed (0 for no checks)."""
    return sum(c.passed for c in checks) / len(checks) if checks else 0.0
