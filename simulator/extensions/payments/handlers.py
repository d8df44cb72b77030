"""The payments extension's setup and command handlers.

Setup (the scenario's ``payments:`` section, validated by config.py) builds
the database, the service, the outbox relay, the ``payment-events`` topic
and its producers and, on the kafka route, the ``payment-requests`` topic,
the gateway with its two producers and the service's consumers. Every
handler checks everything first and raises `SimulationError` before it
changes anything.
"""

from __future__ import annotations

import re

from simulator import cluster
from simulator.commands import AddConsumer, AddProducer, CreateTopic
from simulator.engine import timer_function
from simulator.errors import SimulationError
from simulator.extensions.payments import commands as pcmd
from simulator.extensions.payments import events as pev
from simulator.extensions.payments.client import PaymentClient, uuid4_from
from simulator.extensions.payments.config import MAX_BALANCE, check_settings
from simulator.extensions.payments.extension import EXTENSION
from simulator.extensions.payments.gateway import PRODUCERS, Gateway
from simulator.extensions.payments.outbox import RELAY_PRODUCER, OutboxRelay
from simulator.extensions.payments.presets import PRESETS, schedule
from simulator.extensions.payments.service import DIRECT_PRODUCER, PaymentService
from simulator.extensions.payments.state import (
    EVENTS_TOPIC,
    GROUP_ID,
    MAX_PAYMENTS,
    MAX_THREADS_LIVE,
    REQUESTS_TOPIC,
    SERVICE_ID,
    PaymentsState,
    payments,
)
from simulator.extensions.payments.threads import execute_line, start_thread

_NAME = re.compile(r"^[a-zA-Z0-9_-]{1,40}$")
MAX_KEY_CHARS = 255  # Stripe's limit for an idempotency key
MAX_RACE_THREADS = 4


@EXTENSION.check_config
def _check_config(config) -> None:
    check_settings(config, building=True)


def _topic(world, name: str) -> None:
    if name not in world.topics:
        rf = min(3, len(world.brokers))
        cluster._create_topic(world, CreateTopic(name, 1, rf, {}), settled=True)


def _producer(world, name: str, configs: dict) -> None:
    if name not in world.producers:
        cluster._add_producer(world, AddProducer(name, configs), settled=True)


@EXTENSION.setup
def _setup(world, config: dict) -> None:
    settings = check_settings(config, building=True)
    st = PaymentsState(settings)
    st.db.unique_key = settings["variant"] == "key_unique"
    world.ext["payments"] = st
    _topic(world, EVENTS_TOPIC)
    _producer(world, DIRECT_PRODUCER, {})
    _producer(world, RELAY_PRODUCER, {})
    if settings["route"] == "kafka":
        _topic(world, REQUESTS_TOPIC)
        _producer(world, PRODUCERS[True], {"request.timeout.ms": 2000})
        _producer(world, PRODUCERS[False], {"enable.idempotence": False,
                                            "request.timeout.ms": 2000})
        Gateway(world)
    service = PaymentService(world, [])
    OutboxRelay(world)
    PaymentClient(world, "shop")  # the default client exists from the start (drop rules name it)
    if settings["route"] == "kafka":
        for i in range(1, settings["consumers"] + 1):
            name = f"payments-{i}"
            cluster.apply_command(world, AddConsumer(name, GROUP_ID, [REQUESTS_TOPIC], {
                "max.poll.records": 5, "auto.offset.reset": "earliest"}))
            service.consumers.append(name)
    world.emit(pev.PaymentsConfigured, settings=dict(settings))
    world.schedule_function(settings["cleanup_interval_ms"], "payments.cleanup")


@timer_function("payments.cleanup")
def cleanup(world) -> None:
    """The TTL cleanup job: delete idempotency_store rows past expires_at."""
    st = payments(world)
    db = st.db
    for row_id, row in list(db.tables["idempotency_store"].items()):
        values = row.committed
        if values is not None and values["expires_at_ms"] <= world.now_ms:
            if db.autocommit_delete(world, "idempotency_store", row_id):
                world.emit(pev.IdempotencyKeyExpired, idempotency_key=values["idempotency_key"],
                           expires_at_ms=values["expires_at_ms"])
    world.schedule_function(st.settings["cleanup_interval_ms"], "payments.cleanup")


def _live_threads(st) -> list:
    return [t for t in st.threads.values() if t.state in ("ready", "waiting")]


