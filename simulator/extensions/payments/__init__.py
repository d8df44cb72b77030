"""The payments extension: payment idempotency on the simulator clock (lesson 3).

One module per job:

- ``extension``: the `Extension` object everything below registers with.
- ``commands`` / ``events``: this extension's commands and events (docs/events.md,
  "Payments extension").
- ``config``: the settings a learner switches (variant, safeguard, layers) and
  their validation.
- ``database``: a small transactional database (accounts, transactions,
  idempotency_store, outbox): READ COMMITTED visibility, row locks, advisory
  locks and a real UNIQUE constraint.
- ``redis_store``: a Redis-like key store (SET NX EX, GET, DEL, expiry).
- ``handler``: the study guide's handler as a program of lines, one per step,
  in each variant; its source for the code panel.
- ``threads``: running handler threads on the clock or step by step (the race).
- ``client``: the client: idempotency key (UUID v4 from the world's rng),
  POST /pay, timeout, retries with backoff.
- ``gateway``: the API gateway with the optional idempotency cache, producing
  to ``payment-requests``.
- ``service``: the payment service: HTTP requests and Kafka records in,
  threads out; crash and restart.
- ``outbox``: the outbox relay publishing committed outbox rows to Kafka.
- ``state``: the extension's state in ``world.ext["payments"]`` and the
  charges ledger (ground truth for tests and the chaos run).
- ``handlers``: the command handlers and the scenario setup.
- ``snapshot``: ``snapshot()["payments"]``.
- ``presets``: the race's preset interleavings.
- ``chaos``: `chaos_run(design)`: fire faults at a design, count duplicate and
  lost charges (used by the interview app).
"""

from simulator.extensions.payments import handlers, snapshot  # noqa: F401
from simulator.extensions.payments.extension import EXTENSION  # noqa: F401
