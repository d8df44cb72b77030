"""Issue 16's house rules that no other test holds: a newcomer's first read stays true.

- every environment variable the app reads is in README's configuration table;
- services and selectors take data, never an HttpRequest;
- test folders are packages, with no ``test_sim_`` style prefixes;
- each browser helper (geometry, the view's readers) is defined once;
- a test run prints no third-party DeprecationWarning flood.
"""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _env_names_read_by(path: Path) -> set[str]:
    text = path.read_text(encoding="utf-8")
    return set(re.findall(r"environ(?:\.get|\.setdefault|\[)\(?\s*[\"']([A-Z_]+)[\"']", text))


def test_every_environment_variable_the_app_reads_is_in_the_readme_table():
    names = set()
    for path in (ROOT / "learnkafka").rglob("*.py"):
        names |= _env_names_read_by(path)
    names.discard("DJANGO_SETTINGS_MODULE")  # set by manage.py/asgi.py, not a setting
    assert {"DJANGO_DEBUG", "LOG_LEVEL", "LEARNKAFKA_TEST_DB"} <= names  # the scan sees them
    table = {m for m in re.findall(r"^\| `([A-Z_]+)` \|", (ROOT / "README.md").read_text(
        encoding="utf-8"), flags=re.M)}
    assert names - table == set(), f"README's configuration table misses {names - table}"


def test_services_and_selectors_take_data_not_a_request():
    offenders = []
    for path in sorted((ROOT / "learnkafka").glob("*/services.py")) + sorted(
            (ROOT / "learnkafka").glob("*/selectors.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                for arg in node.args.args + node.args.kwonlyargs:
                    annotation = ast.unparse(arg.annotation) if arg.annotation else ""
                    if arg.arg == "request" or "HttpRequest" in annotation:
                        offenders.append(f"{path.relative_to(ROOT)}:{node.name}({arg.arg})")
    assert len(list((ROOT / "learnkafka").glob("*/services.py"))) >= 3
    assert not offenders, offenders


def test_test_folders_are_packages_and_names_carry_no_prefix_workarounds():
    folders = [p for p in (ROOT / "tests").rglob("*") if p.is_dir()
               and any(p.glob("test_*.py"))]
    assert len(folders) >= 6
    assert [str(f.relative_to(ROOT)) for f in folders if not (f / "__init__.py").exists()] == []
    prefixed = [str(p.relative_to(ROOT)) for p in (ROOT / "tests").rglob("test_sim_*.py")]
    assert prefixed == []


def test_each_browser_helper_is_defined_once():
    helpers = ("setAttrs", "keyed", "flightFraction", "partitionOf", "isDown")
    where: dict[str, list[str]] = {name: [] for name in helpers}
    for path in sorted((ROOT / "static" / "js").rglob("*.js")):
        text = path.read_text(encoding="utf-8")
        for name in helpers:
            if re.search(rf"(function\s+{name}\b|(const|let|var)\s+{name}\s*=)", text):
                where[name].append(str(path.relative_to(ROOT)))
    assert {name: len(files) for name, files in where.items()} == dict.fromkeys(helpers, 1), where


def test_a_run_that_imports_kafka_python_prints_no_deprecation_flood(tmp_path):
    # test_murmur2 compares our partitioner with kafka-python's, which warns on import.
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "tests/simulator/test_murmur2.py", "-p",
         "no:randomly"],
        cwd=ROOT, capture_output=True, text=True, timeout=300, check=False)
    assert result.returncode == 0, result.stdout[-2000:]
    assert "passed" in result.stdout
    assert "DeprecationWarning" not in result.stdout + result.stderr
