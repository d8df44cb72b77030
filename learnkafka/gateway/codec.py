"""Kafka's framing and headers, with kio doing the bytes.

A Kafka request on the wire is a 4-byte big-endian size, then the request
header (api key, api version, correlation id, client id; v2 with tagged
fields for flexible versions) and the body. A response is a size, a response
header (the correlation id; v1 with tagged fields for flexible versions, but
always v0 for ApiVersions: a client must read it before it knows what the
broker speaks, kafka's ApiVersionsResponse.json says so) and the body.

Everything that is not a well-formed request raises `Malformed`; the
connection that sent it is closed (connection.py), nothing else is touched.
"""
from __future__ import annotations

import io
import struct
from dataclasses import dataclass

from kio.index import KioIndexError, load_request_schema, load_response_schema
from kio.serial import entity_reader, entity_writer

API_VERSIONS = 18
# A request over this closes the connection (above max.request.size, 1 MiB by default).
MAX_FRAME_BYTES = 2 * 1024 * 1024
_PREFIX = struct.Struct(">hhi")


class Malformed(Exception):
    """Bytes that are not a Kafka request we can read."""


@dataclass(frozen=True)
class Request:
    api_key: int
    api_version: int
    correlation_id: int
    client_id: str | None
    body: object  # a kio request instance (None: a version kio does not know)
    size: int     # bytes on the wire, for the byte-rate limit


def frame_size(prefix: bytes) -> int:
    """The size announced by a frame's first 4 bytes, checked."""
    (size,) = struct.unpack(">i", prefix)
    if size < _PREFIX.size:
        raise Malformed(f"frame of {size} bytes is too short for a request header")
    if size > MAX_FRAME_BYTES:
        raise Malformed(f"frame of {size} bytes is over the {MAX_FRAME_BYTES}-byte limit")
    return size


def peek(frame: bytes) -> tuple[int, int, int]:
    """(api key, api version, correlation id): the fixed start of every header."""
    if len(frame) < _PREFIX.size:
        raise Malformed("frame too short for a request header")
    return _PREFIX.unpack_from(frame)


def decode_request(frame: bytes) -> Request:
    """One request frame (without its size prefix). An API version kio has no
    schema for gives `body=None`, so the caller can answer UNSUPPORTED_VERSION."""
    api_key, api_version, correlation_id = peek(frame)
    try:
        cls = load_request_schema(api_key, api_version)
    except KioIndexError:
        return Request(api_key, api_version, correlation_id, None, None, len(frame) + 4)
    try:
        header, used = entity_reader(cls.__header_schema__)(frame, 0)
        body, body_used = entity_reader(cls)(frame, used)
    except Exception as err:  # kio raises several kinds on bad bytes
        raise Malformed(f"undecodable {cls.__name__} v{api_version}: "
                        f"{type(err).__name__}: {err}") from err
    if used + body_used != len(frame):
        raise Malformed(f"{cls.__name__} v{api_version} has "
                        f"{len(frame) - used - body_used} bytes past its end")
    return Request(api_key, api_version, correlation_id, header.client_id, body,
                   len(frame) + 4)


def response_class(api_key: int, api_version: int):
    return load_response_schema(api_key, api_version)


def encode_response(correlation_id: int, response) -> bytes:
    """Size prefix + the right response header + the body."""
    header_cls = type(response).__header_schema__
    buf = io.BytesIO()
    entity_writer(header_cls)(buf, header_cls(correlation_id=correlation_id))
    entity_writer(type(response))(buf, response)
    payload = buf.getvalue()
    return struct.pack(">i", len(payload)) + payload


def encode_request(api_key: int, api_version: int, correlation_id: int, body,
                   client_id: str | None = "learnkafka") -> bytes:
    """A request as a client sends it (the tests and the benchmark use this)."""
    cls = type(body)
    header_cls = cls.__header_schema__
    buf = io.BytesIO()
    entity_writer(header_cls)(buf, header_cls(request_api_key=api_key,
                                              request_api_version=api_version,
                                              correlation_id=correlation_id,
                                              client_id=client_id))
    entity_writer(cls)(buf, body)
    payload = buf.getvalue()
    return struct.pack(">i", len(payload)) + payload
