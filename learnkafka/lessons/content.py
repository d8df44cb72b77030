"""Lesson content as data: `content/<lesson>/lesson.yaml` plus one Markdown file per step.

An instructor edits these files, never Python or templates. This module reads
them into frozen dataclasses, checks their shape (a clear `ContentError` names
the file and field at fault) and renders each step's Markdown once. What it
parsed is kept in a `ContentCache` (learnkafka/core/content_files.py, shared
with the quiz banks) keyed on the files' modification times, so an edited
lesson shows up on the next request without a restart.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import markdown

from learnkafka.core.content_files import (
    ContentCache,
    ContentError,
    read_yaml,
    require_list,
    require_str,
)

CONTENT_DIR = Path(__file__).resolve().parent / "content"

# Fenced code, tables and attribute lists are all the lesson text needs.
_MARKDOWN_EXTENSIONS = [
    "fenced_code",
    "tables",
    "sane_lists",
    "attr_list",
    "def_list",
    "admonition",
]


def _json(value) -> str:
    return json.dumps(value, separators=(",", ":"), sort_keys=True)


@dataclass(frozen=True)
class TryThis:
    """A button that sends simulator commands, so the learner never has to guess one.

    Usually one command (`data-command`, sent by the live sandbox itself); a
    few prompts need several at once (e.g. every member of a group switching
    assignor), sent in order by static/js/live/commands.js.
    """

    label: str
    commands: tuple
    hint: str = ""

    @property
    def command(self) -> dict:
        return self.commands[0]

    @property
    def command_json(self) -> str:
        """The command as the JSON the live sandbox's `data-command` attribute expects."""
        return _json(self.commands[0])

    @property
    def sequence_json(self) -> str:
        return _json(list(self.commands))


@dataclass(frozen=True)
class ControlOption:
    """One choice of a live config control (e.g. acks=1), with the command it sends."""

    label: str
    command: dict

    @property
    def command_json(self) -> str:
        return _json(self.command)


@dataclass(frozen=True)
class ConfigControl:
    """A row of the guide's config table, made live: what it controls, its trade-off, choices."""

    name: str
    controls: str
    tradeoff: str
    default: str
    watch: str
    options: tuple[ControlOption, ...]


@dataclass(frozen=True)
class Step:
    """One screen of a lesson: text, a live diagram on a scenario, prompts, maybe a question."""

    slug: str
    title: str
    diagram: str
    scenario: str
    markdown_text: str
    html: str
    try_this: tuple[TryThis, ...]
    checkpoint: str | None = None
    controls: tuple[ConfigControl, ...] = ()
    number: int = 0
    caption: str = ""
    # For the consumer-groups diagram: which groups to draw ("" = every group), or None
    # for the diagram's default.
    diagram_groups: str | None = None
    # `terminal: true` / `logs: true` in lesson.yaml put the Kafka terminal and the
    # client/broker log panel beside the step's live diagram (docs/protocol.md).
    terminal: bool = False
    logs: bool = False
    panel: str = ""  # optional: a component shown under the stage (e.g. payrace_panel)


@dataclass(frozen=True)
class Lesson:
    """An ordered run of steps with a title and a one-paragraph summary."""

    slug: str
    title: str
    summary: str
    steps: tuple[Step, ...] = field(default_factory=tuple)
    # Extra pages of the lesson shown on its overview: ((label, href), ...).
    links: tuple[tuple[str, str], ...] = ()

    def step(self, slug: str) -> Step | None:
        return next((s for s in self.steps if s.slug == slug), None)

    def neighbours(self, slug: str) -> tuple[Step | None, Step | None]:
        """The steps before and after `slug` (None at either end)."""
        index = [s.slug for s in self.steps].index(slug)
        previous = self.steps[index - 1] if index > 0 else None
        following = self.steps[index + 1] if index + 1 < len(self.steps) else None
        return previous, following


def _parse_command(raw, where: str) -> dict:
    if not isinstance(raw, dict) or not isinstance(raw.get("type"), str):
        raise ContentError(f"{where}: 'command' must be a mapping with a 'type'")
    return raw


def _flag(raw: dict, name: str, where: str) -> bool:
    value = raw.get(name, False)
    if not isinstance(value, bool):
        raise ContentError(f"{where}: {name} must be true or false")
    return value


def _parse_try_this(raw, where: str) -> tuple[TryThis, ...]:
    if not isinstance(raw, list):
        raise ContentError(f"{where}: 'try' must be a list of prompts")
    prompts = []
    for index, item in enumerate(raw):
        spot = f"{where} try[{index}]"
        if not isinstance(item, dict):
            raise ContentError(f"{spot}: must be a mapping")
        if "commands" in item:
            raw_commands = item["commands"]
            if not isinstance(raw_commands, list) or not raw_commands:
                raise ContentError(f"{spot}: 'commands' must be a non-empty list")
            commands = tuple(_parse_command(c, spot) for c in raw_commands)
        else:
            commands = (_parse_command(item.get("command"), spot),)
        prompts.append(
            TryThis(
                label=require_str(item, "label", spot),
                commands=commands,
                hint=str(item.get("hint", "")),
            )
        )
    return tuple(prompts)


