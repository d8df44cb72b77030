"""The simulator's standard benchmark (see simulator/bench.py)."""

from simulator.bench import main as _main


def main() -> int:
    return _main()
