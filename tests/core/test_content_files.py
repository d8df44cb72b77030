"""The one content cache and error both lessons and quiz banks use."""
import os

import pytest

from learnkafka.core.content_files import ContentCache, ContentError, read_yaml
from learnkafka.lessons import content as lesson_content
from learnkafka.quizzes import questiontypes


def test_lessons_and_quizzes_raise_the_same_content_error():
    assert lesson_content.ContentError is ContentError
    assert questiontypes.ContentError is ContentError


def _touch_later(path, seconds=1):
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + seconds * 1_000_000_000))


def test_the_cache_parses_again_only_when_a_file_changes(tmp_path):
    a, b = tmp_path / "a.yaml", tmp_path / "b.yaml"
    a.write_text("x: 1\n")
    b.write_text("y: 2\n")
    cache, parses = ContentCache(), []

    def parse():
        parses.append(1)
        return [read_yaml(p) for p in sorted(tmp_path.glob("*.yaml"))]

    def files():
        return sorted(tmp_path.glob("*.yaml"))

    first = cache.get("k", files(), parse)
    assert cache.get("k", files(), parse) is first and len(parses) == 1
    a.write_text("x: 3\n")
    _touch_later(a)
    assert cache.get("k", files(), parse) == [{"x": 3}, {"y": 2}]
    b.unlink()
    assert cache.get("k", files(), parse) == [{"x": 3}]
    assert len(parses) == 3


def test_a_yaml_syntax_error_names_the_file(tmp_path):
    bad = tmp_path / "broken.yaml"
    bad.write_text("a: [1, 2\n")
    with pytest.raises(ContentError, match=r"broken\.yaml: not valid YAML"):
        read_yaml(bad)
