"""Live simulations held in this server process, paced by the wall clock.

The simulator knows no wall clock (docs/architecture.md §1); this module is the
outer layer that turns wall time into simulated time: while a sandbox plays, a
ticker advances it by `elapsed wall ms × speed` about every FRAME_MS and sends
what happened as one `events` frame, so a fast simulation never floods a socket.

A `LiveSandbox` is rebuilt on demand from its stored recipe (scenario, seed,
command log, clock), so a restart or an eviction loses nothing. Each sandbox has
a mutex: a tick (advance, then send) and a command (apply, then send) happen
whole, one after the other, so every socket sees frames in simulator order.

Subscribers are async callables `deliver(message: dict)` (one per open socket);
each adds its own per-connection `seq` before sending.
"""
from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from channels.db import database_sync_to_async

from simulator import Simulation, SimulationError
from simulator.commands import command_from_dict, command_to_dict
from simulator.events import event_to_dict
from simulator.scenarios import load_scenario, scenario_names

from . import quotas, services
from .models import Sandbox

log = logging.getLogger(__name__)

FRAME_MS = 33                 # one coalesced frame of events, about 30 per second
CLOCK_FRAME_MS = 250          # a frame is sent at least this often while playing
SAVE_CLOCK_EVERY_MS = 2000    # persist the clock this often while playing
IDLE_EVICT_S = 600            # a sandbox nobody watches leaves memory after this
IDLE_PAUSE_S = 900            # a playing sandbox whose learner sent nothing for this long pauses
MAX_LIVE = 100                # at most this many simulations in memory (~10 MB for 10 sim-minutes)
CHECKPOINT_INTERVAL_MS = 60_000  # rewind granularity vs memory: each checkpoint copies the world
SPEEDS = (0.25, 0.5, 1.0, 2.0, 4.0, 8.0)
MAX_LOG_COMMANDS = 5000       # more commands than this are refused (bounds rebuild time)
DEFAULT_SCENARIO = "playground"
MAX_PRODUCE_COUNT = 100       # records per produce command over the web (simulator allows 200k)
MAX_PRODUCE_CHARS = 64 * 1024  # key + value characters × count, per produce command
MAX_RECORDS_PER_EVENT = 50    # records listed per event in a frame (the rest are counted)
MAX_WEB_PARTITIONS = 12       # partitions per topic created over the web (simulator allows 64)
MAX_WEB_TOPICS_CREATED = 8    # create_topic commands per sandbox history
MAX_CPU_SHARE = 0.5           # a sandbox needing more CPU than this share of wall time slows down
MIN_HEAVY_TICK_S = 0.02       # ...judged only on ticks that took at least this long

Deliver = Callable[[dict], Awaitable[None]]


def _now() -> float:
    """The wall clock the pacing reads (one place, so tests can replace it)."""
    return time.monotonic()


