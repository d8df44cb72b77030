"""Every config a command or scenario can set is checked against Kafka's own
range (simulator/config_ranges.py), and where Kafka allows a value the engine
cannot run, the engine bounds it: one test per such config below."""

from __future__ import annotations

import json

import pytest

from simulator import Simulation, SimulationError
from simulator.cluster import CLUSTER_DEFAULTS
from simulator.config_ranges import BROKER, CONSUMER, PRODUCER, SCOPES, TOPIC, check_value
from simulator.consumers.config import DEFAULTS as CONSUMER_DEFAULTS
from simulator.producer import PRODUCER_DEFAULTS
from simulator.topics import TOPIC_CONFIG_DEFAULTS

from .simhelpers import scenario


@pytest.mark.parametrize("table, known", [
    (PRODUCER, PRODUCER_DEFAULTS), (CONSUMER, CONSUMER_DEFAULTS),
    (TOPIC, TOPIC_CONFIG_DEFAULTS), (BROKER, CLUSTER_DEFAULTS)])
def test_the_table_covers_exactly_the_configs_the_model_knows(table, known):
    assert set(table) == set(known)


@pytest.mark.parametrize("scope, key", [(s, k) for s, t in SCOPES.items() for k in t])
def test_every_default_is_inside_its_range_and_every_entry_cites_kafka(scope, key):
    defaults = {"producer": PRODUCER_DEFAULTS, "consumer": CONSUMER_DEFAULTS,
                "topic": TOPIC_CONFIG_DEFAULTS, "broker": CLUSTER_DEFAULTS}[scope]
    check_value(scope, key, defaults[key])
    spec = SCOPES[scope][key]
    assert spec.source and spec.kafka
    if spec.kind == "int":
        with pytest.raises(SimulationError):
            check_value(scope, key, spec.low - 1)
        with pytest.raises(SimulationError):
            check_value(scope, key, spec.high + 1)
        with pytest.raises(SimulationError):
            check_value(scope, key, True)


def _sim() -> Simulation:
    return Simulation(scenario(partitions=2), seed=4)


def _state(sim: Simulation) -> tuple:
    return (json.dumps(sim.snapshot(), sort_keys=True), sim.world.last_seq, sim.position)


# (scope, config, a value Kafka's ConfigDef accepts, the simulator's bound)
KAFKA_ALLOWS_ENGINE_BOUNDS = [
    ("producer", "metadata.max.age.ms", 0, 1),           # LONG atLeast(0): a 0 ms period
    ("producer", "request.timeout.ms", 0, 1),            # INT atLeast(0)
    ("producer", "batch.size", 0, 1),                    # INT atLeast(0): batching off
    ("producer", "max.in.flight.requests.per.connection", 101, 100),
    ("consumer", "auto.commit.interval.ms", 0, 1),       # INT atLeast(0): a 0 ms period
    ("consumer", "heartbeat.interval.ms", 0, 1),         # INT, no validator
    ("consumer", "session.timeout.ms", 0, 2),            # INT, no validator
    ("consumer", "max.poll.records", 10_001, 10_000),    # INT atLeast(1)
    ("consumer", "fetch.max.wait.ms", 30_000, 25_000),   # INT atLeast(0)
    ("topic", "max.message.bytes", 0, 1),                # INT atLeast(0)
    ("topic", "retention.bytes", -2, -1),                # LONG, no validator
    ("topic", "cleanup.policy", "compact", "delete"),    # ValidList.in(compact, delete)
    ("broker", "replica.lag.time.max.ms", 1, 2),         # LONG, no validator: ISR check every lag/2
    ("broker", "replica.fetch.backoff.ms", 0, 1),        # INT atLeast(0)
    ("broker", "broker.heartbeat.interval.ms", 0, 1),    # INT, no validator
    ("broker", "leader.imbalance.per.broker.percentage", 101, 100),
    ("broker", "offsets.topic.num.partitions", 65, 64),  # INT atLeast(1)
]


