"""This process's share of the live layer: which simulations it runs, which it
only watches, and how it talks to the other processes.

One writer across processes: a simulation is live in exactly one process, the
one holding its lease (a row lock-free conditional UPDATE in the database,
services.lease_*), renewed every RENEW_S. Any other process that has sockets
watching it is a *mirror*: it joins the channel-layer group of that
simulation once (one subscription per process, not per socket), receives each
frame once and fans it out to its own sockets through its hub, and forwards
its sockets' requests to the holder's channel. When the holder dies or is
stopped, its lease runs out; the next mirror to notice takes the lease,
rebuilds from the stored history, and publishes a snapshot that resyncs every
watcher on every process.

With Channels' in-memory layer (one process, `make run`) the same code runs;
there a lease naming another channel can only be this process's previous
life, so it is taken at once.
"""
from __future__ import annotations

import asyncio
import itertools
import logging
import os
import signal
import time
from concurrent.futures import ThreadPoolExecutor

from channels.db import database_sync_to_async
from channels.layers import InMemoryChannelLayer, get_channel_layer
from django.db import close_old_connections

from . import policy, quotas, selectors, services
from .clock import SYSTEM, Clock
from .hub import Hub, Watcher, encode
from .live import LiveSimulation
from .policy import Refused
from .recorder import Recorder
from .session import ClockedSession, build_simulation

log = logging.getLogger(__name__)

LEASE_S = 5.0             # a holder that stops renewing loses its simulations after this
RENEW_S = 1.0             # renew leases, send interest, look for orphans this often
REQUEST_TIMEOUT_S = 4.0   # a forwarded request unanswered for this long fails plainly
IDLE_EVICT_S = 600        # a simulation nobody watches leaves memory after this
# Simulations one process runs at most (LEARNKAFKA_MAX_LIVE; the memory benchmark
# measures 100 at their caps under 1 GiB, so raise it only with memory to match).
MAX_LIVE = int(os.environ.get("LEARNKAFKA_MAX_LIVE", "100"))
NODES_GROUP = "lk-nodes"  # every process: role changes


_lease_thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="lk-lease")


async def _lease_db(fn, **kwargs):
    """Lease reads and writes on a thread of their own: behind the shared
    sync-to-async thread, a renewal could wait out its lease while a room of
    sockets connects, and the process would lose a simulation it is running."""
    def run():
        close_old_connections()
        return fn(**kwargs)

    return await asyncio.get_running_loop().run_in_executor(_lease_thread, run)


def sim_group(public_id: str) -> str:
    return f"lk-sim.{public_id}"


def _now() -> float:
    return time.time()  # leases compare times across processes: wall clock, not monotonic


