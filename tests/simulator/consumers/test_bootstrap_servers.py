"""bootstrap.servers: which addresses reach this cluster (the check every poll
makes, with its parsing cached), the same as spelling out every broker's
address and comparing strings."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from simulator.consumers.client import _broker_of, _servers

ADDRESSES = st.one_of(
    st.integers(0, 120).map(lambda b: f"broker-{b}:9092"),
    st.sampled_from(["broker-01:9092", "broker-1:9093", "broker-:9092", "broker-1",
                     "broker-\u0661:9092", "broker--1:9092", " broker-2:9092 ", "kafka-prod:9092",
                     "localhost:9092", "", "broker-2:9092,broker-3:9092"]),
    st.text(max_size=20))


def _old_reaches(config: str, brokers: set[int]) -> bool:
    servers = [s.strip() for s in config.split(",") if s.strip()]
    known = {f"broker-{b}:9092" for b in brokers} | {"localhost:9092"}
    return any(s in known for s in servers)


@given(st.lists(ADDRESSES, max_size=4).map(",".join), st.sets(st.integers(0, 120), max_size=6))
def test_an_address_reaches_the_cluster_exactly_when_it_names_one_of_its_brokers(config, brokers):
    new = any(s == "localhost:9092" or _broker_of(s) in brokers for s in _servers(config))
    assert new == _old_reaches(config, brokers)


def test_only_the_spelling_a_broker_listens_on_names_it():
    assert _broker_of("broker-12:9092") == 12
    assert _broker_of("broker-012:9092") is None
    assert _broker_of("broker-\u0661:9092") is None  # a digit, but not how the broker spells it
    assert _broker_of("broker-1:9093") is None
    assert _servers(" broker-1:9092 , ,localhost:9092") == ("broker-1:9092", "localhost:9092")
