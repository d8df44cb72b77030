"""The interview's services: the server-kept countdown, moving on, scoring, the attempts chart."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.http import QueryDict
from django.utils import timezone

from learnkafka.interview import services
from learnkafka.interview.chart import progress_chart
from learnkafka.interview.grading import DIMENSIONS
from learnkafka.interview.grading.architecture import REFERENCE
from learnkafka.interview.models import PhaseAnswer
from learnkafka.interview.questions import GUIDE_ORDER
from learnkafka.interview.selectors import attempts_chart, result_for

pytestmark = pytest.mark.django_db
T0 = timezone.now().replace(microsecond=0)


def form(**data) -> QueryDict:
    q = QueryDict(mutable=True)
    for k, v in data.items():
        q.setlist(k, v if isinstance(v, list) else [v])
    return q


def begin(timed=True, minutes=5, shuffled=False):
    return services.interview_start(learner_key="k", shuffled=shuffled, timed=timed,
                                    minutes_per_question=minutes, now=T0)


def at(seconds):
    return T0 + timedelta(seconds=seconds)


def test_a_timed_question_keeps_its_deadline_across_requests():
    interview = begin()
    assert services.remaining_seconds(interview, at(0)) == 300
    again = services.interview_tick(interview=interview, now=at(120))
    assert services.remaining_seconds(again, at(120)) == 180  # a reload does not reset it
    assert again.question_index == 0


def test_time_up_closes_the_question_and_opens_the_next_with_a_fresh_clock():
    interview = begin()
    services.phase_submit(interview=interview, question_slug="kafka-basics",
                          phase_slug="definition", data=form(stage="text", text="Kafka is a log."),
                          now=at(10))
    moved = services.interview_tick(interview=interview, now=at(301))
    assert (moved.question_index, moved.phase_index) == (1, 0)
    assert services.remaining_seconds(moved, at(301)) == 300
    states = dict(PhaseAnswer.objects.filter(question="kafka-basics")
                  .values_list("phase", "state"))
    assert states == {p: "timed_out" for p in
                      ("definition", "architecture", "message-flow", "concepts")}
    timed_out = PhaseAnswer.objects.get(question="kafka-basics", phase="architecture")
    assert timed_out.detail["checks"] and not any(c["passed"] for c in timed_out.detail["checks"])


def test_an_answer_posted_after_time_up_is_refused_and_changes_nothing():
    interview = begin()
    with pytest.raises(services.PhaseClosed):
        services.phase_submit(interview=interview, question_slug="kafka-basics",
                              phase_slug="architecture",
                              data=form(diagram=json.dumps(REFERENCE)), now=at(400))
    assert not PhaseAnswer.objects.filter(phase="architecture", state="graded").exists()


def test_an_untimed_interview_never_runs_out():
    interview = begin(timed=False)
    assert interview.question_deadline is None
    later = services.interview_tick(interview=interview, now=at(10**6))
    assert later.question_index == 0 and services.remaining_seconds(later) is None


def test_shuffled_order_differs_from_the_guides_and_holds_the_three_questions():
    interview = begin(shuffled=True)
    assert interview.order != list(GUIDE_ORDER) and sorted(interview.order) == sorted(GUIDE_ORDER)


def test_continue_needs_an_answer_and_a_stale_second_click_does_nothing():
    interview = begin()
    with pytest.raises(services.PhaseClosed):
        services.phase_continue(interview=interview, question_slug="kafka-basics",
                                phase_slug="definition", now=at(1))
    services.phase_submit(interview=interview, question_slug="kafka-basics",
                          phase_slug="definition",
                          data=form(stage="text", text="Kafka is a log."), now=at(2))
    services.phase_submit(interview=interview, question_slug="kafka-basics",
                          phase_slug="definition",
                          data=form(stage="marks", **{"quote-commit-log": "log"}), now=at(3))
    moved = services.phase_continue(interview=interview, question_slug="kafka-basics",
                                    phase_slug="definition", now=at(4))
    assert moved.phase_index == 1
    again = services.phase_continue(interview=interview, question_slug="kafka-basics",
                                    phase_slug="definition", now=at(5))
    assert again.phase_index == 1


def test_minutes_out_of_range_are_refused():
    with pytest.raises(services.InvalidAnswer):
        begin(minutes=0)


def test_a_whole_interview_run_out_of_time_scores_zero_with_weak_points_linked():
    interview = begin(minutes=1)
    for i in range(3):
        interview = services.interview_tick(interview=interview, now=at(61 * (i + 1) + i))
    assert interview.finished_at is not None
    result = result_for(interview)
    assert result["total"] == 0.0
    assert set(interview.scores) == set(DIMENSIONS)
    assert all(w["url"].startswith("/lessons/") for w in result["weak"])
    assert any(w["url"] == "/lessons/kafka-basics/architecture/" for w in result["weak"])
    structure = [w for w in result["weak"] if w["label"].endswith("in time")]
    assert len(structure) == 3


def test_scores_add_checks_up_per_dimension():
    interview = begin(timed=False)
    services.phase_submit(interview=interview, question_slug="kafka-basics",
                          phase_slug="definition", data=form(stage="text",
                          text="Kafka is a distributed commit log."))
    services.phase_submit(interview=interview, question_slug="kafka-basics",
                          phase_slug="definition", data=form(stage="marks", **{
                              "quote-commit-log": "commit log", "quote-distributed":
                              "distributed"}))
    result = result_for(interview)
    row = {r["key"]: r for r in result["rows"]}
    assert (row["fundamentals"]["passed"], row["fundamentals"]["total"]) == (2, 3)
    assert (row["structure"]["passed"], row["structure"]["total"]) == (0, 1)
    assert row["cli"]["value"] is None  # not reached yet


def test_the_progress_chart_places_attempts_left_to_right_and_scores_bottom_to_top():
    chart = progress_chart([
        {"total": 0.25, "dimensions": {"fundamentals": 0.5, "cli": None}},
        {"total": 0.75, "dimensions": {"fundamentals": 1.0, "cli": 0.0}},
    ])
    total = chart.series[0]
    (x1, y1, _), (x2, y2, _) = total.points
    assert x1 < x2 and y2 < y1  # a better score sits higher
    fundamentals = next(s for s in chart.series if s.key == "fundamentals")
    assert fundamentals.points[1][1] == chart.y_ticks[-1][0]  # 100 % on the top line
    cli = next(s for s in chart.series if s.key == "cli")
    assert len(cli.points) == 1  # the attempt that did not reach it leaves a gap


def test_attempts_chart_shows_only_finished_attempts_of_that_learner():
    assert attempts_chart(learner_key="k") is None
    interview = begin(minutes=1)
    for i in range(3):
        interview = services.interview_tick(interview=interview, now=at(61 * (i + 1) + i))
    begin()  # an unfinished one
    services.interview_start(learner_key="other", shuffled=False, timed=False)
    chart = attempts_chart(learner_key="k")
    assert len(chart.x_ticks) == 1


def _to_q3_design(interview):
    interview.question_index = interview.order.index("payment-idempotency")
    interview.phase_index = 1
    interview.save()


def test_the_chaos_phase_runs_the_design_the_candidate_submitted():
    interview = begin(timed=False)
    _to_q3_design(interview)
    with pytest.raises(services.PhaseClosed):  # not at the chaos phase yet
        services.phase_submit(interview=interview, question_slug="payment-idempotency",
                              phase_slug="chaos", data=form())
    services.phase_submit(interview=interview, question_slug="payment-idempotency",
                          phase_slug="design", data=form(
                              order=["check", "claim", "process", "mark"],
                              one_transaction="on", unique_key="on",
                              safeguard=["server-key"]))
    services.phase_continue(interview=interview, question_slug="payment-idempotency",
                            phase_slug="design")
    answer = services.phase_submit(interview=interview, question_slug="payment-idempotency",
                                   phase_slug="chaos", data=form())
    report = answer.response["report"]
    assert report["design"]["variant"] == "no_key"  # a fresh key per request: no key at all
    assert report["duplicate_charges"] > 0
    assert answer.points < 1


def _at_practical(seed: int):
    interview = begin(timed=False)
    interview.seed = seed
    interview.question_index = interview.order.index("consumer-not-consuming")
    interview.phase_index = 1
    interview.save()
    return interview


ACL_FIX = {"type": "add_acl", "resource_type": "TOPIC", "name": "orders",
           "principal": "User:payments", "operation": "READ"}


def test_the_practical_stages_a_level_in_a_sandbox_of_its_own_at_the_ticket_time():
    from learnkafka.sandbox.models import Sandbox

    interview = _at_practical(108)  # stopped-at-1402, its consumer lacks a READ ACL
    draft = services.practical_open(interview=interview)
    assert draft.state == "draft" and draft.response["level"] == "stopped-at-1402"
    sandbox = Sandbox.objects.get(public_id=draft.response["sandbox"])
    assert sandbox.owner_key == "k" and sandbox.scenario == "level-stopped-at-1402-108"
    assert sandbox.now_ms == 12_000  # opens when the ticket was filed
    assert services.practical_open(interview=interview).pk == draft.pk  # once only


@pytest.mark.parametrize("fixed", [False, True])
def test_the_practical_is_graded_by_the_level_engine_on_the_sandbox_history(fixed):
    from learnkafka.sandbox.models import Sandbox, SandboxCommand

    interview = _at_practical(108)
    draft = services.practical_open(interview=interview)
    if fixed:  # what the live sandbox records when the terminal's kafka-acls --add runs
        SandboxCommand.objects.create(
            sandbox=Sandbox.objects.get(public_id=draft.response["sandbox"]), position=0,
            at_ms=15_000, command=ACL_FIX)
    answer = services.phase_submit(interview=interview, question_slug="consumer-not-consuming",
                                   phase_slug="practical", data=form())
    assert answer.state == "graded"
    assert answer.response["goal"]["passed"] is fixed
    checks = answer.detail["checks"]
    assert {c["dimension"] for c in checks} == {"debugging"}
    assert all(c["passed"] for c in checks) is fixed
    assert any(c["passed"] for c in checks) is fixed  # doing nothing earns nothing
