"""The engine's imports run one way: no cycles inside simulator/, and nothing reaches up
into benchmarks/ (their door is `python -m benchmarks`).

Every import statement counts, a lazy one inside a function too: an import
moved into a function to dodge a cycle is still an arrow pointing back.
"""

from __future__ import annotations

import ast
from pathlib import Path

import simulator

ROOT = Path(simulator.__file__).parent


def _module_name(path: Path, root: Path) -> str:
    parts = [root.name, *path.relative_to(root).with_suffix("").parts]
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def import_graph(root: Path) -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    """({module: package modules it imports}, {module: outside top-level names it imports})."""
    files = {_module_name(p, root): p for p in sorted(root.rglob("*.py"))}
    inside: dict[str, set[str]] = {}
    outside: dict[str, set[str]] = {}
    for name, path in files.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        targets = []
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                targets += [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    base = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                    module = ".".join(base + ([node.module] if node.module else []))
                else:
                    module = node.module
                # `from pkg import mod` imports the module; `from mod import name`, mod.
                targets += [f"{module}.{a.name}" if f"{module}.{a.name}" in files else module
                            for a in node.names]
        inside[name] = set()
        outside[name] = set()
        for target in targets:
            known = target
            while known and known not in files:
                known = known.rpartition(".")[0]
            if known and known != name:
                inside[name].add(known)
            elif not known:
                outside[name].add(target.split(".")[0])
    return inside, outside


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle as [a, b, ..., a], or None."""
    state: dict[str, str] = {}
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = "open"
        path.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == "open":
                return path[path.index(nxt):] + [nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        path.pop()
        state[node] = "done"
        return None

    for start in sorted(graph):
        if start not in state and (found := visit(start)):
            return found
    return None


def test_simulator_has_no_import_cycle():
    inside, _ = import_graph(ROOT)
    cycle = find_cycle(inside)
    assert cycle is None, "import cycle: " + " -> ".join(cycle)


def test_simulator_never_imports_benchmarks():
    _, outside = import_graph(ROOT)
    offenders = sorted(m for m, names in outside.items() if "benchmarks" in names)
    assert not offenders, f"{offenders} import benchmarks/: `python -m benchmarks` is their door"


def test_the_scan_sees_the_engines_real_arrows():
    """Guard against a scan that silently checks nothing."""
    inside, outside = import_graph(ROOT)
    assert "simulator.scenarios" in inside["simulator.cluster"]
    assert "simulator.consumers.system" in inside["simulator.consumers.coordinator"]
    # `from simulator import events as ev` is an arrow to the module simulator.events:
    assert "simulator.events" in inside["simulator.consumers.fetching"]
    assert "yaml" in outside["simulator.scenarios"]
    assert len(inside) > 30


def test_the_scan_finds_a_lazy_cycle_and_a_benchmarks_import(tmp_path):
    pkg = tmp_path / "toy"
    (pkg / "sub").mkdir(parents=True)
    (pkg / "__init__.py").write_text("")
    (pkg / "sub" / "__init__.py").write_text("")
    (pkg / "a.py").write_text("from toy.sub import b\n")
    (pkg / "sub" / "b.py").write_text("def f():\n    from .. import c\n")
    (pkg / "c.py").write_text("def g():\n    import toy.a\n    from benchmarks.x import y\n")
    inside, outside = import_graph(pkg)
    assert find_cycle(inside) == ["toy.a", "toy.sub.b", "toy.c", "toy.a"]
    assert outside["toy.c"] == {"benchmarks"}
    (pkg / "c.py").write_text("")
    assert find_cycle(import_graph(pkg)[0]) is None
