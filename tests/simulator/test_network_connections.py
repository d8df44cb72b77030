"""The network as TCP connections: in order, or broken.

* A drop rule resets the connection: the message and everything else in
  flight between the same two actors is lost, and both ends are told.
* A cut is a black hole: nobody is told, the client notices by its timeout;
  a message still on a dead connection after the cut heals finds it broken.
* A message to a crashed actor is the one single loss (a refused connection).
"""

from .simhelpers import of_kind, partition, produce, sim_with


def test_a_drop_rule_resets_the_connection_and_loses_everything_in_flight_on_it():
    sim = sim_with(producer_configs={"linger.ms": 0, "enable.idempotence": False})
    sim.advance(100)
    sim.apply({"type": "drop_messages", "source": "producer:P", "message_kind": "produce"})
    events = produce(sim, "one", partition=0) + sim.advance(1)
    events += produce(sim, "two", partition=0) + sim.advance(1)
    dropped = of_kind(events, "message_dropped")
    assert [(d.message_kind, d.reason) for d in dropped] == [("produce", "drop_rule"),
                                                              ("produce", "connection_broken")]
    pair = {"producer:P", "broker:1"}
    assert all({d.source, d.target} == pair for d in dropped)
    # The producer saw the reset at once, for both requests.
    failed = of_kind(events, "produce_failed")
    assert [f.error for f in failed] == ["NETWORK_EXCEPTION", "NETWORK_EXCEPTION"]
    events += sim.advance(2_000)
    assert [r["value"] for r in partition(sim)["records"]] == ["one", "two"]


def test_a_reset_leaves_other_connections_alone():
    sim = sim_with(producer_configs={"linger.ms": 0})
    sim.advance(100)
    sim.apply({"type": "drop_messages", "source": "producer:P", "message_kind": "produce"})
    events = produce(sim, "one", partition=0) + sim.advance(300)
    dropped = of_kind(events, "message_dropped")
    assert dropped and all({d.source, d.target} == {"producer:P", "broker:1"} for d in dropped)
    # The followers' connections to the leader kept replicating.
    assert of_kind(events, "message_delivered", message_kind="fetch_response")
    assert [r["value"] for r in partition(sim)["records"]] == ["one"]


def test_a_cut_is_silent_and_the_dead_connection_breaks_when_used_after_the_heal():
    sim = sim_with(producer_configs={"request.timeout.ms": 1_000, "linger.ms": 0})
    sim.advance(100)
    events = sim.apply({"type": "isolate_broker", "broker": 1})
    events += produce(sim, "x", partition=0) + sim.advance(1_050)
    # Lost silently in the cut: the client finds out by its request timeout.
    assert of_kind(events, "message_dropped", reason="target_isolated")
    assert [f.error for f in of_kind(events, "produce_failed")] == ["REQUEST_TIMED_OUT"]
    events = sim.apply({"type": "reconnect_broker", "broker": 1}) + sim.advance(1_000)
    # The retry went out on the connection the cut had killed: it is broken,
    # the producer is told, reconnects, and the record is written once.
    assert of_kind(events, "message_dropped", reason="connection_broken")
    assert of_kind(events, "produce_failed", error="NETWORK_EXCEPTION")
    # (The followers' fetches died in the cut too: they fetch again after
    # replica.socket.timeout.ms, and then the write is acknowledged.)
    events += sim.advance(40_000)
    assert [r["value"] for r in partition(sim)["records"]] == ["x"]
    assert len(of_kind(events, "produce_acknowledged")) == 1


def test_a_message_to_a_crashed_broker_is_refused_and_the_sender_told():
    sim = sim_with(producer_configs={"linger.ms": 0})
    sim.advance(100)
    sim.apply({"type": "crash_broker", "broker": 1})
    events = produce(sim, "x", partition=0) + sim.advance(10)
    refused = of_kind(events, "message_dropped", message_kind="produce")
    assert refused and {d.reason for d in refused} == {"target_down"}
    assert not of_kind(events, "message_dropped", reason="connection_broken")
    failed = of_kind(events, "produce_failed")
    assert failed and failed[0].error == "NETWORK_EXCEPTION" and "refused" in failed[0].message


def test_a_request_timeout_closes_the_connection_and_fails_the_others_in_flight_on_it():
    """Kafka's NetworkClient disconnects from a broker whose request timed out."""
    sim = sim_with(topic_configs={"min.insync.replicas": 2},
                   producer_configs={"request.timeout.ms": 1_000, "linger.ms": 0})
    sim.advance(1_000)
    # Both followers are slow: the acks=all writes wait for the HW.
    sim.apply({"type": "slow_broker", "broker": 2, "slow_ms": 20_000})
    sim.apply({"type": "slow_broker", "broker": 3, "slow_ms": 20_000})
    sim.advance(1_000)
    events = produce(sim, "one", partition=0) + sim.advance(300)
    events += produce(sim, "two", partition=0) + sim.advance(800)
    failed = of_kind(events, "produce_failed")
    assert [(f.batch_id, f.error) for f in failed] == [(1, "REQUEST_TIMED_OUT"),
                                                      (2, "NETWORK_EXCEPTION")]
    assert failed[0].at_ms == failed[1].at_ms  # at once, not at batch 2's own timeout
