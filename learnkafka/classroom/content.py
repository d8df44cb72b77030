"""What a room teaches: the steps of a lesson (lessons/content.py), or the playground as one step.

A room never copies lesson content: it names the lesson and an index into its
steps, and reads the step (text, diagram, scenario, try-this buttons) from the
lesson files each time, as the lesson pages do.
"""
from __future__ import annotations

import html

import markdown
from django.utils.html import strip_tags

from learnkafka.lessons.content import Step, TryThis, lesson_slugs, load_lesson
from learnkafka.quizzes.banks import all_banks

PLAYGROUND_STEP = Step(
    slug="playground", title="Playground", diagram="cluster", scenario="playground",
    markdown_text="", number=1,
    html=("<p>Three brokers and the topic <code>orders</code> (3 partitions, replication "
          "factor 3), producers A and B, consumer groups 1 and 2.</p>"),
    try_this=(
        TryThis(label="Producer A: send customer-42",
                commands=({"type": "produce", "producer": "A", "topic": "orders",
                           "key": "customer-42", "value": "order"},)),
        TryThis(label="Producer B: send 5 records without a key",
                commands=({"type": "produce", "producer": "B", "topic": "orders",
                           "value": "click", "count": 5},)),
        TryThis(label="Crash broker 2", commands=({"type": "crash_broker", "broker": 2},)),
        TryThis(label="Restart broker 2", commands=({"type": "restart_broker", "broker": 2},)),
        TryThis(label="Add a consumer to group 1",
                commands=({"type": "add_consumer", "group": "1", "topics": ["orders"]},)),
    ),
)


def sources() -> list[tuple[str, str]]:
    """(lesson slug or "", title) a room may be made from."""
    return [("", "Playground")] + [(slug, load_lesson(slug).title) for slug in lesson_slugs()]


def steps_of(lesson_slug: str) -> tuple[Step, ...]:
    if not lesson_slug:
        return (PLAYGROUND_STEP,)
    lesson = load_lesson(lesson_slug)
    return lesson.steps if lesson else (PLAYGROUND_STEP,)


def step_at(lesson_slug: str, index: int) -> Step:
    steps = steps_of(lesson_slug)
    return steps[max(0, min(index, len(steps) - 1))]


def title_of(lesson_slug: str) -> str:
    return dict(sources()).get(lesson_slug, "Playground")


def plain(text: str) -> str:
    """A bank's Markdown as the plain text a poll shows (polls are text, never markup)."""
    return " ".join(html.unescape(strip_tags(markdown.markdown(text or ""))).split())


def poll_questions(lesson_slug: str) -> list[dict]:
    """Single-choice questions of the quiz banks (this lesson's first) a room can push:
    [{"ref": "bank/question", "prompt", "choices": [{"id", "text"}], "answer", "explanation"}]."""
    banks = sorted(all_banks(), key=lambda b: b.lesson != lesson_slug)
    out = []
    for bank in banks:
        for q in bank.questions:
            if q.type == "single_choice":
                out.append({"ref": f"{bank.slug}/{q.id}", "prompt": plain(q.prompt),
                            "step": q.step, "answer": q.spec["answer"],
                            "choices": [{"id": c["id"], "text": plain(c["text"])}
                                        for c in q.spec["choices"]],
                            "explanation": plain(q.explanation)})
    return out


def poll_question(ref: str) -> dict | None:
    return next((q for q in poll_questions("") if q["ref"] == ref), None)
