"""Mystery levels of the debugging lesson: a ticket, a hidden cause, a goal the simulator checks.

A level is a support ticket ("payment-service stopped consuming orders at
14:02") and several causes that all fit it. `stage(level_id, seed)` draws one
cause, and its parameters, from ``random.Random`` seeded with the level and the
seed, and builds the scenario: the same (level, seed) always stages the same
cluster, so a share link reproduces a level exactly. The scenario's name is
``level-<level id>-<seed>`` and says nothing about the cause.

The learner investigates (CLI, logs, diagram) and fixes the cluster with real
actions. `check_goal(sim)` then decides, with the simulator, whether it is
fixed: it replays the learner's simulation from its scenario, seed and history
(collecting every event since time 0), lets it run `drain_ms` more and then
`stable_ms` more, and asks:

- every order that was on the broker when the ticket was filed, and every one
  written since (up to the stable window), was returned by poll() to a member
  of the group: an offset reset to latest or records deleted by retention do
  not count as read;
- the group committed up to there;
- the group was Stable through the whole stable window: no rebalance, no
  member removed, no poll timeout, no consumer error;
- (some levels) every member of the group has partitions.

A wrong fix fails one of these. The cause's id (`Cause.id`) and explanation are
the engine's; `public_level` is what a page may show, and it leaves them out.

Python API (also for other apps, e.g. interview rounds):

    staged = levels.stage("stopped-at-1402", seed)   # Staged: .scenario, .ticket ...
    sim = Simulation(staged.scenario, seed)
    sim.advance(staged.ticket_ms)
    ... apply the learner's commands ...
    result = levels.check_goal(sim)                    # GoalResult: .passed, .checks

No Django here, no I/O: pure functions over the simulator.
"""

from __future__ import annotations

import copy
import random
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from simulator import Simulation
from simulator.tools.debugging import CLUSTER

GROUP = "payment-service"
TOPIC = "orders"
PRINCIPAL = "User:payments"
BOOTSTRAP = "broker-1:9092"
CLI_BOOT = f"--bootstrap-server {BOOTSTRAP}"
SCENARIO_PREFIX = "level-"
MAX_SEED = 2**31 - 1
# The check runs the simulation this much further in chunks (events folded as they come).
_CHUNK_MS = 10_000


# ---- data -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Action:
    """One fix step: a simulator command applied `after_ms` after the previous step,
    and `how` a learner does it (a CLI line to type, or an application-panel action)."""

    command: dict
    how: str
    after_ms: int = 0


@dataclass(frozen=True)
class Staged:
    """A level staged for one seed. `cause_id` and `explanation` stay on the server."""

    level_id: str
    seed: int
    scenario: dict
    ticket_ms: int
    cause_id: str
    explanation: str
    solution: tuple[Action, ...]
    wrong_fixes: tuple[tuple[str, tuple[Action, ...]], ...]
    hint: str

    @property
    def scenario_name(self) -> str:
        return scenario_name(self.level_id, self.seed)

    @property
    def par(self) -> int:
        """Cluster-changing actions the model solution needs."""
        return len(self.solution)


@dataclass(frozen=True)
class Cause:
    """One way the ticket's symptom can arise. `make(rng)` returns its staging."""

    id: str
    make: Callable[[random.Random], dict]


@dataclass(frozen=True)
class Level:
    id: str
    title: str
    ticket: str
    goal: str
    causes: tuple[Cause, ...]
    hints: tuple[str, ...]
    stable_ms: int = 30_000
    every_member_assigned: bool = False
    min_members: int = 0
    # The check waits at most this long for the group to catch up before the window.
    max_drain_ms: int = 240_000


@dataclass(frozen=True)
class GoalCheck:
    name: str
    passed: bool
    detail: str


@dataclass(frozen=True)
class GoalResult:
    level_id: str
    seed: int
    passed: bool
    checks: tuple[GoalCheck, ...]
    checked_until_ms: int
    applied_commands: int = 0

    def to_dict(self) -> dict:
        return {
            "level": self.level_id,
            "seed": self.seed,
            "passed": self.passed,
            "checked_until_ms": self.checked_until_ms,
            "checks": [{"name": c.name, "passed": c.passed, "detail": c.detail}
                       for c in self.checks],
        }


# ---- staging helpers ------------------------------------------------------------------


def _produce(at_ms: int, count: int, producer: str = "shop", partition: int | None = None,
             value: str = "order") -> dict:
    command = {"type": "produce", "producer": producer, "topic": TOPIC, "value": value,
               "count": count}
    if partition is not None:
        command["partition"] = partition
    return {"at_ms": at_ms, "command": command}


def _spread(at_ms: int, per_partition: int) -> list:
    """`per_partition` orders on each of the three partitions at `at_ms`."""
    return [_produce(at_ms, per_partition, partition=p) for p in range(3)]


def _stream(start_ms: int, end_ms: int, every_ms: int, per_partition: int) -> list:
    out = []
    for at in range(start_ms, end_ms, every_ms):
        out += _spread(at, per_partition)
    return out


def _consumer_names(n: int) -> list[str]:
    return [f"payment-{i}" for i in range(1, n + 1)]


def _group(n: int = 1, topics=(TOPIC,), group: str = GROUP, **configs) -> dict:
    return {"group": group, "topics": list(topics), "configs": configs,
            "consumers": [{"name": c, "principal": PRINCIPAL} for c in _consumer_names(n)]}


