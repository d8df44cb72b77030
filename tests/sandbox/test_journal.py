"""The recorder's journal: group commit of every live simulation's writes.

Writes queued while a round runs go into the next round together, in the
order they were asked, in one transaction; a clock save behind a clock save
of the same simulation replaces it; one simulation's lost lease or bad write
never costs another simulation its writes. Real database rows throughout.
"""
import asyncio

import pytest
from channels.db import database_sync_to_async

from learnkafka.sandbox import recorder, services
from learnkafka.sandbox.recorder import Journal, Recorder
from learnkafka.sandbox.selectors import sandbox_get, sandbox_history

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]

CRASH = {"type": "crash_broker", "broker": 1}
RESTART = {"type": "restart_broker", "broker": 1}


async def held_sandbox(journal, holder="p1", seed=1):
    box = await database_sync_to_async(services.sandbox_create)(
        owner_key=f"journal-{seed}", scenario="playground", seed=seed)
    epoch = await database_sync_to_async(services.lease_take)(
        public_id=box.public_id, holder=holder, lease_s=60)
    return Recorder(box.public_id, holder=holder, epoch=epoch, journal=journal)


def counting_rounds(journal):
    rounds = []
    real = journal._commit

    def commit(batch):
        rounds.append([w.kind for w in batch])
        return real(batch)

    journal._commit = commit
    return rounds


class held_back:
    """Writes asked for inside this block wait, as if a round were running; they
    are committed when it ends."""

    def __init__(self, journal):
        self.journal = journal

    def __enter__(self):
        self.journal._draining = True

    def __exit__(self, *exc):
        self.journal._draining = False
        self.journal.kick()


def entry(at_ms, command, fired=None):
    return {"at_ms": at_ms, "fired": fired, "command": command}


async def test_writes_queued_during_a_round_go_together_in_one_transaction_in_order():
    journal = Journal()
    rounds = counting_rounds(journal)
    a, b, c = [await held_sandbox(journal, seed=s) for s in (1, 2, 3)]
    with held_back(journal):
        writes = [a.append(position=0, entry=entry(10, CRASH, fired=2)),
                  b.append(position=0, entry=entry(20, CRASH)),
                  a.append(position=1, entry=entry(30, RESTART)),
                  c.save_clock(position=(40, 7), speed=2.0, playing=False),
                  b.append(position=1, entry=entry(50, RESTART))]
        tasks = [asyncio.ensure_future(w) for w in writes]
        await asyncio.sleep(0.05)
        assert not any(t.done() for t in tasks), "nothing commits while the round is held"
    await asyncio.gather(*tasks)
    assert rounds == [["append", "append", "append", "clock", "append"]]
    history_a = await database_sync_to_async(sandbox_history)(public_id=a.public_id)
    history_b = await database_sync_to_async(sandbox_history)(public_id=b.public_id)
    assert history_a == [{"at_ms": 10, "fired": 2, "command": CRASH},
                         {"at_ms": 30, "command": RESTART}]
    assert [h["at_ms"] for h in history_b] == [20, 50]
    row_a, row_c = [await database_sync_to_async(sandbox_get)(public_id=r.public_id)
                    for r in (a, c)]
    assert (row_a.now_ms, row_a.fired) == (30, None), "the clock moves with each command"
    assert (row_c.now_ms, row_c.fired, row_c.speed, row_c.playing) == (40, 7, 2.0, False)


async def test_a_clock_save_behind_another_of_the_same_simulation_replaces_it():
    journal = Journal()
    rounds = counting_rounds(journal)
    a = await held_sandbox(journal)
    with held_back(journal):
        first = asyncio.ensure_future(a.save_clock(position=(100, None), speed=1.0,
                                                   playing=True))
        await asyncio.sleep(0)
        second = asyncio.ensure_future(a.save_clock(position=(200, 3), speed=0.5,
                                                    playing=False))
        await asyncio.sleep(0)
    await asyncio.gather(first, second)
    assert rounds == [["clock"]], "one write, the newest"
    row = await database_sync_to_async(sandbox_get)(public_id=a.public_id)
    assert (row.now_ms, row.fired, row.speed, row.playing) == (200, 3, 0.5, False)


