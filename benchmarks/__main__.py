"""Run every benchmark module ``benchmarks/bench_*.py`` (each exposes ``main()``).

``python -m benchmarks`` runs them all in name order; ``python -m benchmarks
simulator`` runs only those whose name contains "simulator". Each prints its
own figures with a baseline measured in the same run.
"""

from __future__ import annotations

import importlib
import sys
from pathlib import Path


def discover() -> list[str]:
    here = Path(__file__).parent
    return sorted(p.stem for p in here.glob("bench_*.py"))


def main(argv: list[str]) -> int:
    names = discover()
    if argv:
        names = [n for n in names if any(a in n for a in argv)]
    failures = 0
    for name in names:
        print(f"== {name} ==", flush=True)
        module = importlib.import_module(f"benchmarks.{name}")
        result = module.main()
        if isinstance(result, int) and result != 0:
            failures += 1
        print(flush=True)
    if not names:
        print("no benchmark matched")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
