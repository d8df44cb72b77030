"""A live simulation, as the one process holding its lease runs it.

It puts the parts together: the clocked session (session.py) moves time, the
recorder (recorder.py) stores, the hub (hub.py) numbers and fans out frames,
and `send_out` hands each frame to the other processes (node.py). A mutex
keeps every change whole and in order: tick or apply, store, then publish.
So a frame is never shown before what it depends on is stored, and every
watcher, on any process, sees the frames in the same order.
"""
from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

from simulator.tools.cli import run_cli
from simulator.tools.logs import log_lines
from simulator.tools.view import ClusterView

from . import framing
from .hub import Hub, encode
from .policy import Refused
from .recorder import Recorder
from .services import LeaseLost
from .session import ClockedSession

log = logging.getLogger(__name__)

FRAME_MS = 33              # one coalesced frame of events, about 30 per second
# While a simulation at 1x has had nothing but routine chatter for QUIET_AFTER
# ticks, it ticks this often instead: that chatter is held for
# framing.ROUTINE_FRAME_S anyway, the page interpolates the clock between
# frames, and a request still ticks at once. A third of the ticks: their fixed
# cost was a large share of what a process with 200 playing sandboxes spent.
# Only at 1x: slowed down, a learner is watching steps a few simulated
# milliseconds apart (a member's JoinGroup 20 ms before its group completes
# the join, seen over 80 ms at 0.25x), and a 100 ms tick there would cover
# 25 simulated ms and show both in one frame; faster, it would cover more.
QUIET_FRAME_MS = 100
QUIET_AFTER = 3
CLOCK_FRAME_S = 1.0        # while playing and nothing happened, a clock tick this often
SAVE_CLOCK_EVERY_S = 1.0   # persist the clock this often while playing
CLI_WAIT_WALL_S = 3.0      # the longest a waiting terminal tool holds its answer (see _cli)
IDLE_PAUSE_S = 900         # a playing sandbox whose drivers sent nothing for this long pauses

SendOut = Callable[[int, int, str, bool], None]  # (epoch, frame, body, is_snapshot)


def with_logs(message: dict) -> dict:
    """An events frame carries the log lines its events write (simulator/tools/logs.py,
    docs/protocol.md "Log lines"), so every watcher's log panel shows the same lines."""
    if message.get("type") != "events":
        return message
    lines = log_lines(message.get("events", []))
    return {**message, "logs": lines} if lines else message


def _wake(future: asyncio.Future) -> None:
    if not future.done():
        future.set_result(None)


