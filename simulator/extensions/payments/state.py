"""The payments extension's state, kept in ``world.ext["payments"]``.

Everything here is plain data (deep-copied with the world for checkpoints):
the settings, the database, the Redis store, the handler threads, and the
charges ledger. The ledger is the ground truth the tests and the chaos run
count: every committed deduction under the logical payment (``request_id``)
it belongs to, whatever key or no key the request carried.
"""

from __future__ import annotations

from simulator.extensions.payments.database import Database
from simulator.extensions.payments.redis_store import RedisStore

SERVICE_ID = "service:payments"
GATEWAY_ID = "gateway:api"
RELAY_ID = "relay:outbox"
REQUESTS_TOPIC = "payment-requests"
EVENTS_TOPIC = "payment-events"
GROUP_ID = "payment-service"
MAX_THREADS_LIVE = 64
MAX_PAYMENTS = 500


class PaymentsState:
    def __init__(self, settings: dict):
        self.settings = settings
        self.db = Database(settings["accounts"])
        self.redis = RedisStore()
        self.threads: dict = {}         # name -> HandlerThread (finished ones kept, bounded)
        self.thread_count = 0
        self.race: list[str] = []       # the threads of the current manual race
        self.payments: dict = {}        # request_id -> {client, account, amount, key, ...}
        self.charges: dict[str, int] = {}        # request_id -> committed deductions
        self.events_published: dict[str, int] = {}  # event_id -> times handed to a producer
        self.events_delivered: dict[str, int] = {}  # event_id -> records in payment-events
        self.committed_events: list[str] = []       # event ids whose payment committed
        self.ended_txs: list[int] = []     # transactions ended by the line just run
        self.publish_queue: list[str] = []  # threads whose event to publish directly
        self.crash_after_commit = False
        self.crashed = False
        self.incarnation = 0   # +1 per service crash: stale timers are ignored
        self.request_count = 0
        self.key_count = 0

    def next_thread_name(self) -> str:
        self.thread_count += 1
        n = self.thread_count
        name = ""
        while n:
            n, rest = divmod(n - 1, 26)
            name = chr(ord("A") + rest) + name
        return name


def http_connection(request_id: str, attempt: int) -> str:
    """The connection one HTTP attempt and its reply travel on (simulator/network.py):
    a client does not pipeline, so each request in flight has its own, and losing
    one reply does not lose another payment's."""
    return f"http:{request_id}#{attempt}"


def payments(world) -> PaymentsState:
    return world.ext["payments"]


def committed_balances(world) -> dict:
    return payments(world).db.committed_balances()