@EXTENSION.handles(pcmd.PaymentsConfigure)
def _apply_configure(world, cmd: pcmd.PaymentsConfigure) -> None:
    st = payments(world)
    settings = check_settings(cmd.settings, st.settings, building=False)
    handler_keys = ("variant", "safeguard", "transaction_scope")
    if any(settings[k] != st.settings[k] for k in handler_keys) and _live_threads(st):
        raise SimulationError("busy", "requests are being handled: switch the handler's "
                                      "variant when they have finished")
    if settings["variant"] == "key_unique" and not st.db.unique_key:
        keys = [r.committed["idempotency_key"] for r in st.db.tables["idempotency_store"].values()
                if r.committed is not None]
        dup = sorted({k for k in keys if keys.count(k) > 1})
        if dup:
            raise SimulationError("unique_violation", f"could not create unique index: key "
                                                      f"({dup[0]}) is duplicated")
    st.settings = settings
    st.db.unique_key = settings["variant"] == "key_unique"
    world.emit(pev.PaymentsConfigured, settings=dict(settings))
    if settings["outbox"]:
        world.actors["relay:outbox"].poke()


def _account(st, account: str, amount: int) -> None:
    if account not in st.db.tables["accounts"]:
        raise SimulationError("unknown_account", f"no account {account!r}; accounts: "
                                                 f"{', '.join(sorted(st.db.tables['accounts']))}")
    if isinstance(amount, bool) or not 1 <= amount <= MAX_BALANCE:
        raise SimulationError("bad_command", f"amount is an integer from 1 to {MAX_BALANCE}")


def _check_key(key: str | None) -> None:
    if key is not None and not 1 <= len(key) <= MAX_KEY_CHARS:
        raise SimulationError("bad_command", f"an idempotency key is 1 to {MAX_KEY_CHARS} "
                                             "characters")


@EXTENSION.handles(pcmd.Pay)
def _apply_pay(world, cmd: pcmd.Pay) -> None:
    st = payments(world)
    if not _NAME.match(cmd.client):
        raise SimulationError("bad_name", "client names use letters, digits, '_' and '-' "
                                          "(at most 40 characters)")
    _account(st, cmd.account, cmd.amount)
    _check_key(cmd.idempotency_key)
    request_id = cmd.request_id
    if request_id is not None:
        if not _NAME.match(request_id):
            raise SimulationError("bad_name", "request ids use letters, digits, '_' and '-'")
        if request_id in st.payments:
            raise SimulationError("request_exists", f"request {request_id!r} was already made "
                                                    "(retries are the client's own)")
    if cmd.idempotency_key is not None and cmd.same_key_as is not None:
        raise SimulationError("bad_command", "give idempotency_key or same_key_as, not both")
    if cmd.same_key_as is not None:
        earlier = st.payments.get(cmd.same_key_as)
        if earlier is None or earlier["idempotency_key"] is None:
            raise SimulationError("unknown_request", f"no earlier request {cmd.same_key_as!r} "
                                                     "with a key")
    if len(st.payments) >= MAX_PAYMENTS:
        raise SimulationError("cap_exceeded", f"at most {MAX_PAYMENTS} payments per simulation")
    for name, value, low, high in (("max_retries", cmd.max_retries, 0, 10),
                                   ("timeout_ms", cmd.timeout_ms, 10, 600_000)):
        if value is not None and not low <= value <= high:
            raise SimulationError("bad_command", f"{name} is from {low} to {high}")
    if len(_live_threads(st)) >= MAX_THREADS_LIVE:
        raise SimulationError("cap_exceeded", f"at most {MAX_THREADS_LIVE} requests in progress")
    # All checked: change things.
    st.request_count += 1
    if request_id is None:
        request_id = f"pay-{st.request_count}"
        while request_id in st.payments:
            request_id += "x"
    if st.settings["variant"] == "no_key":
        key = None
    elif cmd.same_key_as is not None:
        key = st.payments[cmd.same_key_as]["idempotency_key"]
    else:
        key = cmd.idempotency_key or uuid4_from(world.rng)
    st.payments[request_id] = {"client": cmd.client, "account": cmd.account,
                               "amount": cmd.amount, "idempotency_key": key}
    client = world.actors.get(f"client:{cmd.client}")
    if client is None:
        client = PaymentClient(world, cmd.client)
    client.start(request_id, cmd.account, cmd.amount, key,
                 st.settings["max_retries"] if cmd.max_retries is None else cmd.max_retries,
                 st.settings["timeout_ms"] if cmd.timeout_ms is None else cmd.timeout_ms)


