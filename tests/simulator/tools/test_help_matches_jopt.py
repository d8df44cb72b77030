"""`--help` is what jopt-simple itself prints for the same options: each tool's option
table is rebuilt in Java with jopt-simple 5.0.4 (the version Kafka ships) and compared
byte for byte with simulator/tools/cli_options.help_table. Skipped where no JDK or
jar is installed (this machine has both: /usr/bin/java, ~/.m2)."""
import json
import shutil
import subprocess
from pathlib import Path

import pytest

from simulator.tools.cli import _SPECS
from simulator.tools.cli_options import help_table

JAR = Path.home() / ".m2/repository/net/sf/jopt-simple/jopt-simple/5.0.4/jopt-simple-5.0.4.jar"
pytestmark = pytest.mark.skipif(not (shutil.which("java") and JAR.exists()),
                                reason="needs a JDK and jopt-simple 5.0.4")


def _java_for(spec) -> str:
    lines = []
    for o in spec.options:
        call = f"parser.accepts({json.dumps(o.name)}, {json.dumps(o.doc)})"
        if o.arg:
            kind, _, described = o.arg.partition(": ")
            call += ".withRequiredArg()"
            if described:
                call += f".describedAs({json.dumps(described)})"
            call += f".ofType({kind}.class)"
            if o.default is not None:
                if kind == "String":
                    call += f".defaultsTo({json.dumps(o.default)})"
                else:
                    call += f".defaultsTo({kind}.valueOf({json.dumps(o.default)}))"
        lines.append(f"    {call};")
    body = "\n".join(lines)
    return ("import joptsimple.*;\npublic class H {\n  public static void main(String[] a) "
            "throws Exception {\n    OptionParser parser = new OptionParser(false);\n"
            f"{body}\n    parser.printHelpOn(System.out);\n  }}\n}}\n")


@pytest.mark.parametrize("tool", sorted(_SPECS))
def test_help_table_is_jopt_simples(tool, tmp_path):
    source = tmp_path / "H.java"
    source.write_text(_java_for(_SPECS[tool]))
    java = subprocess.run(["java", "-cp", str(JAR), str(source)], capture_output=True,
                          text=True, timeout=120, check=True)
    assert help_table(_SPECS[tool].options) == java.stdout
