"""Run a race: `threads` threads, one connection each, `trials` rounds.

In every trial all threads wait at a barrier and then send the same payment
(same idempotency key, same account) at once, as retries that arrive
together would. Each trial has its own account (balance 500) and key, so
trials never disturb one another and nothing needs cleaning between them.
The charges are counted from the `transactions` table afterwards, not from
what the threads believe.
"""
from __future__ import annotations

import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field

from .handler import AMOUNT, process_payment
from .stores import STARTING_BALANCE
from .variants import Variant

BARRIER_TIMEOUT_S = 60


@dataclass
class TrialResult:
    number: int
    charges: int
    balance: int
    outcomes: dict[str, int]


@dataclass
class RaceResult:
    variant: str
    backend: str
    threads: int
    trials: list[TrialResult] = field(default_factory=list)
    duration_ms: int = 0

    @property
    def double_charged_trials(self) -> int:
        return sum(1 for t in self.trials if t.charges > 1)

    @property
    def first_double_charge(self) -> int | None:
        """The 1-based number of the first trial that charged more than once, if any."""
        return next((t.number for t in self.trials if t.charges > 1), None)

    @property
    def total_outcomes(self) -> dict[str, int]:
        total: Counter = Counter()
        for trial in self.trials:
            total.update(trial.outcomes)
        return dict(total)

    def to_dict(self) -> dict:
        return {"variant": self.variant, "backend": self.backend, "threads": self.threads,
                "duration_ms": self.duration_ms,
                "trials": [{"number": t.number, "charges": t.charges, "balance": t.balance,
                            "outcomes": t.outcomes} for t in self.trials]}


def run_race(store, *, variant: Variant, threads: int, trials: int,
             redis_client=None) -> RaceResult:
    """Race in `store` (stores.py), which this creates and always drops again."""
    started = time.monotonic()
    run_id = uuid.uuid4().hex[:12]
    keys = [str(uuid.uuid4()) for _ in range(trials)]  # the client's key: a UUID v4
    outcomes: list[list[str]] = [["error"] * threads for _ in range(trials)]
    barrier = threading.Barrier(threads)
    failures: list[BaseException] = []
    store.create(unique_key=variant.unique_key, accounts=trials)
    try:
        connections = [store.connect() for _ in range(threads)]
        try:
            def work(index: int) -> None:
                conn = connections[index]
                for trial in range(trials):
                    try:
                        barrier.wait(timeout=BARRIER_TIMEOUT_S)
                    except threading.BrokenBarrierError:
                        return
                    try:
                        outcomes[trial][index] = process_payment(
                            store, conn, variant=variant, key=keys[trial], account_id=trial,
                            thread=index, redis_client=redis_client,
                            redis_prefix=f"payrace:{run_id}:")
                    except Exception as error:  # a database error is an outcome, shown
                        outcomes[trial][index] = "error"
                        failures.append(error)

            workers = [threading.Thread(target=work, args=(i,), name=f"payrace-{i}")
                       for i in range(threads)]
            for worker in workers:
                worker.start()
            for worker in workers:
                worker.join()
        finally:
            for conn in connections:
                conn.close()
        charges, balances = store.results()
    finally:
        store.drop()
        if redis_client is not None and variant.lock == "redis":
            stale = list(redis_client.scan_iter(match=f"payrace:{run_id}:*"))
            if stale:
                redis_client.delete(*stale)
    result = RaceResult(variant=variant.slug, backend=store.kind, threads=threads)
    for trial in range(trials):
        result.trials.append(TrialResult(
            number=trial + 1, charges=charges.get(trial, 0),
            balance=balances.get(trial, STARTING_BALANCE),
            outcomes=dict(Counter(outcomes[trial]))))
    result.duration_ms = int((time.monotonic() - started) * 1000)
    assert all(t.balance == STARTING_BALANCE - AMOUNT * t.charges for t in result.trials), \
        "every charge is one deduction"
    return result