class RuntimeError_(Exception):
    """A control request that cannot be honoured; carries a protocol error code."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


def _log_entries_to_commands(entries: list[dict]) -> list[tuple[int, object]]:
    return [(int(e["at_ms"]), command_from_dict(e["command"])) for e in entries]


def _trimmed(event: dict) -> dict:
    """An event for the socket: a long `records` list keeps only its last
    MAX_RECORDS_PER_EVENT entries (the browser shows no more), so one big
    batch cannot make a frame of megabytes."""
    records = event.get("records")
    if isinstance(records, list) and len(records) > MAX_RECORDS_PER_EVENT:
        event = {**event, "records": records[-MAX_RECORDS_PER_EVENT:],
                 "records_omitted": len(records) - MAX_RECORDS_PER_EVENT}
    return event


def _check_web_caps(command: dict, command_log: list) -> None:
    """Stricter caps than the simulator's, for commands arriving over the web:
    a sandbox shares this process with everyone else's."""
    if command.get("type") == "create_topic":
        partitions = command.get("partitions", 1)
        if isinstance(partitions, int) and partitions > MAX_WEB_PARTITIONS:
            raise RuntimeError_("cap_exceeded",
                                f"Topics here have at most {MAX_WEB_PARTITIONS} partitions.")
        created = sum(1 for _, c in command_log if type(c).__name__ == "CreateTopic")
        if created >= MAX_WEB_TOPICS_CREATED:
            raise RuntimeError_("cap_exceeded",
                                f"A sandbox may create {MAX_WEB_TOPICS_CREATED} topics; reset it.")
    if command.get("type") == "produce":
        count = command.get("count", 1)
        if not isinstance(count, int):
            return  # the simulator's own validation explains the mistake
        if count > MAX_PRODUCE_COUNT:
            raise RuntimeError_("cap_exceeded",
                                f"Produce at most {MAX_PRODUCE_COUNT} records at a time here.")
        size = sum(len(v) for v in (command.get("key"), command.get("value")) if isinstance(v, str))
        if size * count > MAX_PRODUCE_CHARS:
            raise RuntimeError_("cap_exceeded",
                                f"Keys and values of one produce may hold {MAX_PRODUCE_CHARS} "
                                "characters in all here.")


def build_simulation(scenario_name: str, seed: int, log: list, until_ms: int) -> Simulation:
    """Replay (scenario, seed, [(at_ms, command)...]) up to `until_ms`.

    Like `Simulation.rebuild`, but with sparse checkpoints: a checkpoint is a
    copy of the whole world, and a live sandbox must stay small in memory.
    """
    sim = Simulation(load_scenario(scenario_name), seed=seed,
                     checkpoint_interval_ms=CHECKPOINT_INTERVAL_MS)
    for at_ms, command in log:
        if at_ms > until_ms:
            break
        sim.advance(at_ms - sim.now_ms)
        sim.apply(command)
    if until_ms > sim.now_ms:
        sim.advance(until_ms - sim.now_ms)
    return sim


