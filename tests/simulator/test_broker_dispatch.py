"""Every message kind a broker handles is in one table, its own and the plug-ins' alike."""

from __future__ import annotations

import inspect

import pytest

import simulator.consumers  # noqa: F401  (registers the coordinator's kinds)
from simulator.broker import BROKER_MESSAGE_HANDLERS, Broker, on_broker_message
from simulator.broker import actor as broker_actor

from .simhelpers import sim_with

CORE_KINDS = {"fetch", "fetch_response", "produce", "metadata_update", "registration_response",
              "heartbeat_response", "alter_partition_response", "metadata_request",
              "init_producer_id", "end_txn", "write_txn_markers", "write_txn_markers_response"}
PLUGIN_KINDS = {"consumer_fetch", "find_coordinator", "join_group", "sync_group", "heartbeat",
                "leave_group", "offset_commit", "offset_fetch"}


def test_the_broker_own_kinds_and_the_plugins_share_one_table():
    assert CORE_KINDS | PLUGIN_KINDS <= set(BROKER_MESSAGE_HANDLERS)
    # The actor decides nothing by kind itself: it hands every message to the table.
    source = inspect.getsource(Broker.on_message)
    assert "kind" not in source.replace("message.kind", "")


def test_a_registered_kind_reaches_its_handler(monkeypatch):
    seen = []
    monkeypatch.delitem(BROKER_MESSAGE_HANDLERS, "test_ping", raising=False)
    on_broker_message("test_ping")(lambda broker, message: seen.append(
        (broker.broker_id, message.body)))
    try:
        sim = sim_with()
        sim.world.network.send("producer:P", "broker:2", "test_ping", {"n": 1}, {})
        sim.advance(100)
        assert seen == [(2, {"n": 1})]
    finally:
        BROKER_MESSAGE_HANDLERS.pop("test_ping", None)


def test_a_second_handler_for_a_taken_kind_is_refused_and_changes_nothing():
    before = BROKER_MESSAGE_HANDLERS["fetch"]

    def other(broker, message):  # pragma: no cover - never registered
        pass

    with pytest.raises(ValueError, match="'fetch' is already handled by"):
        on_broker_message("fetch")(other)
    with pytest.raises(ValueError, match="'join_group' is already handled by"):
        on_broker_message("join_group")(other)
    assert BROKER_MESSAGE_HANDLERS["fetch"] is before


def test_an_unknown_kind_is_ignored():
    sim = sim_with()
    sim.world.network.send("producer:P", "broker:1", "no_such_api", {}, {})
    sim.advance(100)  # nothing raised, nothing answered
    assert not [e for e in sim.advance(100) if e.kind == "message_sent"
                and e.source == "broker:1" and e.target == "producer:P"]


def test_the_plugin_api_stays_importable_from_simulator_broker():
    for name in ("Broker", "Replica", "FollowerProgress", "Waiter", "on_broker_message",
                 "BROKER_MESSAGE_HANDLERS", "MAX_FETCH_RECORDS"):
        assert hasattr(simulator.broker, name), name
    for method in ("reply", "read_for_consumer", "append_as_leader", "when_high_watermark",
                   "leader_replica"):
        assert callable(getattr(broker_actor.Broker, method)), method
