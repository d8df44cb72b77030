"""Kafka's numeric error codes for the simulator's error names.

The numbers are those of ``org.apache.kafka.common.protocol.Errors``
(clients/src/main/java/org/apache/kafka/common/protocol/Errors.java): the
protocol's error codes, which never change once given. The simulator names
errors as Kafka does (``NOT_LEADER_OR_FOLLOWER``); a name missing here
answers UNKNOWN_SERVER_ERROR (-1) rather than a wrong code.
"""

from __future__ import annotations

ERROR_CODES: dict[str, int] = {
    "UNKNOWN_SERVER_ERROR": -1,
    "NONE": 0,
    "OFFSET_OUT_OF_RANGE": 1,
    "CORRUPT_MESSAGE": 2,
    "UNKNOWN_TOPIC_OR_PARTITION": 3,
    "LEADER_NOT_AVAILABLE": 5,
    "NOT_LEADER_OR_FOLLOWER": 6,  # NOT_LEADER_FOR_PARTITION before Kafka 2.7
    "REQUEST_TIMED_OUT": 7,
    "MESSAGE_TOO_LARGE": 10,
    "COORDINATOR_LOAD_IN_PROGRESS": 14,
    "COORDINATOR_NOT_AVAILABLE": 15,
    "NOT_COORDINATOR": 16,
    "INVALID_TOPIC_EXCEPTION": 17,
    "NOT_ENOUGH_REPLICAS": 19,
    "NOT_ENOUGH_REPLICAS_AFTER_APPEND": 20,
    "INVALID_REQUIRED_ACKS": 21,
    "ILLEGAL_GENERATION": 22,
    "INCONSISTENT_GROUP_PROTOCOL": 23,
    "INVALID_GROUP_ID": 24,
    "UNKNOWN_MEMBER_ID": 25,
    "INVALID_SESSION_TIMEOUT": 26,
    "REBALANCE_IN_PROGRESS": 27,
    "TOPIC_AUTHORIZATION_FAILED": 29,
    "GROUP_AUTHORIZATION_FAILED": 30,
    "UNSUPPORTED_VERSION": 35,
    "INVALID_REQUEST": 42,
    "OUT_OF_ORDER_SEQUENCE_NUMBER": 45,
    "DUPLICATE_SEQUENCE_NUMBER": 46,
    "INVALID_PRODUCER_EPOCH": 47,
    "INVALID_TXN_STATE": 48,
    "TRANSACTIONAL_ID_AUTHORIZATION_FAILED": 53,
    "NON_EMPTY_GROUP": 68,
    "GROUP_ID_NOT_FOUND": 69,
    "FENCED_LEADER_EPOCH": 74,
    "UNKNOWN_LEADER_EPOCH": 75,
    "MEMBER_ID_REQUIRED": 79,
    "INVALID_RECORD": 87,
    "UNKNOWN_TOPIC_ID": 100,
}


def code(error: str | None) -> int:
    """Kafka's code for a simulator error name (None: NONE, 0)."""
    if error is None:
        return 0
    return ERROR_CODES.get(error, -1)