@dataclass
class LiveSandbox:
    """One learner's running simulation plus its pacing state."""

    public_id: str
    scenario: str
    seed: int
    sim: Simulation
    speed: float = 1.0
    playing: bool = True
    subscribers: set = field(default_factory=set)
    last_active: float = field(default_factory=lambda: _now())
    _ticker: asyncio.Task | None = None
    _carry_ms: float = 0.0
    _last_wall: float = 0.0
    _last_sent_wall: float = 0.0
    _last_saved_wall: float = 0.0
    _last_write: asyncio.Task | None = None
    notice: str | None = None  # told to the next socket (then forgotten)
    extras: dict = field(default_factory=dict)  # per-sandbox state of the socket layer
    _mutex: asyncio.Lock = field(default_factory=asyncio.Lock)

    # ---- building --------------------------------------------------------

    @classmethod
    def from_row(cls, row: Sandbox) -> LiveSandbox:
        """Rebuild from the stored recipe (CPU-bound: callers run it in a thread).

        A recipe that no longer replays (a newer simulator refuses one of its
        commands, or its scenario was renamed) starts the sandbox over rather
        than locking the learner out; `notice` says so and the caller stores
        the new, empty history.
        """
        scenario, notice = row.scenario, None
        try:
            sim = build_simulation(scenario, row.seed,
                                   _log_entries_to_commands(row.command_log), row.now_ms)
        except SimulationError as err:
            log.warning("sandbox %s could not be replayed (%s); starting it over",
                        row.public_id, err.message)
            if scenario not in scenario_names():
                scenario = DEFAULT_SCENARIO
            sim = build_simulation(scenario, row.seed, [], 0)
            notice = ("This sandbox could not be restored after an update of the simulator, "
                      "so it starts over.")
        return cls(public_id=row.public_id, scenario=scenario, seed=row.seed, sim=sim,
                   speed=row.speed if row.speed in SPEEDS else 1.0, playing=row.playing,
                   notice=notice)

    # ---- messages --------------------------------------------------------

    def snapshot_message(self) -> dict:
        return {"type": "snapshot", "sandbox": self.public_id, "scenario": self.scenario,
                "now_ms": self.sim.now_ms, "speed": self.speed, "playing": self.playing,
                "state": self.sim.snapshot()}

    def status_message(self) -> dict:
        return {"type": "status", "now_ms": self.sim.now_ms, "speed": self.speed,
                "playing": self.playing}

    def events_message(self, events: list) -> dict:
        return {"type": "events", "now_ms": self.sim.now_ms,
                "events": [_trimmed(event_to_dict(e)) for e in events]}

    async def broadcast(self, message: dict) -> None:
        """Send to every socket (callers hold the mutex, so frames never interleave)."""
        for deliver in list(self.subscribers):
            try:
                await deliver(message)
            except Exception:  # one broken socket must not stop the others
                log.exception("dropping a subscriber of sandbox %s", self.public_id)
                self.subscribers.discard(deliver)
        self._last_sent_wall = _now()

    # ---- subscribing -----------------------------------------------------

    def attach(self, deliver: Deliver) -> None:
        self.subscribers.add(deliver)
        self.touch()
        self._ensure_ticker()

    async def detach(self, deliver: Deliver) -> None:
        self.subscribers.discard(deliver)
        self.touch()
        if not self.subscribers:
            self.save_clock()
            await self.flush()

    def touch(self) -> None:
        self.last_active = _now()

    # ---- pacing ----------------------------------------------------------
    #
    # The ticker task is never cancelled mid-frame (a cancelled broadcast could
    # skip a socket without leaving a seq gap): it checks after each sleep
    # whether it should still run, and every change of state happens under
    # the mutex, in one piece: advance or apply, then broadcast.

    def _ensure_ticker(self) -> None:
        if self.playing and self.subscribers and (self._ticker is None or self._ticker.done()):
            self._restart_clock()
            self._ticker = asyncio.get_running_loop().create_task(self._run())

    def _restart_clock(self) -> None:
        now = _now()
        self._last_wall = self._last_sent_wall = self._last_saved_wall = now
        self._carry_ms = 0.0

    async def _run(self) -> None:
        while True:
            await asyncio.sleep(FRAME_MS / 1000)
            if not (self.playing and self.subscribers):
                return
            async with self._mutex:
                if not self.playing:
                    return
                if _now() - self.last_active > IDLE_PAUSE_S:
                    await self._pause_locked(reason="idle")
                    return
                await self._tick_locked()

    async def tick(self) -> None:
        """Advance by the wall time since the last tick × speed; send one frame."""
        async with self._mutex:
            await self._tick_locked()

    async def _tick_locked(self) -> None:
        now = _now()
        if not self.playing:
            self._last_wall = now
            return
        covered_s = now - self._last_wall
        self._carry_ms += covered_s * 1000 * self.speed
        self._last_wall = now
        whole_ms = int(self._carry_ms + 1e-6)  # 49.99999 ms of float wall time is 50
        self._carry_ms = max(0.0, self._carry_ms - whole_ms)
        events = self.sim.advance(whole_ms) if whole_ms > 0 else []
        if events or (now - self._last_sent_wall) * 1000 >= CLOCK_FRAME_MS:
            await self.broadcast(self.events_message(events))
        cost_s = _now() - now
        if cost_s > MIN_HEAVY_TICK_S and cost_s > MAX_CPU_SHARE * covered_s:
            await self._ease_off_locked()
        if (now - self._last_saved_wall) * 1000 >= SAVE_CLOCK_EVERY_MS:
            self._last_saved_wall = now
            self.save_clock()

    async def _ease_off_locked(self) -> None:
        """This sandbox costs more CPU than a frame allows: halve its speed, or
        pause it at the slowest speed, so it cannot starve everyone else's."""
        slower = [v for v in SPEEDS if v < self.speed]
        if slower:
            self.speed = slower[-1]
            await self._status_changed_locked(reason="overloaded")
        else:
            self.playing = False  # (not _pause_locked: that would tick once more)
            await self._status_changed_locked(reason="overloaded")

    # ---- learner requests ------------------------------------------------

    async def apply_command(self, command: dict) -> None:
        """Validate and apply one simulator command at the present simulated time."""
        async with self._mutex:
            if len(self.sim.command_log) >= MAX_LOG_COMMANDS:
                raise RuntimeError_("log_full", "This sandbox has too many commands; reset it.")
            _check_web_caps(command, self.sim.command_log)
            try:
                cmd = command_from_dict(command)
            except SimulationError as err:
                raise RuntimeError_(err.code, err.message) from err
            meter = self.extras.setdefault("history_meter", quotas.HistoryMeter())
            if refusal := meter.refusal(cmd, self.sim.history):
                raise RuntimeError_("sandbox_full", refusal)
            if self.playing:
                await self._tick_locked()  # bring the clock to this instant first
            try:
                events = self.sim.apply(cmd)
            except SimulationError as err:
                raise RuntimeError_(err.code, err.message) from err
            self.touch()
            at_ms = self.sim.command_log[-1][0] if self.sim.command_log else self.sim.now_ms
            # Show the learner first, then store (in order, off the socket's path).
            await self.broadcast(self.events_message(events))
            self.persist(services.sandbox_record_command, public_id=self.public_id, at_ms=at_ms,
                         command=command_to_dict(cmd), now_ms=self.sim.now_ms)

    async def play(self) -> None:
        async with self._mutex:
            if not self.playing:
                self.playing = True
                self._restart_clock()  # paused wall time is not simulated time
                self._ensure_ticker()
            await self._status_changed_locked()

    async def pause(self) -> None:
        async with self._mutex:
            await self._pause_locked()

    async def _pause_locked(self, reason: str | None = None) -> None:
        if self.playing:
            await self._tick_locked()  # account for the wall time up to this instant
            self.playing = False
        await self._status_changed_locked(reason)

    async def set_speed(self, speed) -> None:
        if isinstance(speed, bool) or not isinstance(speed, int | float) or speed not in SPEEDS:
            raise RuntimeError_("bad_speed", f"Speed must be one of {', '.join(map(str, SPEEDS))}.")
        async with self._mutex:
            if self.playing:
                await self._tick_locked()  # time so far ran at the old speed
            self.speed = float(speed)
            await self._status_changed_locked()

    async def step(self) -> None:
        """Jump to the next scheduled happening (pauses first, like a debugger)."""
        async with self._mutex:
            if self.playing:
                await self._pause_locked()
            events = self.sim.step()
            await self.broadcast(self.events_message(events))
            self.save_clock()

    async def rewind(self, to_ms) -> None:
        """Go back to simulated time `to_ms`: commands after it are forgotten."""
        async with self._mutex:
            now_ms = self.sim.now_ms
            if not isinstance(to_ms, int) or isinstance(to_ms, bool) or not 0 <= to_ms <= now_ms:
                raise RuntimeError_("bad_time", f"to_ms must be an integer from 0 to {now_ms}.")
            # A fork from the nearest checkpoint: fast, and the same as a replay.
            await self._replace_locked(self.scenario, self.sim.rewind_to(to_ms))

    async def reset(self) -> None:
        async with self._mutex:
            await self._replace_locked(
                self.scenario, build_simulation(self.scenario, self.seed, [], 0))

    async def load(self, name) -> None:
        if not isinstance(name, str) or name not in scenario_names():
            raise RuntimeError_("unknown_scenario", f"There is no scenario called {name!r}.")
        async with self._mutex:
            await self._replace_locked(name, build_simulation(name, self.seed, [], 0))

    async def _replace_locked(self, scenario_name: str, sim: Simulation) -> None:
        self.sim = sim
        self.scenario = scenario_name
        self._restart_clock()
        self.persist(services.sandbox_replace_history, public_id=self.public_id,
                     scenario=scenario_name, now_ms=sim.now_ms,
                     command_log=[{"at_ms": at, "command": command_to_dict(c)}
                                  for at, c in sim.command_log])
        await self.broadcast(self.snapshot_message())

    async def _status_changed_locked(self, reason: str | None = None) -> None:
        self.save_clock()
        message = self.status_message()
        if reason:
            message["reason"] = reason
        await self.broadcast(message)

    def save_clock(self) -> None:
        self.persist(services.sandbox_save_clock, public_id=self.public_id,
                     now_ms=self.sim.now_ms, speed=self.speed, playing=self.playing)

    # ---- persistence -----------------------------------------------------

    def persist(self, write, **kwargs) -> None:
        """Queue a database write behind the earlier ones (order is the log's order)
        without making the socket wait for it."""
        previous = self._last_write

        async def run():
            if previous is not None:
                await asyncio.shield(previous)
            try:
                await database_sync_to_async(write)(**kwargs)
            except Exception:
                log.exception("could not store sandbox %s (%s)", self.public_id, write.__name__)

        self._last_write = asyncio.get_running_loop().create_task(run())

    async def flush(self) -> None:
        """Wait until every queued write is stored."""
        while self._last_write is not None and not self._last_write.done():
            await asyncio.shield(self._last_write)


