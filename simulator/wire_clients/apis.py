"""The table of Kafka APIs an outside client may call: name -> `Api`.

Each `Api` is code (four functions, see simulator.wire_clients.api_cluster),
never state, so the world stays deep-copyable. ApiVersions, SaslHandshake and
SaslAuthenticate are the gateway's own and are not here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from simulator.wire_clients import api_cluster as c
from simulator.wire_clients import api_groups as g


def _keep(client, entry: dict, rid: int, kind: str, body: dict) -> None:
    entry["results"][rid] = body


@dataclass(frozen=True)
class Api:
    parse: Callable  # (world, client, request) -> plan; raises SimulationError, changes nothing
    send: Callable  # (client, broker, entry): the messages to the broker
    finish: Callable  # (client, entry) -> Kafka's response (dict)
    part: Callable = _keep  # (client, entry, request id, kind, body): keep one answer


API_HANDLERS: dict[str, Api] = {
    "metadata": Api(c.parse_metadata, c.send_metadata, c.finish_metadata),
    "produce": Api(c.parse_produce, c.send_produce, c.finish_produce, c.part_produce),
    "init_producer_id": Api(c.parse_init_producer_id, c.send_init_producer_id,
                            c.finish_init_producer_id),
    "list_offsets": Api(c.parse_list_offsets, c.send_list_offsets, c.finish_list_offsets),
    "fetch": Api(c.parse_fetch, c.send_fetch, c.finish_fetch, c.part_fetch),
    "find_coordinator": Api(g.parse_find_coordinator, g.send_find_coordinator,
                            g.finish_find_coordinator),
    "join_group": Api(g.parse_join_group, g.send_join_group, g.finish_join_group),
    "sync_group": Api(g.parse_sync_group, g.send_sync_group, g.finish_sync_group),
    "heartbeat": Api(g.parse_heartbeat, g.send_heartbeat, g.finish_heartbeat),
    "leave_group": Api(g.parse_leave_group, g.send_leave_group, g.finish_leave_group),
    "offset_commit": Api(g.parse_offset_commit, g.send_offset_commit, g.finish_offset_commit),
    "offset_fetch": Api(g.parse_offset_fetch, g.send_offset_fetch, g.finish_offset_fetch),
    "describe_groups": Api(g.parse_describe_groups, g.send_describe_groups,
                           g.finish_describe_groups),
    "list_groups": Api(g.parse_list_groups, g.send_list_groups, g.finish_list_groups),
}
APIS = tuple(API_HANDLERS)
