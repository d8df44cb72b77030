"""Reading one inbound frame of the sandbox socket, safely, before anything acts on it.

The socket (consumers.py) hands every frame it receives to `parse_frame`, which
returns the message as a dict or raises `WireError` with a protocol error code
and words for the learner (docs/protocol.md, "Errors and limits"). The checks,
in order, each cheap enough to run on a flood:

1. Size in UTF-8 bytes, not characters: a 64 KB limit that counted characters
   let a 195 KB message of three-byte characters through.
2. Nesting depth, counted on the raw text before parsing: Python's JSON parser
   recurses, so `[[[[...]]]]` a thousand deep raised RecursionError, which
   closed the socket with 1011. Deep text is refused as `bad_json` unparsed.
3. JSON itself, without NaN or Infinity (not JSON, and not storable in jsonb).
4. Shape: an object with a string `type`.
5. Text: every key and string must be valid Unicode a database can store, i.e.
   no lone surrogate (`"\\ud800"` is legal JSON escape syntax but not a
   character; it would fail to encode deep inside the simulator) and no U+0000
   (PostgreSQL cannot store it in text or jsonb, so the sandbox would be shown
   something it could not save, and reset on its next rebuild).

Binary frames are read the same way when they hold UTF-8 text.

`valid_public_id` is the check on the sandbox id in the socket's path: a full
match, since `^...$` with `re.match` also accepts a trailing newline.
"""
from __future__ import annotations

import json
import math
import operator
import re
from itertools import accumulate

MAX_MESSAGE_BYTES = 64 * 1024
MAX_DEPTH = 32  # the deepest real message (a command with a nested config) is 4
PUBLIC_ID = re.compile(r"[A-Za-z0-9_-]{16,64}")

# A JSON string, or an unterminated one running to the end of the text. It
# cannot fail once it has begun (possessive, and the end of the text also ends
# it), so removing strings is one linear pass: a pattern that could fail would
# be retried from every later quote, and `"\\"\\"\\"...` would take seconds.
_STRINGS = re.compile(r'"(?:[^"\\]++|\\.)*+(?:"|\\?\Z)', re.DOTALL)
_NOT_BRACKETS = re.compile(r"[^\[\]{}]+")
_OPENERS = bytes.maketrans(b"[{]}", b"\x01\x01\x00\x00")  # 1 for an opener, else 0
_CLOSERS = bytes.maketrans(b"[{]}", b"\x00\x00\x01\x01")


class WireError(Exception):
    """A frame refused at the door; nothing was read past the failed check."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


def valid_public_id(public_id: str) -> bool:
    return PUBLIC_ID.fullmatch(public_id) is not None


def parse_frame(text_data: str | None = None, bytes_data: bytes | None = None) -> dict:
    """The message a frame carries, or `WireError` saying why it is refused."""
    text = _frame_text(text_data, bytes_data)
    if _nesting_depth(text) > MAX_DEPTH:
        raise WireError("bad_json", f"Messages may nest at most {MAX_DEPTH} levels deep.")
    try:
        message = json.loads(text, parse_constant=_refuse_constant)
    except (ValueError, RecursionError):
        raise WireError("bad_json", "Messages must be JSON objects.") from None
    if not isinstance(message, dict) or not isinstance(message.get("type"), str):
        raise WireError("bad_message", 'Messages need a "type".')
    check_text(message)
    return message


def _frame_text(text_data: str | None, bytes_data: bytes | None) -> str:
    if text_data is not None:
        # Every character is 1 to 4 bytes: most frames are decided without encoding.
        if len(text_data) > MAX_MESSAGE_BYTES or (
                len(text_data) * 4 > MAX_MESSAGE_BYTES
                and len(text_data.encode("utf-8", "surrogatepass")) > MAX_MESSAGE_BYTES):
            raise _too_large()
        return text_data
    raw = bytes_data or b""
    if len(raw) > MAX_MESSAGE_BYTES:
        raise _too_large()
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        raise WireError("bad_json", "Binary frames must hold UTF-8 JSON.") from None


def _too_large() -> WireError:
    return WireError("too_large", f"Messages are limited to {MAX_MESSAGE_BYTES:,} bytes "
                                  "(UTF-8).")


def _nesting_depth(text: str) -> int:
    """How deep the brackets outside strings nest, in a few C-speed passes (regex,
    translate, accumulate, map, max: no Python loop over 64 KB, which would block
    the event loop for tens of ms). Brackets after an unterminated string are not
    counted; such text is not JSON, and json.loads says so."""
    brackets = _NOT_BRACKETS.sub("", _STRINGS.sub("", text)).encode("ascii")
    opened = accumulate(brackets.translate(_OPENERS))
    closed = accumulate(brackets.translate(_CLOSERS))
    return max(map(operator.sub, opened, closed), default=0)


def _refuse_constant(name: str):
    raise ValueError(f"{name} is not JSON")


def check_text(message: dict) -> None:
    """Refuse a message holding text a database cannot store or a number JSON has not."""
    stack: list[tuple[str, object]] = [("", message)]
    while stack:
        where, value = stack.pop()
        if isinstance(value, str):
            _check_string(where, value)
        elif isinstance(value, float) and not math.isfinite(value):
            raise WireError("bad_json", f"{_name(where)} is too large a number.")
        elif isinstance(value, dict):
            for key, item in value.items():
                _check_string(where, key)
                stack.append((f"{where}.{key}" if where else key, item))
        elif isinstance(value, list):
            stack.extend((f"{where}[{i}]", item) for i, item in enumerate(value))


def _check_string(where: str, text: str) -> None:
    if "\x00" in text:
        raise WireError("bad_text", f"{_name(where)} contains the character U+0000, "
                                    "which cannot be stored.")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise WireError("bad_text", f"{_name(where)} contains a lone surrogate "
                                    "(\\ud800-\\udfff), which is not a character.") from None


def _name(where: str) -> str:
    """The field's path for an error message, itself printable and short."""
    if not where:
        return "The message"
    shown = where.replace("\x00", "\\u0000").encode("utf-8", "backslashreplace").decode()
    return f'"{shown[:80]}…"' if len(shown) > 80 else f'"{shown}"'
