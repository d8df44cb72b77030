"""Where a weak point is taught: a link to the lesson step, checked against the lessons that exist.

The three lessons (kafka-basics, debug-consumer, payment-idempotency) live in
learnkafka/lessons/content/. A step that a lesson no longer has links to the
lesson's overview, and a lesson that is not there links to the lesson list, so
a result page never shows a dead link when content is edited.
"""

from __future__ import annotations

from dataclasses import dataclass

from learnkafka.lessons.content import load_lesson

LESSON_TITLES = {
    "kafka-basics": "Lesson 1: Kafka basics",
    "debug-consumer": "Lesson 2: Debugging a consumer",
    "payment-idempotency": "Lesson 3: Payment idempotency",
}


@dataclass(frozen=True)
class LessonLink:
    url: str
    title: str


def lesson_link(lesson: str, step: str = "") -> LessonLink:
    found = load_lesson(lesson)
    name = LESSON_TITLES.get(lesson, lesson)
    if found is None:
        return LessonLink("/lessons/", f"{name} (coming soon)")
    taught = found.step(step) if step else None
    if taught is None:
        return LessonLink(f"/lessons/{lesson}/", found.title)
    return LessonLink(f"/lessons/{lesson}/{step}/", f"{found.title}: {taught.title}")