def _try(scope: str, key: str, value) -> Simulation:
    """Set the config the way a learner would: a command (clients, topics) or a
    scenario (brokers). Returns the simulation it ran in."""
    if scope == "broker":
        sim = Simulation(scenario(cluster_configs={key: value}), seed=4)
        return sim
    sim = _sim()
    if scope == "producer":
        command = {"type": "add_producer", "producer": "Z", "configs": {key: value}}
    elif scope == "consumer":
        configs = {key: value}
        if key == "session.timeout.ms":
            configs["heartbeat.interval.ms"] = 1
        command = {"type": "add_consumer", "consumer": "z", "group": "g", "topics": ["t"],
                   "configs": configs}
    else:
        command = {"type": "create_topic", "topic": "z", "configs": {key: value}}
    sim.apply(command)
    return sim


@pytest.mark.parametrize("scope, key, kafka_ok, bound", KAFKA_ALLOWS_ENGINE_BOUNDS)
def test_a_value_kafka_allows_but_the_engine_cannot_run_is_refused_with_the_bound(
        scope, key, kafka_ok, bound):
    before = _sim()
    state = _state(before)
    with pytest.raises(SimulationError) as err:
        _try(scope, key, kafka_ok)
    assert err.value.code in ("bad_config", "bad_scenario")
    assert key in err.value.message and "Kafka's" in err.value.message
    assert SCOPES[scope][key].bound, "a bound below Kafka's range says why"
    assert _state(before) == state
    # The bound itself runs, and simulated time moves on.
    sim = _try(scope, key, bound)
    sim.apply({"type": "produce", "producer": "P", "topic": "t", "value": "v", "count": 3})
    sim.advance(3_000)
    assert sim.now_ms == 3_000


def test_metadata_max_age_zero_is_refused_and_changes_nothing():
    # Issue 8: accepted before, then advance() looped forever at 0 ms.
    sim = _sim()
    state = _state(sim)
    with pytest.raises(SimulationError) as err:
        sim.apply({"type": "add_producer", "producer": "Z",
                   "configs": {"metadata.max.age.ms": 0}})
    assert err.value.code == "bad_config"
    assert "ProducerConfig" in err.value.message and "0 ms period" in err.value.message
    assert _state(sim) == state and sim.history == []


def test_a_zero_ms_network_is_bounded_to_one_ms():
    sc = scenario()
    sc["cluster"]["network"] = {"latency_ms": 0}
    with pytest.raises(SimulationError) as err:
        Simulation(sc)
    assert err.value.code == "bad_scenario" and "latency_ms" in err.value.message
    sc["cluster"]["network"] = {"latency_ms": 1}
    Simulation(sc).advance(1_000)


@pytest.mark.parametrize("where", ["topics", "producers", "consumer_groups"])
def test_scenario_configs_are_checked_against_the_same_ranges(where):
    sc = scenario()
    if where == "topics":
        sc["topics"][0]["configs"] = {"segment.bytes": 13}  # LogConfig: atLeast(14)
    elif where == "producers":
        sc["producers"][0]["configs"] = {"metadata.max.age.ms": 0}
    else:
        sc["consumer_groups"] = [{"group": "g", "topics": ["t"],
                                  "configs": {"auto.commit.interval.ms": 0},
                                  "consumers": [{"name": "c"}]}]
    with pytest.raises(SimulationError) as err:
        Simulation(sc)
    assert err.value.code == "bad_scenario"


def test_kafka_s_own_limits_hold_where_the_engine_has_no_narrower_one():
    sim = _sim()
    with pytest.raises(SimulationError):  # INT: past Integer.MAX_VALUE is not an int
        sim.apply({"type": "add_producer", "producer": "Z", "configs": {"retries": 2**31}})
    with pytest.raises(SimulationError):  # acks: in("all", "-1", "0", "1")
        sim.apply({"type": "add_producer", "producer": "Z", "configs": {"acks": "2"}})
    sim.apply({"type": "add_producer", "producer": "Z", "configs": {"linger.ms": 0,
                                                                     "retry.backoff.ms": 0}})
    sim.apply({"type": "create_topic", "topic": "z", "configs": {"segment.bytes": 14,
                                                                  "retention.ms": -1}})
    sim.advance(1_000)
