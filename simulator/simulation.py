"""`Simulation`: the public facade (docs/architecture.md §1).

Commands in through `apply`, time through `advance`/`step`, events out, and
`snapshot` for the whole state. Every accepted command is kept in `history`
with its exact *position* ``(at_ms, fired)``: the simulated time and how many
timers had run, so a command given between two timers of the same millisecond
replays there and not after all of them. `Simulation.replay(scenario, seed,
history, until)` rebuilds the identical simulation (same snapshot, same future
events, same seqs).

`apply` is atomic: a refused command changes nothing, whatever the reason. A
handler refuses by raising `SimulationError` before it changes anything; if a
handler raised anything else, or went over the work budget, the state before
the command is restored from the nearest checkpoint plus an exact replay (paid
only on that failure path).

Rewind is fast because the simulation keeps checkpoints: a frozen copy of
the world every `checkpoint_interval_ms` of simulated time (`checkpoint.Frozen`;
records are shared, not copied). `rewind_to(t)` restores the latest checkpoint
at or before t and replays the history from there; the result is a new,
independent simulation (a fork) whose future can differ from this one's.

Work is bounded by a `limits.WorkBudget` (counted, never timed): see
`advance`, `apply` and docs/events.md "Bounds and budgets".
"""

from __future__ import annotations

import copy
import math
from dataclasses import dataclass

from simulator import cluster, fast_forward, limits
from simulator import events as ev
from simulator.checkpoint import Frozen
from simulator.commands import Command, command_from_dict, command_to_dict, validate_command
from simulator.errors import SimulationError, WorkBudgetExceeded
from simulator.scenarios import load_scenario, validate_scenario
from simulator.snapshot import build_snapshot

MAX_CHECKPOINTS = 240


def _load_extensions() -> None:
    """Import simulator.consumers (when present) so its commands, events,
    handlers and scenario sections are registered, and simulator.extensions,
    which registers the optional extensions a simulation may load by name."""
    try:
        import simulator.consumers  # noqa: F401
    except ModuleNotFoundError as exc:
        if exc.name not in ("simulator.consumers",):
            raise
    import simulator.extensions  # noqa: F401
    import simulator.wire_clients  # noqa: F401  (outside clients through the gateway)


_load_extensions()


def _with_extensions(scenario: dict, extensions) -> dict:
    """The scenario with `extensions` added to its own list (kept in the
    simulation's scenario, so replays and forks load the same ones)."""
    if extensions is None:
        return scenario
    if isinstance(extensions, str) or not isinstance(extensions, (list, tuple)):
        raise SimulationError("bad_extensions", "extensions is a list of extension names")
    listed = list(scenario.get("extensions", []) if isinstance(scenario, dict) else [])
    for name in extensions:
        if name not in listed:
            listed.append(name)
    if not listed:
        return scenario
    return {**scenario, "extensions": listed}


def _bad_history(message: str) -> SimulationError:
    return SimulationError("bad_history", message)


def _is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


@dataclass(frozen=True)
class HistoryEntry:
    """One accepted command and where it was applied: at simulated `at_ms`,
    after `fired` timers had run in all (None in logs stored before positions
    existed: then it replays after every timer due at `at_ms`)."""

    at_ms: int
    fired: int | None
    command: Command

    @property
    def position(self) -> tuple[int, float]:
        return (self.at_ms, math.inf if self.fired is None else self.fired)

    def to_dict(self) -> dict:
        return {"at_ms": self.at_ms, "fired": self.fired,
                "command": command_to_dict(self.command)}

    @classmethod
    def from_dict(cls, data) -> HistoryEntry:
        """From `to_dict`'s shape (``fired`` may be missing); bad_history if malformed."""
        if isinstance(data, HistoryEntry):
            return data
        if not isinstance(data, dict) or set(data) - {"at_ms", "fired", "command"}:
            raise _bad_history("a history entry is {at_ms, fired, command}")
        at_ms, fired = data.get("at_ms"), data.get("fired")
        if not _is_int(at_ms) or at_ms < 0:
            raise _bad_history("a history entry's at_ms is a non-negative integer")
        if fired is not None and (not _is_int(fired) or fired < 0):
            raise _bad_history("a history entry's fired is a non-negative integer")
        command = data.get("command")
        return cls(at_ms, fired, command if isinstance(command, Command)
                   else command_from_dict(command))


