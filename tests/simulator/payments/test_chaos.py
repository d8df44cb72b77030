"""The chaos run (simulator.extensions.payments.chaos): each layer stops the
failure it is for, switching it off lets that failure through, and the run is
deterministic."""

from __future__ import annotations

import pytest

from simulator import SimulationError
from simulator.extensions.payments.chaos import Design, chaos_run


def test_every_layer_on_nothing_is_duplicated_or_lost():
    report = chaos_run(Design(), seed=3)
    assert report.safe, report.to_dict()
    assert len(report.faults_fired) >= 4
    assert set(report.charges.values()) == {1}


def test_no_key_and_no_layers_charges_some_payment_more_than_once():
    report = chaos_run(Design(variant="no_key", gateway_cache=False,
                              producer_idempotence=False, outbox=False), seed=3)
    assert report.duplicate_charges > 0 and not report.safe


def test_the_database_check_alone_catches_every_duplicate_delivery():
    """Layers 1 and 2 off: the topic holds duplicates and records are
    redelivered, but the key with UNIQUE charges each payment once."""
    report = chaos_run(Design(gateway_cache=False, producer_idempotence=False), seed=3)
    assert report.duplicate_charges == 0 and report.lost_charges == 0


def test_without_the_outbox_the_crash_after_commit_loses_the_event():
    report = chaos_run(Design(outbox=False), seed=3, faults=("crash_after_commit",))
    assert report.lost_events == 1 and report.duplicate_charges == 0


def test_a_claim_committed_on_its_own_is_stranded_by_a_crash_mid_payment():
    report = chaos_run(Design(transaction_scope="claim_committed_first"), seed=3)
    assert report.lost_charges >= 1


def test_the_same_design_and_seed_give_the_same_report():
    a = chaos_run(Design(variant="key_no_unique", gateway_cache=False), seed=5).to_dict()
    b = chaos_run({"variant": "key_no_unique", "gateway_cache": False}, seed=5).to_dict()
    assert a == b


@pytest.mark.parametrize("design,kwargs", [
    ({"variant": "maybe"}, {}), ({"layers": 3}, {}), ({"variant": "no_key",
                                                      "safeguard": "for_update"}, {}),
    ({}, {"payments": 0}), ({}, {"faults": ("meteor",)}), ({"outbox": "yes"}, {})])
def test_a_bad_design_is_refused_clearly(design, kwargs):
    with pytest.raises(SimulationError) as err:
        chaos_run(design, **kwargs)
    assert err.value.code == "bad_design"
