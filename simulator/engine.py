"""The deterministic core: simulated clock, timer queue, actors, event output.

`World` owns everything that changes: the clock (`now_ms`, an int), the one
`random.Random(seed)`, a heap of timers ordered by ``(at_ms, seq)`` (ties break
on the insertion counter, as in SimPy's core), the actors by id, and the list of
events emitted since the caller last collected them.

An actor is any object with an ``actor_id`` (e.g. ``broker:1``) registered with
`World.add_actor`. Timers call a *method name* on an actor id, so a world can
be deep-copied (checkpoints) without pickling closures:

    world.schedule(500, "broker:1", "on_fetch_timeout", fetch_id)

State that belongs to no actor (a module's own state in ``world.ext``) names a
*registered function* instead, for the same reason:

    @timer_function("consumers.expire_session")
    def expire_session(world, group_id, member_id): ...

    world.schedule_function(45_000, "consumers.expire_session", group_id, member_id)

Network messages arrive through ``actor.on_message(message)`` (see
`simulator.network`). Extension points live here as small registries filled
at import time by the modules that extend the engine:

* `on_event(EventClass)` — call ``fn(world, event)`` right after such an event
  is emitted (e.g. a coordinator moving when a leader changes).
* `snapshot_section(name)` — add ``snapshot()[name] = fn(world)``.
* `broker_lifecycle_hook` — ``fn(world, broker_id, what)`` with what in
  ``crashed``/``restarted`` (a broker losing its memory).
* `timer_function(name)` — ``fn(world, *args)``, which timers may name.

Two counters make replays exact and work bounded: `timers_fired` counts every
timer that ran, so ``(now_ms, timers_fired)`` names a point *inside* a
millisecond (a command applied between two timers of the same ms replays
there, not after all of them); and, with a `per_ms_work` limit set, the work
done at one simulated millisecond (timers run + events they emit) is capped:
past it `run_until` stops before the next timer and raises `WorkBudgetExceeded`
(a zero-delay loop can never freeze the clock). Both counters live in the
world, so a deep copy (checkpoint) and a replay agree with the original.
"""

from __future__ import annotations

import heapq
import random
from collections.abc import Callable
from typing import Any

from simulator.errors import WorkBudgetExceeded

# ---- extension registries (code, not state: filled at import time) ----------

_EVENT_LISTENERS: dict[type, list[Callable]] = {}
SNAPSHOT_SECTIONS: dict[str, Callable] = {}
BROKER_LIFECYCLE_HOOKS: list[Callable] = []
TIMER_FUNCTIONS: dict[str, Callable] = {}
_FUNCTION = object()  # run_until's marker for a timer that names a timer function


def on_event(event_cls: type) -> Callable:
    """Decorator: run ``fn(world, event)`` after every emitted `event_cls`."""

    def register(fn: Callable) -> Callable:
        _EVENT_LISTENERS.setdefault(event_cls, []).append(fn)
        return fn

    return register


def snapshot_section(name: str) -> Callable:
    """Decorator: ``snapshot()[name] = fn(world)`` (must return JSON-able data)."""

    def register(fn: Callable) -> Callable:
        SNAPSHOT_SECTIONS[name] = fn
        return fn

    return register


def broker_lifecycle_hook(fn: Callable) -> Callable:
    """Decorator: ``fn(world, broker_id, what)`` when a broker crashes or restarts."""
    BROKER_LIFECYCLE_HOOKS.append(fn)
    return fn


def timer_function(name: str) -> Callable:
    """Decorator: ``fn(world, *args)`` is what `World.schedule_function(.., name, ..)` calls."""

    def register(fn: Callable) -> Callable:
        TIMER_FUNCTIONS[name] = fn
        return fn

    return register


class Actor:
    """Base for everything that lives on the simulated clock.

    Subclasses set ``actor_id`` and implement ``on_message(message)``; timer
    callbacks are ordinary methods named in `World.schedule`.
    """

    actor_id: str = ""

    def __init__(self, world: World):
        self.world = world

    def on_message(self, message: Any) -> None:
        """Handle a delivered message. Actors that receive none keep this default,
        which refuses loudly: a message to them is a wiring mistake."""
        raise TypeError(f"{type(self).__name__} does not take messages ({message.kind})")

    def on_message_dropped(self, message: Any) -> None:
        """Told when a message this actor sent was dropped (default: ignore).

        Only used to model a refused connection; most losses stay silent and
        the sender finds out through its own timeout, as in real networks.
        """