def _add_consumer(at_ms: int, name: str, group: str = GROUP, topics=(TOPIC,), **configs) -> dict:
    return {"at_ms": at_ms, "command": {"type": "add_consumer", "consumer": name, "group": group,
                                        "topics": list(topics), "principal": PRINCIPAL,
                                        "configs": configs}}


def _allow(principal: str = PRINCIPAL) -> dict:
    return {"resource_type": "TOPIC", "name": TOPIC, "principal": principal, "operation": "READ"}


def _scenario(level: Level, seed: int, *, groups=(), timeline=(), producers=None, acls=None,
              topic_configs=None, cluster=None) -> dict:
    topic = {"name": TOPIC, "partitions": 3, "replication_factor": 3,
             "replica_assignment": [[1, 2, 3], [2, 3, 1], [3, 1, 2]]}
    if topic_configs:
        topic["configs"] = topic_configs
    return {
        "name": scenario_name(level.id, seed),
        # The ticket, nothing more: the description is shown with the sandbox.
        "description": level.title,
        "cluster": cluster or CLUSTER,
        "topics": [topic],
        "producers": producers or [{"name": "shop", "configs": {}}],
        "consumer_groups": list(groups),
        "timeline": sorted(timeline, key=lambda e: e["at_ms"]),
        "acls": acls if acls is not None else [_allow()],
    }


# Fix steps, each with how a learner does it.
def _stop(name: str) -> Action:
    return Action({"type": "stop_consumer", "consumer": name}, f"app: stop {name}")


def _start(name: str) -> Action:
    return Action({"type": "restart_consumer", "consumer": name}, f"app: start {name}")


def _config(name: str, key: str, value) -> Action:
    shown = str(value).lower() if isinstance(value, bool) else value
    return Action({"type": "set_consumer_config", "consumer": name, "configs": {key: value}},
                  f"app: set {key}={shown} on {name}")


def _reset(to: str, group: str = GROUP) -> Action:
    return Action({"type": "reset_offsets", "group": group, "topic": TOPIC, "to": to},
                  f"kafka-consumer-groups {CLI_BOOT} --group {group} --reset-offsets "
                  f"--to-{to} --topic {TOPIC} --execute", after_ms=1_000)


def _add_acl(principal: str) -> Action:
    return Action({"type": "add_acl", "resource_type": "TOPIC", "name": TOPIC,
                   "principal": principal, "operation": "READ"},
                  f"kafka-acls {CLI_BOOT} --add --allow-principal {principal} "
                  f"--operation Read --topic {TOPIC}")


def _scale_to(current: int, target: int, **configs) -> list[Action]:
    out = []
    for name in _consumer_names(target)[current:]:
        out.append(Action({"type": "add_consumer", "consumer": name, "group": GROUP,
                           "topics": [TOPIC], "principal": PRINCIPAL, "configs": configs},
                          f"app: add instance {name}"))
    return out


def _subscribe(name: str, topic: str = TOPIC) -> Action:
    return Action({"type": "subscribe", "consumer": name, "topics": [topic]},
                  f"app: set topic={topic} on {name}")


def _stop_all_reset_start(names: list[str], to: str, group: str = GROUP) -> list[Action]:
    return [_stop(n) for n in names] + [_reset(to, group)] + [_start(n) for n in names]


# ---- the causes: each returns {scenario parts, ticket_ms, solution, wrong, hint, why} ------


def _latest_new_group(rng: random.Random) -> dict:
    backlog = rng.randint(8, 20)
    return {
        "timeline": _spread(1_000, backlog) + [_add_consumer(4_000, "payment-1")],
        "ticket_ms": 15_000,
        "solution": _stop_all_reset_start(["payment-1"], "earliest"),
        "wrong": [
            ("set auto.offset.reset=earliest and restart",
             [_config("payment-1", "auto.offset.reset", "earliest"), _stop("payment-1"),
              _start("payment-1")]),
            ("reset to latest", _stop_all_reset_start(["payment-1"], "latest")),
        ],
        "hint": "Compare CURRENT-OFFSET with LOG-END-OFFSET, and look for 'Resetting offset' "
                "in the consumer log: where did this brand-new group start?",
        "why": f"A new group with the default auto.offset.reset=latest started at the end of "
               f"the log, after the {3 * backlog} orders: it had nothing to read, and it "
               f"committed those end offsets, so setting earliest now changes nothing "
               f"(auto.offset.reset applies only without a committed offset). Stop the "
               f"group, reset its offsets to the earliest, start it.",
    }


def _wrong_group_id(rng: random.Random) -> dict:
    wrong = rng.choice(["payment-service-v2", "payments", "payment_service"])
    first, later = rng.randint(4, 8), rng.randint(6, 12)
    return {
        "groups": [],
        "timeline": _spread(500, first)
        + [{"at_ms": 1_000, "command": {"type": "add_consumer", "consumer": "payment-0",
                                        "group": GROUP, "topics": [TOPIC],
                                        "principal": PRINCIPAL,
                                        "configs": {"auto.offset.reset": "earliest"}}},
           {"at_ms": 8_000, "command": {"type": "remove_consumer", "consumer": "payment-0"}},
           _add_consumer(9_000, "payment-1", group=wrong)]
        + _spread(10_000, later),
        "ticket_ms": 18_000,
        "solution": [
            Action({"type": "remove_consumer", "consumer": "payment-1"},
                   "app: stop payment-1 for good"),
            Action({"type": "add_consumer", "consumer": "payment-1", "group": GROUP,
                    "topics": [TOPIC], "principal": PRINCIPAL, "configs": {}},
                   f"app: deploy payment-1 with group.id={GROUP}"),
        ],
        "wrong": [
            (f"reset {wrong} to earliest", _stop_all_reset_start(["payment-1"], "earliest",
                                                                group=wrong)),
            ("restart payment-1", [_stop("payment-1"), _start("payment-1")]),
        ],
        "hint": "kafka-consumer-groups --list: which groups exist, and which one has members?",
        "why": f"The new deploy runs with group.id={wrong}. That is a different group with "
               f"its own offsets (it started at the end, auto.offset.reset=latest), while "
               f"{GROUP} still has the committed position from before the deploy and no "
               f"members. Deploy with group.id={GROUP} and it resumes from its commits.",
    }


