"""Every diagram lives by one rule (learnkafka/components/diagrams.py): a component
folder diagram_<snake>/ with its skeleton, Python and CSS, and static/js/diagrams/<name>.js."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.template import Context, Template

from learnkafka.components.diagrams import COMPONENTS_DIR, diagram_component, diagram_files
from learnkafka.lessons.content import lesson_slugs, load_lesson

FOLDERS = sorted(p.name for p in COMPONENTS_DIR.iterdir() if p.name.startswith("diagram_"))


def _name_of(folder: str) -> str:
    html = (COMPONENTS_DIR / folder / f"{folder}.html").read_text()
    return re.search(r'data-diagram="([a-z0-9-]+)"', html).group(1)


def test_every_diagram_folder_is_named_after_its_diagram():
    assert FOLDERS, "no diagram components found"
    for folder in FOLDERS:
        assert diagram_component(_name_of(folder)) == folder


@pytest.mark.parametrize("folder", FOLDERS)
def test_a_diagram_has_its_skeleton_python_css_and_module_and_links_its_css(folder):
    name = _name_of(folder)
    files = diagram_files(name)
    for kind, path in files.items():
        assert path.is_file(), f"{name}: no {kind} file at {path}"
    html = Template(f'{{% component "{folder}" / %}}').render(Context({}))
    assert f'href="/static/{folder}/{folder}.css"' in html
    assert f'data-diagram="{name}"' in html
    # The CSS styles this diagram only: every rule starts with its own class.
    css = files["css"].read_text()
    selectors = re.findall(r"(?:^|})\s*([^{}/][^{}]*)\{", re.sub(r"/\*.*?\*/", "", css, flags=re.S))
    own = f".diagram-{name}"
    for selector in selectors:
        for part in selector.split(","):
            assert part.strip().startswith(own), f"{files['css'].name}: '{part.strip()}'"


def test_every_lesson_step_names_a_diagram_that_lives_by_the_rule():
    for slug in lesson_slugs():
        for step in load_lesson(slug).steps:
            assert diagram_component(step.diagram) in FOLDERS, step.slug


def test_no_page_or_view_spells_a_diagram_component_by_hand():
    root = Path(__file__).resolve().parents[2]
    views = (root / "learnkafka/lessons/views.py").read_text()
    assert "cluster_diagram" not in views and '"diagram_"' not in views
