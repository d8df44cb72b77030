"""Writes of the interview app: start a mock, answer a phase, move on, run out of time.

Views call these and nothing else to change an interview. Every function
takes keyword-only arguments and locks the interview's row first, so two
tabs (or the candidate and the clock) cannot both move it. Time is the
server's: `now` is passed in by callers that want to, and defaults to
`timezone.now()`.
"""

from __future__ import annotations

import random
import secrets
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from learnkafka.sandbox.models import Sandbox
from learnkafka.sandbox.selectors import sandbox_history
from learnkafka.sandbox.services import SandboxLimitReached, sandbox_create

from . import phase_grading
from .grading import InvalidAnswer, practical, share_passed
from .models import Interview, PhaseAnswer
from .questions import GUIDE_ORDER, Phase, Question, get_question
from .scoring import interview_scores

MIN_MINUTES, MAX_MINUTES = 1, 30


class PhaseClosed(ValueError):
    """The phase posted to is not the one the interview is at (answered, or time ran out)."""


def interview_start(*, learner_key: str, shuffled: bool, timed: bool,
                    minutes_per_question: int = 10, now: datetime | None = None) -> Interview:
    if not (MIN_MINUTES <= minutes_per_question <= MAX_MINUTES):
        raise InvalidAnswer(f"Choose {MIN_MINUTES} to {MAX_MINUTES} minutes a question.")
    now = now or timezone.now()
    seed = secrets.randbelow(2**31)
    order = list(GUIDE_ORDER)
    if shuffled:
        rng = random.Random(seed)
        while order == list(GUIDE_ORDER):
            rng.shuffle(order)
    seconds = minutes_per_question * 60
    return Interview.objects.create(
        learner_key=learner_key, pair_token=secrets.token_urlsafe(24), order=order,
        shuffled=shuffled, seed=seed, timed=timed, seconds_per_question=seconds,
        started_at=now, question_deadline=now + timedelta(seconds=seconds) if timed else None,
    )


def current(interview: Interview) -> tuple[Question, Phase] | None:
    if interview.finished_at is not None or interview.question_index >= len(interview.order):
        return None
    question = get_question(interview.order[interview.question_index])
    return question, question.phases[interview.phase_index]


def _lock(interview: Interview) -> Interview:
    return Interview.objects.select_for_update().get(pk=interview.pk)


def _next_question(interview: Interview, now: datetime) -> None:
    interview.question_index += 1
    interview.phase_index = 0
    if interview.question_index >= len(interview.order):
        interview.finished_at = now
        interview.question_deadline = None
        scores = interview_scores(interview)
        interview.scores, interview.score = scores["dimensions"], scores["total"]
    elif interview.timed:
        # The next question's clock starts when the server moves on, so a
        # candidate away from the tab never finds several questions gone.
        interview.question_deadline = now + timedelta(seconds=interview.seconds_per_question)


def _time_out_question(interview: Interview, now: datetime) -> None:
    question = get_question(interview.order[interview.question_index])
    done = set(interview.answers.filter(question=question.slug,
                                        state=PhaseAnswer.GRADED).values_list("phase", flat=True))
    for phase in question.phases:
        if phase.slug in done:
            continue
        checks = phase_grading.timed_out_checks(phase)
        PhaseAnswer.objects.update_or_create(
            interview=interview, question=question.slug, phase=phase.slug,
            defaults={"state": PhaseAnswer.TIMED_OUT, "points": 0.0, "submitted_at": now,
                      "detail": {"checks": [c.to_dict() for c in checks]}},
        )
    _next_question(interview, now)


@transaction.atomic
def interview_tick(*, interview: Interview, now: datetime | None = None) -> Interview:
    """Apply the clock: a question whose time is up is closed and the next one opens."""
    now = now or timezone.now()
    interview = _lock(interview)
    if (interview.timed and interview.finished_at is None and interview.question_deadline
            and now >= interview.question_deadline):
        _time_out_question(interview, now)
        interview.save()
    return interview


def remaining_seconds(interview: Interview, now: datetime | None = None) -> int | None:
    if not interview.timed or interview.question_deadline is None:
        return None
    left = (interview.question_deadline - (now or timezone.now())).total_seconds()
    return max(0, int(left + 0.999))