class Node:
    def __init__(self, *, clock: Clock = SYSTEM, max_live: int = MAX_LIVE,
                 idle_evict_s: float = IDLE_EVICT_S):
        self.clock = clock
        self.max_live = max_live
        self.idle_evict_s = idle_evict_s
        self.channel: str | None = None
        self.layer = None
        self.live: dict[str, LiveSimulation] = {}
        self.hubs: dict[str, Hub] = {}
        self._opening: dict[str, asyncio.Future] = {}
        self._joining: dict[str, int] = {}  # sockets joining each simulation right now
        self._replies: dict[int, asyncio.Future] = {}
        self._req_ids = itertools.count(1)
        self._outgoing: dict[str, asyncio.Queue] = {}
        self._pumps: dict[str, asyncio.Task] = {}  # one per simulation held here
        self._tasks: list[asyncio.Task] = []
        self._start_lock: asyncio.Lock | None = None
        self._loop = None

    # ---- starting and stopping ---------------------------------------------------

    async def start(self) -> None:
        loop = asyncio.get_running_loop()
        if self._loop is not loop:  # a new event loop (tests): start afresh
            self._forget()
            self._loop = loop
            self._start_lock = asyncio.Lock()
        async with self._start_lock:
            if self.channel is not None:
                return
            self.layer = get_channel_layer()
            # The default prefix, as consumers use: channels_redis receives every
            # process-local channel of one prefix through one blocking pop, and a
            # second prefix would wait behind it (up to 5 s a message).
            self.channel = await self.layer.new_channel()
            await self.layer.group_add(NODES_GROUP, self.channel)
            self._tasks = [loop.create_task(self._receive_loop()),
                           loop.create_task(self._watchdog())]
            self._install_sigterm(loop)

    def _forget(self) -> None:
        for task in [*self._tasks, *self._pumps.values()]:
            task.cancel()
        self._pumps.clear()
        for live in self.live.values():
            live._stopped = True
        self._tasks, self.channel, self.layer = [], None, None
        self.live.clear()
        self.hubs.clear()
        self._opening.clear()
        self._joining.clear()
        self._replies.clear()
        self._outgoing.clear()

    def clear(self) -> None:
        """Forget every simulation, as a server restart would (tests use this)."""
        self._forget()
        self._loop = None

    async def shutdown(self) -> None:
        """Store every clock and let go of every lease (SIGTERM)."""
        for public_id in list(self.live):
            await self._let_go(public_id, resync=False)

    def _install_sigterm(self, loop) -> None:
        try:
            previous = signal.getsignal(signal.SIGTERM)
        except ValueError:
            return
        if getattr(previous, "learnkafka_node", False):
            return

        def stop_as_before(signum, frame):
            if callable(previous):
                previous(signum, frame)
            else:
                signal.signal(signal.SIGTERM, signal.SIG_DFL)
                os.kill(os.getpid(), signal.SIGTERM)

        def on_sigterm(signum, frame):
            running = self._loop
            if running is None or running.is_closed() or not self.live:
                stop_as_before(signum, frame)  # nothing to store (or no loop to store it)
                return

            async def save_then_stop():
                try:
                    await asyncio.wait_for(self.shutdown(), timeout=5)
                    log.info("stored the clocks of every live simulation before stopping")
                except Exception:
                    log.exception("could not store every clock before stopping")
                stop_as_before(signum, frame)

            running.call_soon_threadsafe(lambda: running.create_task(save_then_stop()))

        on_sigterm.learnkafka_node = True
        try:
            signal.signal(signal.SIGTERM, on_sigterm)
        except ValueError:  # not the main thread (tests)
            pass

    # ---- watching --------------------------------------------------------------

    def hub_for(self, public_id: str) -> Hub:
        hub = self.hubs.get(public_id)
        if hub is None:
            hub = self.hubs[public_id] = Hub(public_id, lambda: self._snapshot(public_id))
        return hub

    def watchers_of(self, public_id: str) -> int:
        hub = self.hubs.get(public_id)
        return len(hub) if hub else 0

    async def watch(self, row, watcher: Watcher) -> None:
        """Attach a socket: a snapshot now, then every frame. Raises Refused."""
        await self.start()
        public_id = row.public_id
        # While a socket is joining, its hub has no watcher yet: the watchdog must not
        # drop that hub (and its group) under it, or the socket would never get a frame.
        self._joining[public_id] = self._joining.get(public_id, 0) + 1
        try:
            await self._watch(row, watcher)
        finally:
            left = self._joining.pop(public_id, 1) - 1
            if left:
                self._joining[public_id] = left

    async def _watch(self, row, watcher: Watcher) -> None:
        public_id = row.public_id
        hub = self.hub_for(public_id)
        if len(hub) >= policy.MAX_WATCHERS:
            raise Refused("too_many_sockets", "This simulation has as many watchers as it "
                                              "can take.")
        tabs = sum(1 for w in hub.watchers if w.learner_key == watcher.learner_key)
        if tabs >= policy.MAX_TABS_PER_LEARNER:
            raise Refused("too_many_sockets", "This sandbox is already open in too many tabs.")
        live = await self._live_or_none(row)
        if live is None:
            await self.layer.group_add(sim_group(public_id), self.channel)
        # The hub again: while the lease was taken and the history rebuilt, the
        # watchdog may have forgotten the (then empty) hub it found above.
        hub = self.hub_for(public_id)
        await hub.join(watcher)
        if live is not None:
            live.ensure_ticker()
            if live.notice:
                watcher.send_message({"type": "error", "code": "sandbox_reset",
                                      "message": live.notice})
                live.notice = None

    def unwatch(self, watcher: Watcher) -> None:
        hub = watcher.hub
        watcher.close()
        if hub is not None and not hub.watchers:
            live = self.live.get(hub.public_id)
            if live is not None and not live.lost:
                live._save_clock_locked()

    async def request(self, public_id: str, watcher: Watcher, message: dict) -> dict | None:
        """One request from a socket, already allowed for its role by policy; returns
        the reply meant for that socket alone (a terminal line's output), if any."""
        kind = message["type"]
        if kind in policy.OWNING:
            await self._owner_request(public_id, message)
            return
        live = self.live.get(public_id)
        if live is not None:
            try:
                return await live.handle(kind, message)
            finally:
                if live.lost:
                    await self._let_go(public_id)
        reply = await self._ask(public_id, {"type": "lk.request", "request": message})
        if reply.get("code"):
            raise Refused(reply["code"], reply["message"])
        return reply.get("result")

    # ---- holding ---------------------------------------------------------------

    async def _live_or_none(self, row) -> LiveSimulation | None:
        """The simulation live here, opened (lease + rebuild) if nobody holds it;
        None when another process holds it."""
        public_id = row.public_id
        if public_id in self.live:
            return self.live[public_id]
        opening = self._opening.get(public_id)
        if opening is None:
            opening = asyncio.ensure_future(self._open(row))
            self._opening[public_id] = opening
            opening.add_done_callback(lambda _: self._opening.pop(public_id, None))
        return await asyncio.shield(opening)

    async def _open(self, row) -> LiveSimulation | None:
        steal = isinstance(self.layer, InMemoryChannelLayer)
        if steal:
            await database_sync_to_async(_free_lease)(public_id=row.public_id)
        epoch = await _lease_db(services.lease_take, public_id=row.public_id,
                                holder=self.channel, lease_s=LEASE_S)
        if epoch is None:
            return None
        try:
            await self._make_room()
            live = await self._rebuild(row.public_id, epoch)
        except BaseException:
            await database_sync_to_async(services.lease_release)(
                public_id=row.public_id, holder=self.channel, epoch=epoch)
            raise
        self.live[row.public_id] = live
        await self.layer.group_discard(sim_group(row.public_id), self.channel)
        return live

    async def _rebuild(self, public_id: str, epoch: int) -> LiveSimulation:
        """Replay the stored history in a worker thread (other simulations keep
        ticking). A history that does not replay is archived, said plainly, and
        not tried again: the learner starts over."""
        row, history = await database_sync_to_async(_row_and_history)(public_id)
        position = (row.now_ms, row.fired)
        notice = None
        try:
            sim = await asyncio.to_thread(build_simulation, row.scenario, row.seed, history,
                                          position)
        except Exception as err:  # SimulationError, a budget, a renamed scenario
            message = getattr(err, "message", None) or str(err) or type(err).__name__
            log.warning("sandbox %s could not be rebuilt (%s); archived, starting over",
                        public_id, message)
            row = await database_sync_to_async(services.sandbox_archive_history)(
                public_id=public_id, error=message)
            sim = await asyncio.to_thread(build_simulation, row.scenario, row.seed, [], (0, None))
            notice = ("This sandbox's history could not be rebuilt by this version of the "
                      "simulator, so it starts over (the old history is kept aside).")
        session = ClockedSession(public_id=public_id, scenario=row.scenario, seed=row.seed,
                                 sim=sim, speed=row.speed, playing=row.playing, clock=self.clock)
        hub = self.hub_for(public_id)
        hub.restart(epoch)
        live = LiveSimulation(session, hub, Recorder(public_id, holder=self.channel, epoch=epoch),
                              send_out=self._sender(public_id))
        live.notice = notice
        return live

    async def _make_room(self) -> None:
        now = self.clock.wall()
        for public_id, live in list(self.live.items()):
            if (not live.hub.watchers and live.remote_interest_until < now
                    and now - live.last_active > self.idle_evict_s):
                await self._let_go(public_id, resync=False)
        if len(self.live) >= self.max_live or (self.live and quotas.process_over_memory_budget()):
            idle = sorted((v for v in self.live.values()
                           if not v.hub.watchers and v.remote_interest_until < now),
                          key=lambda v: v.last_active)
            if not idle:
                raise Refused("server_busy", "Too many live sandboxes; try again soon.")
            await self._let_go(idle[0].public_id, resync=False)

    async def _let_go(self, public_id: str, *, resync: bool = True) -> None:
        live = self.live.pop(public_id, None)
        if live is None:
            return
        lost = live.lost
        await live.stop()
        self._stop_sending(public_id)
        if not lost:
            await database_sync_to_async(services.lease_release)(
                public_id=public_id, holder=self.channel, epoch=live.recorder.epoch)
        hub = self.hubs.get(public_id)
        if hub is not None and hub.watchers and resync:
            await self.layer.group_add(sim_group(public_id), self.channel)
            hub.resync_all()
        elif hub is not None and not hub.watchers and not self._joining.get(public_id):
            self.hubs.pop(public_id, None)

    def _sender(self, public_id: str):
        """Frames to the other processes, one channel-layer message per frame, in order."""
        self._stop_sending(public_id)
        queue: asyncio.Queue = asyncio.Queue()
        self._outgoing[public_id] = queue

        async def pump():
            while True:
                message = await queue.get()
                try:
                    await self.layer.group_send(sim_group(public_id), message)
                except Exception as err:
                    log.info("frame of %s not sent to other processes (%s)", public_id, err)

        self._pumps[public_id] = asyncio.get_running_loop().create_task(pump())

        def send_out(epoch: int, frame: int, body: str, snapshot: bool) -> None:
            live = self.live.get(public_id)
            if live is None or live.remote_interest_until < self.clock.wall():
                return  # nobody elsewhere watches
            queue.put_nowait({"type": "lk.frame", "sim": public_id, "epoch": epoch,
                              "frame": frame, "body": body, "snapshot": snapshot})

        return send_out

    def _stop_sending(self, public_id: str) -> None:
        """No more frames of `public_id` go out from here (let go, or held anew):
        its pump and queue leave memory with it, or every eviction and takeover
        would leave one behind."""
        pump = self._pumps.pop(public_id, None)
        if pump is not None:
            pump.cancel()
        self._outgoing.pop(public_id, None)

    # ---- talking to other processes ----------------------------------------------

    async def _snapshot(self, public_id: str) -> tuple[int, int, str]:
        live = self.live.get(public_id)
        if live is not None:
            return await live.snapshot()
        reply = await self._ask(public_id, {"type": "lk.snapshot"})
        if reply.get("code"):
            raise Refused(reply["code"], reply["message"])
        return reply["epoch"], reply["frame"], reply["body"]

    async def _ask(self, public_id: str, payload: dict) -> dict:
        holder, until, _ = await _lease_db(selectors.lease_of, public_id=public_id)
        if not holder or until < _now() or holder == self.channel:
            raise Refused("unavailable", "This simulation is moving to another server; "
                                         "try again in a moment.")
        req_id = next(self._req_ids)
        reply = asyncio.get_running_loop().create_future()
        self._replies[req_id] = reply
        try:
            await self.layer.send(holder, {**payload, "sim": public_id, "req_id": req_id,
                                           "reply_to": self.channel})
            return await asyncio.wait_for(reply, REQUEST_TIMEOUT_S)
        except TimeoutError as err:
            raise Refused("unavailable", "The server running this simulation did not "
                                         "answer; try again in a moment.") from err
        finally:
            self._replies.pop(req_id, None)

    async def _receive_loop(self) -> None:
        while True:
            try:
                message = await self.layer.receive(self.channel)
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("channel layer receive failed; retrying")
                await asyncio.sleep(0.5)
                continue
            kind = message.get("type")
            if kind == "lk.frame":
                hub = self.hubs.get(message["sim"])
                if hub is not None and message["sim"] not in self.live:
                    hub.receive(message["epoch"], message["frame"], message["body"],
                                snapshot=message["snapshot"])
            elif kind == "lk.reply":
                future = self._replies.get(message["req_id"])
                if future is not None and not future.done():
                    future.set_result(message)
            elif kind in ("lk.snapshot", "lk.request", "lk.interest"):
                asyncio.get_running_loop().create_task(self._serve(message))
            elif kind == "lk.roles":
                self._apply_role(message["sim"], message["learner"], message["role"])

    async def _serve(self, message: dict) -> None:
        """A request from another process, for a simulation held here."""
        try:
            await self._serve_one(message)
        except Exception:
            log.exception("could not serve %s for sandbox %s", message.get("type"),
                          message.get("sim"))

    async def _serve_one(self, message: dict) -> None:
        public_id, kind = message["sim"], message["type"]
        live = self.live.get(public_id)
        reply: dict = {"type": "lk.reply", "req_id": message.get("req_id")}
        if live is None:
            reply.update(code="unavailable", message="This simulation is moving to another "
                                                     "server; try again in a moment.")
        else:
            live.remote_interest_until = self.clock.wall() + 3 * RENEW_S
            live.ensure_ticker()
            if kind == "lk.interest":
                return
            try:
                if kind == "lk.snapshot":
                    epoch, frame, body = await live.snapshot()
                    reply.update(epoch=epoch, frame=frame, body=body)
                else:
                    request = message["request"]
                    result = await live.handle(request["type"], request)
                    if result is not None:
                        reply["result"] = result
            except Refused as err:
                reply.update(code=err.code, message=err.message)
            if live.lost:
                await self._let_go(public_id)
        if message.get("reply_to"):
            await self.layer.send(message["reply_to"], reply)

    async def _watchdog(self) -> None:
        while True:
            await asyncio.sleep(RENEW_S)
            try:
                await self._watch_leases()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("lease watchdog round failed")

    async def _watch_leases(self) -> None:
        now = self.clock.wall()
        held = dict(self.live)
        renewed = await _lease_db(
            services.lease_renew_all, holder=self.channel, lease_s=LEASE_S,
            epochs={public_id: live.recorder.epoch for public_id, live in held.items()})
        for public_id, live in held.items():
            if self.live.get(public_id) is not live:
                continue  # let go meanwhile
            if public_id not in renewed:
                live.lost = True
                await self._let_go(public_id)
            elif (not live.hub.watchers and live.remote_interest_until < now
                  and now - live.last_active > self.idle_evict_s):
                await self._let_go(public_id, resync=False)
        for public_id, hub in list(self.hubs.items()):
            if public_id in self.live:
                continue
            try:
                await self._watch_mirror(public_id, hub)
            except asyncio.CancelledError:
                raise
            except Exception:
                # One mirror's trouble never stops the others' interest and takeovers.
                log.exception("lease watchdog: mirror of sandbox %s failed", public_id)

    async def _watch_mirror(self, public_id: str, hub) -> None:
        """A simulation this process only mirrors: say we still watch, or take it over
        when its holder is gone."""
        if not hub.watchers and not self._joining.get(public_id):
            self.hubs.pop(public_id, None)
            await self.layer.group_discard(sim_group(public_id), self.channel)
            return
        holder, until, _ = await _lease_db(selectors.lease_of, public_id=public_id)
        if holder and until >= _now():
            await self.layer.send(holder, {"type": "lk.interest", "sim": public_id})
            for w in list(hub.watchers):
                if w.lagging:
                    w.poke()
            return
        row = await database_sync_to_async(selectors.sandbox_get)(public_id=public_id)
        if row is None:
            return
        live = await self._live_or_none(row)  # the holder is gone: take over
        if live is not None:
            log.info("took over sandbox %s (epoch %s)", public_id, live.recorder.epoch)
            await live.publish_fresh_snapshot()
            live.ensure_ticker()

    # ---- roles -----------------------------------------------------------------

    async def _owner_request(self, public_id: str, message: dict) -> None:
        kind = message["type"]
        if kind == "share":
            shared = message.get("shared")
            if not isinstance(shared, bool):
                raise Refused("bad_message", '"shared" must be true or false.')
            await database_sync_to_async(services.sandbox_set_shared)(
                public_id=public_id, shared=shared)
            return
        learner = message.get("learner")
        if not isinstance(learner, str) or not 8 <= len(learner) <= 64:
            raise Refused("bad_message", '"learner" must be a learner key.')
        role = None
        if kind == "grant":
            role = message.get("role", policy.DRIVER)
            if role not in (policy.DRIVER, policy.VIEWER):
                raise Refused("bad_message", '"role" must be "driver" or "viewer".')
        await database_sync_to_async(services.member_set_role)(
            public_id=public_id, learner_key=learner, role=role)
        row = await database_sync_to_async(selectors.sandbox_get)(public_id=public_id)
        effective = policy.role_for(owner_key=row.owner_key, learner_key=learner,
                                    member_role=role, shared=row.shared)
        await self.layer.group_send(NODES_GROUP, {"type": "lk.roles", "sim": public_id,
                                                  "learner": learner, "role": effective})

    def _apply_role(self, public_id: str, learner: str, role: str | None) -> None:
        hub = self.hubs.get(public_id)
        if hub is None:
            return
        for w in list(hub.watchers):
            if w.learner_key == learner:
                w.role = role
                if role is None:
                    w.send_message({"type": "error", "code": "forbidden",
                                    "message": "The owner no longer shares this simulation "
                                               "with you."})
                    w.kick()


def _row_and_history(public_id: str):
    from .models import Sandbox

    row = Sandbox.objects.get(public_id=public_id)
    return row, selectors.sandbox_history(public_id=public_id)


def _free_lease(*, public_id: str) -> None:
    from .models import Sandbox

    Sandbox.objects.filter(public_id=public_id).update(lease_until=0.0)


node = Node()

__all__ = ["Node", "node", "encode"]