async def test_a_clock_save_never_jumps_over_a_command_of_its_simulation():
    """clock, command, clock: the first clock is not replaced by the last (that
    would move a clock save behind the command it preceded); the last wins."""
    journal = Journal()
    rounds = counting_rounds(journal)
    a = await held_sandbox(journal)
    with held_back(journal):
        writes = [asyncio.ensure_future(a.save_clock(position=(5, None), speed=1.0,
                                                     playing=True)),
                  asyncio.ensure_future(a.append(position=0, entry=entry(8, CRASH))),
                  asyncio.ensure_future(a.save_clock(position=(9, None), speed=1.0,
                                                     playing=True))]
        await asyncio.sleep(0)
    await asyncio.gather(*writes)
    assert rounds == [["clock", "append", "clock"]]
    row = await database_sync_to_async(sandbox_get)(public_id=a.public_id)
    assert row.now_ms == 9


async def test_one_simulations_lost_lease_or_bad_write_costs_the_others_nothing():
    journal = Journal()
    a, b, c = [await held_sandbox(journal, seed=s) for s in (1, 2, 3)]
    await a.append(position=0, entry=entry(1, CRASH))
    await database_sync_to_async(services.lease_release)(  # b's lease goes to another process
        public_id=b.public_id, holder="p1", epoch=b.epoch)
    assert await database_sync_to_async(services.lease_take)(
        public_id=b.public_id, holder="p2", lease_s=60) == b.epoch + 1
    with held_back(journal):
        taken = asyncio.ensure_future(a.append(position=0, entry=entry(2, RESTART)))
        lost = asyncio.ensure_future(b.append(position=0, entry=entry(3, CRASH)))
        fine = asyncio.ensure_future(c.append(position=0, entry=entry(4, CRASH)))
        await asyncio.sleep(0)
    results = await asyncio.gather(taken, lost, fine, return_exceptions=True)
    assert isinstance(results[0], services.LeaseLost), "a position already taken"
    assert isinstance(results[1], services.LeaseLost), "a lease that moved on"
    assert results[2] is None
    assert [h["at_ms"] for h in await database_sync_to_async(sandbox_history)(
        public_id=a.public_id)] == [1]
    assert await database_sync_to_async(sandbox_history)(public_id=b.public_id) == []
    assert [h["at_ms"] for h in await database_sync_to_async(sandbox_history)(
        public_id=c.public_id)] == [4]


async def test_a_lone_clock_save_waits_for_a_round_at_most_the_clock_delay():
    journal = Journal()
    rounds = counting_rounds(journal)
    a = await held_sandbox(journal)
    a.save_clock_later(position=(77, None), speed=1.0, playing=True, at_once=False)
    await asyncio.sleep(recorder.CLOCK_DELAY_S / 3)
    assert rounds == [], "a clock save starts no round of its own"
    await asyncio.sleep(recorder.CLOCK_DELAY_S + 0.3)
    assert rounds == [["clock"]]
    row = await database_sync_to_async(sandbox_get)(public_id=a.public_id)
    assert row.now_ms == 77


async def test_flush_commits_a_waiting_clock_save_at_once():
    journal = Journal()
    a = await held_sandbox(journal)
    a.save_clock_later(position=(88, None), speed=1.0, playing=True, at_once=False)
    await asyncio.wait_for(a.flush(), timeout=recorder.CLOCK_DELAY_S / 2)
    row = await database_sync_to_async(sandbox_get)(public_id=a.public_id)
    assert row.now_ms == 88


async def test_leases_are_renewed_in_one_statement_and_a_moved_one_is_reported():
    journal = Journal()
    a, b = [await held_sandbox(journal, seed=s) for s in (1, 2)]
    await database_sync_to_async(services.lease_release)(
        public_id=b.public_id, holder="p1", epoch=b.epoch)
    await database_sync_to_async(services.lease_take)(
        public_id=b.public_id, holder="p2", lease_s=60)
    renewed = await database_sync_to_async(services.lease_renew_all)(
        holder="p1", epochs={a.public_id: a.epoch, b.public_id: b.epoch}, lease_s=60)
    assert renewed == {a.public_id}
