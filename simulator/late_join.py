"""What a page that connects late needs besides the state: the snapshot's ``late_join`` section.

A browser that watched from the start knows a little history the state does
not hold, and draws it: the last events (the message-flow diagram lights the
step the newest ones performed), what each producer was told about its
batches (static/js/live/reduce-produce.js), the hops that already landed but
are still drawn (model.js MIN_HOP_MS), and each replica's high watermark as
the events announced it (a follower learns newer HWs from its fetches, which
no event reports, so a watching browser keeps the one its role change
carried). Without these a late joiner's picture starts over where an early
joiner's goes on (issue 13). Listeners (engine.on_event) keep them in
``world.ext["late_join"]``, bounded, so they replay and deep-copy with the
world; `section(world)` puts them in the snapshot and the browser's
``fromSnapshot`` (static/js/live/store.js) folds them in.
"""

from __future__ import annotations

from collections import deque

from simulator import events as ev
from simulator.engine import on_event
from simulator.events import EVENT_CLASSES, event_to_dict
from simulator.routine import routine_message

KEEP_RECENT = 30            # = static/js/live/model.js KEEP_RECENT
PRODUCE_EVENTS_KEPT = 80    # per producer: enough for reduce-produce.js's last 20 batches
MIN_HOP_MS = 400            # = static/js/live/model.js MIN_HOP_MS
MAX_RECORDS_PER_EVENT = 50  # = learnkafka/sandbox/policy.py: the wire trims records so
PRODUCE_KINDS = (ev.RecordsQueued, ev.BatchSent, ev.ProduceAcknowledged, ev.ProduceFailed)
HW_KINDS = (ev.HighWatermarkChanged, ev.ReplicaRoleChanged)
# Network messages are not "recent events": the socket leaves out a routine
# message sent and delivered within one frame (learnkafka/sandbox/framing.py),
# so which of them a watching page saw depends on its frames. Nothing lights up
# from them (a hop is drawn from `in_flight`/`landed`), so neither side keeps
# them in `recent` (= static/js/live/store.js NOT_RECENT).
NOT_RECENT = (ev.MessageSent, ev.MessageDelivered, ev.MessageDropped)


def _journal(world) -> dict:
    journal = world.ext.get("late_join")
    if journal is None:
        journal = world.ext["late_join"] = {
            # One more than kept: room for a command_applied a refusal may take back.
            "recent": deque(maxlen=KEEP_RECENT + 1), "produce": {}, "expected": {},
            "sent": deque(), "landed": {}, "routine": {}, "hw": {},
            # Kept since the world's first event: a replica no event named has HW 0.
            "complete": world.last_seq <= 1}
    return journal


def _take_back(recent, event) -> None:
    """A refused command takes back its command_applied (and its seq) without a
    restore (Simulation.apply): drop what the world no longer holds. Every
    event does this, message or not, as the next one reuses that seq."""
    while recent and recent[-1].seq >= event.seq:
        recent.pop()


def _remember(world, event) -> None:
    recent = _journal(world)["recent"]
    _take_back(recent, event)
    recent.append(event)


def _produce(world, event) -> None:
    journal = _journal(world)
    kept = journal["produce"].get(event.producer)
    if kept is None:
        kept = journal["produce"][event.producer] = deque(maxlen=PRODUCE_EVENTS_KEPT)
    _supersede(kept, event)
    kept.append(event)
    if isinstance(event, ev.BatchSent) and event.seq not in journal["expected"]:
        # The offset a watching browser expects the batch at: the log end of the
        # replica it was sent to, as the model knows it when the batch leaves.
        broker = world.brokers.get(event.broker)
        replica = broker.replicas.get((event.topic, event.partition)) if broker else None
        journal["expected"][event.seq] = replica.log.leo if replica is not None else 0
        live = {e.seq for q in journal["produce"].values() for e in q}
        if len(journal["expected"]) > 2 * len(live):
            journal["expected"] = {s: o for s, o in journal["expected"].items() if s in live}


def _supersede(kept, event) -> None:
    """Drop the one event of `event`'s batch that `event` makes redundant.

    reduce-produce.js copies a batch's latest send (attempt, broker, sizes),
    failure and ack over the older ones, and reads only the first send for the
    rest (its records, when it left); so per batch the journal keeps the first
    send and the newest of each kind, and a batch retried 40 times takes four
    places, not eighty (the browser's last 20 batches would not fit otherwise).
    """
    if isinstance(event, ev.RecordsQueued):
        return
    same = [e for e in kept if type(e) is type(event) and e.batch_id == event.batch_id]
    if isinstance(event, ev.BatchSent):
        same = same[1:]  # the first send stays: it took the batch's records off the queue
    for old in same:
        kept.remove(old)