class World:
    """All mutable simulation state. Deep-copyable (that is how rewind works)."""

    def __init__(self, seed: int):
        self.seed = seed
        self.rng = random.Random(seed)
        self.now_ms = 0
        self.last_seq = 0  # last event seq handed out
        self._timer_seq = 0
        self._queue: list[tuple] = []
        self._cancelled: set[int] = set()
        self.actors: dict[str, Any] = {}
        self.out: list = []  # events since the last take_events()
        self.timers_fired = 0  # timers run so far (with now_ms: an exact position)
        # Work budget of one simulated ms (None: unlimited); see run_until.
        self.per_ms_work: int | None = None
        self._work_ms = -1     # the ms `_work_done` counts for
        self._work_done = 0    # timers run + events they emitted at `_work_ms`
        # emit() refuses to hand out a seq past this (a command's work budget).
        self.seq_ceiling: float = float("inf")
        # Domain state (filled by simulator.cluster.build_world):
        self.config: dict = {}
        self.network = None
        self.controller = None
        self.brokers: dict[int, Any] = {}
        self.topics: dict[str, Any] = {}
        self.producers: dict[str, Any] = {}
        # Extensions keep their own state here under their own key
        # (e.g. world.ext["groups"]); it is deep-copied with the world.
        self.ext: dict[str, Any] = {}
        # Names of the extensions this world loaded (simulator/extension.py).
        self.extensions: tuple[str, ...] = ()

    # ---- actors ------------------------------------------------------------
    def add_actor(self, actor: Any) -> None:
        self.actors[actor.actor_id] = actor

    def remove_actor(self, actor_id: str) -> None:
        self.actors.pop(actor_id, None)

    # ---- events ------------------------------------------------------------
    def emit(self, event_cls: type, **fields: Any):
        """Create an event stamped with the next seq and the current time."""
        # Every event but a network message's two (emit_positional): one read of
        # each attribute, locals after.
        seq = self.last_seq
        if seq >= self.seq_ceiling:
            raise self._over_budget()
        self.last_seq = seq = seq + 1
        return self._publish(event_cls(seq, self.now_ms, **fields))

    def emit_positional(self, event_cls: type, *fields: Any):
        """`emit` with the fields in their declared order: for the network's two
        events a message (the hottest path; no keyword dict to build and match)."""
        seq = self.last_seq
        if seq >= self.seq_ceiling:
            raise self._over_budget()
        self.last_seq = seq = seq + 1
        return self._publish(event_cls(seq, self.now_ms, *fields))

    def _publish(self, event):
        """Hand a stamped event to the output and to its listeners (engine.on_event)."""
        self.out.append(event)
        listeners = _EVENT_LISTENERS.get(event.__class__)
        if listeners:
            for fn in listeners:
                fn(self, event)
        return event

    def _over_budget(self) -> WorkBudgetExceeded:
        return WorkBudgetExceeded("per_command", self.now_ms, [],
                                  f"one command may emit at most "
                                  f"{self.seq_ceiling - self._ceiling_base:.0f} events")

    def take_events(self) -> list:
        events, self.out = self.out, []
        return events

    # ---- timers ------------------------------------------------------------
    def schedule(self, delay_ms: int, actor_id: str, method: str, *args: Any) -> int:
        """Call ``actors[actor_id].<method>(*args)`` after `delay_ms`; returns a timer id."""
        # schedule_at inlined (timers are the simulator's second-hottest path): the
        # entry is the same, and a delay of at least 0 needs no clamp to now.
        delay_ms = int(delay_ms)
        self._timer_seq = timer = self._timer_seq + 1
        heapq.heappush(self._queue, (self.now_ms + delay_ms if delay_ms > 0 else self.now_ms,
                                     timer, actor_id, method, args))
        return timer

    def schedule_at(self, at_ms: int, actor_id: str, method: str, *args: Any) -> int:
        self._timer_seq += 1
        entry = (max(at_ms, self.now_ms), self._timer_seq, actor_id, method, args)
        heapq.heappush(self._queue, entry)
        return self._timer_seq

    def schedule_function(self, delay_ms: int, name: str, *args: Any) -> int:
        """Call the `timer_function` registered as `name` with ``(world, *args)`` after
        `delay_ms`; returns a timer id. The timer holds the name, so the world stays
        deep-copyable."""
        if name not in TIMER_FUNCTIONS:
            raise KeyError(f"no timer function registered as {name!r}")
        # An actor id of None marks a timer function (actor ids are non-empty strings).
        return self.schedule_at(self.now_ms + max(0, int(delay_ms)), None, name, *args)

    def cancel(self, timer_id: int | None) -> None:
        if timer_id is not None:
            self._cancelled.add(timer_id)
            if len(self._cancelled) > 2 * len(self._queue) + 64:
                # Most ids here belong to timers that already fired (actors
                # cancel defensively); forget those, or the set grows forever.
                # Amortised O(1): after this the set holds at most the queue.
                self._cancelled.intersection_update(entry[1] for entry in self._queue)

    def next_timer_ms(self) -> int | None:
        while self._queue and self._queue[0][1] in self._cancelled:
            self._cancelled.discard(heapq.heappop(self._queue)[1])
        return self._queue[0][0] if self._queue else None

    _ceiling_base = 0  # last_seq when seq_ceiling was set (for the message)

    def limit_events(self, count: int | None) -> None:
        """Let emit() hand out at most `count` more seqs (None: no limit)."""
        self._ceiling_base = self.last_seq
        self.seq_ceiling = float("inf") if count is None else self.last_seq + count

    def run_until(self, until_ms: int, until_fired: int | None = None,
                  max_work: int | None = None) -> bool:
        """Run every timer due at or before `until_ms`, then set the clock to it.

        With `until_fired`, stop once `timers_fired` reaches it (a position
        inside `until_ms`, for exact replays); the clock is still set to
        `until_ms`. With `max_work`, stop before the next timer once this call
        has done that much work (timers + events) and return False, the clock
        at the last timer run. True when the target was reached.
        Over `per_ms_work` at one ms: raises `WorkBudgetExceeded` before the
        next timer (the state is consistent; nothing is half-run).
        """
        queue = self._queue
        cancelled = self._cancelled
        actors = self.actors
        per_ms = self.per_ms_work
        fired_limit = until_fired if until_fired is not None else -1
        work = 0
        while queue and queue[0][0] <= until_ms:
            if self.timers_fired == fired_limit:
                break
            head = queue[0]
            if head[1] in cancelled:
                heapq.heappop(queue)
                cancelled.discard(head[1])
                continue
            at_ms = head[0]
            # An actor id of None marks a timer function (see schedule_function).
            actor = _FUNCTION if head[2] is None else actors.get(head[2])
            if per_ms is not None and actor is not None:
                if at_ms != self._work_ms:
                    self._work_ms, self._work_done = at_ms, 0
                elif self._work_done >= per_ms:
                    self.now_ms = at_ms
                    raise WorkBudgetExceeded(
                        "per_ms", at_ms, [],
                        f"more than {per_ms} timers and events at simulated time {at_ms} ms")
            if max_work is not None and work >= max_work:
                return False
            heapq.heappop(queue)
            self.now_ms = at_ms
            self.timers_fired += 1
            if actor is None:  # an actor removed meanwhile leaves stale timers behind
                work += 1
                continue
            seq = self.last_seq
            if actor is _FUNCTION:  # World.schedule_function
                TIMER_FUNCTIONS[head[3]](self, *head[4])
            else:
                getattr(actor, head[3])(*head[4])
            done = 1 + self.last_seq - seq
            work += done
            if per_ms is not None:
                self._work_done += done
        if until_ms > self.now_ms:
            self.now_ms = until_ms
        return True

    def pending_timers(self) -> int:
        queued = {entry[1] for entry in self._queue}
        return len(queued) - len(self._cancelled & queued)