def _entries(history) -> list[HistoryEntry]:
    if not isinstance(history, (list, tuple)):
        raise _bad_history("a history is a list of entries")
    entries = []
    for index, item in enumerate(history):
        try:
            entries.append(HistoryEntry.from_dict(item))
        except SimulationError as exc:
            raise SimulationError(exc.code, f"history entry {index}: {exc.message}") from None
    return entries


def _fingerprint(world) -> tuple:
    """Cheap signs that a handler changed something before it refused: timers,
    randomness, or parts of the world (e.g. an extension's lazily made state)."""
    return (world._timer_seq, world.rng.getstate(), len(world.ext), len(world.actors),
            len(world.topics), len(world.producers), len(world.brokers))


def _target_key(until) -> tuple[int, float]:
    """A position to compare with: (t, fired), or (t, inf) for a plain ms."""
    if isinstance(until, list):  # a position read back from JSON
        until = tuple(until)
    if isinstance(until, tuple):
        if (len(until) != 2 or not _is_int(until[0]) or not _is_int(until[1])
                or until[0] < 0 or until[1] < 0):
            raise SimulationError("bad_command", "a position is (now_ms, timers_fired)")
        return until
    if not _is_int(until) or until < 0:
        raise SimulationError("bad_command", "until is a position, a time in ms, or None")
    return (until, math.inf)