@transaction.atomic
def phase_submit(*, interview: Interview, question_slug: str, phase_slug: str, data,
                 now: datetime | None = None) -> PhaseAnswer:
    """Grade a post for the interview's current phase and store it.

    Raises PhaseClosed when the post is for another phase (already answered,
    or the clock moved the interview on), InvalidAnswer when it cannot be
    graded; either way nothing changes.
    """
    now = now or timezone.now()
    interview = interview_tick(interview=interview, now=now)
    here = current(interview)
    if here is None or (here[0].slug, here[1].slug) != (question_slug, phase_slug):
        raise PhaseClosed("That phase is closed: time ran out or it was already answered.")
    question, phase = here
    existing = interview.answers.filter(question=question.slug, phase=phase.slug).first()
    if existing is not None and existing.final:
        raise PhaseClosed("You already answered this phase.")
    previous = existing.response if existing is not None else None
    context = {"seed": interview.seed % 10_000}
    if phase.kind == "chaos":
        design = interview.answers.filter(question=question.slug, phase="design",
                                          state=PhaseAnswer.GRADED).first()
        context["design"] = design.response if design is not None else None
    if phase.kind == "practical" and previous:
        context["practical"] = previous
        context["history"] = sandbox_history(public_id=previous["sandbox"])
    response = phase_grading.response_from_post(phase, data, previous=previous,
                                                context=context)
    values = {"response": response, "submitted_at": now}
    if phase_grading.is_final(phase, response):
        checks = phase_grading.grade(phase, response)
        values.update(state=PhaseAnswer.GRADED, points=round(share_passed(checks), 4),
                      detail={"checks": [c.to_dict() for c in checks]})
    else:
        values.update(state=PhaseAnswer.DRAFT, points=0.0, detail={})
    answer, _ = PhaseAnswer.objects.update_or_create(
        interview=interview, question=question.slug, phase=phase.slug, defaults=values
    )
    return answer


@transaction.atomic
def phase_continue(*, interview: Interview, question_slug: str, phase_slug: str,
                   now: datetime | None = None) -> Interview:
    """Move past an answered phase (the candidate has read its feedback)."""
    now = now or timezone.now()
    interview = interview_tick(interview=interview, now=now)
    here = current(interview)
    if here is None or (here[0].slug, here[1].slug) != (question_slug, phase_slug):
        return interview  # a stale second click: already moved on
    question, phase = here
    answer = interview.answers.filter(question=question.slug, phase=phase.slug).first()
    if answer is None or not answer.final:
        raise PhaseClosed("Answer this phase first.")
    if interview.phase_index + 1 < len(question.phases):
        interview.phase_index += 1
    else:
        _next_question(interview, now)
    interview.save()
    return interview


@transaction.atomic
def practical_open(*, interview: Interview) -> PhaseAnswer | None:
    """Stage Q2's practical for this interview, once: a sandbox of its own running the
    level's broken cluster from the moment the ticket was filed.

    Returns the practical's (draft) answer holding the sandbox id and the level, or
    None when the interview is not at the practical. Raises InvalidAnswer when the
    learner has too many sandboxes to open another.
    """
    interview = _lock(interview)
    here = current(interview)
    if here is None or here[1].kind != "practical":
        return None
    question, phase = here
    existing = interview.answers.filter(question=question.slug, phase=phase.slug).first()
    if existing is not None:
        return existing
    level_id, level_seed = practical.pick_level(interview.seed)
    staged = practical.staged_level(level_id, level_seed)
    try:
        sandbox = sandbox_create(owner_key=interview.learner_key, scenario=staged["scenario"],
                                 seed=level_seed)
    except SandboxLimitReached as exc:
        raise InvalidAnswer("You have too many live clusters open to stage the practical.") \
            from exc
    # The ticket is filed at ticket_ms: the sandbox opens there (its first rebuild
    # replays the scenario up to now_ms), so the candidate meets the symptom at once.
    Sandbox.objects.filter(pk=sandbox.pk).update(now_ms=staged["ticket_ms"])
    return PhaseAnswer.objects.create(
        interview=interview, question=question.slug, phase=phase.slug, state=PhaseAnswer.DRAFT,
        response={"sandbox": sandbox.public_id, "level": level_id, "level_seed": level_seed,
                  "scenario": staged["scenario"]},
    )
