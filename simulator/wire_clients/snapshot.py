"""The ``wire_clients`` part of ``snapshot()``: the outside clients, for the diagrams."""

from __future__ import annotations

from simulator.engine import snapshot_section


@snapshot_section("wire_clients")
def wire_clients_section(world) -> list:
    state = world.ext.get("wire_clients")
    if state is None:
        return []
    return [client.to_dict() for _, client in sorted(state.clients.items())]