def _race_unfinished(st) -> list[str]:
    return [n for n in st.race if n in st.threads and st.threads[n].state in ("ready",
                                                                              "waiting")]


def _start_race(world, st, count: int, account: str, amount: int, key: str | None) -> list:
    st.request_count += 1
    request_id = f"race-{st.request_count}"
    if st.settings["variant"] != "no_key":
        key = key or uuid4_from(world.rng)
    else:
        key = None
    st.payments[request_id] = {"client": "race", "account": account, "amount": amount,
                               "idempotency_key": key}
    threads = [start_thread(world, {"request_id": request_id, "idempotency_key": key,
                                    "account": account, "amount": amount},
                            source="race", manual=True) for _ in range(count)]
    st.race = [t.name for t in threads]
    return threads


def _check_race_start(st, count: int, account: str, amount: int, key: str | None) -> None:
    if _race_unfinished(st):
        raise SimulationError("race_running", f"threads {', '.join(_race_unfinished(st))} of "
                                              "the current race have not finished")
    if st.crashed:
        raise SimulationError("service_down", "the payment service is down: restart it first")
    if isinstance(count, bool) or not 2 <= count <= MAX_RACE_THREADS:
        raise SimulationError("bad_command", f"a race has 2 to {MAX_RACE_THREADS} threads")
    _account(st, account, amount)
    _check_key(key)
    if len(st.payments) >= MAX_PAYMENTS:
        raise SimulationError("cap_exceeded", f"at most {MAX_PAYMENTS} payments per simulation")


@EXTENSION.handles(pcmd.RaceStart)
def _apply_race_start(world, cmd: pcmd.RaceStart) -> None:
    st = payments(world)
    _check_race_start(st, cmd.threads, cmd.account, cmd.amount, cmd.idempotency_key)
    _start_race(world, st, cmd.threads, cmd.account, cmd.amount, cmd.idempotency_key)


@EXTENSION.handles(pcmd.RaceStep)
def _apply_race_step(world, cmd: pcmd.RaceStep) -> None:
    st = payments(world)
    if cmd.thread not in st.race or cmd.thread not in st.threads:
        raise SimulationError("unknown_thread", f"no race thread {cmd.thread!r}; the race's "
                                                f"threads: {', '.join(st.race) or 'none'}")
    t = st.threads[cmd.thread]
    if t.state == "done":
        raise SimulationError("thread_done", f"thread {t.name} has finished "
                                             f"({t.status_code})")
    if t.state == "crashed":
        raise SimulationError("thread_done", f"thread {t.name} died with the service")
    if t.state == "waiting":
        raise SimulationError("thread_waiting", f"thread {t.name} waits for thread "
                                                f"{t.waiting_for}'s transaction: step "
                                                f"{t.waiting_for}")
    execute_line(world, t)


@EXTENSION.handles(pcmd.RacePreset)
def _apply_race_preset(world, cmd: pcmd.RacePreset) -> None:
    st = payments(world)
    if cmd.preset not in PRESETS:
        raise SimulationError("bad_command", f"preset is one of {', '.join(PRESETS)}")
    _check_race_start(st, 2, cmd.account, cmd.amount, None)
    a, b = _start_race(world, st, 2, cmd.account, cmd.amount, None)
    schedule(cmd.preset, a, b, lambda t: execute_line(world, t))


@EXTENSION.handles(pcmd.CrashPaymentService)
def _apply_crash(world, cmd: pcmd.CrashPaymentService) -> None:
    st = payments(world)
    if cmd.when not in ("now", "after_commit"):
        raise SimulationError("bad_command", "when is now or after_commit")
    if st.crashed:
        raise SimulationError("service_down", "the payment service is already down")
    if cmd.when == "after_commit":
        if st.crash_after_commit:
            raise SimulationError("bad_command", "a crash after the next commit is already set")
        st.crash_after_commit = True
        return
    world.actors[SERVICE_ID].crash("now")


@EXTENSION.handles(pcmd.RestartPaymentService)
def _apply_restart(world, cmd: pcmd.RestartPaymentService) -> None:
    st = payments(world)
    if not st.crashed:
        raise SimulationError("service_up", "the payment service is running")
    world.actors[SERVICE_ID].restart()
