"""What the consumer client's modules share: timeouts, log texts, partition names."""

from __future__ import annotations

REQUEST_TIMEOUT_MS = 30_000
RETRY_BACKOFF_MS = 1_000  # how often a failing application loop tries poll() again


def tp_name(tp) -> str:
    return f"{tp[0]}-{tp[1]}"


def tp_list(tps) -> str:
    return ", ".join(tp_name(tp) for tp in tps)
