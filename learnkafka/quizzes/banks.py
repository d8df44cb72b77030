"""Quiz banks: the YAML files in `content/`, loaded, checked and cached until edited.

One bank per lesson (`content/<slug>.yaml`). A bank has a title, a summary,
ordered sections (the interview answer structure) and questions; every
question names its type (see `questiontypes`) and the lesson step that
teaches it. Loading is strict: a malformed bank raises `ContentError` naming
the file and question, and the content test loads every bank. Parsed banks
are kept in a `ContentCache` (learnkafka/core/content_files.py, shared with
the lessons) until a file changes.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from learnkafka.core.content_files import ContentCache, ContentError, read_yaml

from .questiontypes import TYPES, Question
from .questiontypes.base import require_str

CONTENT_DIR = Path(__file__).resolve().parent / "content"

# The steps of each lesson (/lessons/<lesson>/<step>/) and their titles,
# agreed with the lessons app; a question may only link to one of these. The
# content test checks them against the lesson's own YAML.
LESSON_STEPS: dict[str, dict[str, str]] = {
    "kafka-basics": {
        "architecture": "The architecture",
        "message-flow": "A message's life in six steps",
        "partition-log": "Partitions, offsets and the high watermark",
        "consumer-groups": "Consumer groups",
        "isr": "In-sync replicas",
        "acks": "acks and what survives",
        "config": "The config table, live",
    },
    # Lesson 3 (issue 12): slugs agreed with the lesson (h/paylesson's lesson.yaml).
    "payment-idempotency": {
        "problem": "The problem: a retry charges twice",
        "solution": "The solution: an idempotency key",
        "store": "The idempotency_store table",
        "race": "The race: two retries at once",
        "safeguards": "More safeguards: locks",
        "layers": "Three layers of idempotency",
        "ttl": "TTL: keys expire after 24 hours",
        "outbox": "The outbox pattern",
    },
    "debug-consumer": {
        "verify-producer": "1. Verify the producer",
        "group-id": "2. Check the consumer group id",
        "lag": "3. Read the lag",
        "assignment": "4. Check the assignment",
        "auto-offset-reset": "5. auto.offset.reset",
        "rebalancing": "6. The rebalancing loop",
        "deserialization": "7. Deserialization",
        "acls-network": "8. ACLs and the network",
        "retention": "9. Retention",
    },
}


def step_title(lesson: str, step: str) -> str:
    return LESSON_STEPS.get(lesson, {}).get(step, step)


COMMON_FIELDS = {"id", "section", "type", "step", "prompt", "explanation"}


@dataclass(frozen=True)
class Section:
    id: str
    title: str
    questions: tuple[Question, ...]


@dataclass(frozen=True)
class Bank:
    slug: str
    title: str
    summary: str
    lesson: str
    sections: tuple[Section, ...]
    questions: tuple[Question, ...]

    def question(self, question_id: str) -> Question | None:
        return next((q for q in self.questions if q.id == question_id), None)

    def next_after(self, question_id: str) -> Question | None:
        ids = [q.id for q in self.questions]
        i = ids.index(question_id)
        return self.questions[i + 1] if i + 1 < len(ids) else None

    def previous_before(self, question_id: str) -> Question | None:
        ids = [q.id for q in self.questions]
        i = ids.index(question_id)
        return self.questions[i - 1] if i > 0 else None


def parse_question(
    raw: dict, *, bank: str, lesson: str, sections: set[str], where: str
) -> Question:
    if not isinstance(raw, dict):
        raise ContentError(f"{where}: a question must be a mapping")
    question_id = require_str(raw, "id", where)
    where = f"{where} ({question_id})"
    type_name = require_str(raw, "type", where)
    module = TYPES.get(type_name)
    if module is None:
        raise ContentError(f"{where}: unknown type '{type_name}' (known: {sorted(TYPES)})")
    section = require_str(raw, "section", where)
    if section not in sections:
        raise ContentError(f"{where}: unknown section '{section}'")
    step = require_str(raw, "step", where)
    if step not in LESSON_STEPS.get(lesson, ()):
        raise ContentError(f"{where}: '{step}' is not a step of lesson '{lesson}'")
    spec = module.parse({k: v for k, v in raw.items() if k not in COMMON_FIELDS}, where=where)
    return Question(
        bank=bank,
        lesson=lesson,
        id=question_id,
        type=type_name,
        section=section,
        step=step,
        prompt=require_str(raw, "prompt", where),
        explanation=require_str(raw, "explanation", where),
        spec=spec,
    )


def parse_bank(data: dict, *, where: str) -> Bank:
    if not isinstance(data, dict):
        raise ContentError(f"{where}: a bank must be a mapping")
    slug = require_str(data, "slug", where)
    lesson = require_str(data, "lesson", where)
    if lesson not in LESSON_STEPS:
        raise ContentError(f"{where}: unknown lesson '{lesson}'")
    raw_sections = data.get("sections")
    if not isinstance(raw_sections, list) or not raw_sections:
        raise ContentError(f"{where}: 'sections' must be a non-empty list")
    section_titles = {
        require_str(s, "id", where): require_str(s, "title", where) for s in raw_sections
    }
    raw_questions = data.get("questions")
    if not isinstance(raw_questions, list) or not raw_questions:
        raise ContentError(f"{where}: 'questions' must be a non-empty list")
    questions = []
    for i, raw in enumerate(raw_questions):
        q = parse_question(
            raw, bank=slug, lesson=lesson, sections=set(section_titles), where=f"{where} #{i + 1}"
        )
        questions.append(q)
    ids = [q.id for q in questions]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise ContentError(f"{where}: duplicate question ids {duplicates}")
    # Number questions in section order, so the quiz follows the interview structure.
    ordered: list[Question] = []
    sections = []
    for section_id, title in section_titles.items():
        members = []
        for q in questions:
            if q.section == section_id:
                numbered = Question(**{**q.__dict__, "number": len(ordered) + 1})
                ordered.append(numbered)
                members.append(numbered)
        sections.append(Section(id=section_id, title=title, questions=tuple(members)))
    return Bank(
        slug=slug,
        title=require_str(data, "title", where),
        summary=require_str(data, "summary", where),
        lesson=lesson,
        sections=tuple(sections),
        questions=tuple(ordered),
    )


def load_bank_file(path: Path) -> Bank:
    data = read_yaml(path)
    bank = parse_bank(data, where=path.name)
    if bank.slug != path.stem:
        raise ContentError(f"{path.name}: slug '{bank.slug}' must match the file name")
    return bank


_cache: ContentCache[tuple[Bank, ...]] = ContentCache()


def all_banks() -> tuple[Bank, ...]:
    """Every bank in `content/`, sorted by file name.

    Parsed once and kept until a file changes (name or modification time), so
    an instructor's edit shows on the next request, as lesson content does,
    without a server restart.
    """
    paths = sorted(CONTENT_DIR.glob("*.yaml"))
    return _cache.get("banks", paths, lambda: tuple(load_bank_file(p) for p in paths))


def get_bank(slug: str) -> Bank | None:
    return next((b for b in all_banks() if b.slug == slug), None)
