"""The extension point: optional models a simulation loads by name.

An extension is a package under ``simulator/extensions/`` (e.g. ``payments``)
that defines its own commands, events, actors, snapshot section and scenario
section without touching the core files. It declares itself once:

    EXTENSION = Extension("payments", "Payment idempotency: client, gateway, service, DB")

    @EXTENSION.command("pay")            # a frozen dataclass, as in simulator.commands
    @dataclass(frozen=True)
    class Pay(Command): ...

    @EXTENSION.event("payment_requested")   # a slotted dataclass, as in simulator.events
    @dataclass(slots=True)
    class PaymentRequested(Event): ...

    @EXTENSION.handles(Pay)
    def _apply_pay(world, cmd): ...     # validate first (SimulationError), then mutate

    @EXTENSION.setup
    def _setup(world, config): ...      # config = the scenario's section of the same name

    @EXTENSION.snapshot
    def _snapshot(world): ...           # becomes snapshot()["payments"]

A simulation loads the extensions its scenario lists (``extensions:
[payments]``) or that `Simulation(..., extensions=["payments"])` adds (which
writes them into the simulation's scenario, so replays, rewinds and forks load
them too). Only a loaded extension's commands are accepted
(``extension_not_loaded`` otherwise), its setup runs, its scenario section is
allowed and its snapshot section appears. The registries are code, filled at
import time; which extensions a world runs is state (``world.extensions``), so
checkpoints, replays and the work budget treat extension actors exactly like
core ones.
"""

from __future__ import annotations

from collections.abc import Callable

from simulator import commands, events
from simulator.errors import SimulationError

# name -> Extension (code, not state: filled when simulator.extensions imports).
REGISTRY: dict[str, Extension] = {}


class Extension:
    """One optional model: its commands, events, handlers, setup and snapshot."""

    def __init__(self, name: str, summary: str):
        if name in REGISTRY:
            raise ValueError(f"extension {name!r} registered twice")
        self.name = name
        self.summary = summary
        self.command_types: list[str] = []
        self.event_kinds: list[str] = []
        self.setup_fn: Callable | None = None
        self.snapshot_fn: Callable | None = None
        self.config_check: Callable | None = None
        REGISTRY[name] = self

    def command(self, type_name: str) -> Callable:
        """Like `simulator.commands.command`, owned by this extension."""

        def register(cls):
            commands.command(type_name)(cls)
            cls.extension = self.name
            self.command_types.append(type_name)
            return cls

        return register

    def event(self, kind: str) -> Callable:
        """Like `simulator.events.event`, owned by this extension."""

        def register(cls):
            events.event(kind)(cls)
            cls.extension = self.name
            self.event_kinds.append(kind)
            return cls

        return register

    def handles(self, command_cls: type) -> Callable:
        return commands.handles(command_cls)

    def setup(self, fn: Callable) -> Callable:
        """``fn(world, config)`` builds the extension's state at time 0."""
        self.setup_fn = fn
        return fn

    def snapshot(self, fn: Callable) -> Callable:
        """``snapshot()[name] = fn(world)`` while the extension is loaded."""
        self.snapshot_fn = fn
        return fn

    def check_config(self, fn: Callable) -> Callable:
        """``fn(config)`` validates the scenario section (raise SimulationError)."""
        self.config_check = fn
        return fn


def check_extension_names(names) -> list[str]:
    """A scenario's ``extensions`` list: known names, no repeats; returns it."""
    if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
        raise SimulationError("bad_scenario", "extensions is a list of extension names")
    unknown = [n for n in names if n not in REGISTRY]
    if unknown:
        raise SimulationError("bad_scenario", f"unknown extension(s) {', '.join(unknown)}; "
                              f"known: {', '.join(sorted(REGISTRY)) or 'none'}")
    if len(set(names)) != len(names):
        raise SimulationError("bad_scenario", "an extension is listed twice")
    return names


def require_loaded(world, cmd) -> None:
    """Refuse a command whose extension this world did not load."""
    owner = getattr(cmd, "extension", None)
    if owner is not None and owner not in world.extensions:
        raise SimulationError("extension_not_loaded",
                              f"the {cmd.type!r} command belongs to the {owner!r} extension, "
                              f"which this simulation does not load (add it to the scenario's "
                              f"extensions, or Simulation(..., extensions=[{owner!r}]))")


def setup_extensions(world, scenario: dict) -> None:
    """Load the scenario's extensions into a new world (in the listed order)."""
    for name in scenario.get("extensions", []):
        ext = REGISTRY[name]
        world.extensions = (*world.extensions, name)
        world.emit(events.ExtensionLoaded, extension=name, commands=list(ext.command_types),
                   events=list(ext.event_kinds))
        if ext.setup_fn is not None:
            ext.setup_fn(world, scenario.get(name, {}))


def snapshot_sections(world) -> dict:
    return {name: REGISTRY[name].snapshot_fn(world) for name in world.extensions
            if REGISTRY[name].snapshot_fn is not None}
