"""The runtime: wall clock × speed pacing, exact rewind, rebuilds, eviction, idle pause.

The wall clock is a fake (runtime.time.monotonic is patched), so pacing is
checked exactly instead of with sleeps.
"""
import asyncio

import pytest
from channels.db import database_sync_to_async

from learnkafka.sandbox import runtime, services
from learnkafka.sandbox.runtime import LiveSandbox, Registry, RuntimeError_, build_simulation
from learnkafka.sandbox.selectors import sandbox_get

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]


class FakeClock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


@pytest.fixture
def clock(monkeypatch):
    fake = FakeClock()
    monkeypatch.setattr(runtime, "_now", fake)
    return fake


async def live_sandbox(*, playing=True, session="s1"):
    row = await database_sync_to_async(services.sandbox_create)(
        session_key=session, scenario="playground", seed=11)
    live = LiveSandbox.from_row(row)
    live.playing = playing
    received = []

    async def deliver(message):
        received.append(message)

    live.subscribers.add(deliver)  # a listener, without starting the real ticker
    live._restart_clock()
    return live, received, deliver


async def test_simulated_time_is_wall_time_times_speed(clock):
    live, _, _ = await live_sandbox()
    clock.now += 0.100
    await live.tick()
    assert live.sim.now_ms == 100
    await live.set_speed(4)
    clock.now += 0.100
    await live.tick()
    assert live.sim.now_ms == 500
    await live.set_speed(0.25)
    clock.now += 0.010  # 2.5 ms: the half millisecond is carried, not lost
    await live.tick()
    clock.now += 0.010
    await live.tick()
    assert live.sim.now_ms == 505
    await live.flush()


async def test_paused_time_does_not_move_and_is_not_made_up_later(clock):
    live, received, _ = await live_sandbox()
    clock.now += 0.050
    await live.pause()
    assert live.sim.now_ms == 50
    assert received[-1] == {"type": "status", "now_ms": 50, "speed": 1.0, "playing": False}
    clock.now += 10
    await live.tick()
    assert live.sim.now_ms == 50
    await live.play()
    clock.now += 0.020
    await live.tick()
    assert live.sim.now_ms == 70, "the 10 s spent paused must not be simulated"
    await live.flush()


async def test_a_frame_carries_everything_since_the_last_one_in_order(clock):
    live, received, _ = await live_sandbox()
    await live.apply_command({"type": "produce", "producer": "A", "topic": "orders",
                              "key": "k", "value": "v"})
    clock.now += 0.5  # 500 ms of simulated work in one frame
    await live.tick()
    frame = received[-1]
    assert frame["type"] == "events" and frame["now_ms"] == 500
    seqs = [e["seq"] for e in frame["events"]]
    assert seqs == sorted(seqs) and len(seqs) > 5
    assert {"records_appended", "high_watermark_changed"} <= {e["kind"] for e in frame["events"]}
    await live.flush()


async def test_an_invalid_command_changes_nothing(clock):
    live, received, _ = await live_sandbox(playing=False)
    before = live.sim.snapshot()
    with pytest.raises(RuntimeError_) as err:
        await live.apply_command({"type": "crash_broker", "broker": 42})
    assert err.value.code and err.value.message
    assert live.sim.snapshot() == before
    assert received == []
    await live.flush()
    row = await database_sync_to_async(sandbox_get)(public_id=live.public_id)
    assert row.command_log == []


async def test_rewind_gives_exactly_the_state_a_replay_gives(clock):
    live, received, _ = await live_sandbox(playing=False)
    await live.apply_command({"type": "produce", "producer": "A", "topic": "orders",
                              "key": "a", "value": "1"})
    live.sim.advance(30_000)
    await live.apply_command({"type": "crash_broker", "broker": 2})
    live.sim.advance(30_000)
    await live.rewind(20_000)
    assert received[-1]["type"] == "snapshot" and received[-1]["now_ms"] == 20_000
    replay = build_simulation("playground", 11, live.sim.command_log, 20_000)
    assert live.sim.snapshot() == replay.snapshot()
    assert [type(c).__name__ for _, c in live.sim.command_log] == ["Produce"]
    await live.flush()
    row = await database_sync_to_async(sandbox_get)(public_id=live.public_id)
    assert [e["command"]["type"] for e in row.command_log] == ["produce"]
    assert row.now_ms == 20_000


async def test_reset_and_load_scenario_start_over(clock):
    live, received, _ = await live_sandbox(playing=False)
    await live.apply_command({"type": "crash_broker", "broker": 1})
    await live.reset()
    assert live.sim.now_ms == 0 and live.sim.command_log == []
    assert all(b["state"] == "online" for b in received[-1]["state"]["brokers"])
    await live.load("lesson-isr")
    assert live.scenario == "lesson-isr" and received[-1]["scenario"] == "lesson-isr"
    with pytest.raises(RuntimeError_):
        await live.load("/etc/passwd")
    await live.flush()


