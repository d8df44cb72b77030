"""Consumers and consumer groups: the classic group protocol on the simulated cluster.

- ``assignors``: Range, RoundRobin, Sticky, CooperativeSticky (pure functions).
- ``client``: the KafkaConsumer actor: its poll loop, assembled from
  ``client_membership`` (coordinator, join/sync, heartbeats), ``client_offsets``
  (commits, resets) and ``client_fetch`` (fetches, buffer, deserialization).
- ``coordinator``: the group coordinator on the broker leading the group's
  ``__consumer_offsets`` partition.
- ``fetching``: the leader's side of consumer fetches (HW/LSO, held while empty).
- ``offsets_topic``: ``__consumer_offsets`` placement and committed offsets.
- ``acls``: per-principal ACLs and the authorization errors clients see.
- ``handlers``: the commands (add/crash/remove consumers, commits, seeks,
  offset resets, configs, ACLs) and the scenario sections.
- ``snapshot``: the ``groups``/``consumers``/``acls`` parts of ``snapshot()``.
(The command line tools and the symptom table live in ``simulator.tools``.)
- ``checks``: consumer invariants for tests (never imported by the model).

Importing this package registers everything with the engine.
"""

from simulator.consumers import coordinator, fetching, handlers, snapshot  # noqa: F401
