"""Predict-the-outcome and click-on-the-diagram questions are graded by the simulator.

Three kinds of proof: (1) for many seeded parameter draws, the grade follows
an independent run of the simulator written out here; (2) if the simulator
said something else, the grade would change with it (no rule is hard-coded in
the grader); (3) the simulator's verdicts agree with Kafka's documented rules,
so what a learner is graded against is what real Kafka does.
"""

from __future__ import annotations

import pytest
from django.http import QueryDict

from learnkafka.quizzes.banks import get_bank
from learnkafka.quizzes.questiontypes import TYPES, InvalidResponse, diagram_click, predict
from learnkafka.quizzes.scenarios import (
    acks_outcome,
    idle_consumers,
    leader_crash,
    retention_reset,
    simrun,
)
from simulator import Simulation
from simulator.commands import command_from_dict
from simulator.events import event_to_dict

SEEDS = range(12)
BANK = get_bank("kafka-basics")
ACKS_Q = BANK.question("predict-acks-outcome")
ISR_Q = BANK.question("click-out-of-isr")
WRITE_Q = BANK.question("click-write-target")


def choose(question, choice, seed):
    module = TYPES[question.type]
    field = "target" if question.type == "diagram_click" else "choice"
    response = module.response_from_post(question, QueryDict(f"{field}={choice}"), seed=seed)
    return module.grade(question, response, seed=seed)


def independent_acks_run(params: dict, seed: int) -> str:
    """Drive the simulator directly (not through simrun) and name what the producer got."""
    rf = params["replication_factor"]
    sim = Simulation(
        {
            "cluster": {"brokers": rf, "controllers": 1},
            "topics": [
                {
                    "name": "orders",
                    "partitions": 1,
                    "replication_factor": rf,
                    "configs": {"min.insync.replicas": params["min_insync_replicas"]},
                }
            ],
            "producers": [{"name": "A", "configs": {"acks": params["acks"], "linger.ms": 0}}],
        },
        seed=seed,
    )
    topic = next(t for t in sim.snapshot()["topics"] if t["name"] == "orders")
    partition = topic["partitions"][0]
    followers = [b for b in partition["replicas"] if b != partition["leader"]]
    for broker in followers[: params["brokers_down"]]:
        sim.apply(command_from_dict({"type": "crash_broker", "broker": broker}))
    sim.advance(60_000)
    events = sim.apply(
        command_from_dict(
            {"type": "produce", "producer": "A", "topic": "orders", "partition": 0, "value": "v"}
        )
    )
    events += sim.advance(5_000)
    for e in map(event_to_dict, events):
        if e["kind"] == "produce_acknowledged":
            return "no-response" if e["base_offset"] is None else "acknowledged"
        if e["kind"] in ("produce_failed", "produce_rejected") and "NOT_ENOUGH" in e["error"]:
            return "not-enough-replicas"
    return "not-leader"


@pytest.mark.parametrize("seed", SEEDS)
def test_predict_acks_grade_follows_an_independent_simulator_run(seed):
    params = predict.params_for(ACKS_Q, seed=seed)
    expected = independent_acks_run(params, seed)
    for choice in [c["id"] for c in predict.present(ACKS_Q, seed=seed)["choices"]]:
        assert choose(ACKS_Q, choice, seed).correct == (choice == expected), (params, choice)


def test_the_draws_cover_every_outcome_kafka_has():
    outcomes = {
        acks_outcome.produce_with_brokers_down(
            **predict.params_for(ACKS_Q, seed=s), seed=s
        )["answer"]
        for s in range(60)
    }
    assert {"acknowledged", "no-response", "not-enough-replicas"} <= outcomes


@pytest.mark.parametrize("seed", range(40))
def test_the_simulator_agrees_with_kafkas_acks_rules(seed):
    """acks=0: no response; acks=1: the leader's write suffices; acks=all: the
    ISR (RF minus the crashed followers) must reach min.insync.replicas."""
    p = predict.params_for(ACKS_Q, seed=seed)
    isr_size = p["replication_factor"] - p["brokers_down"]
    rule = (
        "no-response"
        if p["acks"] == "0"
        else "acknowledged"
        if p["acks"] == "1"
        else "acknowledged"
        if isr_size >= p["min_insync_replicas"]
        else "not-enough-replicas"
    )
    assert acks_outcome.produce_with_brokers_down(**p, seed=seed)["answer"] == rule, p


def test_grading_changes_when_the_simulator_says_otherwise(monkeypatch):
    seed = 3
    params = predict.params_for(ACKS_Q, seed=seed)
    real = acks_outcome.produce_with_brokers_down(**params, seed=seed)["answer"]
    assert choose(ACKS_Q, real, seed).correct
    other = next(c["id"] for c in predict.present(ACKS_Q, seed=seed)["choices"] if c["id"] != real)
    monkeypatch.setattr(
        acks_outcome,
        "produce_with_brokers_down",
        lambda **kw: {"answer": other, "observed": "patched"},
    )
    assert not choose(ACKS_Q, real, seed).correct
    assert choose(ACKS_Q, other, seed).correct


def test_parameters_come_from_the_seed_and_are_stable():
    first = predict.params_for(ACKS_Q, seed=11)
    assert predict.params_for(ACKS_Q, seed=11) == first
    assert len({tuple(sorted(predict.params_for(ACKS_Q, seed=s).items())) for s in range(30)}) > 5
    setup = predict.present(ACKS_Q, seed=11)["setup"]
    assert f"replication factor **{first['replication_factor']}**" in setup
    assert f"acks=`**{first['acks']}**" in setup


def test_a_forged_choice_is_refused():
    with pytest.raises(InvalidResponse):
        choose(ACKS_Q, "everything-is-fine", 1)