class Registry:
    """The live sandboxes of this process, by public id, with idle eviction and a cap."""

    def __init__(self, *, max_live: int = MAX_LIVE, idle_evict_s: float = IDLE_EVICT_S):
        self.max_live = max_live
        self.idle_evict_s = idle_evict_s
        self._live: dict[str, LiveSandbox] = {}
        self._building: dict[str, asyncio.Future] = {}
        self._lock = asyncio.Lock()

    def __contains__(self, public_id: str) -> bool:
        return public_id in self._live

    def __len__(self) -> int:
        return len(self._live)

    async def get(self, row: Sandbox) -> LiveSandbox:
        """The live simulation for `row`, rebuilt from its recipe if not in memory.

        A rebuild replays the whole log, so it runs in a worker thread: other
        learners' sandboxes keep ticking meanwhile. Two sockets asking for the
        same sandbox at once share one rebuild.
        """
        async with self._lock:
            live = self._live.get(row.public_id)
            if live is None:
                building = self._building.get(row.public_id)
                if building is None:
                    await self._make_room()
                    building = asyncio.ensure_future(asyncio.to_thread(LiveSandbox.from_row, row))
                    self._building[row.public_id] = building
        if live is None:
            try:
                built = await asyncio.shield(building)
            finally:
                self._building.pop(row.public_id, None)
            live = self._live.setdefault(row.public_id, built)
            if built is live and built.notice:
                built.persist(services.sandbox_replace_history, public_id=built.public_id,
                              scenario=built.scenario, command_log=[], now_ms=0)
        live.touch()
        return live

    async def _make_room(self) -> None:
        now = _now()
        for live in [v for v in self._live.values()
                     if not v.subscribers and now - v.last_active > self.idle_evict_s]:
            await self.evict(live.public_id)
        if len(self._live) >= self.max_live or (
                self._live and quotas.process_over_memory_budget()):
            unwatched = sorted((v for v in self._live.values() if not v.subscribers),
                               key=lambda v: v.last_active)
            if not unwatched:
                raise RuntimeError_("server_busy", "Too many live sandboxes; try again soon.")
            await self.evict(unwatched[0].public_id)

    async def evict(self, public_id: str) -> None:
        live = self._live.pop(public_id, None)
        if live is not None:
            live.save_clock()
            await live.flush()

    def clear(self) -> None:
        """Forget every live simulation, as a server restart would (tests use this)."""
        for live in self._live.values():
            if live._ticker is not None:
                live._ticker.cancel()
        self._live.clear()
        self._building.clear()
        self._lock = asyncio.Lock()


registry = Registry()