def _crashed(rng: random.Random) -> dict:
    first, later = rng.randint(5, 10), rng.randint(5, 12)
    return {
        "groups": [_group(1, **{"auto.offset.reset": "earliest"})],
        "timeline": _spread(1_000, first)
        + [{"at_ms": 3_000, "command": {"type": "crash_consumer", "consumer": "payment-1"}}]
        + _spread(8_000, later) + _spread(30_000, later),
        # After session.timeout.ms (45 s) the group is empty: the ticket comes then.
        "ticket_ms": 52_000,
        "solution": [_start("payment-1")],
        "wrong": [
            ("reset to latest and start", [_reset("latest"), _start("payment-1")]),
            ("raise max.poll.interval.ms", [_config("payment-1", "max.poll.interval.ms",
                                                    900_000)]),
        ],
        "hint": "kafka-consumer-groups --describe --group payment-service --members: is "
                "anyone in the group?",
        "why": "The only instance crashed (no LeaveGroup); after session.timeout.ms the "
               "group was empty and nobody read. Start it again: it resumes from the "
               "group's committed offsets.",
    }


def _rebalance_loop(rng: random.Random) -> dict:
    records = rng.choice([20, 24, 30])
    per_record = 1_000
    interval = records * per_record // 2
    per_partition = records * 2
    fix_key = rng.choice(["records", "interval"])
    if fix_key == "records":
        fix = _config("payment-1", "max.poll.records", 5)
    else:
        fix = _config("payment-1", "max.poll.interval.ms", records * per_record * 3)
    return {
        "groups": [_group(1, **{"auto.offset.reset": "earliest", "max.poll.records": records,
                                "processing.ms.per.record": per_record,
                                "max.poll.interval.ms": interval})],
        "timeline": _spread(1_000, per_partition),
        "ticket_ms": interval + 20_000,
        "solution": [fix],
        "wrong": [
            ("restart payment-1", [_stop("payment-1"), _start("payment-1")]),
            ("add two instances", _scale_to(1, 3, **{
                "auto.offset.reset": "earliest", "max.poll.records": records,
                "processing.ms.per.record": per_record, "max.poll.interval.ms": interval})),
        ],
        "hint": "Search the consumer log for 'poll timeout has expired' and the broker log "
                "for 'has failed, removing it from the group'.",
        "why": f"Each poll returns up to {records} records at {per_record} ms each: "
               f"{records * per_record // 1000} s between polls, longer than "
               f"max.poll.interval.ms ({interval // 1000} s). The consumer is removed, "
               f"rejoins, gets the same records again and never commits. Lower "
               f"max.poll.records or raise max.poll.interval.ms.",
    }


def _slow_processing(rng: random.Random) -> dict:
    # One instance handles 2.5 orders a second (400 ms each); each partition gets 1.8 a
    # second: one or two instances fall behind, three (one per partition) keep up.
    per_record, per_5s = 400, 9
    running = rng.choice([1, 2])
    configs = {"auto.offset.reset": "earliest", "processing.ms.per.record": per_record}
    return {
        "groups": [_group(running, **configs)],
        "timeline": _stream(1_000, 1_800_000, 5_000, per_5s),
        "ticket_ms": 30_000,
        "solution": _scale_to(running, 3, **configs),
        "wrong": [
            ("lower max.poll.records", [_config("payment-1", "max.poll.records", 20)]),
            ("reset to latest", _stop_all_reset_start(_consumer_names(running), "latest")),
        ],
        "hint": "Run --describe twice a few seconds apart: is the LAG growing while the "
                "members are there and busy?",
        "why": f"At {per_record} ms a record one instance handles {1000 / per_record:g} "
               f"orders a second; {3 * per_5s / 5:g} arrive, {per_5s / 5:g} per partition. "
               f"{running} instance(s) are busy all the time and still fall behind. Scale "
               f"out to one instance per partition (3).",
    }


def _deserializer(rng: random.Random) -> dict:
    # StringDeserializer reads any bytes without an error, so it is never the mismatch.
    written, expected = rng.choice([("avro", "json"), ("protobuf", "json"), ("json", "avro"),
                                    ("avro", "protobuf")])
    backlog = rng.randint(5, 12)
    return {
        "groups": [_group(1, **{"auto.offset.reset": "earliest", "value.deserializer": expected})],
        "producers": [{"name": "shop", "configs": {"value.format": written}}],
        "timeline": _spread(2_000, backlog),
        "ticket_ms": 12_000,
        "solution": [_config("payment-1", "value.deserializer", written)],
        "wrong": [
            ("restart payment-1", [_stop("payment-1"), _start("payment-1")]),
            ("reset to latest", _stop_all_reset_start(["payment-1"], "latest")),
        ],
        "hint": "What exception does the consumer log show, and at which offset?",
        "why": f"The shop writes {written}; payment-service deserializes {expected}. poll() "
               f"throws RecordDeserializationException at the first record and the "
               f"consumer makes no progress. Align the deserializer with the producer "
               f"(with a Schema Registry).",
    }


