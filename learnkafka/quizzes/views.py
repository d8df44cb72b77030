"""Views of the quizzes app: validate, call a service, render.

Every page works without JavaScript (real links, forms that post and
redirect). With htmx, a question's form swaps only its card: the view sees
`request.htmx` and answers with the card partial instead of a redirect. A
card embedded in a lesson step (the `quiz_question` component) posts here
too, with `embedded=1` and a `next` URL to return to without JavaScript.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from learnkafka.core.learners import learner_key_for

from . import selectors, services
from .banks import Bank, get_bank
from .presentation import card_context
from .questiontypes import InvalidResponse, Question
from .questiontypes.ordering import apply_move, order_from_post


def _bank_or_404(slug: str) -> Bank:
    bank = get_bank(slug)
    if bank is None:
        raise Http404("No such quiz.")
    return bank


def _question_or_404(bank: Bank, question_id: str) -> Question:
    question = bank.question(question_id)
    if question is None:
        raise Http404("No such question.")
    return question


def _safe_next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    allowed = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if allowed else ""


def quiz_index(request: HttpRequest) -> HttpResponse:
    progress = selectors.progress_for_session(learner_key=learner_key_for(request))
    return render(request, "quizzes/index.html", {"progress": progress})


def bank_detail(request: HttpRequest, bank_slug: str) -> HttpResponse:
    bank = _bank_or_404(bank_slug)
    learner_key = learner_key_for(request)
    progress = selectors.progress_for_bank(learner_key=learner_key, bank_slug=bank.slug)
    answers = selectors.answers_by_question(attempt=progress.attempt)
    first_open = next(
        (q for q in bank.questions if not (q.id in answers and answers[q.id].is_final)), None
    )
    sections = [(s, [(q, answers.get(q.id)) for q in s.questions]) for s in bank.sections]
    return render(
        request,
        "quizzes/bank.html",
        {"bank": bank, "progress": progress, "sections": sections, "first_open": first_open},
    )


@require_POST
def bank_restart(request: HttpRequest, bank_slug: str) -> HttpResponse:
    bank = _bank_or_404(bank_slug)
    services.attempt_start(learner_key=learner_key_for(request), bank_slug=bank.slug)
    return redirect("quizzes:bank", bank_slug=bank.slug)


def _render_card(request, context: dict, *, status: int = 200) -> HttpResponse:
    if request.htmx:
        return render(request, "quizzes/_card.html", context, status=status)
    return render(request, "quizzes/question.html", context, status=status)


@require_http_methods(["GET", "POST"])
def question_detail(request: HttpRequest, bank_slug: str, question_id: str) -> HttpResponse:
    bank = _bank_or_404(bank_slug)
    question = _question_or_404(bank, question_id)
    learner_key = learner_key_for(request)
    attempt = services.attempt_get_or_start(learner_key=learner_key, bank_slug=bank.slug)
    embedded = request.POST.get("embedded") == "1" or request.GET.get("embedded") == "1"
    next_url = _safe_next(request)
    common = {
        "bank": bank,
        "question": question,
        "attempt": attempt,
        "embedded": embedded,
        "next_url": next_url,
    }

    if request.method == "GET":
        answer = selectors.answer_for(attempt=attempt, question_id=question.id)
        retrying = request.GET.get("retry") == "1"  # "Try again": the form, no state changes
        return _render_card(request, card_context(answer=answer, retrying=retrying, **common))

    answer = selectors.answer_for(attempt=attempt, question_id=question.id)
    move = request.POST.get("move")
    if question.type == "ordering" and move and not (answer and answer.is_final):
        # A no-JavaScript up/down press: show the list reordered, grade nothing.
        try:
            order = apply_move(order_from_post(question, request.POST), move)
            error = None
        except InvalidResponse as exc:
            order, error = None, str(exc)
        return _render_card(
            request, card_context(answer=answer, order=order, error=error, **common)
        )

    try:
        try_number = int(request.POST.get("try", "1"))
    except ValueError:
        try_number = 0  # names no try: refused below as already answered
    try:
        services.answer_submit(
            attempt=attempt, question_id=question.id, data=request.POST, try_number=try_number
        )
    except (InvalidResponse, services.AnswerLocked) as exc:
        # htmx only swaps 2xx answers, so the error comes back as 200 with its message.
        status = 200 if request.htmx else 422
        answer = selectors.answer_for(attempt=attempt, question_id=question.id)
        # An ungradable retry keeps the learner on the retry form, with the error.
        retrying = isinstance(exc, InvalidResponse) and try_number > 1
        return _render_card(
            request,
            card_context(answer=answer, error=str(exc), retrying=retrying, **common),
            status=status,
        )
    if request.htmx:
        attempt.refresh_from_db()  # the score moved with this answer
        answer = selectors.answer_for(attempt=attempt, question_id=question.id)
        return _render_card(request, card_context(answer=answer, **common))
    # Post/redirect/get: a reload does not resubmit, and the feedback has a URL.
    if next_url:
        return redirect(f"{next_url}#q-{question.id}")
    return redirect(f"{request.path}#q-{question.id}")
