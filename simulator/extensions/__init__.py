"""Optional extensions a simulation loads by name (see simulator/extension.py).

Importing this package registers every extension with the registry; a
simulation runs only the ones its scenario lists (``extensions: [payments]``)
or `Simulation(..., extensions=[...])` adds.

- ``payments``: payment idempotency (lesson 3): a client with idempotency keys
  and retries, the network losing a response, an API gateway with a Redis-like
  cache, the ``payment-requests`` topic, a payment service running the study
  guide's handler against a small transactional database, and the outbox.
"""

from simulator.extensions import payments  # noqa: F401
