"""Where a diagram lives: one name, three places, no exceptions.

A diagram called `<name>` (as written in lesson.yaml's `diagram:` and in the
skeleton's `data-diagram="<name>"`, e.g. `message-flow`) is:

* `learnkafka/components/diagram_<snake>/`: the django-component
  `diagram_<snake>` (`<snake>` is the name with `-` turned into `_`), holding
  the SVG skeleton (`diagram_<snake>.html`), its typed kwargs
  (`diagram_<snake>.py`) and its stylesheet (`diagram_<snake>.css`, linked by
  the skeleton itself, served as `/static/diagram_<snake>/diagram_<snake>.css`
  through django-components' static finder);
* `static/js/diagrams/<name>.js`: the module that draws the state into the
  skeleton (static/js/live/boot.js imports it by the `data-diagram` name).

Styles every diagram shares (text sizes, flights, focus rings) are in
static/css/live.css. docs/architecture.md ("Where a diagram lives") says the same.
"""

from __future__ import annotations

from pathlib import Path

COMPONENTS_DIR = Path(__file__).resolve().parent


def diagram_component(name: str) -> str:
    """The django-component that holds diagram `name`'s skeleton: `diagram_<snake>`."""
    return "diagram_" + name.replace("-", "_")


def diagram_files(name: str) -> dict[str, Path]:
    """Every file of diagram `name` (for tests and tools): skeleton, python, css, js."""
    component = diagram_component(name)
    folder = COMPONENTS_DIR / component
    return {
        "html": folder / f"{component}.html",
        "python": folder / f"{component}.py",
        "css": folder / f"{component}.css",
        "js": COMPONENTS_DIR.parent.parent / "static" / "js" / "diagrams" / f"{name}.js",
    }
