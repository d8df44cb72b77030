"""The holder's live simulation: pacing on an injectable clock, the CPU guard on
CPU time, stored-before-shown commands, rewinds, rebuilds and the lease fence.

The clock is a ManualClock moved by hand, so pacing is checked exactly.
"""
import asyncio
import json

import pytest
from channels.db import database_sync_to_async

from learnkafka.sandbox import framing, services
from learnkafka.sandbox import live as live_module
from learnkafka.sandbox.clock import ManualClock
from learnkafka.sandbox.hub import Hub, Watcher
from learnkafka.sandbox.live import LiveSimulation
from learnkafka.sandbox.policy import Refused
from learnkafka.sandbox.recorder import Recorder
from learnkafka.sandbox.selectors import sandbox_get, sandbox_history
from learnkafka.sandbox.session import ClockedSession, build_simulation

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]

HOLDER = "test-holder"


@pytest.fixture
def clock():
    return ManualClock()


async def make_live(clock, *, playing=True, owner="learner-1"):
    row = await database_sync_to_async(services.sandbox_create)(
        owner_key=owner, scenario="playground", seed=11)
    epoch = await database_sync_to_async(services.lease_take)(
        public_id=row.public_id, holder=HOLDER, lease_s=60)
    session = ClockedSession(public_id=row.public_id, scenario="playground", seed=11,
                             sim=build_simulation("playground", 11, [], (0, None)),
                             playing=playing, clock=clock)
    live = LiveSimulation(session, None, Recorder(row.public_id, holder=HOLDER, epoch=epoch))
    live.hub = Hub(row.public_id, live.snapshot)
    live.hub.restart(epoch)
    received = []

    async def send_text(text):
        received.append(json.loads(text))

    watcher = Watcher(send_text)
    await live.hub.join(watcher)
    session.restart_clock()
    return live, received, watcher


async def settle(watcher, received):
    await watcher.drain()
    await asyncio.sleep(0)
    return received


async def stored(live):
    return await database_sync_to_async(sandbox_history)(public_id=live.public_id)


async def test_simulated_time_is_wall_time_times_speed(clock):
    live, _, _ = await make_live(clock)
    clock.advance(0.100)
    await live.tick()
    assert live.session.sim.now_ms == 100
    await live.handle("speed", {"speed": 4})
    clock.advance(0.100)
    await live.tick()
    assert live.session.sim.now_ms == 500
    await live.handle("speed", {"speed": 0.25})
    clock.advance(0.010)  # 2.5 ms: the half millisecond is carried, not lost
    await live.tick()
    clock.advance(0.010)
    await live.tick()
    assert live.session.sim.now_ms == 505
    await live.stop()


async def test_paused_time_does_not_move_and_is_not_made_up_later(clock):
    live, received, watcher = await make_live(clock)
    clock.advance(0.050)
    await live.handle("pause", {})
    assert live.session.sim.now_ms == 50
    status = (await settle(watcher, received))[-1]
    assert {k: status[k] for k in ("type", "now_ms", "speed", "playing")} == {
        "type": "status", "now_ms": 50, "speed": 1.0, "playing": False}
    clock.advance(10)
    await live.tick()
    assert live.session.sim.now_ms == 50
    await live.handle("play", {})
    clock.advance(0.020)
    await live.tick()
    assert live.session.sim.now_ms == 70, "the 10 s spent paused must not be simulated"
    await live.stop()


async def test_every_frame_has_the_next_frame_number(clock):
    live, received, watcher = await make_live(clock)
    await live.handle("command", {"command": {"type": "produce", "producer": "A",
                                              "topic": "orders", "key": "k", "value": "v"}})
    for _ in range(5):
        clock.advance(0.1)
        await live.tick()
    await settle(watcher, received)
    assert all("seq" not in m for m in received)
    frames = [m["frame"] for m in received]
    assert frames == list(range(frames[0], frames[0] + len(frames)))
    assert live.session.sim.now_ms == 500
    seqs = [e["seq"] for m in received[1:] for e in m["events"]]
    assert seqs == sorted(seqs) and len(seqs) > 5
    await live.stop()


async def test_a_command_is_stored_before_anyone_sees_its_result(clock, monkeypatch):
    live, received, watcher = await make_live(clock, playing=False)
    seen_when_stored = []
    real_append = live.recorder.append

    async def append(**kwargs):
        await watcher.drain()
        seen_when_stored.append(len(received))
        await real_append(**kwargs)

    monkeypatch.setattr(live.recorder, "append", append)
    await live.handle("command", {"command": {"type": "crash_broker", "broker": 2}})
    await settle(watcher, received)
    assert seen_when_stored == [1], "only the snapshot had been sent when the row was written"
    assert any(e["kind"] == "broker_crashed" for e in received[-1]["events"])
    assert [e["command"]["type"] for e in await stored(live)] == ["crash_broker"]
    await live.stop()


