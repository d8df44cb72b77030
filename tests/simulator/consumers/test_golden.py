"""Golden transcripts: a scenario's commands followed by the exact consumer events.

Each ``golden/*.txt`` holds, for every step (``> advance N`` or ``> {command}``),
the consumer and group events it produced, one JSON object per line (network
hops and replica bookkeeping are left out so the transcript reads as a story).
After an intended change, regenerate and review the diff:

    REWRITE_GOLDEN=1 .venv/bin/python -m pytest tests/simulator/consumers/test_golden.py
"""

import json
import os
from pathlib import Path

import pytest
from consumer_helpers import scenario

from simulator import Simulation
from simulator.events import event_to_dict

HERE = Path(__file__).parent / "golden"
KINDS = {
    "consumer_added",
    "consumer_removed",
    "consumer_crashed",
    "consumer_restarted",
    "consumer_subscribed",
    "consumer_config_changed",
    "consumer_status_changed",
    "group_coordinator_found",
    "group_state_changed",
    "member_joined",
    "member_removed",
    "assignment_changed",
    "heartbeat_answered",
    "poll_timeout_expired",
    "consumer_position_changed",
    "records_processed",
    "offset_committed",
    "commit_failed",
    "consumer_error",
    "consumer_error_cleared",
    "acls_changed",
}

EARLIEST = {"auto.offset.reset": "earliest"}

STORIES = {
    # Three consumers share orders; a fourth sits idle; one crashes and the
    # group rebalances after session.timeout.ms (eager Range, the default).
    "rebalance": (
        scenario(
            [
                {
                    "group": "payment-service",
                    "topics": ["orders"],
                    "configs": EARLIEST,
                    "consumers": [{"name": "A"}, {"name": "B"}],
                }
            ]
        ),
        [
            ("advance", 5_000),
            {"type": "produce", "producer": "P", "topic": "orders", "value": "pay", "count": 6},
            ("advance", 6_000),
            {
                "type": "add_consumer",
                "consumer": "C",
                "group": "payment-service",
                "topics": ["orders"],
                "configs": EARLIEST,
            },
            ("advance", 6_000),
            {
                "type": "add_consumer",
                "consumer": "D",
                "group": "payment-service",
                "topics": ["orders"],
                "configs": EARLIEST,
            },
            ("advance", 6_000),
            {"type": "crash_consumer", "consumer": "A"},
            ("advance", 50_000),
        ],
    ),
    # The guide's endless loop: each batch takes longer than max.poll.interval.ms.
    "poll-timeout-loop": (
        scenario(
            [
                {
                    "group": "slow",
                    "topics": ["orders"],
                    "configs": {
                        "auto.offset.reset": "earliest",
                        "max.poll.records": 5,
                        "processing.ms.per.record": 4_000,
                        "max.poll.interval.ms": 10_000,
                    },
                    "consumers": [{"name": "S"}],
                }
            ],
            partitions=1,
        ),
        [
            ("advance", 5_000),
            {"type": "produce", "producer": "P", "topic": "orders", "value": "job", "count": 5},
            ("advance", 40_000),
        ],
    ),
}


def transcript(name: str) -> str:
    data, steps = STORIES[name]
    sim = Simulation(data, seed=11)
    lines = [f"# golden transcript: {name} (seed 11); consumer and group events only"]
    for step in steps:
        if isinstance(step, tuple):
            lines.append(f"> advance {step[1]}")
            events = sim.advance(step[1])
        else:
            lines.append("> " + json.dumps(step, sort_keys=True))
            events = sim.apply(step)
        for event in events:
            if event.kind in KINDS:
                lines.append(json.dumps(event_to_dict(event), sort_keys=True))
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("name", sorted(STORIES))
def test_golden_transcript(name):
    path = HERE / f"{name}.txt"
    actual = transcript(name)
    if os.environ.get("REWRITE_GOLDEN"):
        path.write_text(actual)
    assert path.exists(), f"{path.name} is missing: run with REWRITE_GOLDEN=1 to create it"
    assert actual == path.read_text(), (
        f"{path.name} differs; if the change is intended, rerun with REWRITE_GOLDEN=1 "
        "and review the diff"
    )
