"""Question types: one small module each, all with the same four functions.

| type            | YAML fields (besides id, section, type, step, prompt, explanation) |
|-----------------|----------------------------------------------------------------------|
| single_choice   | choices: [{id, text}], answer: id                                     |
| multiple_choice | choices: [{id, text}], answer: [id, ...]                              |
| ordering        | items: [{id, text}] in the right order                                |
| predict         | scenario: a predict generator in learnkafka.quizzes.scenarios         |
| diagram_click   | scenario: a diagram generator in learnkafka.quizzes.scenarios         |
| short_answer    | answer: text, aliases: [text, ...]                                    |
| self_assessed   | rubric: [point, ...], model_answer: text                              |

Each module has `parse(raw, *, where) -> spec`, `present(question, *, seed)
-> template context`, `response_from_post(question, data, *, seed,
previous) -> response` (raises `InvalidResponse`) and `grade(question,
response, *, seed) -> Grade`. Templates live in
`templates/quizzes/types/<type>.html`.
"""

from types import ModuleType

from . import (
    diagram_click,
    multiple_choice,
    ordering,
    predict,
    self_assessed,
    short_answer,
    single_choice,
)
from .base import ContentError, Grade, InvalidResponse, Question

TYPES: dict[str, ModuleType] = {
    module.NAME: module
    for module in (
        single_choice,
        multiple_choice,
        ordering,
        predict,
        diagram_click,
        short_answer,
        self_assessed,
    )
}

__all__ = ["TYPES", "ContentError", "Grade", "InvalidResponse", "Question"]