def _sent(world, event) -> None:
    # Runs for every message (~50 a second in a settled playground): the
    # journal is looked up once, and a take-back is only called when due.
    journal = world.ext.get("late_join") or _journal(world)
    recent = journal["recent"]
    if recent and recent[-1].seq >= event.seq:
        _take_back(recent, event)  # a message is never recent (NOT_RECENT)
    sent = journal["sent"]
    sent.append(event)
    routine = journal["routine"]
    if routine_message(event.message_kind, event.summary):
        routine[event.message_id] = True
    oldest = world.now_ms - MIN_HOP_MS
    if sent[0].sent_at_ms <= oldest:
        landed = journal["landed"]
        while sent and sent[0].sent_at_ms <= oldest:
            gone = sent.popleft().message_id
            landed.pop(gone, None)
            routine.pop(gone, None)


def _landed(world, event) -> None:
    journal = world.ext.get("late_join") or _journal(world)
    recent = journal["recent"]
    if recent and recent[-1].seq >= event.seq:
        _take_back(recent, event)
    dropped = isinstance(event, ev.MessageDropped)
    if not dropped and journal["routine"].pop(event.message_id, False):
        return  # a delivered routine message is not drawn after it lands (simulator/routine.py)
    journal["landed"][event.message_id] = (event.at_ms, dropped)


def _hw(world, event) -> None:
    if event.high_watermark is not None:
        _journal(world)["hw"][(event.topic, event.partition, event.broker)] = event.high_watermark


def _topic_gone(world, event) -> None:
    hw = _journal(world)["hw"]
    for key in [k for k in hw if k[0] == event.topic]:
        del hw[key]


def _listen(cls, fn) -> None:
    on_event(cls)(fn)


_LISTENED: set[type] = set()


def listen_to_every_event() -> None:
    """Register `_remember` for every event class known now (idempotent); called at
    import and again by `section`, so extension events registered later count too.
    Messages are not recent: `_sent` and `_landed` take back for them (one call
    an event fewer on the busiest path: a settled playground sends ~45 a second)."""
    for cls in list(EVENT_CLASSES.values()):
        if cls not in _LISTENED and cls not in NOT_RECENT:
            _LISTENED.add(cls)
            _listen(cls, _remember)


for _cls in PRODUCE_KINDS:
    _listen(_cls, _produce)
for _cls in HW_KINDS:
    _listen(_cls, _hw)
_listen(ev.MessageSent, _sent)
_listen(ev.MessageDelivered, _landed)
_listen(ev.MessageDropped, _landed)
_listen(ev.TopicDeleted, _topic_gone)
listen_to_every_event()


def _wire(event) -> dict:
    """An event as the socket sends it (sandbox/policy.py `trimmed`), without its
    `seq`: a rebuild from the command log may number one millisecond's events
    differently, and the snapshot of a rebuild equals the original's."""
    out = event_to_dict(event)
    del out["seq"]
    records = out.get("records")
    if isinstance(records, list) and len(records) > MAX_RECORDS_PER_EVENT:
        out["records"] = records[-MAX_RECORDS_PER_EVENT:]
        out["records_omitted"] = len(records) - MAX_RECORDS_PER_EVENT
    return out


def announced_hw(world, replica, broker: int) -> int:
    """A replica's HW as the events announced it. A leader announces every move
    (high_watermark_changed), so its HW is the actual one; a follower's is the
    one its last role change carried (0 for one no event named yet)."""
    journal = world.ext.get("late_join")
    if replica.role == "leader" or journal is None:
        return replica.hw
    key = (replica.topic, replica.partition, broker)
    return journal["hw"].get(key, 0 if journal["complete"] else replica.hw)


def section(world) -> dict:
    """The snapshot's ``late_join`` (docs/events.md, "The snapshot")."""
    listen_to_every_event()
    journal = _journal(world)
    recent = []
    for event in journal["recent"]:
        if event.seq > world.last_seq:
            continue  # taken back (see _remember)
        out = _wire(event)
        if "records" in out:  # diagrams read an old event's kind and names, not its records
            out["records"] = []
        recent.append(out)
    recent = recent[-KEEP_RECENT:]
    produce = {}
    for name, kept in sorted(journal["produce"].items()):
        produce[name] = []
        for event in kept:
            out = _wire(event)
            if event.seq in journal["expected"]:
                out["expected_offset"] = journal["expected"][event.seq]
            produce[name].append(out)
    in_flight = world.network.in_flight
    landed = []
    for m in journal["sent"]:
        if m.message_id in in_flight or m.message_id not in journal["landed"]:
            continue
        if m.sent_at_ms + MIN_HOP_MS <= world.now_ms:
            continue
        at_ms, dropped = journal["landed"][m.message_id]
        landed.append({"message_id": m.message_id, "message_kind": m.message_kind,
                       "source": m.source, "target": m.target, "sent_at_ms": m.sent_at_ms,
                       "arrive_at_ms": m.arrive_at_ms, "summary": event_to_dict(m)["summary"],
                       "landed_at_ms": at_ms, "dropped": dropped})
    return {"events": recent, "produce": produce, "landed": landed}