def _acl(rng: random.Random) -> dict:
    allowed = rng.choice(["User:analytics", "User:payment", "User:payments-v1"])
    backlog = rng.randint(5, 12)
    return {
        "groups": [_group(1, **{"auto.offset.reset": "earliest"})],
        "acls": [_allow(allowed)],
        "timeline": _spread(2_000, backlog),
        "ticket_ms": 12_000,
        "solution": [_add_acl(PRINCIPAL)],
        "wrong": [
            ("restart payment-1", [_stop("payment-1"), _start("payment-1")]),
            (f"grant {allowed} again", [_add_acl(allowed)]),
        ],
        "hint": "Check the broker log for the authorizer's lines, and kafka-acls --list "
                "--topic orders.",
        "why": f"The topic's ACLs allow only {allowed}; payment-service authenticates as "
               f"{PRINCIPAL}, so every fetch fails with TopicAuthorizationException. "
               f"Grant READ on the topic to {PRINCIPAL}.",
    }


def _wrong_topic(rng: random.Random) -> dict:
    typo = rng.choice(["ordrs", "order", "orders-v2", "Orders"])
    backlog = rng.randint(5, 12)
    return {
        "groups": [_group(1, topics=(typo,), **{"auto.offset.reset": "earliest"})],
        "timeline": _spread(2_000, backlog),
        "ticket_ms": 12_000,
        "solution": [_subscribe("payment-1")],
        "wrong": [
            (f"create topic {typo}", [Action({"type": "create_topic", "topic": typo,
                                              "partitions": 3, "replication_factor": 3},
                                             f"kafka-topics {CLI_BOOT} --create --topic "
                                             f"{typo} --partitions 3")]),
            ("restart payment-1", [_stop("payment-1"), _start("payment-1")]),
        ],
        "hint": "kafka-topics --list, then compare with what the consumer subscribed to "
                "(its log says which partitions it was assigned).",
        "why": f"payment-service subscribes to \"{typo}\", which does not exist: it is "
               f"assigned nothing and never fetches \"{TOPIC}\". Subscribe to \"{TOPIC}\".",
    }


def _one_instance_wrong_topic(rng: random.Random) -> dict:
    typo = rng.choice(["ordrs", "order", "orders-v2"])
    backlog = rng.randint(5, 10)
    group = _group(3, **{"auto.offset.reset": "earliest"})
    # payment-3 was deployed with the misspelt topic; the other two read orders.
    timeline = _spread(2_000, backlog)
    return {
        "groups": [group],
        "timeline": [{"at_ms": 500, "command": {"type": "subscribe", "consumer": "payment-3",
                                                "topics": [typo]}}] + timeline,
        "ticket_ms": 12_000,
        "solution": [_subscribe("payment-3")],
        "wrong": [
            ("stop payment-3", [_stop("payment-3")]),
            ("restart payment-3", [_stop("payment-3"), _start("payment-3")]),
        ],
        "hint": "--describe --members --verbose: which partitions does each member hold, "
                "and what does the idle one subscribe to?",
        "why": f"payment-3 subscribes to \"{typo}\" (a typo in its deployment): the "
               f"assignor gives \"{TOPIC}\"'s partitions only to members subscribed to it, "
               f"so payment-3 sits idle. Fix its topic and each instance gets a partition.",
    }


def _too_many_consumers(rng: random.Random) -> dict:
    extra = rng.choice([1, 2])
    backlog = rng.randint(4, 8)
    total = 3 + extra
    return {
        "groups": [_group(total, **{"auto.offset.reset": "earliest"})],
        "timeline": _spread(2_000, backlog),
        "ticket_ms": 12_000,
        "solution": [Action({"type": "remove_consumer", "consumer": name},
                            f"app: remove instance {name}")
                     for name in _consumer_names(total)[3:]],
        "wrong": [
            ("restart the idle instances",
             [a for name in _consumer_names(total)[3:] for a in (_stop(name), _start(name))]),
            ("reset offsets to earliest", [_stop(n) for n in _consumer_names(total)]
             + [_reset("earliest")] + [_start(n) for n in _consumer_names(total)]),
        ],
        "hint": "Count the members and the partitions (kafka-topics --describe).",
        "why": f"{total} instances for 3 partitions: a partition belongs to one member of a "
               f"group, so {extra} instance(s) sit idle. Scale down to 3 (or add partitions).",
    }


