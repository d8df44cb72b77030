"""A clocked session: one simulation plus its pacing, and nothing else.

The simulator knows no wall clock (docs/architecture.md §1); a session turns
wall time into simulated time: while playing, `tick()` advances it by
`elapsed wall s × 1000 × speed` (fractions of a millisecond are carried, not
lost). The wall clock and the CPU clock come from an injectable `Clock`, so
tests move time by hand.

No I/O and no asyncio here: the live simulation (live.py) calls these methods
under its mutex and decides what to send and store. The CPU each `advance`/
`apply` used is measured with the thread's CPU time, so a loaded machine or a
slow socket never counts against the learner.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from simulator import HistoryEntry, Simulation, SimulationError
from simulator.commands import command_from_dict, command_to_dict
from simulator.events import event_to_dict
from simulator.scenarios import load_scenario, scenario_names

from . import policy, quotas
from .clock import SYSTEM, Clock
from .policy import Refused

CHECKPOINT_INTERVAL_MS = 60_000  # rewind granularity vs memory: each checkpoint copies the world
# At most this many copies (thinned as time goes on), so a sandbox's memory stops
# growing with simulated time; a rewind far back replays a little further.
MAX_CHECKPOINTS = 8
MAX_TICK_S = 1.0                 # at most this much wall time is simulated in one tick
# A rebuild runs under the simulator's default work budget (per millisecond,
# per command) and at most this many timers and events in all: a history that
# would cost more is reported, not replayed for minutes in a worker thread.
REBUILD_MAX_WORK = 20_000_000


def position_of(sim: Simulation) -> tuple[int, int]:
    """(now_ms, timers fired so far): where the simulation stands, exactly."""
    now_ms, fired = sim.position
    return int(now_ms), int(fired)


def build_simulation(scenario_name: str, seed: int, history: list[dict],
                     until: tuple[int, int | None]) -> Simulation:
    """Replay (scenario, seed, history entries) to `until` = (now_ms, fired).

    With the simulator's exact replay (`Simulation.replay`), commands that
    shared a millisecond interleave with that millisecond's timers exactly as
    they did live. Raises SimulationError when the history does not replay.
    """
    entries = [HistoryEntry.from_dict(e) for e in history]
    now_ms, fired = until
    return Simulation.replay(load_scenario(scenario_name), seed, entries,
                             until=now_ms if fired is None else (now_ms, fired),
                             checkpoint_interval_ms=CHECKPOINT_INTERVAL_MS,
                             max_checkpoints=MAX_CHECKPOINTS, max_work=REBUILD_MAX_WORK)


@dataclass
class Tick:
    """What one tick did: its events, and a reason to slow down, if any."""

    events: list = field(default_factory=list)
    over_budget: str | None = None   # the simulator refused the work: the session paused
    overloaded: bool = False         # the CPU guard slowed the session (or paused it)


class ClockedSession:
    def __init__(self, *, public_id: str, scenario: str, seed: int, sim: Simulation,
                 speed: float = 1.0, playing: bool = True, clock: Clock = SYSTEM):
        self.public_id = public_id
        self.scenario = scenario
        self.seed = seed
        self.sim = sim
        self.speed = speed if speed in policy.SPEEDS else 1.0
        self.playing = playing
        self.clock = clock
        self._history_meter = quotas.HistoryMeter()
        self._carry_ms = 0.0
        self._last_wall = clock.wall()

    @property
    def position(self) -> tuple[int, int | None]:
        return position_of(self.sim)

    # ---- time --------------------------------------------------------------

    def restart_clock(self) -> None:
        """Wall time until now is not simulated (after a pause, a rebuild, a rewind)."""
        self._last_wall = self.clock.wall()
        self._carry_ms = 0.0

    def tick(self) -> Tick:
        """Advance by the wall time since the last tick × speed."""
        now = self.clock.wall()
        if not self.playing:
            self._last_wall = now
            return Tick()
        # A stall longer than MAX_TICK_S (a suspended process, a debugger) is not
        # made up in one huge step: that would be seconds of CPU in one frame.
        covered_s = min(now - self._last_wall, MAX_TICK_S)
        self._last_wall = now
        self._carry_ms += covered_s * 1000 * self.speed
        whole_ms = int(self._carry_ms + 1e-6)  # 49.99999 ms of float wall time is 50
        self._carry_ms = max(0.0, self._carry_ms - whole_ms)
        if whole_ms <= 0:
            return Tick()
        cpu_before = self.clock.cpu()
        try:
            events = self.sim.advance(whole_ms)
        except SimulationError as err:
            if err.code != "over_budget":
                raise
            # The simulator stopped mid-way (its budget): keep what happened, pause.
            self.playing = False
            return Tick(events=list(getattr(err, "events", []) or []), over_budget=err.message)
        cpu_s = self.clock.cpu() - cpu_before
        tick = Tick(events=events)
        if policy.cpu_overloaded(cpu_s, covered_s):
            self._ease_off()
            tick.overloaded = True
        return tick

    def _ease_off(self) -> None:
        """Halve the speed, or pause at the slowest, so one sandbox cannot starve
        everyone else's."""
        slower = [v for v in policy.SPEEDS if v < self.speed]
        if slower:
            self.speed = slower[-1]
        else:
            self.playing = False

    # ---- requests ----------------------------------------------------------

    def apply(self, command: dict) -> tuple[list, dict]:
        """Validate and apply one command now. Returns (events, history entry);
        raises Refused and changes nothing when the command is refused."""
        policy.check_web_caps(command, self.sim.command_log)
        try:
            cmd = command_from_dict(command)
        except SimulationError as err:
            raise Refused(err.code, err.message) from err
        # What the history may still produce (quotas.py: a sandbox's memory ceiling).
        if refusal := self._history_meter.refusal(cmd, self.sim.history):
            raise Refused("sandbox_full", refusal)
        at_ms, fired = self.position
        try:
            events = self.sim.apply(cmd)
        except SimulationError as err:
            raise Refused(err.code, err.message) from err
        history = getattr(self.sim, "history", None)
        if history:  # the simulator's own record of where it applied the command
            return events, history[-1].to_dict()
        entry = {"at_ms": at_ms, "command": command_to_dict(cmd)}
        if fired is not None:
            entry["fired"] = fired
        return events, entry

    def play(self) -> None:
        if not self.playing:
            self.playing = True
            self.restart_clock()  # paused wall time is not simulated time

    def pause(self) -> None:
        self.playing = False

    def set_speed(self, speed) -> None:
        self.speed = policy.check_speed(speed)

    def step(self) -> list:
        """Jump to the next scheduled happening (paused, like a debugger)."""
        self.playing = False
        try:
            return self.sim.step()
        except SimulationError as err:
            if err.code == "over_budget":  # stopped at a timer boundary: show what happened
                return list(getattr(err, "events", []) or [])
            raise Refused(err.code, err.message) from err

    def rewind(self, to_ms) -> None:
        now_ms = self.sim.now_ms
        if not isinstance(to_ms, int) or isinstance(to_ms, bool) or not 0 <= to_ms <= now_ms:
            raise Refused("bad_time", f"to_ms must be an integer from 0 to {now_ms}.")
        # A fork from the nearest checkpoint: fast, and the same as a replay.
        try:
            self.sim = self.sim.rewind_to(to_ms)
        except SimulationError as err:
            raise Refused(err.code, err.message) from err
        self.restart_clock()

    def reset(self) -> None:
        self.sim = build_simulation(self.scenario, self.seed, [], (0, None))
        self.restart_clock()

    def load(self, name) -> None:
        if not isinstance(name, str) or name not in scenario_names():
            raise Refused("unknown_scenario", f"There is no scenario called {name!r}.")
        self.sim = build_simulation(name, self.seed, [], (0, None))
        self.scenario = name
        self.restart_clock()

    # ---- messages ----------------------------------------------------------

    def snapshot_message(self) -> dict:
        return {"type": "snapshot", "sandbox": self.public_id, "scenario": self.scenario,
                "now_ms": self.sim.now_ms, "speed": self.speed, "playing": self.playing,
                "state": self.sim.snapshot()}

    def status_message(self, reason: str | None = None) -> dict:
        message = {"type": "status", "now_ms": self.sim.now_ms, "speed": self.speed,
                   "playing": self.playing}
        if reason:
            message["reason"] = reason
        return message

    def events_message(self, events: list) -> dict:
        return {"type": "events", "now_ms": self.sim.now_ms,
                "events": [policy.trimmed(event_to_dict(e)) for e in events]}
