"""The command line: run a scenario, place keys."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from simulator.cli import main

ROOT = Path(__file__).resolve().parents[2]


def test_partition_prints_key_partition_and_signed_murmur2(capsys):
    assert main(["partition", "--partitions", "3", "21", "foobar", "a-little-bit-long-string"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "21\t0\t-973932308", "foobar\t0\t-790332482", "a-little-bit-long-string\t2\t-985981536"]


def test_run_prints_one_json_event_per_line_with_increasing_seq(tmp_path, capsys):
    path = tmp_path / "s.yaml"
    path.write_text(
        "cluster: {brokers: 3}\n"
        "topics: [{name: t, partitions: 1, replication_factor: 3}]\n"
        "producers: [{name: P}]\n"
        "timeline:\n"
        "  - {at_ms: 10, command: {type: produce, producer: P, topic: t, value: hi}}\n")
    assert main(["run", str(path), "--seed", "3", "--until-ms", "100", "--jsonl"]) == 0
    lines = capsys.readouterr().out.splitlines()
    events = [json.loads(line) for line in lines]
    assert [e["seq"] for e in events] == list(range(1, len(events) + 1))
    assert any(e["kind"] == "produce_acknowledged" for e in events)
    assert events[-1]["at_ms"] <= 100


def test_run_refuses_a_bad_scenario_with_a_clear_error(tmp_path, capsys):
    path = tmp_path / "bad.yaml"
    path.write_text("cluster: {brokers: 12}\n")
    assert main(["run", str(path), "--jsonl"]) == 2
    assert "cluster.brokers" in capsys.readouterr().err


def test_python_dash_m_simulator_works_as_a_program():
    out = subprocess.run([sys.executable, "-m", "simulator", "partition", "--partitions", "1000",
                          "123456789"], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout == "123456789\t566\t-1822237082\n"


def test_the_engine_command_line_has_no_bench_command(capsys):
    # The benchmarks' door is `python -m benchmarks` (tests/benchmarks/).
    with pytest.raises(SystemExit):
        main(["bench"])
    assert "invalid choice: 'bench'" in capsys.readouterr().err