class LiveSimulation:
    def __init__(self, session: ClockedSession, hub: Hub, recorder: Recorder,
                 send_out: SendOut | None = None):
        self.session = session
        self.hub = hub
        self.recorder = recorder
        self.send_out = send_out
        self.mutex = asyncio.Lock()
        self.lost = False            # a write was refused: this process must let go
        self.notice: str | None = None
        self.remote_interest_until = 0.0  # other processes have watchers until then
        clock = session.clock
        self.last_active = clock.wall()
        self._last_sent = clock.wall()
        self._last_saved = clock.wall()
        self._ticker: asyncio.Task | None = None
        self._stopped = False
        self._quiet_ticks = 0    # ticks in a row with only routine events
        self._napping: asyncio.Future | None = None  # the ticker's sleep, while it sleeps
        self._wake_at: asyncio.TimerHandle | None = None
        self._held: list = []  # routine simulator Events waiting for a frame (framing.py)

    @property
    def public_id(self) -> str:
        return self.session.public_id

    @property
    def clock(self):
        return self.session.clock

    # ---- frames -------------------------------------------------------------

    def _publish(self, message: dict, *, snapshot: bool = False) -> None:
        if snapshot:
            self._held = []  # the snapshot has their effect
        elif self._held:
            if message["type"] == "events":
                held = self.session.events_message(self._held)["events"]
                message = {**message, "events": framing.compact(held + message["events"])}
            else:  # held events go first, in order
                self._publish_events([])
            self._held = []
        # A snapshot is a fresh start: every watcher begins again from it.
        frame = self.hub.publish(with_logs(message), snapshot=snapshot)
        self._last_sent = self.clock.wall()
        if self.send_out is not None:
            self.send_out(frame.epoch, frame.number, frame.text, snapshot)

    async def snapshot(self) -> tuple[int, int, str]:
        """(epoch, frame, body) of a snapshot consistent with the frame numbering."""
        async with self.mutex:
            if self._held:  # the snapshot includes them: they must not come after it
                self._publish_events([])
            message = {**self.session.snapshot_message(), "frame": self.hub.frame,
                       "epoch": self.hub.epoch}
            return self.hub.epoch, self.hub.frame, encode(message)

    async def publish_fresh_snapshot(self) -> None:
        """After a takeover or a rebuild: everyone starts from here."""
        async with self.mutex:
            self._publish(self.session.snapshot_message(), snapshot=True)

    # ---- pacing ---------------------------------------------------------------

    def wants_ticker(self) -> bool:
        watched = bool(self.hub.watchers) or self.remote_interest_until > self.clock.wall()
        return self.session.playing and watched and not self._stopped and not self.lost

    def ensure_ticker(self) -> None:
        if self.wants_ticker() and (self._ticker is None or self._ticker.done()):
            self.session.restart_clock()
            self._ticker = asyncio.get_running_loop().create_task(self._run())

    async def _run(self) -> None:
        # Never cancelled mid-frame: it checks after each sleep whether to go on.
        while True:
            await self._nap(self.frame_s())
            if not self.wants_ticker():
                return
            async with self.mutex:
                if not self.wants_ticker():
                    return
                if self.clock.wall() - self.last_active > IDLE_PAUSE_S:
                    self.session.pause()
                    self._status_locked("idle")
                    return
                self._tick_locked()

    async def _nap(self, seconds: float) -> None:
        """asyncio.sleep, except that `_hurry` can cut it short."""
        loop = asyncio.get_running_loop()
        self._napping = loop.create_future()
        self._wake_at = loop.call_later(seconds, _wake, self._napping)
        try:
            await self._napping
        finally:
            self._wake_at.cancel()
            self._napping = None

    def _hurry(self) -> None:
        """A request came in: what follows it is no longer quiet, so the next tick
        comes a frame from now, not a quiet frame."""
        self._quiet_ticks = 0
        if self._napping is not None and not self._napping.done():
            self._wake_at.cancel()
            self._wake_at = asyncio.get_running_loop().call_later(
                FRAME_MS / 1000, _wake, self._napping)

    def frame_s(self) -> float:
        """How long the ticker sleeps before its next tick."""
        if self._quiet_ticks >= QUIET_AFTER and self.session.speed == 1:
            return QUIET_FRAME_MS / 1000
        return FRAME_MS / 1000

    async def tick(self) -> None:
        async with self.mutex:
            self._tick_locked()

    def _publish_events(self, events: list) -> None:
        message = self.session.events_message(framing.compact(self._held + list(events)))
        self._held = []
        self.hub_publish(message)

    def hub_publish(self, message: dict) -> None:
        frame = self.hub.publish(with_logs(message))
        self._last_sent = self.clock.wall()
        if self.send_out is not None:
            self.send_out(frame.epoch, frame.number, frame.text, False)

    def _tick_locked(self, *, force_frame: bool = False, hold: bool = False) -> None:
        """Advance to now and frame what happened; `hold`: keep this tick's events
        for the frame that follows at once (a command's), one frame, not two."""
        tick = self.session.tick()
        now = self.clock.wall()
        events = tick.events  # simulator Events: dicts only for what a frame sends
        routine = all(framing.is_routine(e) for e in events)
        self._quiet_ticks = self._quiet_ticks + 1 if routine and not hold else 0
        since = now - self._last_sent
        if hold:
            self._held.extend(events)
        elif events and routine and not force_frame:
            self._held.extend(events)  # nothing a diagram draws changed yet
            if since >= framing.ROUTINE_FRAME_S:
                self._publish_events([])
        elif events or force_frame:
            self._held.extend(events)
            self._publish_events([])
        elif self._held and since >= framing.ROUTINE_FRAME_S:
            self._publish_events([])
        elif self.session.playing and since >= CLOCK_FRAME_S:
            self._publish_events([])  # a clock tick
        if tick.over_budget:
            self._status_locked("over_budget", message=(
                "The simulation paused: the last stretch of simulated time needed more work "
                f"than one sandbox may use ({tick.over_budget}). Slow it down or undo the "
                "last change."))
        elif tick.overloaded:
            self._status_locked("overloaded")
        if self.session.playing and now - self._last_saved >= SAVE_CLOCK_EVERY_S:
            self._save_clock_locked(at_once=False)  # rides with the journal's next round

    def _status_locked(self, reason: str | None = None, *, message: str | None = None) -> None:
        status = self.session.status_message(reason)
        if message:
            status["message"] = message
        self._publish(status)
        self._save_clock_locked()

    def _save_clock_locked(self, *, at_once: bool = True) -> None:
        self._last_saved = self.clock.wall()
        self.recorder.save_clock_later(position=self.session.position, at_once=at_once,
                                       speed=self.session.speed, playing=self.session.playing)

    # ---- requests (already allowed by policy) ----------------------------------

    async def handle(self, kind: str, message: dict) -> dict | None:
        self.last_active = self.clock.wall()
        self._hurry()
        if kind == "cli":
            return await self._cli(message)
        if kind == "command":
            command = message.get("command")
            if not isinstance(command, dict):
                raise Refused("bad_command", '"command" must be an object.')
            await self._apply(command)
        elif kind in ("play", "pause", "speed", "step"):
            async with self.mutex:
                self._tick_locked()  # time so far ran at the old pace
                if kind == "play":
                    self.session.play()
                elif kind == "pause":
                    self.session.pause()
                elif kind == "speed":
                    self.session.set_speed(message.get("speed"))
                else:
                    self._publish(self.session.events_message(self.session.step()))
                if kind != "step":
                    self._status_locked()
                else:
                    self._save_clock_locked()
            self.ensure_ticker()
        elif kind in ("rewind", "reset", "load_scenario"):
            async with self.mutex:
                if kind == "rewind":
                    self.session.rewind(message.get("to_ms"))
                elif kind == "reset":
                    self.session.reset()
                else:
                    self.session.load(message.get("name"))
                await self._store(self.recorder.replace(
                    scenario=self.session.scenario, keep=len(self.session.sim.command_log),
                    position=self.session.position))
                self._publish(self.session.snapshot_message(), snapshot=True)
            self.ensure_ticker()
        else:
            raise Refused("unknown_type", f"Unknown message type {kind!r}.")

    async def _cli(self, message: dict) -> dict:
        """Run one terminal line on a read-only view; apply the commands a changing
        tool returns through the one door (_apply), only for a socket that may drive.

        A tool that waits (CliResult.wait: a console consumer short of
        --max-messages, a console producer's Ctrl-C until its records are
        acknowledged) runs again each frame while the sandbox plays, until it is
        done or its simulated wait ends, and at most CLI_WAIT_WALL_S of wall time
        (the answer must beat node.REQUEST_TIMEOUT_S when forwarded). A paused
        sandbox's time does not move, so the answer says the real tool would wait."""
        line = message.get("line", "")
        kwargs = {"stdin": message.get("input"), "stdin_number": message.get("input_number", 1),
                  "close": bool(message.get("close"))}
        async with self.mutex:
            if self.session.playing:
                self._tick_locked()  # the tool sees the cluster as of this instant
            sim = self.session.sim
            result = run_cli(ClusterView(sim.world), line, **kwargs)
        output, applied = result.output, 0
        if result.commands and not message.get("may_drive"):
            output += ("# you are watching this simulation: only its drivers can change it, "
                       "so nothing was changed\n")
        elif result.commands:
            for command in result.commands:
                try:
                    await self._apply(command)
                except Refused as err:
                    output += f"# the simulator refused it: {err.message}\n"
                    break
                applied += 1
        if result.wait is not None:
            output, interactive = await self._cli_wait(line, result, kwargs, sim)
        else:
            interactive = result.interactive
        return {"output": output, "interactive": interactive, "applied": applied}

    async def _cli_wait(self, line: str, result, kwargs: dict, sim) -> tuple[str, bool]:
        """Go on running a waiting tool's line as simulated time passes (see _cli)."""
        loop = asyncio.get_running_loop()
        wall_deadline = loop.time() + CLI_WAIT_WALL_S
        kwargs = {**kwargs, "stdin": None}
        note = ""
        while result.wait is not None:
            if not self.session.playing:
                note = ("# the simulation is paused, so no time passes here: the real tool "
                        "would go on waiting; press play and run it again\n")
                break
            if loop.time() >= wall_deadline or self._stopped or self.lost:
                break
            await asyncio.sleep(FRAME_MS / 1000)
            async with self.mutex:
                if self.session.sim is not sim:  # rewound, reset or reloaded meanwhile
                    note = "# the simulation started again from another point: the tool stopped\n"
                    break
                if not self.session.playing:
                    continue  # paused meanwhile: say so above
                self._tick_locked()
                view = ClusterView(sim.world)
                result = run_cli(view, line, **kwargs, resume=result.wait)
                if result.wait is not None and view.now_ms >= result.wait.until_ms:
                    break
        return result.output + note, result.interactive and result.wait is None

    async def _apply(self, command: dict) -> None:
        async with self.mutex:
            if self.session.playing:
                # Bring the clock to this instant first; what the tick did goes out
                # first in the command's own frame (every socket is written once).
                self._tick_locked(hold=True)
            try:
                events, entry = self.session.apply(command)
            except Refused:
                if self._held:
                    self._publish_events([])  # the tick's events do not wait for a frame
                raise
            position = len(self.session.sim.command_log) - 1
            # Stored before it is shown: a crash can never take back what a learner saw.
            await self._store(self.recorder.append(position=position, entry=entry))
            self._publish(self.session.events_message(events))

    async def _store(self, write) -> None:
        try:
            await write
        except LeaseLost as err:
            self.lost = True
            raise Refused("unavailable", "This simulation moved to another server; "
                                         "your view is being refreshed.") from err
        except Exception as err:
            log.exception("could not store sandbox %s", self.public_id)
            self.lost = True
            raise Refused("unavailable", "The change could not be stored, so it was not "
                                         "made; try again in a moment.") from err

    # ---- stopping ----------------------------------------------------------------

    async def stop(self) -> None:
        """Leave memory: store the clock, wait for every write."""
        async with self.mutex:
            self._stopped = True
            if not self.lost:
                self._tick_locked()
                self._save_clock_locked()
        await self.recorder.flush()

