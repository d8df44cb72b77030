"""Bytes in a text-only simulator: base64 on the wire, readable text in the log.

Commands and events are JSON text (simulator.commands: every string valid
Unicode without U+0000), so a real client's bytes travel as standard base64
(``b64decode``/``b64encode`` with padding). In the log a key, value or header
value is stored as the text itself when its bytes are UTF-8 without U+0000
(the diagrams show ``order-42``, not ``b3JkZXItNDI=``), else as
``base64:`` + base64 of the bytes; text that happens to start with that mark
is stored marked too, so `stored_to_bytes(bytes_to_stored(b)) == b` for every
``b``. A simulated producer's text value whose own text starts with the mark
and is valid base64 would read back decoded: a documented corner, not a
loss (simulated producers write text, so their bytes are its UTF-8).

Also here: Kafka's ``ConsumerProtocolSubscription`` and
``ConsumerProtocolAssignment`` (clients/src/main/resources/common/message/
ConsumerProtocol*.json), the opaque bytes a consumer group's members and
leader exchange in JoinGroup and SyncGroup. The coordinator stores them as
given; they are decoded only to show the group in the diagram and the CLI,
and encoded for a simulated member the outside leader must read.
"""

from __future__ import annotations

import base64
import binascii
import struct

from simulator.errors import SimulationError

MARK = "base64:"


def b64_to_bytes(text, where: str) -> bytes | None:
    """Decode a command's base64 field (None stays None); bad_command if it is not base64."""
    if text is None:
        return None
    if not isinstance(text, str):
        raise SimulationError("bad_command", f"{where} is base64 text or null")
    try:
        return base64.b64decode(text.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError, ValueError):
        raise SimulationError("bad_command", f"{where} is not valid base64") from None


def bytes_to_b64(data: bytes | None) -> str | None:
    return None if data is None else base64.b64encode(data).decode("ascii")


def bytes_to_stored(data: bytes | None) -> str | None:
    """The log's text form of `data` (see the module docstring)."""
    if data is None:
        return None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = None
    if text is not None and "\x00" not in text and not text.startswith(MARK):
        return text
    return MARK + base64.b64encode(data).decode("ascii")


def stored_to_bytes(text: str | None) -> bytes | None:
    """The bytes a stored key/value stands for (a simulated producer's text: its UTF-8)."""
    if text is None:
        return None
    if text.startswith(MARK):
        try:
            return base64.b64decode(text[len(MARK):].encode("ascii"), validate=True)
        except (binascii.Error, UnicodeEncodeError, ValueError):
            pass
    return text.encode("utf-8")


def stored_to_b64(text) -> str | None:
    if text is not None and not isinstance(text, str):
        text = str(text)
    return bytes_to_b64(stored_to_bytes(text))


# ---- ConsumerProtocol (the group's opaque member metadata and assignments) --------


class _Reader:
    def __init__(self, data: bytes):
        self.data = data
        self.at = 0

    def take(self, n: int) -> bytes:
        if n < 0 or self.at + n > len(self.data):
            raise ValueError("truncated")
        out = self.data[self.at:self.at + n]
        self.at += n
        return out

    def int16(self) -> int:
        return struct.unpack(">h", self.take(2))[0]

    def int32(self) -> int:
        return struct.unpack(">i", self.take(4))[0]

    def string(self) -> str:
        n = self.int16()
        if n < 0:
            raise ValueError("null string")
        return self.take(n).decode("utf-8")

    def array_len(self) -> int:
        n = self.int32()
        if n > 100_000:
            raise ValueError("array too long")
        return n

    def done(self) -> bool:
        return self.at >= len(self.data)


def decode_subscription(data: bytes | None) -> tuple[list, list] | None:
    """(topics, owned [(topic, partition)]) of a ConsumerProtocolSubscription;
    None if the bytes are not one (a non-consumer protocol)."""
    if not data:
        return None
    try:
        r = _Reader(data)
        version = r.int16()
        topics = [r.string() for _ in range(max(0, r.array_len()))]
        owned = []
        if version >= 1 and not r.done():
            user_data = r.int32()  # nullable bytes
            if user_data > 0:
                r.take(user_data)
            if not r.done():
                for _ in range(max(0, r.array_len())):
                    topic = r.string()
                    owned.extend((topic, r.int32()) for _ in range(max(0, r.array_len())))
        return topics, owned
    except (ValueError, struct.error, UnicodeDecodeError):
        return None


def encode_subscription(topics: list, owned: list = ()) -> bytes:
    """A version-1 ConsumerProtocolSubscription (no user data)."""
    out = [struct.pack(">hi", 1, len(topics))]
    for topic in topics:
        out.append(_string(topic))
    out.append(struct.pack(">i", -1))  # user_data null
    by_topic: dict[str, list[int]] = {}
    for topic, partition in owned:
        by_topic.setdefault(topic, []).append(partition)
    out.append(struct.pack(">i", len(by_topic)))
    for topic in sorted(by_topic):
        out.append(_string(topic))
        out.append(struct.pack(">i", len(by_topic[topic])))
        out.extend(struct.pack(">i", p) for p in sorted(by_topic[topic]))
    return b"".join(out)


def decode_assignment(data: bytes | None) -> list | None:
    """[(topic, partition)] of a ConsumerProtocolAssignment; [] for empty bytes
    (a member given nothing); None if the bytes are not one."""
    if not data:
        return []
    try:
        r = _Reader(data)
        r.int16()  # version
        out = []
        for _ in range(max(0, r.array_len())):
            topic = r.string()
            out.extend((topic, r.int32()) for _ in range(max(0, r.array_len())))
        return out
    except (ValueError, struct.error, UnicodeDecodeError):
        return None


def encode_assignment(partitions: list) -> bytes:
    """A version-0 ConsumerProtocolAssignment (no user data)."""
    by_topic: dict[str, list[int]] = {}
    for topic, partition in partitions:
        by_topic.setdefault(topic, []).append(partition)
    out = [struct.pack(">hi", 0, len(by_topic))]
    for topic in sorted(by_topic):
        out.append(_string(topic))
        out.append(struct.pack(">i", len(by_topic[topic])))
        out.extend(struct.pack(">i", p) for p in sorted(by_topic[topic]))
    out.append(struct.pack(">i", -1))  # user_data null
    return b"".join(out)


def _string(text: str) -> bytes:
    raw = text.encode("utf-8")
    return struct.pack(">h", len(raw)) + raw
