"""`quiz_question`: one quiz question, embeddable anywhere (e.g. a lesson checkpoint).

Usage in a template (the page must have a request context)::

    {% component "quiz_question" bank="kafka-basics" question_id="acks-default" / %}

It renders the same card as the quiz page for the current learner: the
question form, or the stored feedback if they already answered it. The form
posts to `/quizzes/<bank>/<question>/`; with htmx only the card is swapped
(the feedback appears in place), without JavaScript the view redirects back
to the page the card is on (`next`). The answer counts in the learner's
current attempt at that bank, so it shows on the quiz page too.

The card includes its stylesheet and script (`assets=False` leaves them out
when the page already loads `css/live.css`, `css/quizzes.css` and
`js/quizzes/quiz.js`). `lazy=True` (a lesson checkpoint, below the diagram)
fetches the card's stylesheet when the card is within a third of a screen of the
viewport (so it is styled before it is seen) and quiz.js when it is about to
show or is pointed at (quiz-on-demand.js): neither is in a first view that
ends above the card (docs/architecture.md, "Page weight"); a
diagram question still loads quiz.js at once, since it hides the answer's
cues in the diagram before the learner sees it.
An unknown bank or question renders nothing and logs a warning,
so a typo in lesson content cannot break the lesson page.
"""

from __future__ import annotations

import logging
from typing import NamedTuple

from django_components import Component, register

from learnkafka.core.learners import learner_key_for
from learnkafka.quizzes import selectors, services
from learnkafka.quizzes.banks import get_bank
from learnkafka.quizzes.presentation import card_context

logger = logging.getLogger(__name__)


@register("quiz_question")
class QuizQuestion(Component):
    template_file = "quiz_question.html"

    class Kwargs(NamedTuple):
        bank: str
        question_id: str
        assets: bool = True
        lazy: bool = False

    def get_template_data(self, args, kwargs: Kwargs, slots, context):
        bank = get_bank(kwargs.bank)
        question = bank.question(kwargs.question_id) if bank else None
        request = self.request or context.get("request")
        if question is None or request is None:
            logger.warning("quiz_question: no question %s/%s", kwargs.bank, kwargs.question_id)
            return {"card_ok": False, "assets": False, "lazy_script": False}
        attempt = services.attempt_get_or_start(
            learner_key=learner_key_for(request), bank_slug=bank.slug
        )
        card = card_context(
            bank=bank,
            question=question,
            attempt=attempt,
            answer=selectors.answer_for(attempt=attempt, question_id=question.id),
            embedded=True,
            next_url=request.get_full_path(),
        )
        lazy_script = kwargs.assets and kwargs.lazy and question.type != "diagram_click"
        return {**card, "card_ok": True, "assets": kwargs.assets, "lazy_script": lazy_script}
