"""Golden transcripts (tests/simulator/**/golden/*.txt) replay to exactly their shown events.

The runner and the file format are in transcripts.py; a consumer story's
`show:` lists only consumer and group events, a failover's only the crash,
the election and the produce path, so each reads as what it is about.
"""

import os

import pytest

from .transcripts import HERE, all_transcripts, parse, render, run, shown

CASES = all_transcripts()
ENGINE_CASES = [p for p in CASES if p.parent == HERE / "golden"]
CONSUMER_CASES = [p for p in CASES if p.parent == HERE / "consumers" / "golden"]


def test_there_are_golden_transcripts():
    assert len(ENGINE_CASES) >= 4


def test_there_are_consumer_transcripts():
    assert {p.stem for p in CONSUMER_CASES} >= {"rebalance", "poll-timeout-loop"}


@pytest.mark.parametrize(
    "path", CASES, ids=[str(p.relative_to(HERE).with_suffix("")) for p in CASES]
)
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


def test_show_keeps_what_its_last_matching_pattern_says():
    heartbeat = {"kind": "message_sent", "message_kind": "broker_heartbeat"}
    produce = {"kind": "message_sent", "message_kind": "produce"}
    crash = {"kind": "broker_crashed"}
    assert all(shown(e, None) for e in (heartbeat, produce, crash))
    only = ["broker_*", "message_*:produce*"]
    assert [shown(e, only) for e in (heartbeat, produce, crash)] == [False, True, True]
    but = ["*", "!message_*:*heartbeat*"]
    assert [shown(e, but) for e in (heartbeat, produce, crash)] == [False, True, True]
    assert not shown(crash, ["broker_*", "!broker_crashed"])
    assert shown(crash, ["!broker_crashed", "broker_*"])


def test_a_transcript_with_an_unknown_header_or_bad_show_is_refused(tmp_path):
    typo = tmp_path / "typo.txt"
    typo.write_text('seed: 1\nuntil: 5\nscenario: {}\ncommands:\nevents:\n')
    with pytest.raises(ValueError, match="unknown header 'until'"):
        parse(typo)
    bad = tmp_path / "bad.txt"
    bad.write_text('seed: 1\nuntil_ms: 5\nshow: "broker_*"\nscenario: {}\ncommands:\nevents:\n')
    with pytest.raises(ValueError, match="show must be a list"):
        parse(bad)
