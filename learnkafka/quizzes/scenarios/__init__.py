"""Scenario generators: questions whose answer comes from running the simulator.

A generator is a module with `NAME`, `KIND` ("predict" or "diagram") and
`draw(rng) -> params` (JSON-able, drawn from the learner's seeded stream).
Its module also holds its simulation: it builds its own small cluster as a
scenario dict (with the shared tools in `simrun.py`), so a question never
breaks when a lesson's scenario changes; the content test runs every
generator through the simulator for several draws. Then:

- predict: `setup_text(params)` (Markdown), `choices(params)` ([{id, text}])
  and `run(params, *, seed) -> {"answer": choice id, "observed": text}`, which
  runs the simulator and reads the outcome off its events.
- diagram: `build(params, *, seed) -> {setup, diagram, attribute, snapshot,
  targets: [{id, label}], answer: set of ids, conceal: [...]}`, which runs the
  simulator to a state and reads the clickable parts and the answer off its
  snapshot.

Quiz YAML names a generator by `NAME` (e.g. `scenario: acks-outcome`).
"""

from types import ModuleType

from . import (
    acks_outcome,
    blocked_producer_replica,
    describe_diagnosis,
    idle_consumers,
    isr_lagging_follower,
    leader_crash,
    offsets_diagnosis,
    payment_double_deduction,
    payment_lost_response,
    payment_retry_charges,
    poll_loop_outcome,
    reset_offsets_outcome,
    retention_reset,
    write_target,
)

GENERATORS: dict[str, ModuleType] = {
    module.NAME: module
    for module in (
        acks_outcome,
        leader_crash,
        retention_reset,
        idle_consumers,
        isr_lagging_follower,
        write_target,
        payment_lost_response,
        payment_retry_charges,
        payment_double_deduction,
        # The debugging lesson (Q2): CLI output to read, and outcomes to predict.
        describe_diagnosis,
        offsets_diagnosis,
        reset_offsets_outcome,
        poll_loop_outcome,
        blocked_producer_replica,
    )
}


def get(name: str) -> ModuleType | None:
    return GENERATORS.get(name)
