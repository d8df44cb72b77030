"""Golden transcripts (tests/simulator/golden/*.txt) replay to exactly their events."""

import os

import pytest
from golden_transcripts import GOLDEN_DIR, parse, render, run

CASES = sorted(GOLDEN_DIR.glob("*.txt"))


def test_there_are_golden_transcripts():
    assert len(CASES) >= 4


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_a_golden_transcript_replays_to_exactly_its_events(path):
    case = parse(path)
    actual = run(case)
    if os.environ.get("GOLDEN_REWRITE"):
        path.write_text(render(case, actual), encoding="utf-8")
        return
    assert case["events"], f"{path.name} has no expected events: regenerate it"
    for i, (want, got) in enumerate(zip(case["events"], actual, strict=False)):
        assert got == want, f"{path.name}: event {i} differs"
    assert len(actual) == len(case["events"])
