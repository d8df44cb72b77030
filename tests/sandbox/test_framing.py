"""framing.py: which events are routine, and what `compact` leaves out of a
frame, the same whether the live layer holds simulator Events or their dicts."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from learnkafka.sandbox import framing
from simulator import events as ev
from simulator.events import event_to_dict

KINDS = ["fetch_request", "fetch_response", "produce_request", "heartbeat"]


@st.composite
def message_events(draw):
    """An interleaving of messages sent, then delivered or dropped or still in
    flight, mixed with other events; some carry records."""
    count = draw(st.integers(0, 12))
    plans = [(i + 1, draw(st.sampled_from(KINDS)), draw(st.booleans()),
              draw(st.sampled_from(["delivered", "dropped", "in_flight"])))
             for i in range(count)]
    steps = []
    for message_id, kind, records, end in plans:
        steps.append(("sent", message_id, kind, records))
        if end != "in_flight":
            steps.append((end, message_id, kind, records))
    # Any order that keeps each message's sending before its end.
    order, pending = [], list(steps)
    while pending:
        ready = [s for s in pending if s[0] == "sent" or ("sent", *s[1:]) not in pending]
        pick = draw(st.sampled_from(ready))
        pending.remove(pick)
        order.append(pick)
        if draw(st.booleans()):
            order.append(("other", None, None, None))
    out = []
    for seq, (what, message_id, kind, records) in enumerate(order, start=1):
        if what == "sent":
            summary = {"records": [{"offset": 0}]} if records else {"partitions": 1}
            out.append(ev.MessageSent(seq, seq, message_id=message_id, message_kind=kind,
                                      source="a", target="b", sent_at_ms=seq,
                                      arrive_at_ms=seq + 40, summary=summary))
        elif what == "delivered":
            out.append(ev.MessageDelivered(seq, seq, message_id=message_id, message_kind=kind,
                                           source="a", target="b"))
        elif what == "dropped":
            out.append(ev.MessageDropped(seq, seq, message_id=message_id, message_kind=kind,
                                         source="a", target="b", reason="drop_rule"))
        else:
            out.append(ev.CommandApplied(seq, seq, command={"type": "produce"}))
    return out


def _routine(e) -> bool:
    """The definition, spelled out: a message with no records that is not part
    of a produce, sent or delivered."""
    if e.kind not in ("message_sent", "message_delivered"):
        return False
    if "produce" in e.message_kind:
        return False
    if e.kind == "message_delivered":
        return True
    return not e.summary.get("records")


@given(message_events())
def test_compact_leaves_out_exactly_the_routine_messages_sent_and_delivered_in_it(events):
    both = {e.message_id for e in events if e.kind == "message_sent" and _routine(e)} & {
        e.message_id for e in events if e.kind == "message_delivered"}
    kept = framing.compact(events)
    assert kept == [e for e in events if not (
        e.kind in ("message_sent", "message_delivered") and e.message_id in both)]
    assert [framing.is_routine(e) for e in events] == [_routine(e) for e in events]


@given(message_events())
def test_events_and_their_dicts_are_framed_alike(events):
    dicts = [event_to_dict(e) for e in events]
    assert [framing.is_routine(d) for d in dicts] == [framing.is_routine(e) for e in events]
    assert framing.compact(dicts) == [event_to_dict(e) for e in framing.compact(events)]
