"""Caps that keep one simulated cluster small enough for a shared server.

When a command would go past a cap it is refused with ``SimulationError``
(code ``cap_exceeded``) whose message names the cap; when retained data hits
`MAX_RECORDS_PER_PARTITION` the oldest whole segments are deleted and a
``cap_reached`` event says so.
"""

MAX_BROKERS = 9
MAX_CONTROLLERS = 5
MAX_TOPICS = 32
MAX_PARTITIONS_PER_TOPIC = 64
MAX_RECORDS_PER_PARTITION = 50_000
MAX_PRODUCERS = 16
MAX_RECORDS_PER_PRODUCE = 200_000
MAX_KEY_CHARS = 1_000
MAX_VALUE_CHARS = 10_000
MAX_HEADERS = 16
MAX_DROP_RULES = 50
# One advance() call returns every event of its span (an idle 3-broker cluster
# makes ~30 a second): callers pacing a live view should advance in small steps;
# replays (rebuild, rewind_to) run in chunks and drop events as they go.
MAX_ADVANCE_MS = 7 * 24 * 3600 * 1000
MAX_SCENARIO_MS = MAX_ADVANCE_MS
MAX_NAME_CHARS = 120
# How many records of a partition's leader log `snapshot()` includes (the last ones).
SNAPSHOT_RECORDS_PER_PARTITION = 200
