"""`{{ text|quiz_markdown }}`: render quiz content (prompts, explanations) as Markdown.

Only for content authored in the repository: learner text is never passed
through this filter (templates print it with Django's autoescaping).
"""

from functools import lru_cache

import markdown
from django import template
from django.utils.safestring import mark_safe

register = template.Library()


@lru_cache(maxsize=1024)
def _render(text: str) -> str:
    return markdown.markdown(text, output_format="html")


@register.filter
def quiz_markdown(text: str) -> str:
    return mark_safe(_render(text or ""))  # noqa: S308 - repository content, not learner input


@register.filter
def quiz_markdown_inline(text: str) -> str:
    """Markdown without the wrapping <p>, for choice labels inside <label>."""
    html = _render(text or "")
    if html.startswith("<p>") and html.endswith("</p>") and html.count("<p>") == 1:
        html = html[3:-4]
    return mark_safe(html)  # noqa: S308 - repository content, not learner input
