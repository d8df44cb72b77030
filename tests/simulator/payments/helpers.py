"""Small builders for the payments tests: a payments simulation and its ledger."""

from __future__ import annotations

from simulator import Simulation


def payments_scenario(brokers: int = 1, **settings) -> dict:
    return {"name": "payments-test", "cluster": {"brokers": brokers, "controllers": 1},
            "extensions": ["payments"], "payments": settings}


def payments_sim(seed: int = 1, brokers: int = 1, **settings) -> Simulation:
    return Simulation(payments_scenario(brokers, **settings), seed=seed)


def ledger(sim: Simulation) -> dict:
    return sim.snapshot()["payments"]["charges"]


def balance(sim: Simulation, account: str = "alice") -> int:
    return sim.snapshot()["payments"]["balances"][account]