def _retention_reset(rng: random.Random) -> dict:
    # auto.offset.reset=none is left out: the simulated consumer retries the failing
    # poll() in a tight loop (hundreds of OffsetOutOfRangeException events a second).
    reset = "latest"
    per_batch = rng.randint(3, 6)
    timeline = _spread(1_000, per_batch)
    timeline.append({"at_ms": 3_000, "command": {"type": "crash_consumer",
                                                 "consumer": "payment-1"}})
    timeline += _stream(5_000, 45_000, 5_000, per_batch)
    # During the outage someone cut retention to free disk, then put it back.
    timeline.append({"at_ms": 30_000, "command": {"type": "alter_topic_config", "topic": TOPIC,
                                                  "configs": {"retention.ms": 604_800_000,
                                                              "segment.ms": 604_800_000}}})
    timeline.append({"at_ms": 46_000, "command": {"type": "set_consumer_config",
                                                  "consumer": "payment-1",
                                                  "configs": {"auto.offset.reset": reset}}})
    timeline.append({"at_ms": 47_000, "command": {"type": "restart_consumer",
                                                  "consumer": "payment-1"}})
    solution = _stop_all_reset_start(["payment-1"], "earliest")
    wrong = [("set auto.offset.reset=earliest",
              [_config("payment-1", "auto.offset.reset", "earliest")]),
             ("restart payment-1", [_stop("payment-1"), _start("payment-1")])]
    return {
        "groups": [_group(1, **{"auto.offset.reset": "earliest"})],
        "topic_configs": {"retention.ms": 8_000, "segment.ms": 2_000},
        "cluster": {**CLUSTER, "configs": {"log.retention.check.interval.ms": 2_000}},
        "timeline": timeline,
        "ticket_ms": 60_000,
        "solution": solution,
        "wrong": wrong,
        "hint": "Compare the group's committed offsets with kafka-get-offsets --time -2 "
                "(the log start): is the committed position still in the log?",
        "why": f"While payment-service was down, retention.ms was cut to 8 s and the "
               f"segments holding its committed position were deleted (those orders are "
               f"gone). On restart the fetch was out of range and auto.offset.reset={reset} "
               f"jumped to the end, past the orders still on the broker. Setting earliest "
               f"now is too late (the group has committed the end): reset the group's "
               f"offsets to the earliest.",
    }


def _no_commits(rng: random.Random) -> dict:
    backlog = rng.randint(6, 12)
    return {
        "groups": [_group(1, **{"auto.offset.reset": "earliest", "enable.auto.commit": False})],
        "timeline": _spread(2_000, backlog) + _stream(20_000, 1_800_000, 10_000, 2),
        "ticket_ms": 15_000,
        "solution": [_config("payment-1", "enable.auto.commit", True)],
        "wrong": [
            ("restart payment-1", [_stop("payment-1"), _start("payment-1")]),
            ("reset to latest", _stop_all_reset_start(["payment-1"], "latest")),
        ],
        "hint": "The consumer's position moves (its log shows fetches) but CURRENT-OFFSET "
                "does not: who commits?",
        "why": "enable.auto.commit=false and the application never calls commitSync(): the "
               "consumer reads everything, but the group's committed offsets never move, so "
               "LAG never drops and a restart re-reads it all. Turn auto-commit on (or "
               "commit after processing).",
    }


def _wrong_bootstrap(rng: random.Random) -> dict:
    wrong = rng.choice(["kafka-prod:9092", "localhost:9093", "broker-9:9092"])
    backlog = rng.randint(5, 12)
    return {
        "groups": [_group(1, **{"auto.offset.reset": "earliest", "bootstrap.servers": wrong})],
        "timeline": _spread(2_000, backlog),
        "ticket_ms": 12_000,
        "solution": [_config("payment-1", "bootstrap.servers", BOOTSTRAP)],
        "wrong": [
            ("restart payment-1", [_stop("payment-1"), _start("payment-1")]),
            ("grant the ACL again", [_add_acl(PRINCIPAL)]),
        ],
        "hint": "Does the group exist on the cluster at all? Read the consumer's connection "
                "lines.",
        "why": f"bootstrap.servers is {wrong}, where no broker of this cluster listens: the "
               f"consumer never reaches a coordinator, so the group is not even on the "
               f"cluster. Point it at {BOOTSTRAP}.",
    }


CAUSES: dict[str, Cause] = {c.id: c for c in (
    Cause("auto-offset-reset-latest", _latest_new_group),
    Cause("wrong-group-id", _wrong_group_id),
    Cause("consumer-crashed", _crashed),
    Cause("rebalance-loop", _rebalance_loop),
    Cause("slow-processing", _slow_processing),
    Cause("deserializer-mismatch", _deserializer),
    Cause("acl-denied", _acl),
    Cause("wrong-topic", _wrong_topic),
    Cause("one-instance-wrong-topic", _one_instance_wrong_topic),
    Cause("too-many-consumers", _too_many_consumers),
    Cause("retention-deleted-position", _retention_reset),
    Cause("offsets-never-committed", _no_commits),
    Cause("wrong-bootstrap-servers", _wrong_bootstrap),
)}


def _causes(*ids: str) -> tuple[Cause, ...]:
    return tuple(CAUSES[i] for i in ids)


_GENERIC_HINTS = (
    "Start with the checklist: is anything being written? kafka-get-offsets shows each "
    "partition's end offset.",
    "kafka-consumer-groups --describe --group payment-service: compare CURRENT-OFFSET, "
    "LOG-END-OFFSET and LAG, and see who is a member.",
)
_GOAL = ("payment-service reads every order still on the broker (and the new ones), "
         "commits, and its group stays Stable for 30 s.")