async def test_an_invalid_command_changes_nothing_and_is_not_stored(clock):
    live, received, watcher = await make_live(clock, playing=False)
    before = live.session.sim.snapshot()
    with pytest.raises(Refused) as err:
        await live.handle("command", {"command": {"type": "crash_broker", "broker": 42}})
    assert err.value.code and err.value.message
    assert live.session.sim.snapshot() == before
    assert [m["type"] for m in await settle(watcher, received)] == ["snapshot"]
    assert await stored(live) == []
    await live.stop()


async def test_a_process_that_lost_the_lease_stores_nothing_and_lets_go(clock):
    live, received, watcher = await make_live(clock, playing=False)
    await database_sync_to_async(
        lambda: __import__("learnkafka.sandbox.models", fromlist=["Sandbox"]).Sandbox.objects
        .filter(public_id=live.public_id).update(lease_holder="another-process"))()
    with pytest.raises(Refused) as err:
        await live.handle("command", {"command": {"type": "crash_broker", "broker": 1}})
    assert err.value.code == "unavailable" and live.lost
    assert await stored(live) == []
    assert [m["type"] for m in await settle(watcher, received)] == ["snapshot"], \
        "a change that was not stored is not shown"


async def test_rewind_gives_exactly_the_state_a_replay_gives_and_cuts_the_rows(clock):
    live, received, watcher = await make_live(clock, playing=False)
    await live.handle("command", {"command": {"type": "produce", "producer": "A",
                                              "topic": "orders", "key": "a", "value": "1"}})
    live.session.sim.advance(30_000)
    await live.handle("command", {"command": {"type": "crash_broker", "broker": 2}})
    live.session.sim.advance(30_000)
    await live.handle("rewind", {"to_ms": 20_000})
    await settle(watcher, received)
    assert received[-1]["type"] == "snapshot" and received[-1]["now_ms"] == 20_000
    rows = await stored(live)
    assert [e["command"]["type"] for e in rows] == ["produce"]
    replay = build_simulation("playground", 11, rows, (20_000, None))
    assert live.session.sim.snapshot() == replay.snapshot()
    row = await database_sync_to_async(sandbox_get)(public_id=live.public_id)
    assert row.now_ms == 20_000
    await live.stop()


async def test_reset_and_load_scenario_start_over(clock):
    live, received, watcher = await make_live(clock, playing=False)
    await live.handle("command", {"command": {"type": "crash_broker", "broker": 1}})
    await live.handle("reset", {})
    assert live.session.sim.now_ms == 0 and live.session.sim.command_log == []
    await settle(watcher, received)
    assert all(b["state"] == "online" for b in received[-1]["state"]["brokers"])
    await live.handle("load_scenario", {"name": "lesson-isr"})
    await settle(watcher, received)
    assert received[-1]["scenario"] == "lesson-isr"
    with pytest.raises(Refused):
        await live.handle("load_scenario", {"name": "/etc/passwd"})
    assert await stored(live) == []
    row = await database_sync_to_async(sandbox_get)(public_id=live.public_id)
    assert row.scenario == "lesson-isr"
    await live.stop()


async def test_a_rebuild_from_the_stored_rows_equals_the_live_simulation(clock):
    live, _, _ = await make_live(clock)
    await live.handle("command", {"command": {"type": "produce", "producer": "B",
                                              "topic": "orders", "value": "x"}})
    for _ in range(5):
        clock.advance(0.5)
        await live.tick()
    await live.stop()  # stores the clock and waits for every write
    row = await database_sync_to_async(sandbox_get)(public_id=live.public_id)
    again = build_simulation(row.scenario, row.seed, await stored(live), (row.now_ms, row.fired))
    assert again.now_ms == live.session.sim.now_ms == 2500
    assert again.snapshot() == live.session.sim.snapshot()


async def test_an_idle_learner_s_sandbox_pauses_itself(clock):
    live, received, watcher = await make_live(clock)
    live.ensure_ticker()
    clock.advance(live_module.IDLE_PAUSE_S + 1)
    await asyncio.wait_for(live._ticker, timeout=2)
    assert live.session.playing is False
    await settle(watcher, received)
    assert received[-1]["type"] == "status" and received[-1]["reason"] == "idle"
    await live.stop()


