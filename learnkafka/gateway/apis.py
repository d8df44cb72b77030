"""The Kafka APIs the gateway speaks, and its ApiVersions answer.

Every minimum version is 0: an older librdkafka enables a feature only when
the broker's range overlaps its own (rdkafka_feature.c matches ranges), so a
higher minimum would quietly turn features off. The maxima are the versions
the simulator's translation handles (simulator/wire_clients) and kio has
schemas for; clients pick the highest both sides know. Kafka's own numbers:
clients/src/main/resources/common/message/*Request.json.
"""
from __future__ import annotations

from kio.index import KioIndexError, load_request_schema, load_response_schema

from .translate import from_plain

SASL_HANDSHAKE = 17
SASL_AUTHENTICATE = 36

# api key -> highest version advertised
MAX_VERSIONS: dict[int, int] = {
    0: 9,    # Produce (v9: flexible; v10+ adds topic ids in Kafka 4)
    1: 12,   # Fetch (v13+ names topics by id)
    2: 7,    # ListOffsets
    3: 12,   # Metadata
    8: 8,    # OffsetCommit
    9: 7,    # OffsetFetch (v8 batches groups)
    10: 3,   # FindCoordinator (v4 batches keys)
    11: 7,   # JoinGroup
    12: 4,   # Heartbeat
    13: 4,   # LeaveGroup
    14: 5,   # SyncGroup
    15: 5,   # DescribeGroups
    16: 4,   # ListGroups
    17: 1,   # SaslHandshake
    18: 4,   # ApiVersions
    22: 4,   # InitProducerId
    36: 2,   # SaslAuthenticate
}


def _checked(table: dict[int, int]) -> dict[int, int]:
    """Only versions kio can read and write (a newer kio never lowers them)."""
    out = {}
    for key, top in table.items():
        for version in range(top, -1, -1):
            try:
                load_request_schema(key, version)
                load_response_schema(key, version)
            except KioIndexError:
                continue
            out[key] = version
            break
    return out


MAX_VERSIONS = _checked(MAX_VERSIONS)


def max_version(api_key: int) -> int:
    return MAX_VERSIONS.get(api_key, -1)


def api_versions_response(version: int, *, error_code: int = 0):
    cls = load_response_schema(18, version)
    return from_plain(cls, {
        "error_code": error_code,
        "api_keys": [{"api_key": k, "min_version": 0, "max_version": v}
                     for k, v in sorted(MAX_VERSIONS.items())],
        "throttle_time": 0,
    })
