"""`Simulation`: the public facade (docs/architecture.md §1).

Commands in through `apply`, time through `advance`/`step`, events out, and
`snapshot` for the whole state. Every accepted command is logged with its
time, so the state at any moment can be rebuilt from (scenario, seed, log).

Rewind is fast because the simulation keeps checkpoints: a deep copy of the
world every `checkpoint_interval_ms` of simulated time (records are shared,
not copied). `rewind_to(t)` restores the latest checkpoint at or before t and
replays the logged commands from there; the result is a new, independent
simulation (a fork) whose future can differ from this one's.
"""

from __future__ import annotations

import copy

from simulator import cluster, limits
from simulator import events as ev
from simulator.commands import Command, command_from_dict, command_to_dict
from simulator.errors import SimulationError
from simulator.scenarios import load_scenario, validate_scenario
from simulator.snapshot import build_snapshot

MAX_CHECKPOINTS = 240


def _load_extensions() -> None:
    """Import simulator.consumers (when present) so its commands, events,
    handlers and scenario sections are registered."""
    try:
        import simulator.consumers  # noqa: F401
    except ModuleNotFoundError as exc:
        if exc.name not in ("simulator.consumers",):
            raise


_load_extensions()


class Simulation:
    def __init__(self, scenario: dict | None = None, seed: int = 0, *,
                 checkpoint_interval_ms: int | None = 5_000):
        if scenario is None:
            scenario = load_scenario("playground")
        if isinstance(seed, bool) or not isinstance(seed, int):
            raise SimulationError("bad_seed", "the seed must be an integer")
        self.scenario = validate_scenario(copy.deepcopy(scenario))
        self.seed = seed
        self.checkpoint_interval_ms = checkpoint_interval_ms
        self.world = cluster.build_world(self.scenario, seed)
        self.setup_events = self.world.take_events()
        self.command_log: list[tuple[int, Command]] = []
        self._checkpoints: list[tuple[int, int, object]] = []
        if checkpoint_interval_ms:
            self._checkpoint()

    # ---- reading -------------------------------------------------------------------
    @property
    def now_ms(self) -> int:
        return self.world.now_ms

    def snapshot(self) -> dict:
        return build_snapshot(self.world)

    # ---- the door ------------------------------------------------------------------
    def apply(self, command: Command | dict) -> list:
        """Apply one command now; returns its events. Invalid: raises, changes nothing."""
        if isinstance(command, dict):
            command = command_from_dict(command)
        if not isinstance(command, Command):
            raise SimulationError("bad_command", "not a command")
        world = self.world
        seq_before = world.last_seq
        out_before = len(world.out)
        world.emit(ev.CommandApplied, command=command_to_dict(command))
        try:
            cluster.apply_command(world, command)
        except SimulationError:
            # Handlers validate before they change anything: only our event to undo.
            del world.out[out_before:]
            world.last_seq = seq_before
            raise
        self.command_log.append((world.now_ms, command))
        return world.take_events()

    def advance(self, ms: int) -> list:
        """Run everything due up to now + ms; returns the events."""
        if isinstance(ms, bool) or not isinstance(ms, int) or ms < 0:
            raise SimulationError("bad_command", "advance takes a non-negative integer of ms")
        if ms > limits.MAX_ADVANCE_MS:
            raise SimulationError("cap_exceeded", f"advance at most {limits.MAX_ADVANCE_MS} ms "
                                                  "at a time")
        self._run_to(self.world.now_ms + ms)
        return self.world.take_events()

    def step(self) -> list:
        """Jump to the next scheduled happening and run everything due then."""
        at = self.world.next_timer_ms()
        if at is None:
            return []
        return self.advance(max(0, at - self.world.now_ms))

    def _run_to(self, target_ms: int) -> None:
        world = self.world
        interval = self.checkpoint_interval_ms
        if interval:
            boundary = (self._checkpoints[-1][0] // interval + 1) * interval
            while boundary <= target_ms:
                world.run_until(boundary)
                self._checkpoint()
                boundary += interval
        world.run_until(target_ms)

    # ---- checkpoints, rewind, rebuild ----------------------------------------------------
    def _checkpoint(self) -> None:
        world = self.world
        if self._checkpoints and self._checkpoints[-1][0] >= world.now_ms:
            return
        pending, world.out = world.out, []
        try:
            frozen = copy.deepcopy(world)
        finally:
            world.out = pending
        self._checkpoints.append((world.now_ms, len(self.command_log), frozen))
        if len(self._checkpoints) > MAX_CHECKPOINTS:
            # Thin out the older half so memory stays bounded on long sessions.
            keep = self._checkpoints[: MAX_CHECKPOINTS // 2 : 2]
            self._checkpoints = keep + self._checkpoints[MAX_CHECKPOINTS // 2:]

    def rewind_to(self, at_ms: int) -> Simulation:
        """A new simulation in the state this one had at `at_ms` (a fork)."""
        if isinstance(at_ms, bool) or not isinstance(at_ms, int) or not 0 <= at_ms <= self.now_ms:
            raise SimulationError("bad_command", f"rewind to a time between 0 and {self.now_ms}")
        if not self._checkpoints:
            return Simulation.rebuild(self.scenario, self.seed, self.command_log, at_ms,
                                      checkpoint_interval_ms=None)
        base = max((c for c in self._checkpoints if c[0] <= at_ms), key=lambda c: c[0])
        at, command_count, frozen = base
        fork = Simulation.__new__(Simulation)
        fork.scenario = self.scenario
        fork.seed = self.seed
        fork.checkpoint_interval_ms = self.checkpoint_interval_ms
        fork.world = copy.deepcopy(frozen)
        fork.setup_events = self.setup_events
        fork.command_log = self.command_log[:command_count]
        fork._checkpoints = [c for c in self._checkpoints if c[0] <= at]
        for when, command in self.command_log[command_count:]:
            if when > at_ms:
                break
            fork._fast_forward(when)
            fork.apply(command)
        fork._fast_forward(at_ms)
        return fork

    def _fast_forward(self, target_ms: int) -> None:
        """Run to `target_ms` discarding events (replays), a minute at a time so
        a long gap does not pile events up in memory."""
        while self.world.now_ms < target_ms:
            self._run_to(min(target_ms, self.world.now_ms + 60_000))
            self.world.take_events()
        self.world.take_events()

    @classmethod
    def rebuild(cls, scenario: dict, seed: int, command_log: list,
                until_ms: int | None = None, *,
                checkpoint_interval_ms: int | None = 5_000) -> Simulation:
        """Replay a command log from scratch (each entry (at_ms, command or dict))."""
        sim = cls(scenario, seed, checkpoint_interval_ms=checkpoint_interval_ms)
        for when, command in command_log:
            if until_ms is not None and when > until_ms:
                break
            if when < sim.now_ms:
                raise SimulationError("bad_command_log", "command log times must not go back")
            sim._fast_forward(when)
            sim.apply(command)
        if until_ms is not None:
            sim._fast_forward(until_ms)
        sim.world.take_events()
        return sim
