"""Outside Kafka clients (kafka-python, librdkafka, kcat) on the simulated cluster.

The wire-protocol gateway (learnkafka, not here) decodes a real client's
Kafka requests and turns each into a command applied at the current
simulated time; the simulation's answers come back as events it encodes as
Kafka responses. So replay, rewind and the classroom work as for the
browser's own commands, and a real client meets crashes, latency, drop rules
and isolation exactly as the simulated clients do: it is an actor on the
simulated network (``wire:<client>``) whose requests the brokers answer with
their own handlers. docs/events.md ("Outside clients") has the full shapes.

Commands::

    {"type": "wire_connect", "client": "gw-7", "client_id": "kafka-python-3.0.1",
     "software": "kafka-python", "principal": "User:ANONYMOUS", "host": "/10.0.0.5"}
    {"type": "wire_request", "client": "gw-7", "broker": 1, "api": "produce",
     "correlation_id": 12, "api_version": 9, "request": {...}}
    {"type": "wire_close", "client": "gw-7", "broker": 1}   # broker null: all, and go

`request` and `response` follow Kafka's JSON message schemas with kio's
snake_case field names; bytes are base64 text; error codes are Kafka's
numbers (simulator.wire_clients.errors). Where Kafka's own encoding is
opaque to the gateway's codec the shape is decoded one level: a produce
partition carries its record batch's fields flat (``producer_id``,
``producer_epoch``, ``base_sequence``, ``is_transactional``, ``records``:
``[{key, value, headers: [{key, value}], timestamp_ms}]``), and a fetch
partition answers ``records`` as that list with ``offset``,
``timestamp_ms``, ``leader_epoch``, ``producer_id``... (empty list, never
null); the gateway encodes record batches from it.

Events: ``wire_client_connected``, ``wire_response {client, broker,
correlation_id, api, response}`` (in request order per client and broker),
``wire_disconnect {client, broker, reason, correlation_ids}`` (close that
TCP connection; those requests get no answer), ``wire_client_closed``.

Modules: ``client`` (the actor: pending requests per connection, in-order
answers, disconnects), ``apis`` (the table), ``api_cluster`` (Metadata,
Produce, InitProducerId, ListOffsets, Fetch), ``api_groups`` (the group
APIs), ``broker_side`` (broker message kinds only outside clients send),
``codec`` (bytes as text; ConsumerProtocol bytes), ``errors`` (Kafka's
codes), ``shape`` (request field checks), ``state``, ``handlers``,
``snapshot`` (``snapshot()["wire_clients"]``).
"""

from simulator.wire_clients import broker_side, handlers, snapshot  # noqa: F401
from simulator.wire_clients.apis import APIS

__all__ = ["APIS"]
