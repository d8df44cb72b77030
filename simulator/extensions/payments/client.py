"""The client: makes an idempotency key, sends POST /pay, times out, retries.

The key is a UUID v4 made from the world's rng (``uuid4_from``: 122 random
bits, version 4, variant 10xx), so a seed gives the same keys every run. A
request's retries share its ``request_id`` (the logical payment) and, unless
the variant is no_key, its key. An attempt that gets no answer within
``timeout_ms`` is abandoned (the client closes the connection, so a late
response is lost with it, as an HTTP client's read timeout does); the next
attempt waits ``backoff_ms * backoff_multiplier ** (attempt - 1)``. 409 and
503 are retried the same way; 2xx, 402 and 422 are final.
"""

from __future__ import annotations

from simulator.engine import Actor
from simulator.extensions.payments import events as pev
from simulator.extensions.payments.state import (
    GATEWAY_ID,
    SERVICE_ID,
    http_connection,
    payments,
)

RETRIED_CODES = (409, 503)


def uuid4_from(rng) -> str:
    bits = rng.getrandbits(128)
    bits = (bits & ~(0xF << 76)) | (0x4 << 76)   # version 4
    bits = (bits & ~(0x3 << 62)) | (0x2 << 62)   # variant 10xx (RFC 4122)
    h = f"{bits:032x}"
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


class PaymentClient(Actor):
    def __init__(self, world, name: str):
        super().__init__(world)
        self.name = name
        self.actor_id = f"client:{name}"
        self.requests: dict[str, dict] = {}
        world.add_actor(self)

    def target(self) -> str:
        return GATEWAY_ID if payments(self.world).settings["route"] == "kafka" else SERVICE_ID

    def start(self, request_id: str, account: str, amount: int, key: str | None,
              max_retries: int, timeout_ms: int, expected_version: int | None = None) -> None:
        self.requests[request_id] = {"account": account, "amount": amount, "key": key,
                                     "expected_version": expected_version,
                                     "attempt": 0, "timer": None, "done": False,
                                     "max_retries": max_retries, "timeout_ms": timeout_ms,
                                     "target": self.target(), "last_status": None}
        self.send_attempt(request_id)

    def send_attempt(self, request_id: str) -> None:
        r = self.requests[request_id]
        if r["done"]:
            return
        r["attempt"] += 1
        r["target"] = self.target()
        world = self.world
        body = {"request_id": request_id, "attempt": r["attempt"], "idempotency_key": r["key"],
                "account": r["account"], "amount": r["amount"], "client": self.actor_id,
                "expected_version": r["expected_version"]}
        world.emit(pev.PaymentRequested, client=self.name, request_id=request_id,
                   attempt=r["attempt"], idempotency_key=r["key"], account=r["account"],
                   amount=r["amount"], target=r["target"],
                   timeout_at_ms=world.now_ms + r["timeout_ms"])
        world.network.send(self.actor_id, r["target"], "pay_request", body,
                           {"request_id": request_id, "attempt": r["attempt"],
                            "idempotency_key": r["key"], "amount": r["amount"],
                            "http": "POST /pay"},
                           connection=http_connection(request_id, r["attempt"]))
        r["timer"] = world.schedule(r["timeout_ms"], self.actor_id, "on_timeout", request_id,
                                    r["attempt"])

    def on_timeout(self, request_id: str, attempt: int) -> None:
        r = self.requests.get(request_id)
        if r is None or r["done"] or r["attempt"] != attempt:
            return
        world = self.world
        world.emit(pev.PaymentTimedOut, client=self.name, request_id=request_id,
                   attempt=attempt, timeout_ms=r["timeout_ms"])
        world.network.close_connection(self.actor_id, r["target"],
                                       http_connection(request_id, attempt))
        self._retry_or_give_up(request_id)

    def _retry_or_give_up(self, request_id: str) -> None:
        r = self.requests[request_id]
        world = self.world
        settings = payments(world).settings
        if r["attempt"] > r["max_retries"]:
            r["done"] = True
            world.emit(pev.PaymentGaveUp, client=self.name, request_id=request_id,
                       attempts=r["attempt"])
            return
        backoff = settings["backoff_ms"] * settings["backoff_multiplier"] ** (r["attempt"] - 1)
        world.emit(pev.PaymentRetryScheduled, client=self.name, request_id=request_id,
                   next_attempt=r["attempt"] + 1, backoff_ms=backoff,
                   retry_at_ms=world.now_ms + backoff)
        r["timer"] = world.schedule(backoff, self.actor_id, "send_attempt", request_id)

    def on_message(self, message) -> None:
        if message.kind != "pay_response":
            return
        body = message.body
        r = self.requests.get(body["request_id"])
        if r is None or r["done"] or body["attempt"] != r["attempt"]:
            return  # an answer to an attempt the client already gave up on
        world = self.world
        world.cancel(r["timer"])
        r["last_status"] = body["status_code"]
        world.emit(pev.PaymentResponseReceived, client=self.name, request_id=body["request_id"],
                   attempt=body["attempt"], status_code=body["status_code"], body=body["body"],
                   cached=body["cached"])
        if body["status_code"] in RETRIED_CODES:
            self._retry_or_give_up(body["request_id"])
        else:
            r["done"] = True

    def to_dict(self) -> dict:
        return {"client": self.name, "actor_id": self.actor_id,
                "requests": [{"request_id": rid, "account": r["account"], "amount": r["amount"],
                              "idempotency_key": r["key"], "attempt": r["attempt"],
                              "done": r["done"], "last_status": r["last_status"]}
                             for rid, r in self.requests.items()]}