async def test_a_rebuild_from_the_stored_row_equals_the_live_simulation(clock):
    live, _, deliver = await live_sandbox()
    await live.apply_command({"type": "produce", "producer": "B", "topic": "orders",
                              "value": "x"})
    clock.now += 2.5
    await live.tick()
    await live.detach(deliver)  # stores the clock and waits for every write
    row = await database_sync_to_async(sandbox_get)(public_id=live.public_id)
    again = LiveSandbox.from_row(row)
    assert again.sim.now_ms == live.sim.now_ms == 2500
    assert again.sim.snapshot() == live.sim.snapshot()


async def test_an_idle_learner_s_sandbox_pauses_itself(clock):
    live, received, _ = await live_sandbox()
    live._ensure_ticker()
    clock.now += runtime.IDLE_PAUSE_S + 1
    await asyncio.wait_for(live._ticker, timeout=2)
    assert live.playing is False
    assert received[-1]["type"] == "status" and received[-1]["reason"] == "idle"
    await live.flush()


async def test_the_registry_evicts_unwatched_sandboxes_and_refuses_past_its_cap(clock):
    reg = Registry(max_live=2, idle_evict_s=60)
    rows = [await database_sync_to_async(services.sandbox_create)(
        session_key=f"s{i}", scenario="playground") for i in range(3)]
    a = await reg.get(rows[0])
    b = await reg.get(rows[1])
    a.attach(lambda m: asyncio.sleep(0))
    b.attach(lambda m: asyncio.sleep(0))
    with pytest.raises(RuntimeError_) as err:
        await reg.get(rows[2])
    assert err.value.code == "server_busy"
    b.subscribers.clear()  # b's learner left: b may make room
    c = await reg.get(rows[2])
    assert rows[1].public_id not in reg and rows[2].public_id in reg and len(reg) == 2
    assert await reg.get(rows[2]) is c, "a live sandbox is reused, not rebuilt"
    a.subscribers.clear()
    clock.now += 61
    await reg.get(rows[1])
    assert rows[0].public_id not in reg, "idle past idle_evict_s: evicted"
    reg.clear()


@pytest.mark.parametrize("command", [
    {"type": "produce", "producer": "A", "topic": "orders", "value": "v", "count": 101},
    {"type": "produce", "producer": "A", "topic": "orders", "value": "v" * 10_000, "count": 7},
])
async def test_web_caps_keep_one_command_from_loading_the_whole_server(clock, command):
    live, received, _ = await live_sandbox(playing=False)
    before = live.sim.snapshot()
    with pytest.raises(RuntimeError_) as err:
        await live.apply_command(command)
    assert err.value.code == "cap_exceeded"
    assert live.sim.snapshot() == before and received == []
    await live.flush()


async def test_a_frame_lists_at_most_50_records_per_event_and_counts_the_rest(clock):
    live, received, _ = await live_sandbox(playing=False)
    await live.apply_command({"type": "produce", "producer": "A", "topic": "orders",
                              "partition": 0, "value": "v", "count": 100})
    await live.play()
    clock.now += 1.0
    await live.tick()
    appended = [e for m in received if m["type"] == "events" for e in m["events"]
                if e["kind"] == "records_appended" and e["records"]]
    assert appended, "the batch reached its leader"
    assert all(len(e["records"]) <= 50 for e in appended)
    big = [e for e in appended if e.get("records_omitted")]
    assert big and big[0]["records"][-1]["offset"] == big[0]["last_offset"]
    assert len(big[0]["records"]) + big[0]["records_omitted"] == (
        big[0]["last_offset"] - big[0]["base_offset"] + 1)
    await live.flush()


async def test_a_sandbox_that_eats_too_much_cpu_is_slowed_then_paused(clock, monkeypatch):
    live, received, _ = await live_sandbox()
    await live.set_speed(0.5)
    real_advance = live.sim.advance

    def heavy_advance(ms):
        clock.now += 0.2  # this frame "took" 200 ms of CPU
        return real_advance(ms)

    monkeypatch.setattr(live.sim, "advance", heavy_advance)
    clock.now += 0.05
    await live.tick()
    assert live.speed == 0.25 and live.playing
    assert received[-1]["type"] == "status" and received[-1]["reason"] == "overloaded"
    clock.now += 0.05
    await live.tick()
    assert live.playing is False and received[-1]["reason"] == "overloaded"
    await live.flush()


async def test_topics_created_over_the_web_stay_small(clock):
    live, _, _ = await live_sandbox(playing=False)
    with pytest.raises(RuntimeError_) as err:
        await live.apply_command({"type": "create_topic", "topic": "huge", "partitions": 64})
    assert err.value.code == "cap_exceeded"
    for i in range(8):
        await live.apply_command({"type": "create_topic", "topic": f"t{i}", "partitions": 2})
    with pytest.raises(RuntimeError_):
        await live.apply_command({"type": "create_topic", "topic": "one-more", "partitions": 1})
    await live.flush()
