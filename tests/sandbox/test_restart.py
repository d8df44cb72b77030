"""Restarts while playing (issue 8 §3): under SIGTERM and under SIGKILL, nothing
acknowledged is lost and the clock is kept. A real Daphne on real PostgreSQL
and Redis, stopped the way an operator or the kernel stops it."""
import asyncio
import json
import signal

import pytest

from learnkafka.sandbox.live import SAVE_CLOCK_EVERY_S
from learnkafka.sandbox.recorder import CLOCK_DELAY_S
from learnkafka.sandbox.session import build_simulation
from tests.sandbox.test_multiprocess import acknowledged, applied_key, history, produce
from tests.sandbox.wsclient import Socket, visit

pytestmark = [pytest.mark.asyncio]

# What SIGKILL may cost the clock at most: it is saved this often, and the
# save then waits at most CLOCK_DELAY_S for the journal's next round.
SAVE_EVERY_S = SAVE_CLOCK_EVERY_S + CLOCK_DELAY_S


def stored(cluster, public_id: str):
    """(scenario, seed, (now_ms, fired), history entries) as the database holds them."""
    ((scenario, seed, now_ms, fired),) = cluster.sql(
        "select scenario, seed, now_ms, fired from sandbox_sandbox where public_id = %s",
        public_id)
    rows = cluster.sql(
        "select c.at_ms, c.fired, c.command from sandbox_sandboxcommand c join "
        "sandbox_sandbox s on s.id = c.sandbox_id where s.public_id = %s order by c.position",
        public_id)
    entries = [{"at_ms": at, "command": cmd, **({} if f is None else {"fired": f})}
               for at, f, cmd in rows]
    return scenario, seed, (now_ms, fired), entries


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGKILL], ids=["SIGTERM", "SIGKILL"])
async def test_a_playing_sandbox_survives_a_restart_with_its_commands_and_clock(
        daphne_cluster, sig):
    cluster = daphne_cluster(1)
    (server,) = cluster.servers
    cookie, public_id = await asyncio.to_thread(visit, server.url)
    tab = await Socket(server.ws, public_id, cookie).open()
    first = await tab.wait_for(lambda m: m["type"] == "snapshot")
    assert first["playing"]
    for i in range(5):
        await tab.send(produce(f"kept{i}"))
        await tab.wait_for(lambda m, i=i: applied_key(m) == f"kept{i}")
        await asyncio.sleep(0.3)
    await asyncio.sleep(2.2)
    acked = acknowledged(tab)
    last_seen_ms = max(m["now_ms"] for m in tab.messages if "now_ms" in m)
    acked_at = [m["now_ms"] for m in tab.messages if applied_key(m)]

    server.kill(sig)
    if sig == signal.SIGTERM:
        assert "stored the clocks of every live simulation" in server.log()
    scenario, seed, position, entries = stored(cluster, public_id)  # what the restart finds
    server.start()

    again = await Socket(server.ws, public_id, cookie).open()
    snapshot = await again.wait_for(lambda m: m["type"] == "snapshot", timeout=30)
    assert [k for _, k in history(cluster, public_id)] == acked == [f"kept{i}" for i in range(5)]
    assert snapshot["now_ms"] >= acked_at[-1], "the clock never goes back past a command"
    if sig == signal.SIGTERM:
        assert snapshot["now_ms"] >= last_seen_ms, "SIGTERM stores the clock as it was"
    else:
        assert snapshot["now_ms"] >= last_seen_ms - SAVE_EVERY_S * 1000 - 100
    assert snapshot["playing"], "it goes on playing"
    state = json.dumps(snapshot["state"])
    assert all(f'"kept{i}"' in state for i in range(5)), "every acknowledged record is there"
    # Exact replay: the sandbox the learner gets back is, byte for byte, the stored
    # history replayed to the stored clock (and the live run equals that replay:
    # tests/sandbox/test_rebuild_property.py).
    assert snapshot["now_ms"] == position[0]
    replayed = build_simulation(scenario, seed, entries, position)
    assert json.dumps(snapshot["state"], sort_keys=True) == json.dumps(
        json.loads(json.dumps(replayed.snapshot())), sort_keys=True)
    await again.close()
