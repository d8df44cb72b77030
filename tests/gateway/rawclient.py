"""A bare Kafka-protocol client on a TCP socket, built from kio's classes and the
gateway's own framing helpers: for tests that send exactly the bytes they mean."""
from __future__ import annotations

import socket
import struct

from kio.index import load_request_schema
from kio.serial import entity_reader

from learnkafka.gateway.codec import encode_request, response_class
from learnkafka.gateway.translate import from_plain


class Raw:
    def __init__(self, port: int, timeout: float = 20.0):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
        self.correlation = 0

    def send_bytes(self, data: bytes) -> None:
        self.sock.sendall(data)

    def request(self, api_key: int, version: int, body: dict):
        """Send one request, read its response (kio instance)."""
        self.correlation += 1
        cls = load_request_schema(api_key, version)
        self.send_bytes(encode_request(api_key, version, self.correlation,
                                       from_plain(cls, body)))
        return self.read_response(api_key, version)

    def read_response(self, api_key: int, version: int):
        size = struct.unpack(">i", self._exactly(4))[0]
        payload = self._exactly(size)
        cls = response_class(api_key, version)
        header, used = entity_reader(cls.__header_schema__)(payload, 0)
        assert header.correlation_id == self.correlation
        body, _ = entity_reader(cls)(payload, used)
        return body

    def _exactly(self, n: int) -> bytes:
        out = b""
        while len(out) < n:
            chunk = self.sock.recv(n - len(out))
            if not chunk:
                raise ConnectionError("closed by the gateway")
            out += chunk
        return out

    def closed_by_peer(self) -> bool:
        """True once the gateway has closed this connection (reads EOF or a reset)."""
        try:
            while True:
                chunk = self.sock.recv(65536)
                if not chunk:
                    return True
        except ConnectionResetError:
            return True
        except TimeoutError:
            return False

    def authenticate(self, token: str):
        self.request(18, 3, {"client_software_name": "raw", "client_software_version": "1"})
        self.request(17, 1, {"mechanism": "PLAIN"})
        return self.request(36, 2, {"auth_bytes": b"\x00" + token.encode() + b"\x00-"})

    def close(self) -> None:
        self.sock.close()