async def test_an_idle_playground_socket_gets_few_small_frames(clock):
    """Issue 9 item 11: an idle playground socket got ~12 frames and ~19 KB a
    second of routine chatter (empty fetches, heartbeats)."""
    live, received, watcher = await make_live(clock, playing=False)
    live.session.sim.advance(20_000)  # settled: only routine traffic is left
    await live.handle("play", {})
    _, _, base = await live.snapshot()
    await settle(watcher, received)
    before = len(received)
    for _ in range(300):  # ten seconds of 33 ms ticks, on the manual clock
        clock.advance(0.033)
        await live.tick()
    await settle(watcher, received)
    frames = received[before:]
    assert len(frames) <= 45, f"{len(frames)} frames in 10 s"
    assert sum(len(json.dumps(m)) for m in frames) < 60_000, "under 6 KB a second"
    # Nothing a diagram draws is lost: the folded in-flight set matches the engine's.
    in_flight = {m["message_id"]: m for m in json.loads(base)["state"]["in_flight"]}
    for m in frames:
        for e in m["events"]:
            if e["kind"] == "message_sent":
                in_flight[e["message_id"]] = e
            elif e["kind"] in ("message_delivered", "message_dropped"):
                in_flight.pop(e["message_id"], None)
    clock.advance(framing.ROUTINE_FRAME_S)
    await live.tick()  # let the last held events out
    await settle(watcher, received)
    for m in received[before + len(frames):]:
        for e in m["events"]:
            if e["kind"] == "message_sent":
                in_flight[e["message_id"]] = e
            elif e["kind"] in ("message_delivered", "message_dropped"):
                in_flight.pop(e["message_id"], None)
    engine = {m["message_id"] for m in live.session.sim.snapshot()["in_flight"]}
    assert set(in_flight) == engine, "the folded flights are the engine's flights"
    await live.stop()


async def test_a_command_after_routine_traffic_goes_out_at_once_and_in_order(clock):
    live, received, watcher = await make_live(clock, playing=False)
    live.session.sim.advance(20_000)
    await live.handle("play", {})
    clock.advance(0.033)
    await live.tick()  # routine events, held back
    await live.handle("command", {"command": {"type": "crash_broker", "broker": 3}})
    await settle(watcher, received)
    last = received[-1]
    assert any(e["kind"] == "broker_crashed" for e in last["events"])
    seqs = [e["seq"] for m in received[1:] if m["type"] == "events" for e in m["events"]]
    assert seqs == sorted(seqs)
    await live.stop()


async def test_the_cpu_guard_counts_cpu_time_not_time_spent_waiting(clock, monkeypatch):
    live, received, watcher = await make_live(clock)
    await live.handle("speed", {"speed": 0.5})
    real_advance = live.session.sim.advance

    def slow_machine_advance(ms):
        clock.advance(0.2)  # 200 ms of wall time passed (a loaded machine), no CPU of ours
        return real_advance(ms)

    monkeypatch.setattr(live.session.sim, "advance", slow_machine_advance)
    clock.advance(0.05)
    await live.tick()
    assert live.session.speed == 0.5, "waiting is not the learner's fault"

    def heavy_advance(ms):
        clock.spend_cpu(0.2)  # this frame really used 200 ms of CPU
        return real_advance(ms)

    monkeypatch.setattr(live.session.sim, "advance", heavy_advance)
    clock.advance(0.05)
    await live.tick()
    assert live.session.speed == 0.25 and live.session.playing
    await settle(watcher, received)
    assert received[-1]["type"] == "status" and received[-1]["reason"] == "overloaded"
    clock.advance(0.05)
    await live.tick()
    await settle(watcher, received)
    assert live.session.playing is False and received[-1]["reason"] == "overloaded"
    await live.stop()


async def test_a_simulator_budget_error_while_playing_pauses_with_a_clear_message(clock,
                                                                                   monkeypatch):
    from simulator import SimulationError

    live, received, watcher = await make_live(clock)

    def over_budget(ms):
        err = SimulationError("over_budget", "too many timers in one millisecond")
        err.events = []
        raise err

    monkeypatch.setattr(live.session.sim, "advance", over_budget)
    clock.advance(0.05)
    await live.tick()
    await settle(watcher, received)
    assert live.session.playing is False
    assert received[-1]["reason"] == "over_budget" and "paused" in received[-1]["message"]
    await live.stop()


@pytest.mark.parametrize("command", [
    {"type": "produce", "producer": "A", "topic": "orders", "value": "v", "count": 101},
    {"type": "produce", "producer": "A", "topic": "orders", "value": "v" * 10_000, "count": 7},
    {"type": "create_topic", "topic": "huge", "partitions": 64},
])
async def test_web_caps_keep_one_command_from_loading_the_whole_server(clock, command):
    live, received, watcher = await make_live(clock, playing=False)
    before = live.session.sim.snapshot()
    with pytest.raises(Refused) as err:
        await live.handle("command", {"command": command})
    assert err.value.code == "cap_exceeded"
    assert live.session.sim.snapshot() == before
    await live.stop()