LEVELS: tuple[Level, ...] = (
    Level("stopped-at-1402", "payment-service stopped consuming orders at 14:02",
          "Ticket #4117 — payment-service stopped consuming orders at 14:02. Orders are "
          "still coming in. Nothing was deployed today.", _GOAL,
          _causes("consumer-crashed", "deserializer-mismatch", "acl-denied"), _GENERIC_HINTS),
    Level("v2-sees-nothing", "payment-service v2 processes no orders",
          "Ticket #4121 — we deployed payment-service v2 this morning. The shop says it "
          "wrote orders, but v2 has not processed a single one.", _GOAL,
          _causes("auto-offset-reset-latest", "wrong-group-id", "wrong-topic"), _GENERIC_HINTS),
    Level("lag-keeps-growing", "LAG on payment-service keeps growing",
          "Ticket #4130 — the lag dashboard for payment-service only goes up. Customers "
          "wait minutes for their payment confirmation.", _GOAL,
          _causes("slow-processing", "rebalance-loop", "consumer-crashed"), _GENERIC_HINTS,
          max_drain_ms=600_000),
    Level("idle-instance", "One payment-service instance does nothing",
          "Ticket #4133 — we run several payment-service instances, but one of them has "
          "done no work since it started. Every instance must carry load.",
          "payment-service reads every order, commits, stays Stable for 30 s, and "
          "each partition's instance works: at least 3 members, none idle.",
          _causes("too-many-consumers", "one-instance-wrong-topic"), _GENERIC_HINTS,
          every_member_assigned=True, min_members=3),
    Level("starts-reads-nothing", "payment-service starts but reads nothing",
          "Ticket #4140 — payment-service starts fine and stays up, but reads nothing. "
          "The shop is definitely writing orders.", _GOAL,
          _causes("acl-denied", "wrong-bootstrap-servers", "wrong-group-id"), _GENERIC_HINTS),
    Level("after-the-outage", "Orders from the outage were never processed",
          "Ticket #4152 — payment-service was down during last night's maintenance. Since "
          "it came back, the orders written during the outage have not been processed.",
          "payment-service reads every order still on the broker (orders already deleted "
          "are lost), commits, and its group stays Stable for 30 s.",
          _causes("retention-deleted-position", "consumer-crashed", "auto-offset-reset-latest"),
          _GENERIC_HINTS),
    Level("same-orders-again", "payment-service logs show the same orders again and again",
          "Ticket #4160 — the payment-service logs show it handling the same orders over "
          "and over. Finance worries about double charges.", _GOAL,
          _causes("rebalance-loop", "offsets-never-committed"), _GENERIC_HINTS),
    Level("lag-never-drops", "payment-service is busy but LAG never drops",
          "Ticket #4166 — payment-service looks busy, CPU is up, but the LAG column never "
          "goes down.", _GOAL,
          _causes("offsets-never-committed", "rebalance-loop", "slow-processing"),
          _GENERIC_HINTS, max_drain_ms=600_000),
    Level("black-friday", "Black Friday: payment-service cannot keep up",
          "Ticket #4201 — Black Friday traffic. Orders pile up faster than payment-service "
          "handles them.", _GOAL,
          _causes("slow-processing", "rebalance-loop", "deserializer-mismatch"), _GENERIC_HINTS,
          max_drain_ms=600_000),
    Level("stuck-offset", "payment-service is stuck at the same offsets",
          "Ticket #4210 — CURRENT-OFFSET for payment-service has not moved for an hour, on "
          "every partition.", _GOAL,
          _causes("deserializer-mismatch", "acl-denied", "consumer-crashed"), _GENERIC_HINTS),
    Level("new-region", "payment-service in the new region processes nothing",
          "Ticket #4222 — we brought payment-service up against the new region's "
          "cluster. It runs, logs things, processes nothing.", _GOAL,
          _causes("wrong-bootstrap-servers", "wrong-topic", "acl-denied"), _GENERIC_HINTS),
    Level("quiet-after-cleanup", "payment-service went quiet after the config cleanup",
          "Ticket #4230 — after Friday's config cleanup payment-service went quiet. "
          "Nobody remembers exactly what was changed.", _GOAL,
          _causes("wrong-topic", "wrong-group-id", "offsets-never-committed",
                  "deserializer-mismatch"), _GENERIC_HINTS),
)
LEVELS_BY_ID = {lv.id: lv for lv in LEVELS}


# ---- public functions ---------------------------------------------------------------------


def level(level_id: str) -> Level:
    try:
        return LEVELS_BY_ID[level_id]
    except KeyError:
        raise KeyError(f"no level {level_id!r}") from None


def check_seed(seed) -> int:
    if isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed <= MAX_SEED:
        raise ValueError(f"a level seed is an integer from 0 to {MAX_SEED}")
    return seed


def scenario_name(level_id: str, seed: int) -> str:
    return f"{SCENARIO_PREFIX}{level_id}-{check_seed(seed)}"


_NAME = re.compile(r"^level-([a-z0-9-]+)-(\d{1,10})$")


def parse_scenario_name(name: str) -> tuple[str, int] | None:
    """(level id, seed) of a level's scenario name, or None if it is not one."""
    match = _NAME.match(name) if isinstance(name, str) else None
    if not match or match.group(1) not in LEVELS_BY_ID:
        return None
    seed = int(match.group(2))
    return (match.group(1), seed) if seed <= MAX_SEED else None


def draw_cause(level_id: str, seed: int) -> tuple[Cause, random.Random]:
    """The cause this seed draws, and the generator (already advanced) for its parameters."""
    lv = level(level_id)
    rng = random.Random(f"{lv.id}:{check_seed(seed)}")
    return rng.choice(lv.causes), rng