class Simulation:
    def __init__(self, scenario: dict | None = None, seed: int = 0, *,
                 checkpoint_interval_ms: int | None = 5_000,
                 budget: limits.WorkBudget | None = limits.DEFAULT_BUDGET,
                 max_checkpoints: int = MAX_CHECKPOINTS,
                 extensions: list[str] | None = None):
        if scenario is None:
            scenario = load_scenario("playground")
        scenario = _with_extensions(scenario, extensions)
        if isinstance(seed, bool) or not isinstance(seed, int):
            raise SimulationError("bad_seed", "the seed must be an integer")
        if budget is not None and not isinstance(budget, limits.WorkBudget):
            raise SimulationError("bad_budget", "budget is a limits.WorkBudget or None")
        self.scenario = validate_scenario(copy.deepcopy(scenario))
        self.seed = seed
        self.checkpoint_interval_ms = checkpoint_interval_ms
        if not _is_int(max_checkpoints) or max_checkpoints < 4:
            raise SimulationError("bad_checkpoints", "max_checkpoints is an integer of 4 or more")
        # Each checkpoint is a copy of the world: a web sandbox keeps fewer, so
        # its memory stops growing with simulated time (rewinds replay further).
        self.max_checkpoints = max_checkpoints
        self.world = cluster.build_world(self.scenario, seed)
        self.budget = budget
        self.setup_events = self.world.take_events()
        self.history: list[HistoryEntry] = []
        # (now_ms, timers_fired, len(history), frozen world)
        self._checkpoints: list[tuple[int, int, int, Frozen]] = []
        if checkpoint_interval_ms:
            self._checkpoint()

    @property
    def budget(self) -> limits.WorkBudget:
        """The work budget (a replay stops where the live run did only under the
        budget the history was recorded with)."""
        return self._budget

    @budget.setter
    def budget(self, budget: limits.WorkBudget | None) -> None:
        if budget is None:
            budget = limits.UNLIMITED
        if not isinstance(budget, limits.WorkBudget):
            raise SimulationError("bad_budget", "budget is a limits.WorkBudget or None")
        self._budget = budget
        self.world.per_ms_work = budget.per_ms

    # ---- reading -------------------------------------------------------------------
    @property
    def now_ms(self) -> int:
        return self.world.now_ms

    @property
    def position(self) -> tuple[int, int]:
        """(now_ms, timers fired so far): where the next command would be applied."""
        return (self.world.now_ms, self.world.timers_fired)

    @property
    def command_log(self) -> list[tuple[int, Command]]:
        """[(at_ms, command)] of the accepted commands (see `history` for positions)."""
        return [(e.at_ms, e.command) for e in self.history]

    def snapshot(self) -> dict:
        return build_snapshot(self.world)

    # ---- the door ------------------------------------------------------------------
    def apply(self, command: Command | dict) -> list:
        """Apply one command now; returns its events. Refused: raises
        `SimulationError` and changes nothing (see the module docstring)."""
        self._check_usable()
        if isinstance(command, dict):
            command = command_from_dict(command)
        elif isinstance(command, Command):
            validate_command(command)
        else:
            raise SimulationError("bad_command", "not a command")
        world = self.world
        position, history_len = self.position, len(self.history)
        out_before = len(world.out)
        seq_before = world.last_seq
        before = _fingerprint(world)
        world.limit_events(self.budget.per_command)
        try:
            world.emit(ev.CommandApplied, command=command_to_dict(command))
            seq_applied = world.last_seq
            cluster.apply_command(world, command)
        except WorkBudgetExceeded as exc:
            self._restore(position, history_len, world.out[:out_before])
            raise SimulationError("over_budget", f"refused, nothing changed: {exc.detail} "
                                                 "(a simulator work budget)") from None
        except SimulationError:
            if (world.last_seq == seq_applied and len(world.out) == out_before + 1
                    and _fingerprint(world) == before):
                # The handler refused before changing anything: only our event to undo.
                del world.out[out_before:]
                world.last_seq = seq_before
            else:  # it refused after changing something: undo that too
                self._restore(position, history_len, world.out[:out_before])
            raise
        except Exception as exc:
            self._restore(position, history_len, world.out[:out_before])
            raise SimulationError("internal_error", f"the simulator failed on this command "
                                                    f"({type(exc).__name__}); nothing "
                                                    "changed") from exc
        finally:
            world.limit_events(None)
        self.history.append(HistoryEntry(position[0], position[1], command))
        return world.take_events()

    def advance(self, ms: int) -> list:
        """Run everything due up to now + ms; returns the events.

        Over the work budget it stops at a timer boundary and raises
        `WorkBudgetExceeded` carrying the events emitted before the stop.
        """
        self._check_usable()
        if isinstance(ms, bool) or not isinstance(ms, int) or ms < 0:
            raise SimulationError("bad_command", "advance takes a non-negative integer of ms")
        if ms > limits.MAX_ADVANCE_MS:
            raise SimulationError("cap_exceeded", f"advance at most {limits.MAX_ADVANCE_MS} ms "
                                                  "at a time")
        position, history_len = self.position, len(self.history)
        pending = len(self.world.out)
        try:
            allowance = self.budget.call_allowance(ms)
            reached = self._run_to(self.world.now_ms + ms, None, allowance)
        except WorkBudgetExceeded as exc:
            exc.events = self.world.take_events()
            raise
        except Exception as exc:  # a bug in a timer: undo the whole advance
            self._restore(position, history_len, self.world.out[:pending])
            raise SimulationError("internal_error", f"the simulator failed while time ran "
                                                    f"({type(exc).__name__}); the simulation "
                                                    "is back where it was") from exc
        events = self.world.take_events()
        if not reached:
            raise WorkBudgetExceeded("per_call", self.world.now_ms, events,
                                     f"this advance may do at most {allowance} timers "
                                     f"and events (advance in smaller steps)")
        return events

    def step(self) -> list:
        """Jump to the next scheduled happening and run everything due then."""
        at = self.world.next_timer_ms()
        if at is None:
            return []
        return self.advance(max(0, at - self.world.now_ms))

    def _run_to(self, target_ms: int, until_fired: int | None = None,
                max_work: int | None = None) -> bool:
        """Run to `target_ms` (or the position (target_ms, until_fired)),
        checkpointing on the way; False if `max_work` ran out first."""
        world = self.world
        fired0, seq0 = world.timers_fired, world.last_seq

        def left() -> int | None:
            if max_work is None:
                return None
            return max(0, max_work - (world.timers_fired - fired0) - (world.last_seq - seq0))

        interval = self.checkpoint_interval_ms
        if interval:
            boundary = (self._checkpoints[-1][0] // interval + 1) * interval
            while boundary < target_ms or (boundary == target_ms and until_fired is None):
                if not world.run_until(boundary, None, left()):
                    return False
                self._checkpoint()
                boundary += interval
        return world.run_until(target_ms, until_fired, left())

    # ---- checkpoints, restore, rewind, replay -------------------------------------------
    def _checkpoint(self) -> None:
        world = self.world
        if self._checkpoints and self._checkpoints[-1][0] >= world.now_ms:
            return
        pending, world.out = world.out, []
        try:
            frozen = Frozen(world)
        finally:
            world.out = pending
        self._checkpoints.append((world.now_ms, world.timers_fired, len(self.history), frozen))
        most = self.max_checkpoints
        while len(self._checkpoints) > most:
            # Thin out the older half so memory stays bounded on long sessions.
            keep = self._checkpoints[: most // 2 : 2]
            self._checkpoints = keep + self._checkpoints[most // 2:]

    def _fork(self, until, history_len: int | None = None) -> Simulation:
        """A new simulation in this one's state at `until` (a position or a ms),
        from the nearest checkpoint and an exact replay of the history after it."""
        entries = self.history if history_len is None else self.history[:history_len]
        if not self._checkpoints:
            return Simulation.replay(self.scenario, self.seed, entries, until,
                                     checkpoint_interval_ms=None, budget=self.budget,
                                     max_checkpoints=self.max_checkpoints)
        key = _target_key(until)
        base = max((c for c in self._checkpoints if (c[0], c[1]) <= key),
                   key=lambda c: (c[0], c[1]))
        at, fired, command_count, frozen = base
        fork = Simulation.__new__(Simulation)
        fork.scenario = self.scenario
        fork.seed = self.seed
        fork.checkpoint_interval_ms = self.checkpoint_interval_ms
        fork.max_checkpoints = self.max_checkpoints
        fork.world = frozen.thaw()
        fork.budget = self.budget
        fork.setup_events = self.setup_events
        fork.history = list(entries[:command_count])
        fork._checkpoints = [c for c in self._checkpoints if (c[0], c[1]) <= (at, fired)]
        fork._replay_entries(entries[command_count:], until)
        return fork

    def _restore(self, position: tuple[int, int], history_len: int, pending: list) -> None:
        """Put this simulation back exactly at `position` with its first
        `history_len` commands (the failure path of apply/advance)."""
        try:
            fork = self._fork(position, history_len)
        except Exception as exc:  # a replay that does not reproduce its run: a bug
            self._broken = True
            raise SimulationError("internal_error", "the simulation failed and could not "
                                                    "be restored; rebuild it from its "
                                                    "history") from exc
        self.world = fork.world
        self.world.per_ms_work = self._budget.per_ms
        self.history = fork.history
        self._checkpoints = fork._checkpoints
        self.world.out = list(pending)

    def rewind_to(self, at) -> Simulation:
        """A new simulation in the state this one had at `at` (a fork): a time
        in ms (after everything due then; `now_ms` means exactly now) or a
        position (now_ms, timers_fired) this simulation has passed."""
        if isinstance(at, (tuple, list)):
            key = at = _target_key(at)
            if key > self.position:
                raise SimulationError("bad_command", f"rewind to a position up to "
                                                     f"{self.position}")
        elif isinstance(at, bool) or not isinstance(at, int) or not 0 <= at <= self.now_ms:
            raise SimulationError("bad_command", f"rewind to a time between 0 and {self.now_ms}")
        elif at == self.now_ms:
            at = self.position
        else:  # a time inside a span skipped by fast_forward (never simulated)
            skipped = fast_forward.rewind_target(self.history, at)
            if skipped is not None:
                return self._fork(*skipped)
        return self._fork(at)

    def _fast_forward(self, target_ms: int, fired: int | None = None) -> None:
        """Run to `target_ms` (or exactly to the position (target_ms, fired)),
        discarding events in chunks so a long span does not pile them up."""
        world = self.world
        if target_ms < world.now_ms or (fired is not None and target_ms == world.now_ms
                                        and fired < world.timers_fired):
            raise _bad_history(f"history positions must not go back (at {target_ms} ms, "
                               f"the simulation is at {self.position})")
        while True:
            chunk = limits.REPLAY_CHUNK_WORK
            if self._replay_left is not None:
                left = self._replay_left - (world.timers_fired + world.last_seq)
                if left <= 0:
                    raise WorkBudgetExceeded("per_replay", world.now_ms, [],
                                             "this history needs more work to replay than "
                                             "its budget allows")
                chunk = min(chunk, left)
            if self._run_to(target_ms, fired, chunk):
                break
            world.take_events()
        world.take_events()
        if fired is not None:
            due = world.next_timer_ms()
            if world.timers_fired != fired or (due is not None and due < target_ms):
                raise _bad_history(f"this history does not match the simulation: at "
                                   f"{target_ms} ms it expects {fired} timers run, the "
                                   f"replay has run {world.timers_fired}")

    def _replay_entries(self, entries: list[HistoryEntry], until) -> None:
        key = None if until is None else _target_key(until)
        for entry in entries:
            if key is not None and entry.position > key:
                break
            self._fast_forward(entry.at_ms, entry.fired)
            try:
                self.apply(entry.command)
            except WorkBudgetExceeded:
                raise
            except SimulationError as exc:
                raise _bad_history(f"the {entry.command.type} command at {entry.at_ms} ms was "
                                   f"refused on replay ({exc.code}: {exc.message})") from exc
        if key is not None:
            self._fast_forward(key[0], None if key[1] == math.inf else key[1])
        self.world.take_events()

    _replay_left: int | None = None  # timers_fired + last_seq a replay may reach
    _broken = False  # set when a failure could not be undone (see _restore)

    def _check_usable(self) -> None:
        if self._broken:
            raise SimulationError("internal_error", "this simulation failed and could not be "
                                                    "restored; rebuild it from its history")

    @classmethod
    def replay(cls, scenario: dict, seed: int, history: list, until=None, *,
               checkpoint_interval_ms: int | None = 5_000,
               budget: limits.WorkBudget | None = limits.DEFAULT_BUDGET,
               max_work: int | None = None,
               max_checkpoints: int = MAX_CHECKPOINTS,
               extensions: list[str] | None = None) -> Simulation:
        """Rebuild a simulation from its `history` (HistoryEntry objects or
        their dicts): timers run exactly up to each entry's position, its
        command is applied, and the replay ends exactly at `until` (a position
        (now_ms, fired), a time in ms meaning after everything due then, or
        None: right after the last command). Runs under `budget`: a history
        that cannot be replayed within it raises `WorkBudgetExceeded`. With
        `max_work`, the whole replay may run at most about that many timers
        and events (give or take one chunk), else `WorkBudgetExceeded`
        (``reason`` ``per_replay``): a deterministic bound on a rebuild's CPU.
        `extensions` as in the constructor (`sim.scenario` already lists them)."""
        entries = _entries(history)
        if max_work is not None and (not _is_int(max_work) or max_work < 1):
            raise SimulationError("bad_budget", "max_work is a positive integer or None")
        sim = cls(scenario, seed, checkpoint_interval_ms=checkpoint_interval_ms, budget=budget,
                  max_checkpoints=max_checkpoints, extensions=extensions)
        if max_work is not None:
            sim._replay_left = sim.world.timers_fired + sim.world.last_seq + max_work
        try:
            sim._replay_entries(entries, until)
        finally:
            sim._replay_left = None
        return sim

    @classmethod
    def rebuild(cls, scenario: dict, seed: int, command_log: list,
                until_ms: int | None = None, *,
                checkpoint_interval_ms: int | None = 5_000,
                budget: limits.WorkBudget | None = limits.DEFAULT_BUDGET) -> Simulation:
        """Replay an at_ms-only command log (each entry (at_ms, command or dict)):
        each command runs after every timer due at its time. Prefer `replay`."""
        entries = []
        for item in command_log:
            if not isinstance(item, (list, tuple)) or len(item) != 2:
                raise SimulationError("bad_command_log", "a command log is [(at_ms, command)]")
            when, command = item
            if not _is_int(when) or when < 0:
                raise SimulationError("bad_command_log", "command log times are integers")
            if entries and when < entries[-1].at_ms:
                raise SimulationError("bad_command_log", "command log times must not go back")
            entries.append(HistoryEntry(when, None, command if isinstance(command, Command)
                                        else command_from_dict(command)))
        return cls.replay(scenario, seed, entries, until_ms,
                          checkpoint_interval_ms=checkpoint_interval_ms, budget=budget)
