"""How much one sandbox's history may produce: the ceiling on one sandbox's memory.

Why a quota on the history, not only on the log a broker retains: a live
sandbox keeps everything its history ever produced. Its checkpoints (one per
simulated minute, for rewind, at most session.MAX_CHECKPOINTS = 8) each hold
the records their moment held, so records that retention or a cap deleted from the live log stay in
memory all the same; and the history itself is the recipe a restart, an
eviction or a rewind replays, so it must keep every produce. What a history
produces is therefore what a sandbox holds, and what a rebuild must redo.

So a `produce` that would take the history past `MAX_HISTORY_RECORDS` records
or `MAX_HISTORY_BYTES` bytes (Kafka's own record sizes, simulator.log.record_size:
UTF-8 bytes plus a record's overhead) is refused, saying why and what frees
room: `rewind` (forgets the commands after the chosen time) or `reset`. A
refused command is not stored, so a replay is unaffected.

What one process holds: at most node.MAX_LIVE (100) live sandboxes, and,
whatever their count, no new one while the process's resident memory is over
`PROCESS_MEMORY_BYTES` (LEARNKAFKA_PROCESS_MEMORY_MB, default 900): the
registry then evicts an unwatched sandbox to make room, or answers
`server_busy`. `python -m benchmarks memory` measures a process at its caps.
"""
from __future__ import annotations

import os

from simulator.commands import Produce
from simulator.log import record_size

MAX_HISTORY_RECORDS = 2_500
MAX_HISTORY_BYTES = 1024 * 1024
PROCESS_MEMORY_BYTES = int(os.environ.get("LEARNKAFKA_PROCESS_MEMORY_MB", "900")) * 2**20


def process_rss_bytes() -> int | None:
    """This process's resident memory (Linux), or None where /proc is missing."""
    try:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return None


def process_over_memory_budget() -> bool:
    rss = process_rss_bytes()
    return rss is not None and rss > PROCESS_MEMORY_BYTES


def produce_cost(command) -> tuple[int, int]:
    """(records, bytes) a command adds to the logs: only `produce` adds any."""
    if not isinstance(command, Produce):
        return 0, 0
    count = max(command.count, 0)
    headers = tuple(command.headers.items())
    size = record_size(command.key, command.value, headers)
    if count > 1:  # each copy's key and value get a "-<i>" suffix
        size += sum(len(str(count)) + 1 for v in (command.key, command.value) if v is not None)
    return count, count * size


def _command_of(entry):
    """A history entry's command: `Simulation.history` holds HistoryEntry objects,
    a command log (at_ms, command) pairs."""
    return entry.command if hasattr(entry, "command") else entry[1]


class HistoryMeter:
    """Running totals of what a sandbox's command log produced.

    Counts only the entries added since it last looked, so checking a command
    costs nothing like re-reading 5,000. Give it the simulation's own history
    list (`Simulation.history`): that list only grows, or is cut back by a
    refused command's undo, and a rewind, reset or scenario load gives the
    simulation a new one, which it counts afresh.
    """

    def __init__(self):
        self._log: list | None = None
        self._counted = 0
        self.records = 0
        self.bytes = 0

    def _catch_up(self, command_log: list) -> None:
        if command_log is not self._log or len(command_log) < self._counted:
            self._log, self._counted, self.records, self.bytes = command_log, 0, 0, 0
        for entry in command_log[self._counted:]:
            records, size = produce_cost(_command_of(entry))
            self.records += records
            self.bytes += size
        self._counted = len(command_log)

    def refusal(self, command, command_log: list) -> str | None:
        """Why `command` would take the history over its quota, or None if it fits."""
        records, size = produce_cost(command)
        if not records:
            return None
        self._catch_up(command_log)
        if self.records + records > MAX_HISTORY_RECORDS:
            return (f"This sandbox has produced {self.records:,} records, and a sandbox here "
                    f"may produce {MAX_HISTORY_RECORDS:,} in all: it keeps every record it "
                    "ever produced so it can be rebuilt and rewound. Rewind to before some "
                    "of them, or reset it, to produce more.")
        if self.bytes + size > MAX_HISTORY_BYTES:
            return (f"This sandbox has produced {self.bytes / 2**20:.1f} MiB of records, and a "
                    f"sandbox here may produce {MAX_HISTORY_BYTES / 2**20:.0f} MiB in all: it "
                    "keeps every record it ever produced so it can be rebuilt and rewound. "
                    "Rewind to before some of them, or reset it, to produce more.")
        return None