def stage(level_id: str, seed: int) -> Staged:
    """The level staged for `seed`: scenario, ticket time, hidden cause, solution."""
    lv = level(level_id)
    cause, rng = draw_cause(level_id, seed)
    parts = cause.make(rng)
    scenario = _scenario(
        lv, seed, groups=parts.get("groups", []), timeline=parts["timeline"],
        producers=parts.get("producers"), acls=parts.get("acls"),
        topic_configs=parts.get("topic_configs"), cluster=parts.get("cluster"),
    )
    return Staged(
        level_id=lv.id, seed=seed, scenario=scenario, ticket_ms=parts["ticket_ms"],
        cause_id=cause.id, explanation=parts["why"], solution=tuple(parts["solution"]),
        wrong_fixes=tuple((label, tuple(actions)) for label, actions in parts["wrong"]),
        hint=parts["hint"],
    )


def scenario_for_name(name: str) -> dict | None:
    """Scenario provider for simulator.scenarios: ``level-<id>-<seed>`` -> its scenario."""
    parsed = parse_scenario_name(name)
    return None if parsed is None else copy.deepcopy(stage(*parsed).scenario)


def hints(level_id: str, seed: int) -> tuple[str, ...]:
    """The level's hints in order: general ones first, the cause's own pointer last."""
    return level(level_id).hints + (stage(level_id, seed).hint,)


