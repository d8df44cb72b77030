"""Scenario files: the starting shape of a simulation plus a timeline.

A scenario is a plain dict (loaded from YAML or JSON; documented in
docs/scenarios.md). `load_scenario(name_or_path)` returns a validated dict
from wherever it is given: a path to a file, or the name of a
``<name>.yaml``/``.yml``/``.json`` file in a scenario directory. The engine's
own scenarios (the playground and the engine's demonstrations) are in this
folder; content elsewhere registers its own folder with
`register_scenario_dir` (the lessons app registers each lesson's
``scenarios/``, since a lesson's scenarios are lesson content), and
`scenario_names()` lists the names of every registered folder. Scenarios
made by code (a debugging level staged from its seed, a symptom of the
debugging table) come from providers registered with
`register_scenario_provider`: a function from a name to a dict, or None when
the name is not its own. Extensions
add top-level sections with `scenario_section` (e.g. ``consumer_groups`` by
simulator.consumers); an optional extension (simulator/extension.py) is
listed in ``extensions: [payments]`` and owns the section of its name.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import yaml

from simulator import limits
from simulator.cluster_configs import CLUSTER_DEFAULTS
from simulator.commands import check_text, command_from_dict
from simulator.config_ranges import check_configs
from simulator.errors import SimulationError
from simulator.extension import REGISTRY as EXTENSIONS
from simulator.extension import check_extension_names

HERE = Path(__file__).parent
SUFFIXES = (".yaml", ".yml", ".json")
# Where named scenarios are looked up (code, not state: filled at start-up).
SCENARIO_DIRS: list[Path] = [HERE]
SCENARIO_SECTIONS: dict[str, Callable] = {}
# (list the names it offers by name, or [] for an open family; make one by name)
SCENARIO_PROVIDERS: list[tuple[Callable[[], list[str]], Callable[[str], dict | None]]] = []
CORE_KEYS = {"name", "description", "cluster", "topics", "producers", "timeline",
             "extensions"}
# Sections an extension honours; accepted (and ignored) while it is not loaded.
RESERVED_KEYS = {"consumer_groups", "consumers", "acls", "actors", "lesson"}


def scenario_section(name: str) -> Callable:
    """Decorator: ``fn(world, value)`` sets up scenario section `name` at time 0."""

    def register(fn: Callable) -> Callable:
        SCENARIO_SECTIONS[name] = fn
        return fn

    return register


def register_scenario_dir(path: Path | str) -> None:
    """Let `load_scenario(name)` find the scenario files in `path` by name too."""
    folder = Path(path).resolve()
    if not folder.is_dir():
        raise SimulationError("unknown_scenario", f"no scenario folder {path}")
    if folder not in SCENARIO_DIRS:
        SCENARIO_DIRS.append(folder)


def register_scenario_provider(names: Callable[[], list[str]],
                               make: Callable[[str], dict | None]) -> None:
    """Let `load_scenario(name)` ask `make(name)` for scenarios built by code;
    `names()` are the ones `scenario_names()` lists (a learner may load them)."""
    if (names, make) not in SCENARIO_PROVIDERS:
        SCENARIO_PROVIDERS.append((names, make))


def _provided(name: str) -> dict | None:
    for _, make in SCENARIO_PROVIDERS:
        data = make(name)
        if data is not None:
            return data
    return None


def _named_files() -> dict[str, list[Path]]:
    """name -> its file in each folder that has one (in a folder: .yaml, then .yml, .json)."""
    found: dict[str, list[Path]] = {}
    for folder in SCENARIO_DIRS:
        mine: dict[str, Path] = {}
        for suffix in SUFFIXES:
            for p in sorted(folder.glob(f"*{suffix}")):
                if p.is_file():
                    mine.setdefault(p.stem, p)
        for name, p in mine.items():
            found.setdefault(name, []).append(p)
    return found


def scenario_names() -> list[str]:
    """The names `load_scenario` knows, from every registered scenario folder
    and provider (an open family such as the levels' lists none)."""
    provided = {n for names, _ in SCENARIO_PROVIDERS for n in names()}
    return sorted(set(_named_files()) | provided)


def _find(name: str) -> Path:
    paths = _named_files().get(name, [])
    if not paths:
        raise SimulationError("unknown_scenario", f"no scenario named {name!r}; "
                                                  f"known: {', '.join(scenario_names())}")
    if len(paths) > 1:
        # Two folders must not silently shadow each other's scenario.
        raise SimulationError("ambiguous_scenario", f"scenario {name!r} is in more than one "
                                                    f"folder: {', '.join(map(str, paths))}")
    return paths[0]


def _read(path: Path) -> dict:
    text = path.read_text(encoding="utf-8")
    data = json.loads(text) if path.suffix == ".json" else yaml.safe_load(text)
    if not isinstance(data, dict):
        raise SimulationError("bad_scenario", f"{path.name}: a scenario is a mapping")
    data.setdefault("name", path.stem)
    return data


def load_scenario(name_or_path: str) -> dict:
    """A named scenario (``playground``) or a path to a YAML/JSON file, validated."""
    path = Path(name_or_path)
    if not path.suffix:
        provided = _provided(name_or_path)
        if provided is not None:
            return validate_scenario(provided)
        path = _find(name_or_path)
    elif not path.exists():
        raise SimulationError("unknown_scenario", f"no scenario file {name_or_path}")
    return validate_scenario(_read(path))


def _int(value, what: str, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise SimulationError("bad_scenario", f"{what} must be an integer from {low} to {high}")
    return value


def _configs(scope: str, configs, where: str) -> None:
    """A scenario's config dict against Kafka's ranges (simulator.config_ranges)."""
    try:
        check_configs(scope, configs, where)
    except SimulationError as exc:
        raise SimulationError("bad_scenario", f"{where}: {exc.message}") from None


def validate_scenario(data: dict) -> dict:
    """Check the shape, all text, and every config against its range (deeper
    checks happen when the world is built); returns `data`."""
    if not isinstance(data, dict):
        raise SimulationError("bad_scenario", "a scenario is a mapping")
    try:
        check_text(data, "scenario", max_depth=64)
    except SimulationError as exc:
        raise SimulationError("bad_scenario", exc.message) from None
    # `extensions: [payments]` loads those extensions (simulator/extension.py);
    # each may own a section of its own name, allowed only when it is listed.
    loaded = check_extension_names(data.get("extensions", []))
    unknown = set(data) - CORE_KEYS - RESERVED_KEYS - set(SCENARIO_SECTIONS) - set(loaded)
    if unknown:
        stray = sorted(unknown & set(EXTENSIONS))
        if stray:
            raise SimulationError("bad_scenario", f"section {stray[0]!r} needs "
                                                  f"extensions: [{stray[0]}]")
        raise SimulationError("bad_scenario", f"unknown scenario section(s): "
                                              f"{', '.join(sorted(unknown))}")
    cluster = data.get("cluster", {})
    if not isinstance(cluster, dict):
        raise SimulationError("bad_scenario", "cluster must be a mapping")
    brokers = cluster.get("brokers", 3)
    if isinstance(brokers, list):
        if not brokers or len(brokers) > limits.MAX_BROKERS or len(set(brokers)) != len(brokers):
            raise SimulationError("bad_scenario", f"1 to {limits.MAX_BROKERS} distinct broker ids")
        for b in brokers:
            _int(b, "a broker id", 1, 99)
    else:
        _int(brokers, "cluster.brokers", 1, limits.MAX_BROKERS)
    _int(cluster.get("controllers", 3), "cluster.controllers", 1, limits.MAX_CONTROLLERS)
    network = cluster.get("network", {})
    if not isinstance(network, dict):
        raise SimulationError("bad_scenario", "cluster.network must be a mapping")
    # At least 1 ms: with 0, a request answered and retried without backoff
    # would go round at the same simulated millisecond forever.
    _int(network.get("latency_ms", 2), "network.latency_ms", 1, 10_000)
    _int(network.get("jitter_ms", 0), "network.jitter_ms", 0, 10_000)
    configs = cluster.get("configs", {})
    if not isinstance(configs, dict):
        raise SimulationError("bad_scenario", "cluster.configs must be a mapping")
    for key in configs:
        if key not in CLUSTER_DEFAULTS:
            raise SimulationError("bad_scenario", f"unknown cluster config {key!r}; known: "
                                                  f"{', '.join(sorted(CLUSTER_DEFAULTS))}")
    _configs("broker", configs, "cluster.configs")
    for section in ("topics", "producers", "timeline"):
        value = data.get(section, [])
        if not isinstance(value, list):
            raise SimulationError("bad_scenario", f"{section} must be a list")
        for item in value:
            if not isinstance(item, dict):
                raise SimulationError("bad_scenario", f"each entry of {section} is a mapping")
    for topic in data.get("topics", []):
        if "name" not in topic:
            raise SimulationError("bad_scenario", "every topic needs a name")
        _configs("topic", topic.get("configs", {}), f"topic {topic['name']!r}")
    for producer in data.get("producers", []):
        if "name" not in producer:
            raise SimulationError("bad_scenario", "every producer needs a name")
        _configs("producer", producer.get("configs", {}), f"producer {producer['name']!r}")
    groups = data.get("consumer_groups", [])
    for group in groups if isinstance(groups, list) else []:
        if isinstance(group, dict):
            _configs("consumer", group.get("configs", {}), "consumer_groups configs")
            consumers = group.get("consumers", [])
            for consumer in consumers if isinstance(consumers, list) else []:
                if isinstance(consumer, dict):
                    _configs("consumer", consumer.get("configs", {}), "consumer configs")
    for name in loaded:
        check = EXTENSIONS[name].config_check
        if check is not None:
            try:
                check(data.get(name, {}))
            except SimulationError as exc:
                raise SimulationError("bad_scenario", f"{name}: {exc.message}") from None
    for entry in data.get("timeline", []):
        _int(entry.get("at_ms"), "timeline at_ms", 0, limits.MAX_SCENARIO_MS)
        command_from_dict(entry.get("command"))
    return data
