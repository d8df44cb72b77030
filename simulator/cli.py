"""Command line: ``python -m simulator run|partition``.

* ``run SCENARIO_FILE [--seed N] [--until-ms T] [--jsonl]`` runs a scenario
  (its timeline included) and prints the events, one JSON object per line
  with --jsonl, else a short human line each.
* ``partition --partitions N KEY [KEY ...]`` prints ``KEY<TAB>PARTITION<TAB>MURMUR2``
  per key, as Kafka's default partitioner places it.

The benchmarks are not reached from here: the engine never imports
``benchmarks/`` (they read the wall clock, which the engine never does, and
sit above it). Their door is ``python -m benchmarks simulator``.
"""

from __future__ import annotations

import argparse
import json
import sys

from simulator.errors import SimulationError


def _run(args) -> int:
    from simulator.events import event_to_dict
    from simulator.scenarios import load_scenario
    from simulator.simulation import Simulation

    scenario = load_scenario(args.scenario)
    until = args.until_ms
    if until is None:
        until = max((e["at_ms"] for e in scenario.get("timeline", [])), default=0) + 1000
    sim = Simulation(scenario, seed=args.seed)
    events = list(sim.setup_events)
    events += sim.advance(until)
    out = sys.stdout
    for ev in events:
        data = event_to_dict(ev)
        if args.jsonl:
            out.write(json.dumps(data, separators=(",", ":"), sort_keys=False) + "\n")
        else:
            rest = {k: v for k, v in data.items() if k not in ("kind", "seq", "at_ms")}
            out.write(f"{data['at_ms']:>8} #{data['seq']:<6} {data['kind']:<28} "
                      f"{json.dumps(rest)[:160]}\n")
    return 0


def _partition(args) -> int:
    from simulator.partitioners import partition_for_key

    if not 1 <= args.partitions <= 100_000:
        raise SimulationError("bad_argument", "--partitions must be between 1 and 100000")
    for key in args.keys:
        partition, h = partition_for_key(key, args.partitions)
        sys.stdout.write(f"{key}\t{partition}\t{h}\n")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m simulator",
                                     description="LearnKafka's deterministic Kafka simulator")
    sub = parser.add_subparsers(dest="cmd", required=True)
    run = sub.add_parser("run", help="run a scenario file and print its events")
    run.add_argument("scenario", help="a scenario file (YAML/JSON) or a named scenario")
    run.add_argument("--seed", type=int, default=0)
    run.add_argument("--until-ms", type=int, default=None,
                     help="simulated time to run to (default: 1 s after the last timeline entry)")
    run.add_argument("--jsonl", action="store_true", help="one JSON event per line")
    part = sub.add_parser("partition", help="which partition Kafka's partitioner picks per key")
    part.add_argument("--partitions", type=int, required=True)
    part.add_argument("keys", nargs="+", metavar="KEY")
    args = parser.parse_args(argv)
    try:
        return {"run": _run, "partition": _partition}[args.cmd](args)
    except SimulationError as exc:
        sys.stderr.write(f"error: {exc.code}: {exc.message}\n")
        return 2
    except BrokenPipeError:  # e.g. piped into `head`
        return 0
