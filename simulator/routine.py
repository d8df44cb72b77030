"""Which network messages are routine chatter: the one definition both sides share.

A settled cluster talks all the time (followers' long-poll fetches, consumers'
heartbeats and empty fetches). A message is *routine* when it carries no
records and is not part of a produce. The live layer holds such messages back
and leaves out one sent and delivered within a frame
(learnkafka/sandbox/framing.py), so a watching page may never see a routine
hop; for a late joiner to draw what a watcher draws, a delivered routine
message is not kept on screen after it lands (simulator/late_join.py, and the
browser's mirror, static/js/live/reduce-cluster.js `routineMessage`).
A dropped message is never routine: a drop is what a learner looks for.
"""
from __future__ import annotations


def routine_message(message_kind, summary) -> bool:
    """A message with no records that is not part of a produce. A summary names
    records as a list, or as {partition: list}."""
    if "produce" in str(message_kind):
        return False
    if not isinstance(summary, dict):
        return True
    records = summary.get("records")
    if isinstance(records, dict):
        return not any(records.values())
    return not records
