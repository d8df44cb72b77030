"""The simulator stays pure: no Django, Channels, asyncio, wall clock, I/O or global random."""

import ast
from pathlib import Path

import simulator

ROOT = Path(simulator.__file__).parent
FORBIDDEN_MODULES = {"django", "channels", "asyncio", "time", "datetime", "socket", "threading",
                     "subprocess", "requests", "urllib", "multiprocessing", "os", "secrets",
                     "uuid"}
# The CLI is an entry point, not the model: it may read files. (The benchmark,
# which reads the wall clock, lives in benchmarks/.)
ENTRY_POINTS = {"cli.py", "__main__.py"}
GLOBAL_RANDOM_CALLS = {"random", "randint", "randrange", "choice", "choices", "shuffle", "seed",
                       "uniform", "sample", "getrandbits", "gauss"}


def _model_files():
    return [p for p in sorted(ROOT.rglob("*.py")) if p.name not in ENTRY_POINTS
            or p.parent != ROOT]


def test_the_model_imports_no_io_framework_or_clock_modules():
    offenders = []
    for path in _model_files():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module]
            for name in names:
                if name.split(".")[0] in FORBIDDEN_MODULES:
                    offenders.append(f"{path.relative_to(ROOT)} imports {name}")
    assert not offenders, offenders


def test_randomness_only_comes_from_a_seeded_random_instance():
    offenders = []
    for path in _model_files():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module == "random":
                offenders.append(f"{path.relative_to(ROOT)}: from random import ...")
            if (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)
                    and node.value.id == "random" and node.attr in GLOBAL_RANDOM_CALLS):
                offenders.append(f"{path.relative_to(ROOT)}: random.{node.attr}")
    assert not offenders, offenders


def test_the_scan_really_looks_at_the_engine():
    """Guard against a scan that silently checks nothing."""
    names = {str(p.relative_to(ROOT)) for p in _model_files()}
    assert {"engine.py", "broker/actor.py", "broker/fetch_waiting_room.py", "producer.py",
            "controller.py"} <= names
