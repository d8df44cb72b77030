"""The terminal's pure JavaScript (Tab completion, history) under Node's test runner,
driven from pytest so `make test` runs it. Skipped only where Node is not installed."""
import shutil
import subprocess
from pathlib import Path

import pytest

JS_TESTS = Path(__file__).parent / "js"


@pytest.mark.skipif(shutil.which("node") is None, reason="Node.js is not installed")
def test_terminal_modules_pass_their_node_tests():
    result = subprocess.run(["node", "--test", str(JS_TESTS)], capture_output=True, text=True,
                            timeout=120, cwd=Path(__file__).resolve().parents[3])
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert "# fail 0" in result.stdout and "# pass 8" in result.stdout
