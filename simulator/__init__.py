"""LearnKafka's simulator: a deterministic, pure-Python Kafka (KRaft, 4.x behaviour).

Public API (docs/architecture.md §1)::

    from simulator import Simulation, SimulationError
    sim = Simulation(load_scenario("playground"), seed=7)
    sim.apply({"type": "produce", "producer": "A", "topic": "orders", "key": "k", "value": "v"})
    sim.advance(100)        # -> list of events (docs/events.md)
    sim.snapshot()          # -> JSON-able dict

Map of the package:
  engine.py      World: clock, timer heap (at_ms, seq), rng, actors, events, registries
  network.py     messages with latency, drops, isolation, slowness
  controller.py  KRaft quorum: active controller, fencing, elections, metadata push
  broker.py      replicas, fetching, ISR, high watermark (+ produce_handling,
                 transactions, retention)
  producer.py    client: partitioners.py, batching, retries, idempotence, transactions
  log.py         records, segments, leader-epoch cache
  topics.py      topic metadata, configs, replica placement
  cluster.py     building a world from a scenario; handlers of core commands
  commands.py / events.py   the closed sets of inputs and outputs
  simulation.py  the facade; history, exact replay, checkpoints, rewind, atomic apply
  config_ranges.py  every settable config's range, next to Kafka's ConfigDef
  limits.py      caps and the work budget
  checks.py      invariants (used by tests, never by the model)

HOW AN ACTOR PLUGS IN (e.g. consumers, group coordinators, a payment gateway)
-----------------------------------------------------------------------------
1. State: subclass `simulator.engine.Actor`, give it a unique ``actor_id``
   (``consumer:A``) and register it: ``world.add_actor(actor)``. Keep shared
   state under ``world.ext["<yours>"]`` — everything reachable from the world
   is deep-copied for checkpoints, so hold no closures, files or clocks.
2. Time: ``world.schedule(delay_ms, actor_id, "method_name", *args)`` calls
   the method later (returns a timer id for ``world.cancel``); state that is
   no actor's schedules a function registered with
   ``@engine.timer_function("name")``: ``world.schedule_function(delay_ms,
   "name", *args)``. Use
   ``world.rng`` for randomness, ``world.now_ms`` for the time. Never sleep.
3. Network: ``world.network.send(source_actor_id, target_actor_id, kind, body,
   summary)`` delivers ``Message(kind, body, source, ...)`` to
   ``target.on_message(message)`` after the latency (or drops it). `summary`
   is a small JSON-able dict shown in ``message_sent`` events.
4. Brokers: handle new request kinds arriving at brokers with
   ``@simulator.broker.on_broker_message("join_group") def f(broker, message)``
   and reply with ``broker.reply(message, kind, body, summary)``. Read a
   partition like a consumer with ``broker.read_for_consumer(topic, p, offset,
   max_records, isolation_level)`` (stops at the HW or the LSO); append as an
   internal client with ``broker.append_as_leader(topic, p, [{"key", "value"}])``
   and wait for replication with ``broker.when_high_watermark(topic, p,
   offset, actor_id, method, *args)``. ``cluster.ensure_internal_topic(world,
   "__consumer_offsets", 50, 3)`` creates the offsets topic on first use.
5. Commands: append frozen dataclasses with ``@command("add_consumer")`` at the
   end of commands.py and register ``@handles(AddConsumer) def
   _apply_add_consumer(world, cmd)`` (validate first, raise SimulationError,
   then mutate).
6. Events: append ``@event("consumer_joined")`` slotted dataclasses at the end
   of events.py; emit with ``world.emit(EventClass, field=value, ...)``.
7. Hooks: ``engine.on_event(LeaderChanged)(fn)``, ``engine.snapshot_section(
   "groups")(fn)``, ``engine.broker_lifecycle_hook(fn)``,
   ``scenarios.scenario_section("consumer_groups")(fn)``.
8. The package ``simulator.consumers`` is imported by simulation.py if it
   exists: import your handlers from its ``__init__``.

An OPTIONAL model (one that only some simulations run, like lesson 3's
payments) is an extension instead (simulator/extension.py): a package
``simulator/extensions/<name>/`` with one ``Extension(name, summary)`` that
owns its commands (``@EXTENSION.command``), events (``@EXTENSION.event``),
handlers, setup (``@EXTENSION.setup``, given the scenario's section of its
name) and snapshot section; nothing is appended to commands.py or events.py.
A simulation loads it when the scenario lists ``extensions: [<name>]`` or
``Simulation(..., extensions=[<name>])`` asks; other simulations refuse its
commands (``extension_not_loaded``).
"""

from simulator.errors import SimulationError, WorkBudgetExceeded
from simulator.limits import WorkBudget
from simulator.simulation import HistoryEntry, Simulation

__all__ = ["HistoryEntry", "Simulation", "SimulationError", "WorkBudget", "WorkBudgetExceeded"]