@pytest.mark.parametrize("seed", range(6))
def test_out_of_isr_answer_is_the_replica_the_simulator_dropped(seed):
    state = diagram_click.state_for(ISR_Q, seed=seed)
    partition = next(t for t in state["snapshot"]["topics"] if t["name"] == "orders")["partitions"][
        0
    ]
    dropped = {f"orders/0/{b}" for b in partition["replicas"] if b not in partition["isr"]}
    assert len(dropped) == 1 and state["answer"] == dropped
    for target in state["targets"]:
        assert choose(ISR_Q, target["id"], seed).correct == (target["id"] in dropped)
    # The dropped follower is the one far behind: the learner can read it off the offsets.
    leo = simrun.log_end_offsets(state["snapshot"], "orders", 0)
    (out,) = dropped
    assert leo[int(out.rsplit("/", 1)[1])] < min(leo[b] for b in partition["isr"])


def test_out_of_isr_draws_pick_different_followers():
    answers = {frozenset(diagram_click.state_for(ISR_Q, seed=s)["answer"]) for s in range(12)}
    assert len(answers) > 1


@pytest.mark.parametrize("seed", range(6))
def test_write_target_answer_is_the_leader_in_the_snapshot(seed):
    shown = diagram_click.present(WRITE_Q, seed=seed)
    state = diagram_click.state_for(WRITE_Q, seed=seed)
    number = int(shown["setup"].split("**partition ")[1].split("**")[0])
    topic = next(t for t in state["snapshot"]["topics"] if t["name"] == "orders")
    partition = topic["partitions"][number]
    assert state["answer"] == {f"orders/{number}/{partition['leader']}"}
    assert len(state["targets"]) == 9
    for target in state["targets"]:
        assert choose(WRITE_Q, target["id"], seed).correct == (target["id"] in state["answer"])


def test_a_click_outside_the_targets_is_refused():
    with pytest.raises(InvalidResponse):
        choose(ISR_Q, "orders/9/9", 0)


IDLE_Q = BANK.question("predict-idle-consumers")


@pytest.mark.parametrize("seed", range(10))
def test_idle_consumers_grade_follows_the_simulators_rebalance(seed):
    """The right count is the number of members the simulator's rebalance left
    without partitions, which is Kafka's max(0, consumers - partitions)."""
    params = predict.params_for(IDLE_Q, seed=seed)
    outcome = idle_consumers.idle_members_after_rebalance(**params, seed=seed)
    assert outcome["answer"] == str(max(0, params["consumers"] - params["partitions"]))
    for choice in predict.present(IDLE_Q, seed=seed)["choices"]:
        assert choose(IDLE_Q, choice["id"], seed).correct == (choice["id"] == outcome["answer"])


def test_idle_consumer_grading_follows_a_patched_simulator(monkeypatch):
    monkeypatch.setattr(
        idle_consumers,
        "idle_members_after_rebalance",
        lambda **kw: {"answer": "0", "observed": "patched"},
    )
    assert choose(IDLE_Q, "0", 5).correct


CRASH_Q = BANK.question("predict-leader-crash")


@pytest.mark.parametrize("seed", range(8))
def test_leader_crash_grade_follows_the_simulator_and_kafkas_acks_guarantee(seed):
    """acks=1: acknowledged, then lost with the leader; acks=all: never acknowledged
    before the crash, retried, and kept exactly once (idempotence)."""
    params = predict.params_for(CRASH_Q, seed=seed)
    outcome = leader_crash.leader_crash_after_write(**params, seed=seed)
    assert outcome["answer"] == ("lost" if params["acks"] == "1" else "kept-after-retry")
    for choice in predict.present(CRASH_Q, seed=seed)["choices"]:
        assert choose(CRASH_Q, choice["id"], seed).correct == (choice["id"] == outcome["answer"])


def test_leader_crash_draws_cover_both_acks_settings():
    assert {predict.params_for(CRASH_Q, seed=s)["acks"] for s in range(20)} == {"1", "all"}


def test_leader_crash_grading_follows_a_patched_simulator(monkeypatch):
    monkeypatch.setattr(
        leader_crash,
        "leader_crash_after_write",
        lambda **kw: {"answer": "duplicated", "observed": "patched"},
    )
    assert choose(CRASH_Q, "duplicated", 2).correct
    assert not choose(CRASH_Q, "lost", 2).correct


RETENTION_Q = BANK.question("predict-retention-reset")


@pytest.mark.parametrize("seed", range(6))
def test_retention_reset_grade_follows_the_simulator_and_kafkas_reset_rules(seed):
    """Still in the log: resume. Deleted: auto.offset.reset earliest / latest / none."""
    params = predict.params_for(RETENTION_Q, seed=seed)
    outcome = retention_reset.consumer_back_after_retention(
        offline_ms={"30 seconds": 30_000, "10 minutes": 600_000}[params["offline"]],
        auto_offset_reset=params["auto_offset_reset"],
        seed=seed,
    )
    rule = (
        "resume"
        if params["offline"] == "30 seconds"
        else {"earliest": "earliest", "latest": "latest", "none": "error"}[
            params["auto_offset_reset"]
        ]
    )
    assert outcome["answer"] == rule, (params, outcome)
    for choice in predict.present(RETENTION_Q, seed=seed)["choices"]:
        assert choose(RETENTION_Q, choice["id"], seed).correct == (
            choice["id"] == outcome["answer"]
        )


def test_retention_reset_grading_follows_a_patched_simulator(monkeypatch):
    monkeypatch.setattr(
        retention_reset,
        "consumer_back_after_retention",
        lambda **kw: {"answer": "error", "observed": "patched"},
    )
    assert choose(RETENTION_Q, "error", 1).correct
    assert not choose(RETENTION_Q, "resume", 1).correct
