"""What goes into an `events` frame, and when an idle cluster sends one.

A settled playground talks all the time: followers' replication fetches
(long polls), consumers' fetches and heartbeats, each a `message_sent` then a
`message_delivered` about 40 ms later. Sent as they happen that was ~12 frames
and ~19 KB a second per idle socket. Issue 9 item 11: send when something a
diagram draws changes, plus a slow clock tick. So:

- a tick whose events are all *routine* (a message carrying no records, sent or
  delivered) is held back, and held events go out at most every ROUTINE_FRAME_S
  (or at once, first and in order, with the next event that matters);
- within one frame, a routine message that was both sent and delivered is left
  out (both events): the folded view after the frame is the same without it
  (it was in flight and is not any more), and nothing else reads it.

Every other event goes out in simulator order, unchanged.
"""
from __future__ import annotations

from simulator.routine import routine_message

ROUTINE_FRAME_S = 0.25


def _get(event, name: str):
    """A field of an event, as a simulator Event or as its dict: the live layer
    holds routine events as Events and makes dicts only of those a frame sends
    (most routine messages are sent and delivered within one frame and left
    out; turning each into a dict first was a seventh of a busy process's time)."""
    if isinstance(event, dict):
        return event.get(name)
    return getattr(event, name, None)


def is_routine(event) -> bool:
    """A routine message's sending or delivery (simulator/routine.py); a drop never is."""
    kind = _get(event, "kind")
    if kind == "message_sent":
        return routine_message(_get(event, "message_kind"), _get(event, "summary"))
    if kind == "message_delivered":
        return "produce" not in str(_get(event, "message_kind"))
    return False


def compact(events: list) -> list:
    """Leave out routine messages both sent and delivered within this list."""
    sent = {_get(e, "message_id") for e in events
            if _get(e, "kind") == "message_sent" and is_routine(e)}
    sent.discard(None)
    done = {_get(e, "message_id") for e in events
            if _get(e, "kind") == "message_delivered" and _get(e, "message_id") in sent}
    if not done:
        return events
    return [e for e in events if not (_get(e, "kind") in ("message_sent", "message_delivered")
                                      and _get(e, "message_id") in done)]
