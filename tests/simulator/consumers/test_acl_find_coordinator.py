"""A consumer denied READ on its topic still looks up its coordinator first, as
Kafka's does (ConsumerCoordinator.poll sends FindCoordinator in the network poll
whose metadata response then throws TopicAuthorizationException), so the broker
creates ``__consumer_offsets``; a consumer denied its group creates nothing."""

import simulator.tools.debugging as debugging
from simulator import Simulation
from simulator.tools.cli import run_cli

LIST = "kafka-topics --bootstrap-server broker-1:9092 --list"


def _acl_symptom(extra_acls=()):
    scenario = debugging.scenario_for_name("symptom-reads-nothing-acl")
    scenario["acls"] = list(scenario.get("acls", [])) + list(extra_acls)
    return Simulation(scenario, seed=7)


def test_find_coordinator_goes_out_before_the_topic_authorization_exception():
    sim = _acl_symptom()
    events = sim.advance(3_000)
    kinds = [(type(e).__name__, getattr(e, "message_kind", getattr(e, "error", None)))
             for e in events if getattr(e, "consumer", None) == "A"
             or getattr(e, "source", None) == "consumer:A"]
    sent = kinds.index(("MessageSent", "find_coordinator"))
    failed = kinds.index(("ConsumerError", "TopicAuthorizationException"))
    assert sent < failed
    assert kinds.count(("MessageSent", "find_coordinator")) == 1  # found once, not per poll
    assert run_cli(sim.world, LIST).output == "__consumer_offsets\norders\n"
    # It never joins: the exception comes back on every poll.
    assert not run_cli(sim.world, "kafka-consumer-groups --bootstrap-server broker-1:9092 "
                                  "--describe --group payment-service --members").output.count(
        "consumer-payment-service-1")


def test_a_consumer_denied_its_group_does_not_create_the_offsets_topic():
    sim = _acl_symptom([{"resource_type": "GROUP", "name": "payment-service",
                         "principal": "User:analytics", "operation": "READ"}])
    sim.advance(6_000)
    assert run_cli(sim.world, LIST).output == "orders\n"


def test_auto_offset_reset_none_throws_once_for_all_partitions_and_backs_off():
    """NoOffsetForPartitionException (SubscriptionState.resetInitializingPositions)
    names every partition without an offset; the application's loop polls again
    after a pause, so the events do not flood (it used to be ~750 errors a second)."""
    from tests.simulator.consumers.consumer_helpers import group, produce, sim_with

    sim = sim_with([group("g", ["A"], **{"auto.offset.reset": "none"})], partitions=2)
    events = sim.advance(6_000)
    errors = [e for e in events if type(e).__name__ == "ConsumerError"]
    assert [e.error for e in errors] == ["NoOffsetForPartitionException"]
    assert errors[0].message == ("Undefined offset with no reset policy for partitions: "
                                 "[orders-0, orders-1]")
    later = sim.advance(5_000)
    assert not [e for e in later if type(e).__name__ == "ConsumerError"]
    fetches = [e for e in later if type(e).__name__ == "MessageSent"
               and e.message_kind == "offset_fetch"]
    assert 3 <= len(fetches) <= 6  # about one a second (RETRY_BACKOFF_MS), not a spin
    # Nothing is read until an offset exists for the group.
    produce(sim, 3)
    assert not [e for e in sim.advance(2_000) if type(e).__name__ == "RecordsProcessed"]
