"""Memory benchmark: the process's RSS with N live sandboxes at their caps.

    .venv/bin/python -m benchmarks memory        (`make bench` runs every bench_*.py)

Baseline, same run, same process: the RSS with N idle default sandboxes (the
playground scenario at time 0, as a first visit makes them). Then every one of
those sandboxes is filled to its caps the way the web lets a learner fill it:
the largest produce commands the socket accepts (the live layer's web caps, then the
history quota of learnkafka/sandbox/quotas.py), as many records as the quota
allows and as many bytes, each record distinct, one command every 100 ms of
simulated time, until the quota refuses; then simulated time runs on to
SIM_MINUTES, with the live layer's checkpoint interval and cap, so rewind checkpoints
hold those records too. RSS is read from /proc/self/statm after a collection.

Then simulated time runs on the way the live layer runs it: in ticks, each
covering at most what one live tick can (session.MAX_TICK_S of wall time at the
top speed, 8 s of simulated time), with the tick's events taken and dropped as
a live tick hands them to the hub. RSS is printed at each of SIM_MINUTES
(checkpoint interval and cap as the live layer's), so a growth with
simulated time shows as a rising row.

Target: N = 100 (node.MAX_LIVE, the process cap) at their caps under 1 GiB, at
every simulated age measured.

What grew before (tracemalloc, issue 8): not the sandboxes. The benchmark ran
the remaining simulated time as ONE `advance` (60 simulated minutes: ~330,000
events, 45 MiB for 20 minutes), a list no live sandbox ever builds, and its peak
stayed in the process's RSS. A live tick's events are a few hundred at most.
Stepping as the live layer does, a sandbox at its caps costs ~5 MiB at 10 and
at 60 simulated minutes alike (the world ~1.3 MB pickled, 8 checkpoints that
share its records).
Environment: BENCH_MEMORY_SANDBOXES (default 100), BENCH_MEMORY_SIM_MINUTES
(default "10,60": the ages at which RSS is printed).
"""
from __future__ import annotations

import gc
import os
import sys
import time

TARGET_BYTES = 1024**3
VALUE_CHARS = 390       # 100 of these per produce: 5,000 records fill both quotas at once
COMMAND_GAP_MS = 100
TICK_MS = 8_000         # the most one live tick simulates: MAX_TICK_S (1 s) at 8x


def run_like_live(sim, until_ms: int) -> None:
    """Run `sim` to `until_ms` in live-sized ticks, dropping each tick's events
    as the live layer does once it has framed them (live.py, session.tick)."""
    while sim.now_ms < until_ms:
        sim.advance(min(TICK_MS, until_ms - sim.now_ms))


def rss_bytes() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def _setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "learnkafka.settings")
    import django

    django.setup()


def fill_to_caps(sim, index: int) -> tuple[int, str]:
    """Produce through the web's checks until the history quota refuses; returns
    (commands accepted, the refusal the learner would read)."""
    from learnkafka.sandbox.policy import MAX_PRODUCE_COUNT, Refused, check_web_caps
    from learnkafka.sandbox.quotas import HistoryMeter
    from simulator.commands import command_from_dict

    meter = HistoryMeter()
    accepted = 0
    while True:
        wire = {"type": "produce", "producer": "AB"[accepted % 2], "topic": "orders",
                "key": f"s{index}-c{accepted}",
                "value": f"{index}:{accepted}:".ljust(VALUE_CHARS, "v"),
                "count": MAX_PRODUCE_COUNT}
        try:
            check_web_caps(wire, sim.command_log)
        except Refused as err:
            return accepted, err.message
        command = command_from_dict(wire)
        refusal = meter.refusal(command, sim.history)
        if refusal:
            return accepted, refusal
        sim.advance(COMMAND_GAP_MS)
        sim.apply(command)
        sim.world.take_events()
        accepted += 1


def main() -> int:
    _setup_django()
    from learnkafka.sandbox.consumers import DEFAULT_SCENARIO
    from learnkafka.sandbox.node import MAX_LIVE
    from learnkafka.sandbox.quotas import MAX_HISTORY_BYTES, MAX_HISTORY_RECORDS
    from learnkafka.sandbox.session import build_simulation

    count = int(os.environ.get("BENCH_MEMORY_SANDBOXES", MAX_LIVE))
    ages = sorted(int(m) for m in os.environ.get("BENCH_MEMORY_SIM_MINUTES", "10,60").split(","))
    print(f"memory benchmark: {count} live sandboxes ({DEFAULT_SCENARIO}), caps "
          f"{MAX_HISTORY_RECORDS:,} records / {MAX_HISTORY_BYTES / 2**20:.0f} MiB of history "
          f"each, RSS at {', '.join(map(str, ages))} simulated minutes; time runs in "
          f"live-sized ticks of at most {TICK_MS:,} ms")
    gc.collect()
    empty = rss_bytes()
    sims = [build_simulation(DEFAULT_SCENARIO, seed, [], (0, None)) for seed in range(count)]
    gc.collect()
    idle = rss_bytes()
    print(f"  process before any sandbox:        {empty / 2**20:8.1f} MiB")
    print(f"  baseline, {count} idle sandboxes:   {idle / 2**20:8.1f} MiB")
    started = time.monotonic()
    refusal = ""
    records = 0
    for index, sim in enumerate(sims):
        accepted, refusal = fill_to_caps(sim, index)
        records += sum(c.count for _, c in sim.command_log)
        print(f"\r  filling: {index + 1}/{count}", end="", file=sys.stderr, flush=True)
    print(file=sys.stderr)
    print(f"  filled to the caps ({records / count:,.0f} records each) in "
          f"{time.monotonic() - started:.0f} s; the learner at the cap reads: {refusal}")
    met = True
    for minutes in ages:
        for index, sim in enumerate(sims):
            run_like_live(sim, minutes * 60_000)
            print(f"\r  {minutes} simulated minutes: {index + 1}/{count}", end="",
                  file=sys.stderr, flush=True)
        print(file=sys.stderr)
        gc.collect()
        full = rss_bytes()
        per = (full - idle) / max(count, 1)
        ok = full < TARGET_BYTES
        met = met and ok
        print(f"  {count} at caps, {minutes:>3} sim-minutes:  {full / 2**20:8.1f} MiB  "
              f"ratio to idle {full / idle:5.2f}  {per / 2**20:6.2f} MiB/sandbox above idle  "
              f"({full / TARGET_BYTES:.0%} of 1 GiB, {time.monotonic() - started:.0f} s)",
              flush=True)
    print(f"  target: {count} at caps under 1 GiB at every age: {'met' if met else 'NOT met'}")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
