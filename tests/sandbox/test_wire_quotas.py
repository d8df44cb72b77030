"""A sandbox's history may produce at most so many records and bytes
(learnkafka/sandbox/quotas.py): past that, a produce is refused in plain words,
nothing is stored, and rewind or reset make room again."""
import asyncio
import json

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.contrib.sessions.backends.db import SessionStore

from learnkafka.asgi import application
from learnkafka.sandbox.node import node
from learnkafka.sandbox.policy import MAX_PRODUCE_COUNT
from learnkafka.sandbox.quotas import (
    MAX_HISTORY_BYTES,
    MAX_HISTORY_RECORDS,
    HistoryMeter,
    produce_cost,
)
from learnkafka.sandbox.selectors import sandbox_history
from simulator.commands import command_from_dict
from simulator.log import record_size

SANDBOX_ID = "quotasabcdefghijklmnopqr"


def produce(count=1, key=None, value="v", headers=None):
    return command_from_dict({"type": "produce", "producer": "A", "topic": "orders",
                              "key": key, "value": value, "count": count,
                              "headers": headers or {}})


def test_a_produce_costs_its_records_in_kafka_record_bytes():
    assert produce_cost(produce(value="héllo")) == (1, record_size(None, "héllo", ()))
    records, size = produce_cost(produce(count=10, key="k", value="v"))
    assert records == 10
    assert size == 10 * (record_size("k", "v", ()) + 2 * len("-10"))  # suffixes, rounded up
    assert produce_cost(command_from_dict({"type": "crash_broker", "broker": 1})) == (0, 0)


def test_the_meter_refuses_past_either_quota_and_counts_a_new_log_afresh():
    meter, log = HistoryMeter(), []
    step = produce(count=MAX_PRODUCE_COUNT)
    while meter.refusal(step, log) is None:
        log.append((len(log), step))
    assert len(log) * MAX_PRODUCE_COUNT == MAX_HISTORY_RECORDS
    assert "2,500 records" in meter.refusal(step, log) and "Rewind" in meter.refusal(step, log)
    assert meter.refusal(command_from_dict({"type": "crash_broker", "broker": 1}), log) is None
    assert meter.refusal(step, log[:3]) is None  # a rewound (shorter, new) log has room

    big = produce(count=5, key="k" * 1000, value="v" * 10_000)
    meter, log = HistoryMeter(), []
    while meter.refusal(big, log) is None:
        log.append((len(log), big))
    assert sum(produce_cost(c)[1] for _, c in log) <= MAX_HISTORY_BYTES
    assert "MiB" in meter.refusal(big, log)


@database_sync_to_async
def _new_session() -> str:
    store = SessionStore()
    store.create()
    return store.session_key


async def _next(comm, kind):
    while True:
        message = json.loads(await comm.receive_from(timeout=10))
        if message["type"] == kind:
            return message
        assert message["type"] in ("events", "status"), message


@pytest.mark.django_db(transaction=True)
@pytest.mark.asyncio
async def test_over_the_socket_the_learner_is_told_and_nothing_is_stored():
    node.clear()
    cookie = f"sessionid={await _new_session()}".encode()
    comm = WebsocketCommunicator(application, f"/ws/sandbox/{SANDBOX_ID}/", headers=[
        (b"origin", b"http://127.0.0.1"), (b"cookie", cookie)])
    assert (await comm.connect())[0]
    await _next(comm, "snapshot")
    await comm.send_to(text_data='{"type": "pause"}')
    await _next(comm, "status")
    batch = {"type": "command", "command": {"type": "produce", "producer": "A",
                                            "topic": "orders", "value": "v",
                                            "count": MAX_PRODUCE_COUNT}}
    for _ in range(MAX_HISTORY_RECORDS // MAX_PRODUCE_COUNT):
        await comm.send_to(text_data=json.dumps(batch))
        await _next(comm, "events")
    await comm.send_to(text_data=json.dumps(batch))
    error = await _next(comm, "error")
    assert error["code"] == "sandbox_full"
    assert "may produce 2,500 in all" in error["message"] and "reset" in error["message"]

    await comm.send_to(text_data='{"type": "reset"}')
    await _next(comm, "snapshot")
    await comm.send_to(text_data=json.dumps(batch))
    await _next(comm, "events")  # room again
    await comm.disconnect()
    assert len(await database_sync_to_async(sandbox_history)(public_id=SANDBOX_ID)) == 1
    node.clear()


@pytest.mark.django_db(transaction=True)
@pytest.mark.asyncio
async def test_a_process_over_its_memory_budget_takes_no_new_sandbox_without_evicting_one(
        monkeypatch):
    from learnkafka.sandbox import quotas, services
    from learnkafka.sandbox.node import Node
    from learnkafka.sandbox.policy import Refused

    here = Node(max_live=10)
    await here.start()
    rows = [await database_sync_to_async(services.sandbox_create)(
        owner_key=f"mem{i}", scenario="playground") for i in range(3)]
    first = await here._live_or_none(rows[0])
    first.remote_interest_until = float("inf")  # someone is watching it
    monkeypatch.setattr(quotas, "PROCESS_MEMORY_BYTES", 1)  # any process is over it now
    with pytest.raises(Refused) as err:
        await here._live_or_none(rows[1])
    assert err.value.code == "server_busy"
    assert list(here.live) == [rows[0].public_id], "nothing new was built"
    first.remote_interest_until = 0.0  # its learner left: it may make room
    await here._live_or_none(rows[1])
    assert rows[0].public_id not in here.live and rows[1].public_id in here.live
    monkeypatch.setattr(quotas, "PROCESS_MEMORY_BYTES", 2**62)
    await here._live_or_none(rows[2])
    assert len(here.live) == 2
    await here.shutdown()
    here.clear()


@pytest.mark.django_db(transaction=True)
@pytest.mark.asyncio
async def test_a_simulation_let_go_leaves_no_sending_task_or_queue_behind():
    """Eviction and takeover open and close simulations all day: what each
    holds for the other processes (a pump task and its queue) leaves with it."""
    from learnkafka.sandbox import services
    from learnkafka.sandbox.node import Node

    here = Node(max_live=1)
    await here.start()
    rows = [await database_sync_to_async(services.sandbox_create)(
        owner_key=f"churn{i}", scenario="playground") for i in range(4)]
    for row in rows * 3:  # each open evicts the one before (max_live=1, nobody watches)
        live = await here._live_or_none(row)
        assert live is not None
    assert list(here.live) == [rows[-1].public_id]
    assert list(here._pumps) == list(here._outgoing) == [rows[-1].public_id]
    pump = here._pumps[rows[-1].public_id]
    await here.shutdown()
    await asyncio.sleep(0)
    assert here._pumps == {} and here._outgoing == {} and pump.cancelled()
    here.clear()
