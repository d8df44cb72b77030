"""Every golden CLI transcript replays to exactly the text it records."""

import pytest

from tests.simulator.tools.cli_transcripts import all_transcripts, parse, run


def test_there_are_transcripts_for_every_tool():
    text = "".join(p.read_text() for p in all_transcripts())
    for tool in ("kafka-consumer-groups", "kafka-topics", "kafka-get-offsets",
                 "kafka-console-consumer", "kafka-console-producer", "kafka-acls",
                 "kafka-configs", "kafka-run-class"):
        assert f"$ {tool}" in text or f"$ bin/{tool}" in text, tool


@pytest.mark.parametrize("path", all_transcripts(), ids=lambda p: p.stem)
def test_transcript(path):
    _, seed, scenario, steps = parse(path.read_text())
    for (step, expected), (_, actual) in zip(steps, run(seed, scenario, steps), strict=True):
        assert actual == expected, f"{path.name}: {step}"