def public_level(level_id: str, seed: int) -> dict:
    """What a page may show before the level is solved: never the cause or the fix."""
    lv = level(level_id)
    staged = stage(level_id, seed)
    return {"id": lv.id, "title": lv.title, "ticket": lv.ticket, "goal": lv.goal,
            "seed": seed, "par": staged.par, "hint_count": len(lv.hints) + 1,
            "scenario": staged.scenario_name, "stable_s": lv.stable_ms // 1000}


def apply_actions(sim: Simulation, actions) -> list:
    """Apply fix steps in order (each `after_ms` after the previous); returns the events."""
    events = []
    for action in actions:
        if action.after_ms:
            events += sim.advance(action.after_ms)
        events += sim.apply(action.command)
    return events


# ---- the goal check -----------------------------------------------------------------------


def _log_bounds(world, topic: str, partition: int) -> tuple[int, int] | None:
    meta = world.topics.get(topic)
    if meta is None or partition >= len(meta.partitions):
        return None
    leader = meta.partitions[partition].leader
    broker = world.brokers.get(leader) if leader is not None else None
    replica = broker.leader_replica(topic, partition) if broker is not None else None
    return None if replica is None else (replica.log.start_offset, replica.hw)


def _bounds_all(world) -> dict[int, tuple[int, int] | None]:
    return {p: _log_bounds(world, TOPIC, p) for p in range(3)}


@dataclass
class _Tracker:
    """Folds the events of the replay: what the group read, and when it was unsettled."""

    polled: dict = field(default_factory=lambda: {p: set() for p in range(3)})
    unsettled: list = field(default_factory=list)  # (at_ms, what)

    def fold(self, events) -> None:
        for e in events:
            kind = e.kind
            if kind == "consumer_position_changed":
                if e.reason == "poll" and e.group == GROUP and e.topic == TOPIC and e.count:
                    start = e.previous_position
                    if start is None:
                        start = e.position - e.count
                    self.polled.setdefault(e.partition, set()).update(range(start, e.position))
            elif kind == "group_state_changed" and e.group == GROUP:
                self.unsettled.append((e.at_ms, f"group went {e.state}"))
            elif kind == "member_removed" and e.group == GROUP:
                self.unsettled.append((e.at_ms, f"{e.consumer} removed ({e.reason})"))
            elif kind == "poll_timeout_expired" and e.group == GROUP:
                self.unsettled.append((e.at_ms, f"{e.consumer}: poll timeout"))
            elif kind == "consumer_error" and e.group == GROUP:
                self.unsettled.append((e.at_ms, f"{e.consumer}: {e.error}"))


def _run_folding(sim: Simulation, until_ms: int, tracker: _Tracker,
                 until_fired: int | None = None) -> None:
    world = sim.world
    while world.now_ms < until_ms:
        world.run_until(min(world.now_ms + _CHUNK_MS, until_ms), None, None)
        tracker.fold(world.take_events())
    if until_fired is not None:
        world.run_until(until_ms, until_fired, None)
        tracker.fold(world.take_events())


def _caught_up(snap, previous_bounds) -> bool:
    """The group is Stable and has committed everything that was there a chunk ago."""
    group = next((g for g in snap.get("groups", []) if g["group_id"] == GROUP), None)
    if group is None or group["state"] != "Stable" or not group["members"]:
        return False
    for p, bounds in previous_bounds.items():
        committed = group["committed"].get(f"{TOPIC}-{p}")
        if bounds is None or committed is None or committed < bounds[1]:
            return False
    return True


def check_goal(sim: Simulation, level_id: str | None = None, seed: int | None = None
               ) -> GoalResult:
    """Is this level fixed? Replays `sim` (scenario, seed, history) from time 0 with every
    event, lets the group catch up (chunk by chunk, at most `max_drain_ms`), then runs the
    `stable_ms` window and checks (module docstring). `sim` itself is not changed. The
    level and seed come from the scenario's name unless given."""
    if level_id is None or seed is None:
        parsed = parse_scenario_name(sim.scenario.get("name", ""))
        if parsed is None:
            raise ValueError("this simulation is not a level's (its scenario is not level-*)")
        level_id, seed = parsed
    lv = level(level_id)
    staged = stage(level_id, seed)
    replay = Simulation(sim.scenario, sim.seed, checkpoint_interval_ms=None, budget=None)
    world = replay.world
    tracker = _Tracker()
    tracker.fold(replay.setup_events)
    at_ticket = None
    for entry in sim.history:
        if at_ticket is None and entry.at_ms > staged.ticket_ms:
            _run_folding(replay, staged.ticket_ms, tracker)
            at_ticket = _bounds_all(world)
        _run_folding(replay, entry.at_ms, tracker, entry.fired)
        tracker.fold(replay.apply(entry.command))
    start_ms = max(sim.now_ms, staged.ticket_ms, world.now_ms)
    if at_ticket is None:
        _run_folding(replay, staged.ticket_ms, tracker)
        at_ticket = _bounds_all(world)
    _run_folding(replay, start_ms, tracker)
    # Catch up: chunk by chunk until a quiet chunk ends with everything from the chunk
    # before committed (production may go on), or the drain time is over.
    at_window = _bounds_all(world)
    while world.now_ms < start_ms + lv.max_drain_ms:
        previous, disturbed = at_window, len(tracker.unsettled)
        _run_folding(replay, world.now_ms + _CHUNK_MS, tracker)
        at_window = _bounds_all(world)
        if len(tracker.unsettled) == disturbed and _caught_up(replay.snapshot(), previous):
            at_window = previous
            break
    window_ms = world.now_ms
    end_ms = window_ms + lv.stable_ms
    _run_folding(replay, end_ms, tracker)
    snap = replay.snapshot()
    group = next((g for g in snap.get("groups", []) if g["group_id"] == GROUP), None)
    checks = [_check_read(at_ticket, at_window, tracker),
              _check_committed(group, at_window),
              _check_stable(group, tracker, window_ms, lv.stable_ms)]
    if lv.every_member_assigned:
        checks.append(_check_every_member(group, lv.min_members))
    return GoalResult(level_id, seed, all(c.passed for c in checks), tuple(checks), end_ms,
                      applied_commands=len(sim.history))


def _check_read(at_ticket, at_window, tracker: _Tracker) -> GoalCheck:
    missing = 0
    gone = 0
    for p in range(3):
        if at_ticket[p] is None or at_window[p] is None:
            return GoalCheck("reads every order", False, f"{TOPIC}-{p} has no leader")
        required = range(at_ticket[p][0], at_window[p][1])
        lost = [o for o in required if o not in tracker.polled.get(p, ())]
        missing += len(lost)
        gone += sum(1 for o in lost if o < at_window[p][0])
    if not missing:
        return GoalCheck("reads every order", True,
                         "every order on the broker was returned by poll() to the group")
    detail = f"{missing} order(s) were never returned by poll() to {GROUP}"
    if gone:
        detail += f" ({gone} of them deleted by retention before anyone read them)"
    return GoalCheck("reads every order", False, detail)


def _check_committed(group, at_window) -> GoalCheck:
    if group is None:
        return GoalCheck("commits its progress", False, f"the cluster has no group {GROUP}")
    behind = []
    for p in range(3):
        committed = group["committed"].get(f"{TOPIC}-{p}")
        target = at_window[p][1] if at_window[p] else None
        if committed is None or target is None or committed < target:
            behind.append(f"{TOPIC}-{p}: committed {committed if committed is not None else '-'}"
                          f", needs {target}")
    if behind:
        return GoalCheck("commits its progress", False, "; ".join(behind))
    return GoalCheck("commits its progress", True, "committed offsets reached the log end")


def _check_stable(group, tracker: _Tracker, window_ms: int, stable_ms: int) -> GoalCheck:
    name = f"stays stable for {stable_ms // 1000} s"
    if group is None or group["state"] != "Stable" or not group["members"]:
        state = "absent" if group is None else f"{group['state']} with " \
                f"{len(group['members'])} member(s)"
        return GoalCheck(name, False, f"at the end the group is {state}")
    late = [what for at, what in tracker.unsettled if at > window_ms]
    if late:
        return GoalCheck(name, False, f"{len(late)} disturbance(s) in the window, first: "
                                      f"{late[0]}")
    return GoalCheck(name, True, "no rebalance, removal, poll timeout or error")


def _check_every_member(group, min_members: int) -> GoalCheck:
    name = "every instance has partitions"
    if group is None:
        return GoalCheck(name, False, f"the cluster has no group {GROUP}")
    if len(group["members"]) < min_members:
        return GoalCheck(name, False, f"{len(group['members'])} member(s); the ticket needs "
                                      f"at least {min_members}")
    idle = [m["client"] for m in group["members"] if not m["assignment"]]
    if idle:
        return GoalCheck(name, False, f"idle: {', '.join(sorted(idle))}")
    return GoalCheck(name, True, "every member has at least one partition")


def solved_by(level_id: str, seed: int, actions=None, *, wait_ms: int = 0) -> GoalResult:
    """Stage the level, run to the ticket (+ `wait_ms`), apply `actions` (the solution by
    default) and check the goal: what the tests and the interview rounds use."""
    staged = stage(level_id, seed)
    sim = Simulation(staged.scenario, seed)
    sim.advance(staged.ticket_ms + wait_ms)
    apply_actions(sim, staged.solution if actions is None else actions)
    return check_goal(sim)
