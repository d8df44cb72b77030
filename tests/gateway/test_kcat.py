"""kcat (Debian's, built on librdkafka) through the gateway: produce keyed lines,
read them back. Installed by `make test` when root (.ci/ensure-kcat.sh)."""
from __future__ import annotations

import shutil
import subprocess

import pytest

from simulator.partitioners import partition_for_key

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(shutil.which("kcat") is None,
                       reason="kcat is not installed (as root, `make test` installs "
                              "Debian's kcat; else: sudo apt-get install kcat)"),
]


def _sasl(learner, token: str | None = None) -> list[str]:
    return ["-b", learner.bootstrap, "-X", "security.protocol=SASL_PLAINTEXT",
            "-X", "sasl.mechanism=PLAIN", "-X", f"sasl.username={token or learner.token}",
            "-X", "sasl.password=-"]


def test_kcat_produces_and_consumes(gateway, learner):
    lines = "".join(f"kc-{i}:hello {i}\n" for i in range(6))
    subprocess.run(["kcat", *_sasl(learner), "-t", "orders", "-K:", "-P",
                    "-X", "partitioner=murmur2_random"],
                   input=lines.encode(), check=True, timeout=60)
    out = subprocess.run(["kcat", *_sasl(learner), "-t", "orders", "-C", "-o", "beginning",
                          "-e", "-f", "%k=%s@%p\n"],
                         capture_output=True, check=True, timeout=60).stdout.decode()
    got = dict(line.split("=", 1) for line in out.splitlines() if line)
    assert got == {f"kc-{i}": f"hello {i}@{partition_for_key(f'kc-{i}', 3)[0]}"
                   for i in range(6)}


def test_kcat_with_a_wrong_token_is_refused(gateway, learner):
    result = subprocess.run(["kcat", *_sasl(learner, "lk-wrong-token-for-kcat"), "-L",
                             "-m", "5"], capture_output=True, timeout=60)
    assert result.returncode != 0
    assert b"Authentication failed" in result.stderr or b"SASL" in result.stderr, result.stderr
