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

from simulator.events import MessageDelivered, MessageSent
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
    # Every event of every tick comes through here (and through `compact`), so a
    # simulator Event takes the direct path: no per-field lookups by name.
    cls = type(event)
    if cls is MessageSent:
        return routine_message(event.message_kind, event.summary)
    if cls is MessageDelivered:
        return "produce" not in event.message_kind
    if cls is not dict:
        return False
    kind = event.get("kind")
    if kind == "message_sent":
        return routine_message(event.get("message_kind"), event.get("summary"))
    if kind == "message_delivered":
        return "produce" not in str(event.get("message_kind"))
    return False


def compact(events: list) -> list:
    """Leave out routine messages both sent and delivered within this list."""
    sent, done = set(), set()
    for e in events:  # one pass: a message's delivery always follows its sending
        kind = _get(e, "kind")
        if kind == "message_sent":
            if is_routine(e):
                sent.add(_get(e, "message_id"))
        elif kind == "message_delivered":
            message_id = _get(e, "message_id")
            if message_id in sent:
                done.add(message_id)
    done.discard(None)
    if not done:
        return events
    return [e for e in events if not (_get(e, "kind") in ("message_sent", "message_delivered")
                                      and _get(e, "message_id") in done)]