async def test_a_frame_lists_at_most_50_records_per_event_and_counts_the_rest(clock):
    live, received, watcher = await make_live(clock, playing=False)
    await live.handle("command", {"command": {"type": "produce", "producer": "A",
                                              "topic": "orders", "partition": 0, "value": "v",
                                              "count": 100}})
    await live.handle("play", {})
    clock.advance(1.0)
    await live.tick()
    await settle(watcher, received)
    appended = [e for m in received if m["type"] == "events" for e in m["events"]
                if e["kind"] == "records_appended" and e["records"]]
    assert appended and all(len(e["records"]) <= 50 for e in appended)
    big = [e for e in appended if e.get("records_omitted")]
    assert big and big[0]["records"][-1]["offset"] == big[0]["last_offset"]
    await live.stop()


async def test_a_command_refused_for_its_budget_changes_nothing_and_another_learner_runs_on(
        clock):
    """Issue 8: a command over the work budget is refused and changes nothing
    (snapshot, stored history, frames), and it cannot hold up the process: the
    refusal is a bounded amount of counted work (never a loop), so on the same
    event loop another learner's sandbox answers its command and keeps pace with
    its clock. A small per-command budget stands in for a costly command."""
    from simulator import Simulation
    from simulator.limits import WorkBudget
    from simulator.scenarios import load_scenario

    heavy, heavy_received, heavy_watcher = await make_live(clock, playing=False, owner="heavy-1")
    heavy.session.sim = Simulation(load_scenario("playground"), 11,
                                   budget=WorkBudget(per_command=1))
    other, other_received, other_watcher = await make_live(clock, owner="other-1")
    before = json.dumps(heavy.session.sim.snapshot(), sort_keys=True)
    position = heavy.session.position

    with pytest.raises(Refused) as err:
        await heavy.handle("command", {"command": {
            "type": "produce", "producer": "A", "topic": "orders", "value": "v" * 50,
            "count": 100}})  # within the web's caps: only the budget refuses it
    assert err.value.code == "over_budget" and "nothing changed" in err.value.message
    assert json.dumps(heavy.session.sim.snapshot(), sort_keys=True) == before
    assert heavy.session.position == position and heavy.session.sim.history == []
    assert await stored(heavy) == []
    assert [m["type"] for m in await settle(heavy_watcher, heavy_received)] == ["snapshot"]

    start_ms = other.session.sim.now_ms
    await other.handle("command", {"command": {"type": "produce", "producer": "A",
                                               "topic": "orders", "key": "next", "value": "v"}})
    for _ in range(10):
        clock.advance(0.1)
        await other.tick()
    assert other.session.sim.now_ms - start_ms == 1_000, "the other sandbox kept its pace"
    applied = [e for m in await settle(other_watcher, other_received)
               for e in m.get("events", []) if e["kind"] == "command_applied"]
    assert [e["command"]["key"] for e in applied] == ["next"]
    assert [e["command"]["key"] for e in await stored(other)] == ["next"]
    await heavy.stop()
    await other.stop()


async def test_a_quiet_simulation_ticks_less_often_until_something_happens(clock):
    """Nothing but routine chatter for QUIET_AFTER ticks: tick every QUIET_FRAME_MS
    (the chatter waits for its frame anyway); a request brings back FRAME_MS at
    once, and any speed but 1x never goes quiet."""
    live, received, watcher = await make_live(clock)
    for _ in range(60):  # the cluster settles: groups join, fetches start
        clock.advance(0.1)
        await live.tick()
    assert live.frame_s() == live_module.QUIET_FRAME_MS / 1000
    await live.handle("command", {"command": {"type": "produce", "producer": "A",
                                              "topic": "orders", "key": "k", "value": "v"}})
    assert live.frame_s() == live_module.FRAME_MS / 1000
    clock.advance(0.033)
    await live.tick()  # the record travels: not routine
    assert live.frame_s() == live_module.FRAME_MS / 1000
    for _ in range(60):
        clock.advance(0.1)
        await live.tick()
    assert live.frame_s() == live_module.QUIET_FRAME_MS / 1000
    for speed in (2, 0.25):  # faster, a tick covers more; slower, a learner watches steps
        await live.handle("speed", {"type": "speed", "speed": speed})
        for _ in range(10):
            clock.advance(0.1)
            await live.tick()
        assert live.frame_s() == live_module.FRAME_MS / 1000, speed
    await live.stop()
