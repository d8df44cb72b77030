"""The simulated network: every hop between actors takes simulated time.

``world.network.send(source, target, kind, body, summary)`` emits
``message_sent`` (with ``sent_at_ms``/``arrive_at_ms`` so a diagram can place
the message in flight from the clock alone) and, on arrival,
``message_delivered`` followed by ``target.on_message(message)`` — or
``message_dropped`` with a reason when the target is down, either end is cut
off, or a drop rule (command ``drop_messages``) matches.

Kafka talks over TCP, and a TCP connection delivers in order or breaks; it
never loses one message and then delivers the next. So the two actors of a
message share one connection (both directions), and a lost message breaks it:

* a drop rule is a *reset* (an RST): the message and everything else in
  flight between the two is lost (reason ``connection_broken`` for the
  others), both ends are told at once through ``on_connection_broken(peer)``
  when they define it (as Kafka's NetworkClient sees a disconnect), and the
  next message opens a new connection;
* a cut (``isolate_broker``) is a *black hole*: what crosses it is lost and
  the connections across it are dead, but nobody is told. A message still on a
  dead connection after the cut has healed finds it broken: it is lost, with
  everything in flight on that connection, and both ends are told then (the
  client meanwhile notices through its own timeouts).

A Kafka client keeps one connection to each broker and multiplexes its
requests on it, so by default two actors share one. An HTTP client does not
pipeline: each request in flight has a connection of its own (the payments
client, simulator/extensions/payments). Such messages name it
(``connection=``, the request and attempt), and a loss or a close breaks only
that connection: a lost reply to one payment does not take a concurrent
payment's reply with it.

The one single loss kept is the message to a crashed or missing actor
(``target_down``): its process and its sockets are gone, so the sender's
connection is refused and it is told through ``on_message_dropped(message)``.

Latency is ``network.latency_ms`` (default 2) plus a deterministic jitter in
``[0, network.jitter_ms]`` from the simulation's rng, plus, for the replica
``fetch`` requests of a slow broker, its ``slow_ms`` (a slow follower: its
heartbeats still arrive on time, so it lags without being fenced). Other
messages between the same two actors never overtake each other (TCP keeps
order on a connection).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from simulator import events as ev

SLOWED_KINDS = frozenset({"fetch"})


@dataclass(slots=True)
class Message:
    message_id: int
    kind: str
    source: str
    target: str
    body: Any
    sent_at_ms: int
    arrive_at_ms: int
    summary: dict
    connection: str | None = None  # its own connection (an HTTP request); None: the pair's

    def to_dict(self) -> dict:
        return {"message_id": self.message_id, "kind": self.kind, "source": self.source,
                "target": self.target, "sent_at_ms": self.sent_at_ms,
                "arrive_at_ms": self.arrive_at_ms, "summary": self.summary}


@dataclass(slots=True)
class DropRule:
    source: str | None
    target: str | None
    kind: str | None
    remaining: int

    def matches(self, m: Message) -> bool:
        return ((self.source is None or self.source == m.source)
                and (self.target is None or self.target == m.target)
                and (self.kind is None or self.kind == m.kind))


class Network:
    """Carries messages; knows which actors are down, cut off or slow."""

    actor_id = "network"

    def __init__(self, world, latency_ms: int = 2, jitter_ms: int = 0):
        self.world = world
        self.latency_ms = latency_ms
        self.jitter_ms = jitter_ms
        self.next_id = 0
        self.in_flight: dict[int, Message] = {}
        self.down: set[str] = set()       # crashed actors: messages to them are refused
        self.isolated: set[str] = set()   # cut off: nothing in or out gets through
        self.cluster_isolated: set[str] = set()  # cut off from brokers/controllers only
        self.slow_ms: dict[str, int] = {}  # extra delay on the actor's fetch requests
        self.rules: list[DropRule] = []
        self._last_arrival: dict[tuple[str, str], int] = {}
        self.dead: set[tuple[str, str]] = set()  # connections a cut broke unnoticed
        world.add_actor(self)

    def send(self, source: str, target: str, kind: str, body: Any = None,
             summary: dict | None = None, connection: str | None = None) -> Message | None:
        world = self.world
        if source in self.down:
            return None  # a crashed actor sends nothing
        self.next_id += 1
        delay = self.latency_ms
        if self.jitter_ms:
            delay += world.rng.randint(0, self.jitter_ms)
        arrive = world.now_ms + delay
        link = (source, target) if connection is None else (source, target, connection)
        last = self._last_arrival.get(link, 0)
        if arrive < last:
            arrive = last
        self._last_arrival[link] = arrive
        if kind in SLOWED_KINDS and self.slow_ms:
            # A slow broker is slow to *send* its fetch; that does not hold up
            # the connection for other messages, so it is outside the FIFO rule.
            arrive += self.slow_ms.get(source, 0)
        message_id, now, summary = self.next_id, world.now_ms, summary or {}
        message = Message(message_id, kind, source, target, body, now, arrive, summary,
                          connection)
        self.in_flight[message_id] = message
        world.emit_positional(ev.MessageSent,  # message_id, message_kind, source, target,
                              message_id, kind, source, target,  # sent_at_ms, arrive_at_ms,
                              now, arrive, summary)  # summary (events.py's order)
        world.schedule_at(arrive, "network", "deliver", message_id)
        return message

    def deliver(self, message_id: int) -> None:
        world = self.world
        message = self.in_flight.pop(message_id, None)
        if message is None:
            return
        reason = self._drop_reason(message)
        pair = _connection(message.source, message.target, message.connection)
        if reason is None and pair in self.dead:
            reason = "connection_broken"  # the cut healed; this connection did not
        if reason is not None:
            world.emit(ev.MessageDropped, message_id=message_id, message_kind=message.kind,
                       source=message.source, target=message.target, reason=reason)
            if reason == "target_down":
                self.dead.discard(pair)  # its connections died with the process
                sender = world.actors.get(message.source)
                if sender is not None:
                    sender.on_message_dropped(message)
            elif reason in ("drop_rule", "connection_broken"):
                self.dead.discard(pair)
                self._break_connection(message.source, message.target, notify=True,
                                       connection=message.connection)
            else:  # a cut: lost silently, and the connection is dead
                self.dead.add(pair)
                self._break_connection(message.source, message.target, notify=False,
                                       connection=message.connection)
            return
        world.emit_positional(ev.MessageDelivered,  # message_id, message_kind, source, target
                              message_id, message.kind, message.source, message.target)
        world.actors[message.target].on_message(message)

    def _drop_reason(self, m: Message) -> str | None:
        if m.source in self.isolated:
            return "source_isolated"
        if m.target in self.isolated:
            return "target_isolated"
        if self.cluster_isolated and (
                (m.source in self.cluster_isolated and _is_server(m.target))
                or (m.target in self.cluster_isolated and _is_server(m.source))):
            return "cluster_link_cut"
        if m.target in self.down or m.target not in self.world.actors:
            return "target_down"
        for rule in self.rules:
            if rule.remaining > 0 and rule.matches(m):
                rule.remaining -= 1
                if rule.remaining == 0:
                    self.rules.remove(rule)
                return "drop_rule"
        return None

    def _break_connection(self, a: str, b: str, notify: bool,
                          connection: str | None = None) -> None:
        """A lost message breaks its TCP connection: everything else in flight
        on it between `a` and `b` (either way) is lost with it, so nothing sent
        after a lost message arrives on the connection that lost it. With
        `notify` both ends learn of it now (a reset)."""
        world = self.world
        pair = {a, b}
        lost = [m for m in self.in_flight.values()
                if m.source in pair and m.target in pair and m.connection == connection]
        for m in sorted(lost, key=lambda m: m.message_id):
            del self.in_flight[m.message_id]
            world.emit(ev.MessageDropped, message_id=m.message_id, message_kind=m.kind,
                       source=m.source, target=m.target, reason="connection_broken")
        if not notify:
            return
        for end, peer in ((a, b), (b, a)):
            hook = getattr(world.actors.get(end), "on_connection_broken", None)
            if hook is not None:
                hook(peer)

    def close_connection(self, closer: str, peer: str, connection: str | None = None) -> None:
        """`closer` closes its connection to `peer` (a client giving up on a
        request): whatever is still in flight on it is lost, the next message
        opens a new connection, and `peer` is told."""
        self.dead.discard(_connection(closer, peer, connection))
        self._break_connection(closer, peer, notify=False, connection=connection)
        hook = getattr(self.world.actors.get(peer), "on_connection_broken", None)
        if hook is not None:
            hook(closer)

    def add_rule(self, source: str | None, target: str | None, kind: str | None,
                 count: int) -> None:
        self.rules.append(DropRule(source, target, kind, count))

    def reachable(self, a: str, b: str) -> bool:
        return not ({a, b} & self.isolated) and b not in self.down and a not in self.down


def _pair(a: str, b: str) -> tuple[str, str]:
    """One TCP connection joins two actors, whichever of them sends."""
    return (a, b) if a < b else (b, a)


def _connection(a: str, b: str, connection: str | None) -> tuple:
    """The key of the connection a message travels on: the pair's own, or a named one."""
    return _pair(a, b) if connection is None else (*_pair(a, b), connection)


def _is_server(actor_id: str) -> bool:
    return actor_id.startswith(("broker:", "controller:"))
