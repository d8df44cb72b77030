"""The simulator's benchmark runs through its own door and reports its ratios."""

from benchmarks import bench_simulator


def test_the_benchmark_runs_and_reports_ratios(capsys):
    assert bench_simulator.main(records=3000) == 0
    out = capsys.readouterr().out
    for fragment in ("baseline", "ratio engine/baseline", "snapshot", "rewind", "memory"):
        assert fragment in out
