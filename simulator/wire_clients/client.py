"""`WireClient`: an outside Kafka client as an actor on the simulated network.

One actor ``wire:<client>`` per client the gateway names. Its requests are
messages to ``broker:<id>`` like any simulated client's, so latency, drop
rules, isolation and crashes apply to it the same way, and the brokers answer
with their own handlers (simulator.broker.dispatch). The actor keeps, per
broker connection, the requests still unanswered in the order they came, and
emits their ``wire_response`` events in that order: a Kafka broker answers a
connection's requests in order (it reads the next one only after answering
the last; kafka-python checks the correlation ids), so the gateway can write
each event straight to the socket.

A broken connection (the broker crashed, a message was lost to a drop rule,
a healed cut found the connection dead) emits ``wire_disconnect``: the
requests pending on it get no answer, exactly as the client's socket closes.
"""

from __future__ import annotations

from simulator import events as ev
from simulator.engine import Actor

# Response kinds that do not carry the request id back: matched first-in,
# first-out per broker (a broker answers them at once, and a connection
# keeps order).
FIFO_KINDS = ("metadata_response", "init_producer_id_response")
MAX_PENDING = 256  # unanswered requests of one client (a cap_exceeded past it)


class WireClient(Actor):
    def __init__(self, world, name: str, client_id: str, software: str, principal: str,
                 host: str):
        super().__init__(world)
        self.name = name
        self.actor_id = f"wire:{name}"
        self.client_id = client_id
        self.software = software
        self.principal = principal
        self.host = host
        self.label = f"{software or client_id or 'client'} {name}"
        self.pending: dict[int, list[dict]] = {}  # broker -> entries in request order
        self.connected: list[int] = []  # brokers it has a connection to, first use first
        self.next_request_id = 0
        self.by_request: dict[int, tuple[int, int]] = {}  # request id -> (broker, corr. id)
        self.fifo: dict[int, list[tuple[str, int]]] = {}  # broker -> [(kind, request id)]
        self.requests_total = 0

    # ---- requests -------------------------------------------------------------------
    def pending_count(self) -> int:
        return sum(len(entries) for entries in self.pending.values())

    def begin(self, broker: int, correlation_id: int, api: str, api_version: int,
              plan: dict) -> dict:
        """A new request on the connection to `broker`; its parts are sent by the API."""
        entry = {"correlation_id": correlation_id, "api": api, "api_version": api_version,
                 "plan": plan, "waiting": [], "results": {}, "response": None,
                 "answer": True}
        self.pending.setdefault(broker, []).append(entry)
        if broker not in self.connected:
            self.connected.append(broker)
        self.requests_total += 1
        return entry

    def send(self, broker: int, entry: dict, kind: str, body: dict, summary: dict,
             response_kind: str | None = None) -> int:
        """Send one part of `entry` to `broker`; returns its request id."""
        self.next_request_id += 1
        rid = self.next_request_id
        body["request_id"] = rid
        entry["waiting"].append(rid)
        self.by_request[rid] = (broker, entry["correlation_id"])
        if response_kind in FIFO_KINDS:
            self.fifo.setdefault(broker, []).append((response_kind, rid))
        summary = dict(summary, client=self.name, correlation_id=entry["correlation_id"])
        self.world.network.send(self.actor_id, f"broker:{broker}", kind, body, summary)
        return rid

    def settle(self, broker: int, entry: dict) -> None:
        """`entry` has every part it waits for: build its response, release in order."""
        from simulator.wire_clients.apis import API_HANDLERS

        if entry["waiting"] or entry["response"] is not None:
            return
        entry["response"] = API_HANDLERS[entry["api"]].finish(self, entry)
        self._release(broker)

    def _release(self, broker: int) -> None:
        entries = self.pending.get(broker)
        while entries and entries[0]["response"] is not None:
            entry = entries.pop(0)
            if entry["answer"]:
                self.world.emit(ev.WireResponse, client=self.name, broker=broker,
                                correlation_id=entry["correlation_id"], api=entry["api"],
                                response=entry["response"])
        if entries is not None and not entries:
            del self.pending[broker]

    # ---- answers --------------------------------------------------------------------
    def on_message(self, message) -> None:
        from simulator.wire_clients.apis import API_HANDLERS

        body = message.body if isinstance(message.body, dict) else {}
        kind = message.kind
        if kind in FIFO_KINDS:
            rid = self._fifo_take(message.source, kind)
        elif kind == "produce_response":
            rid = body.get("batch_id")
        elif kind == "consumer_fetch_response":
            rid = body.get("fetch_id")
        else:
            rid = body.get("request_id")
        where = self.by_request.pop(rid, None) if rid is not None else None
        if where is None:
            return  # an answer to a request on a connection closed since
        broker, correlation_id = where
        entry = next((e for e in self.pending.get(broker, ())
                      if e["correlation_id"] == correlation_id and rid in e["waiting"]), None)
        if entry is None:
            return
        entry["waiting"].remove(rid)
        API_HANDLERS[entry["api"]].part(self, entry, rid, kind, body)
        self.settle(broker, entry)

    def _fifo_take(self, source: str, kind: str) -> int | None:
        if not source.startswith("broker:"):
            return None
        queue = self.fifo.get(int(source.split(":")[1]), [])
        for i, (k, rid) in enumerate(queue):
            if k == kind:
                del queue[i]
                return rid
        return None

    # ---- connections ----------------------------------------------------------------
    def on_message_dropped(self, message) -> None:
        """A request to a crashed broker: its connection is refused."""
        if message.target.startswith("broker:"):
            self.disconnect(int(message.target.split(":")[1]), "broker_down")

    def on_connection_broken(self, peer: str) -> None:
        if peer.startswith("broker:"):
            self.disconnect(int(peer.split(":")[1]), "connection_reset")

    def disconnect(self, broker: int, reason: str, emit: bool = True) -> None:
        """The connection to `broker` is gone: forget what was pending on it."""
        if broker not in self.connected and broker not in self.pending:
            return
        entries = self.pending.pop(broker, [])
        self.fifo.pop(broker, None)
        for rid in [r for r, (b, _c) in self.by_request.items() if b == broker]:
            del self.by_request[rid]
        if broker in self.connected:
            self.connected.remove(broker)
        if emit:
            self.world.emit(ev.WireDisconnect, client=self.name, broker=broker, reason=reason,
                            correlation_ids=[e["correlation_id"] for e in entries
                                             if e["answer"]])

    def to_dict(self) -> dict:
        return {
            "client": self.name, "actor_id": self.actor_id, "client_id": self.client_id,
            "software": self.software, "label": self.label, "principal": self.principal,
            "host": self.host, "connected_brokers": list(self.connected),
            "requests_total": self.requests_total,
            "pending": [{"broker": b, "correlation_id": e["correlation_id"], "api": e["api"]}
                        for b in sorted(self.pending) for e in self.pending[b]],
        }
