"""Handlers of ``wire_connect``, ``wire_request`` and ``wire_close`` (validate, then act)."""

from __future__ import annotations

from simulator import events as ev
from simulator.commands import WireClose, WireConnect, WireRequest, handles
from simulator.engine import broker_lifecycle_hook, on_event
from simulator.errors import SimulationError
from simulator.limits import MAX_NAME_CHARS
from simulator.wire_clients.apis import API_HANDLERS, APIS
from simulator.wire_clients.client import MAX_PENDING, WireClient
from simulator.wire_clients.state import MAX_WIRE_CLIENTS, wire_state


def _client(world, name: str) -> WireClient:
    state = world.ext.get("wire_clients")  # not wire_state(): a refusal creates nothing
    client = state.clients.get(name) if state is not None else None
    if client is None:
        raise SimulationError("unknown_client", f"no outside client {name!r} is connected "
                                                "(send wire_connect first)")
    return client


@handles(WireConnect)
def _apply_wire_connect(world, cmd: WireConnect) -> None:
    if not cmd.client or len(cmd.client) > MAX_NAME_CHARS:
        raise SimulationError("bad_command", f"wire_connect: client is 1 to {MAX_NAME_CHARS} "
                                             "characters")
    for name, value in (("client_id", cmd.client_id), ("software", cmd.software),
                        ("principal", cmd.principal), ("host", cmd.host)):
        if len(value) > 255:
            raise SimulationError("bad_command", f"wire_connect: {name} is at most 255 "
                                                 "characters")
    state = world.ext.get("wire_clients")
    clients = state.clients if state is not None else {}
    if cmd.client in clients:
        raise SimulationError("client_exists", f"outside client {cmd.client!r} is already "
                                               "connected")
    if len(clients) >= MAX_WIRE_CLIENTS:
        raise SimulationError("cap_exceeded", f"at most {MAX_WIRE_CLIENTS} outside clients "
                                              "per simulation")
    client = WireClient(world, cmd.client, cmd.client_id, cmd.software, cmd.principal,
                        cmd.host)
    wire_state(world).clients[cmd.client] = client
    world.add_actor(client)
    world.emit(ev.WireClientConnected, client=client.name, actor_id=client.actor_id,
               client_id=client.client_id, software=client.software, label=client.label)


@handles(WireRequest)
def _apply_wire_request(world, cmd: WireRequest) -> None:
    client = _client(world, cmd.client)
    if cmd.broker not in world.brokers:
        raise SimulationError("unknown_broker", f"there is no broker {cmd.broker}")
    api = API_HANDLERS.get(cmd.api)
    if api is None:
        raise SimulationError("unknown_api", f"wire_request: api {cmd.api!r} is not one the "
                                             f"simulator answers; known: {', '.join(APIS)}")
    if not -(2**31) <= cmd.correlation_id < 2**31:
        raise SimulationError("bad_command", "wire_request: correlation_id is an int32")
    if client.pending_count() >= MAX_PENDING:
        raise SimulationError("cap_exceeded", f"an outside client may have at most "
                                              f"{MAX_PENDING} requests unanswered")
    plan = api.parse(world, client, cmd.request)
    entry = client.begin(cmd.broker, cmd.correlation_id, cmd.api, cmd.api_version, plan)
    api.send(client, cmd.broker, entry)
    client.settle(cmd.broker, entry)


@handles(WireClose)
def _apply_wire_close(world, cmd: WireClose) -> None:
    client = _client(world, cmd.client)
    if cmd.broker is not None and cmd.broker not in world.brokers:
        raise SimulationError("unknown_broker", f"there is no broker {cmd.broker}")
    brokers = [cmd.broker] if cmd.broker is not None else sorted(
        set(client.connected) | set(client.pending))
    for broker in brokers:
        connected = broker in client.connected or broker in client.pending
        client.disconnect(broker, "closed", emit=False)
        if connected:
            world.network.close_connection(client.actor_id, f"broker:{broker}")
    if cmd.broker is None:
        del wire_state(world).clients[client.name]
        world.remove_actor(client.actor_id)
        world.emit(ev.WireClientClosed, client=client.name, actor_id=client.actor_id)


@broker_lifecycle_hook
def _on_broker_lifecycle(world, broker_id: int, what: str) -> None:
    """A crashed broker's sockets close with its process: every outside client
    connected to it sees its connection go (and reconnects elsewhere)."""
    state = world.ext.get("wire_clients")
    if what != "crashed" or state is None:
        return
    for name in list(state.clients):
        state.clients[name].disconnect(broker_id, "broker_down")


@on_event(ev.MemberRemoved)
def _forget_member(world, event) -> None:
    state = world.ext.get("wire_clients")
    if state is not None:
        key = (event.group, event.member_id)
        state.protocols.pop(key, None)
        state.assignments.pop(key, None)

