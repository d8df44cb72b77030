"""Payments commands refuse bad input with a clear SimulationError and change nothing."""

from __future__ import annotations

import json

import pytest

from simulator import SimulationError

from .helpers import payments_sim


def _dump(sim) -> str:
    return json.dumps(sim.snapshot(), sort_keys=True)


BAD = [
    ({"type": "pay", "account": "bob"}, "unknown_account"),
    ({"type": "pay", "amount": 0}, "bad_command"),
    ({"type": "pay", "amount": "100"}, "bad_command"),
    ({"type": "pay", "client": "a b"}, "bad_name"),
    ({"type": "pay", "idempotency_key": "k" * 256}, "bad_command"),
    ({"type": "pay", "same_key_as": "nobody"}, "unknown_request"),
    ({"type": "pay", "idempotency_key": "k", "same_key_as": "x"}, "bad_command"),
    ({"type": "pay", "max_retries": 11}, "bad_command"),
    ({"type": "pay", "colour": "red"}, "bad_command"),
    ({"type": "race_start", "threads": 1}, "bad_command"),
    ({"type": "race_start", "threads": 9}, "bad_command"),
    ({"type": "race_step", "thread": "A"}, "unknown_thread"),
    ({"type": "race_preset", "preset": "random"}, "bad_command"),
    ({"type": "crash_payment_service", "when": "later"}, "bad_command"),
    ({"type": "restart_payment_service"}, "service_up"),
    ({"type": "payments_configure", "settings": {"variant": "perhaps"}}, "bad_command"),
    ({"type": "payments_configure", "settings": {"route": "kafka"}}, "bad_command"),
    ({"type": "payments_configure", "settings": {"step_ms": 0}}, "bad_command"),
    ({"type": "payments_configure", "settings": {"outbox": "on"}}, "bad_command"),
    ({"type": "payments_configure", "settings": {"nonsense": 1}}, "bad_command"),
    ({"type": "payments_configure", "settings": {"variant": "no_key",
                                                 "safeguard": "for_update"}}, "bad_command"),
]


@pytest.mark.parametrize("command,code", BAD)
def test_bad_input_is_refused_and_nothing_changes(command, code):
    sim = payments_sim()
    sim.apply({"type": "pay", "request_id": "first"})
    sim.advance(100)
    before = _dump(sim)
    with pytest.raises(SimulationError) as err:
        sim.apply(command)
    assert err.value.code == code and err.value.message
    assert _dump(sim) == before and len(sim.history) == 1


def test_a_race_step_on_a_finished_thread_and_a_second_race_are_refused():
    sim = payments_sim()
    sim.apply({"type": "race_start"})
    with pytest.raises(SimulationError) as err:
        sim.apply({"type": "race_start"})
    assert err.value.code == "race_running"
    while True:
        states = {t["thread"]: t["state"] for t in sim.snapshot()["payments"]["threads"]}
        if states["A"] == "done":
            break
        sim.apply({"type": "race_step", "thread": "A"})
    with pytest.raises(SimulationError) as err:
        sim.apply({"type": "race_step", "thread": "A"})
    assert err.value.code == "thread_done"


def test_switching_to_unique_with_duplicate_keys_stored_is_refused_like_create_index():
    sim = payments_sim(variant="key_no_unique")
    sim.apply({"type": "race_preset", "preset": "guide"})
    assert sim.snapshot()["payments"]["charges"] == {"race-1": 2}
    with pytest.raises(SimulationError) as err:
        sim.apply({"type": "payments_configure", "settings": {"variant": "key_unique"}})
    assert err.value.code == "unique_violation" and "duplicated" in err.value.message


def test_the_handler_cannot_be_switched_while_a_request_is_in_progress():
    sim = payments_sim(process_ms=5_000)
    sim.apply({"type": "pay"})
    sim.advance(100)
    with pytest.raises(SimulationError) as err:
        sim.apply({"type": "payments_configure", "settings": {"variant": "no_key"}})
    assert err.value.code == "busy"
    sim.apply({"type": "payments_configure", "settings": {"gateway_cache": True}})  # a layer may


def test_keys_are_uuid4_from_the_seed():
    import re
    keys = []
    for _ in range(2):
        sim = payments_sim(seed=9)
        sim.apply({"type": "pay"})
        keys.append(sim.snapshot()["payments"]["payments"][0]["idempotency_key"])
    assert keys[0] == keys[1]
    assert re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}",
                        keys[0])
    other = payments_sim(seed=10)
    other.apply({"type": "pay"})
    assert other.snapshot()["payments"]["payments"][0]["idempotency_key"] != keys[0]