def _parse_controls(raw, where: str) -> tuple[ConfigControl, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list):
        raise ContentError(f"{where}: 'controls' must be a list")
    rows = []
    for index, item in enumerate(raw):
        spot = f"{where} controls[{index}]"
        options = item.get("options") if isinstance(item, dict) else None
        if not isinstance(options, list) or not options:
            raise ContentError(f"{spot}: 'options' must be a non-empty list")
        rows.append(
            ConfigControl(
                name=require_str(item, "name", spot),
                controls=require_str(item, "controls", spot),
                tradeoff=require_str(item, "tradeoff", spot),
                default=str(item.get("default", "")),
                watch=require_str(item, "watch", spot),
                options=tuple(
                    ControlOption(
                        label=require_str(option, "label", f"{spot} option"),
                        command=_parse_command(option.get("command"), f"{spot} option"),
                    )
                    for option in options
                ),
            )
        )
    return tuple(rows)


def _render_markdown(text: str) -> str:
    return markdown.markdown(text, extensions=_MARKDOWN_EXTENSIONS, output_format="html")


def _parse_lesson(folder: Path) -> Lesson:
    source = folder / "lesson.yaml"
    data = read_yaml(source)
    if not isinstance(data, dict):
        raise ContentError(f"{source}: must be a mapping")
    slug = require_str(data, "slug", str(source))
    if slug != folder.name:
        raise ContentError(f"{source}: slug '{slug}' must match its folder '{folder.name}'")
    raw_steps = require_list(data, "steps", str(source))
    steps, seen = [], set()
    for number, raw in enumerate(raw_steps, start=1):
        where = f"{source} step {number}"
        if not isinstance(raw, dict):
            raise ContentError(f"{where}: must be a mapping")
        step_slug = require_str(raw, "slug", where)
        if step_slug in seen:
            raise ContentError(f"{where}: duplicate slug '{step_slug}'")
        seen.add(step_slug)
        text_file = folder / require_str(raw, "text", where)
        if not text_file.is_file():
            raise ContentError(f"{where}: text file {text_file.name} is missing")
        text = text_file.read_text(encoding="utf-8")
        checkpoint = raw.get("checkpoint")
        steps.append(
            Step(
                slug=step_slug,
                title=require_str(raw, "title", where),
                diagram=require_str(raw, "diagram", where),
                scenario=require_str(raw, "scenario", where),
                markdown_text=text,
                html=_render_markdown(text),
                try_this=_parse_try_this(raw.get("try", []), where),
                checkpoint=str(checkpoint) if checkpoint else None,
                controls=_parse_controls(raw.get("controls"), where),
                number=number,
                caption=str(raw.get("caption", "")),
                diagram_groups=(None if raw.get("diagram_groups") is None
                                else str(raw["diagram_groups"])),
                terminal=_flag(raw, "terminal", where),
                logs=_flag(raw, "logs", where),
                panel=str(raw.get("panel", "")),
            )
        )
    return Lesson(
        slug=slug,
        title=require_str(data, "title", str(source)),
        summary=require_str(data, "summary", str(source)),
        steps=tuple(steps),
        links=_parse_links(data.get("links", []), str(source)),
    )


def _parse_links(raw, where: str) -> tuple[tuple[str, str], ...]:
    if not isinstance(raw, list):
        raise ContentError(f"{where}: 'links' must be a list")
    links = []
    for index, item in enumerate(raw):
        spot = f"{where} links[{index}]"
        if not isinstance(item, dict):
            raise ContentError(f"{spot}: must be a mapping")
        href = require_str(item, "href", spot)
        if not href.startswith("/"):
            raise ContentError(f"{spot}: href must be a path on this site")
        links.append((require_str(item, "label", spot), href))
    return tuple(links)


_cache: ContentCache[Lesson] = ContentCache()


def lesson_scenario_dirs() -> list[Path]:
    """Each lesson's own simulator scenarios (`content/<slug>/scenarios/`, e.g. lesson-isr.yaml).

    A lesson's scenarios are lesson content, so they live with the lesson; the
    app registers these folders with the engine at start-up (apps.py), so a
    step names its scenario as `scenario: lesson-isr`, as sandboxes store it.
    """
    folders = (CONTENT_DIR / slug / "scenarios" for slug in lesson_slugs())
    return [folder for folder in folders if folder.is_dir()]


def lesson_slugs() -> list[str]:
    """Every lesson folder that holds a lesson.yaml, in name order."""
    return sorted(p.name for p in CONTENT_DIR.iterdir() if (p / "lesson.yaml").is_file())


def load_lesson(slug: str) -> Lesson | None:
    """The lesson in `content/<slug>/`, or None when there is no such lesson."""
    if slug not in lesson_slugs():
        return None
    folder = CONTENT_DIR / slug
    files = (p for p in folder.iterdir() if p.is_file())
    return _cache.get(slug, files, lambda: _parse_lesson(folder))
