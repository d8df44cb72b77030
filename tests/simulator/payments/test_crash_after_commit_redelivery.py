"""crash_payment_service after_commit on the Kafka route: the service dies right
after the DB commit, before its consumer commits the request's offset, so the
restarted consumer reads the request again. Kafka's consumer resumes from the
last committed offset (ConsumerCoordinator.refreshCommittedOffsetsIfNeeded);
a crashed member's partitions move only when its session expires
(session.timeout.ms, 45 s), which is why the redelivery comes late, not never."""

from collections import Counter

import pytest

from simulator import Simulation


def _crash_and_restart(variant: str):
    sim = Simulation({"name": "p", "cluster": {"brokers": 3, "controllers": 1},
                      "extensions": ["payments"],
                      "payments": {"route": "kafka", "consumers": 1, "variant": variant,
                                   "accounts": {"alice": 1_000_000}}}, seed=7)
    sim.advance(10_000)
    sim.apply({"type": "crash_payment_service", "when": "after_commit"})
    sim.apply({"type": "pay", "request_id": "pay-1", "amount": 100})
    crashed = sim.advance(5_000)
    names = [type(e).__name__ for e in crashed]
    assert names.index("PaymentCharged") < names.index("PaymentServiceCrashed")
    sim.apply({"type": "restart_payment_service"})
    early = sim.advance(20_000)  # the dead member still holds the partition
    later = sim.advance(70_000)
    return sim, early, later


@pytest.mark.parametrize("variant,charges", [("no_key", 2), ("key_unique", 1)])
def test_the_request_is_redelivered_after_the_old_session_expires(variant, charges):
    sim, early, later = _crash_and_restart(variant)
    started = Counter(type(e).__name__ for e in early)["PaymentThreadStarted"]
    assert started == 0  # not yet: the group waits for the crashed member's session
    threads = [e for e in later if type(e).__name__ == "PaymentThreadStarted"]
    assert len(threads) == 1  # the same request, read again from the committed offset
    # Without a key the database cannot tell: charged twice; a unique key catches it.
    assert sim.snapshot()["payments"]["charges"]["pay-1"] == charges
