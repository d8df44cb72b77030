"""The wire clients' shared state on a `World`: ``world.ext["wire_clients"]``.

`clients` are the connected `WireClient` actors by name. `protocols` and
`assignments` keep what outside group members sent as opaque bytes (base64):
each member's JoinGroup protocols ``{name: metadata}`` and, per member, the
assignment bytes its leader gave it in SyncGroup with the generation. The
group coordinator (simulator.consumers.coordinator) keeps the decoded
topics and partitions; these are what goes back to the clients byte for byte.
Plain data, deep-copied with the world (checkpoints, rewind).
"""

from __future__ import annotations

from dataclasses import dataclass, field

MAX_WIRE_CLIENTS = 32


@dataclass
class WireState:
    clients: dict = field(default_factory=dict)  # name -> WireClient
    protocols: dict = field(default_factory=dict)  # (group, member id) -> {name: b64}
    assignments: dict = field(default_factory=dict)  # (group, member id) -> (generation, b64)


def wire_state(world) -> WireState:
    found = world.ext.get("wire_clients")
    if found is None:
        found = world.ext["wire_clients"] = WireState()
    return found
