"""Content an instructor edits as files: one error for files at fault, one cache of what they say.

Lessons (`lessons/content/<slug>/`: YAML plus Markdown) and quiz banks
(`quizzes/content/<slug>.yaml`) are both data read from the repository. Both
apps raise the same `ContentError` (naming the file and field at fault) and
keep what they parsed in a `ContentCache`, which parses again when any file
it was read from is added, removed or modified: an instructor's edit shows on
the next request without a server restart.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Generic, TypeVar

import yaml

Parsed = TypeVar("Parsed")


class ContentError(ValueError):
    """Content files that cannot be taught from (a bug in the YAML): says which file and field."""


def require_str(mapping: dict, key: str, where: str) -> str:
    """`mapping[key]`, which must be a non-blank string; else a ContentError naming `where`."""
    value = mapping.get(key)
    if not isinstance(value, str) or not value.strip():
        raise ContentError(f"{where}: '{key}' must be a non-empty string")
    return value


def require_list(mapping: dict, key: str, where: str) -> list:
    """`mapping[key]`, which must be a list; else a ContentError naming `where`."""
    value = mapping.get(key)
    if not isinstance(value, list):
        raise ContentError(f"{where}: '{key}' must be a list")
    return value


def read_yaml(path: Path):
    """The YAML document in `path`; a syntax error is a `ContentError` naming the file."""
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        raise ContentError(f"{path}: not valid YAML ({error})") from error


def fingerprint(paths: Iterable[Path]) -> tuple:
    """What changes when a file is added, removed, renamed or modified."""
    return tuple(sorted((str(p), p.stat().st_mtime_ns) for p in paths))


class ContentCache(Generic[Parsed]):
    """Parsed content by key, kept until the fingerprint of its files changes."""

    def __init__(self) -> None:
        self._entries: dict[str, tuple[tuple, Parsed]] = {}

    def get(self, key: str, files: Iterable[Path], parse: Callable[[], Parsed]) -> Parsed:
        """`parse()`'s result for `key`, parsed again only when one of `files` changed."""
        current = fingerprint(files)
        entry = self._entries.get(key)
        if entry is None or entry[0] != current:
            entry = (current, parse())
            self._entries[key] = entry
        return entry[1]
