"""The gateway's door: ApiVersions, SASL, and bad bytes.

A wrong token is refused with SASL_AUTHENTICATION_FAILED and the connection
closed; a request before authentication, an oversized frame, random bytes or
a truncated frame close only the connection that sent them (hypothesis), while
an authenticated connection beside them keeps working.
"""
from __future__ import annotations

import socket
import struct

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from kio.index import load_request_schema
from kio.schema.errors import ErrorCode

from learnkafka.gateway import apis
from learnkafka.gateway.codec import MAX_FRAME_BYTES, encode_request
from learnkafka.gateway.translate import from_plain

from .rawclient import Raw

pytestmark = pytest.mark.django_db(transaction=True)


def test_api_versions_advertises_zero_as_every_minimum(gateway):
    raw = Raw(gateway.base_port)
    try:
        response = raw.request(18, 3, {"client_software_name": "raw",
                                       "client_software_version": "1"})
    finally:
        raw.close()
    assert response.error_code == ErrorCode.none
    ranges = {k.api_key: (k.min_version, k.max_version) for k in response.api_keys}
    assert ranges == {key: (0, top) for key, top in apis.MAX_VERSIONS.items()}
    for key in (0, 1, 2, 3, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 22, 36):
        assert key in ranges


def test_an_unknown_api_versions_version_gets_a_v0_answer_with_unsupported_version(gateway):
    raw = Raw(gateway.base_port)
    try:
        # ApiVersions v99: a header kio cannot parse the body of; Kafka answers v0.
        raw.correlation = 7
        payload = struct.pack(">hhih", 18, 99, 7, 3) + b"raw" + b"\x00"
        raw.send_bytes(struct.pack(">i", len(payload)) + payload)
        response = raw.read_response(18, 0)
    finally:
        raw.close()
    assert response.error_code == ErrorCode.unsupported_version
    assert len(response.api_keys) == len(apis.MAX_VERSIONS)


def test_a_wrong_token_is_refused_and_the_connection_closed(gateway):
    raw = Raw(gateway.base_port)
    try:
        answer = raw.authenticate("lk-this-is-no-token-of-anyone")
        assert answer.error_code == ErrorCode.sasl_authentication_failed
        assert "connect token" in answer.error_message
        assert raw.closed_by_peer()
    finally:
        raw.close()


def test_the_right_token_authenticates_and_metadata_advertises_the_gateway_ports(gateway,
                                                                                   learner):
    raw = Raw(gateway.base_port)
    try:
        assert raw.authenticate(learner.token).error_code == ErrorCode.none
        metadata = raw.request(3, 12, {"topics": None, "allow_auto_topic_creation": False})
    finally:
        raw.close()
    brokers = {b.node_id: (b.host, b.port) for b in metadata.brokers}
    assert brokers == {n: ("127.0.0.1", gateway.base_port + n - 1) for n in (1, 2, 3)}
    orders = next(t for t in metadata.topics if t.name == "orders")
    assert sorted((p.partition_index, p.leader_id) for p in orders.partitions) == \
        [(0, 1), (1, 2), (2, 3)]


def test_a_request_before_authentication_closes_the_connection(gateway):
    raw = Raw(gateway.base_port)
    try:
        raw.correlation += 1
        body = from_plain(load_request_schema(3, 12), {"topics": None})
        raw.send_bytes(encode_request(3, 12, raw.correlation, body))
        assert raw.closed_by_peer()
    finally:
        raw.close()


def test_an_oversized_frame_closes_the_connection_without_reading_it(gateway):
    raw = Raw(gateway.base_port)
    try:
        raw.send_bytes(struct.pack(">i", MAX_FRAME_BYTES + 1) + b"\x00" * 64)
        assert raw.closed_by_peer()
    finally:
        raw.close()
    assert "over the" in gateway.log()


@pytest.fixture
def witness(gateway, learner):
    """An authenticated connection that must keep working through the fuzzing."""
    raw = Raw(gateway.base_port)
    assert raw.authenticate(learner.token).error_code == ErrorCode.none
    yield raw
    raw.close()


def _still_answers(raw: Raw) -> None:
    metadata = raw.request(3, 12, {"topics": None})
    assert [t.name for t in metadata.topics if t.name == "orders"] == ["orders"]


def _valid_frames(token: str) -> list[bytes]:
    return [
        encode_request(18, 3, 1, from_plain(load_request_schema(18, 3),
                                            {"client_software_name": "f"})),
        encode_request(17, 1, 2, from_plain(load_request_schema(17, 1), {"mechanism": "PLAIN"})),
        encode_request(36, 2, 3, from_plain(load_request_schema(36, 2),
                                            {"auth_bytes": b"\x00" + token.encode() + b"\x00-"})),
    ]


def _send_then_half_close(port: int, data: bytes) -> bool:
    """Send `data`, stop writing, and report whether the gateway then closed."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=20)
    try:
        sock.sendall(data)
        sock.shutdown(socket.SHUT_WR)
        while True:
            try:
                chunk = sock.recv(65536)
            except ConnectionResetError:
                return True
            if not chunk:
                return True
    finally:
        sock.close()


FUZZ = settings(max_examples=30, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.function_scoped_fixture,
                                       HealthCheck.too_slow])


@FUZZ
@given(junk=st.binary(min_size=1, max_size=300))
def test_random_bytes_close_only_their_own_connection(gateway, witness, junk):
    assert _send_then_half_close(gateway.base_port, junk)
    _still_answers(witness)


@FUZZ
@given(data=st.data())
def test_a_truncated_frame_closes_only_its_own_connection(gateway, witness, learner, data):
    frames = _valid_frames(learner.token)
    whole = b"".join(frames[:data.draw(st.integers(1, len(frames)), label="frames")])
    cut = data.draw(st.integers(1, len(whole) - 1), label="cut")
    # A size prefix that announces more than follows: the rest never comes.
    assert _send_then_half_close(gateway.base_port, whole[:cut])
    _still_answers(witness)


@FUZZ
@given(data=st.data())
def test_a_corrupted_frame_closes_only_its_own_connection(gateway, witness, learner, data):
    frame = bytearray(_valid_frames(learner.token)[data.draw(st.integers(0, 2))])
    at = data.draw(st.integers(4, len(frame) - 1), label="at")
    frame[at] ^= data.draw(st.integers(1, 255), label="xor")
    _send_then_half_close(gateway.base_port, bytes(frame))  # answered or closed, both fine
    _still_answers(witness)
