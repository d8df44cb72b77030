"""Invariants of a simulated cluster, checked from outside the model.

Checked: offsets gap-free and increasing, HW <= LEO of every ISR member, one
leader per partition and epoch, ISR members agree below the HW, no duplicate
(producer id, epoch, sequence) in a log. Tests call
`check_invariants(sim.world, memory)` after every step; it returns a list
of human-readable violations (empty when all hold). Nothing in the model calls
this module. Extensions can add checks with `invariant`.
"""

from __future__ import annotations

from collections.abc import Callable

INVARIANTS: list[Callable] = []


def invariant(fn: Callable) -> Callable:
    """Register ``fn(world, memory) -> list[str]`` as an extra invariant."""
    INVARIANTS.append(fn)
    return fn


def _offsets_gap_free(world, memory: dict) -> list[str]:
    out = []
    for broker in world.brokers.values():
        for (topic, partition), r in broker.replicas.items():
            log = r.log
            expected = log.start_offset
            for rec in log.records:
                if rec.offset != expected:
                    out.append(f"broker {broker.broker_id} {topic}-{partition}: offset "
                               f"{rec.offset} where {expected} was expected")
                    break
                expected += 1
            if r.hw > log.leo:
                out.append(f"broker {broker.broker_id} {topic}-{partition}: HW {r.hw} > "
                           f"LEO {log.leo}")
    return out


def _hw_below_isr_leos(world, memory: dict) -> list[str]:
    out = []
    for topic in world.topics.values():
        for pm in topic.partitions:
            if pm.leader is None:
                continue
            leader = world.brokers[pm.leader]
            r = leader.replicas.get((pm.topic, pm.partition))
            if r is None or r.role != "leader":
                continue
            for b in r.isr:
                follower = world.brokers[b].replicas.get((pm.topic, pm.partition))
                if follower is not None and follower.log.leo < r.hw:
                    out.append(f"{pm.topic}-{pm.partition}: HW {r.hw} above ISR member "
                               f"{b}'s LEO {follower.log.leo}")
    return out


def _one_leader_per_epoch(world, memory: dict) -> list[str]:
    out = []
    seen = memory.setdefault("leaders", {})
    for broker in world.brokers.values():
        if broker.crashed:
            continue
        for (topic, partition), r in broker.replicas.items():
            if r.role != "leader":
                continue
            key = f"{topic}-{partition}@{r.leader_epoch}"
            previous = seen.get(key)
            if previous is None:
                seen[key] = broker.broker_id
            elif previous != broker.broker_id:
                out.append(f"{topic}-{partition} epoch {r.leader_epoch} led by both "
                           f"{previous} and {broker.broker_id}")
    return out


def _committed_prefix_agrees(world, memory: dict) -> list[str]:
    """Below the leader's HW, every ISR member holds the same records."""
    out = []
    for topic in world.topics.values():
        for pm in topic.partitions:
            if pm.leader is None:
                continue
            lr = world.brokers[pm.leader].replicas.get((pm.topic, pm.partition))
            if lr is None or lr.role != "leader":
                continue
            for b in pm.isr:
                fr = world.brokers[b].replicas.get((pm.topic, pm.partition))
                if fr is None or fr is lr:
                    continue
                start = max(lr.log.start_offset, fr.log.start_offset)
                stop = min(lr.hw, fr.log.leo)
                for offset in range(start, stop):
                    if lr.log.record_at(offset) is not fr.log.record_at(offset):
                        out.append(f"{pm.topic}-{pm.partition} offset {offset} differs between "
                                   f"leader {pm.leader} and ISR member {b}")
                        break
    return out


def _no_duplicate_idempotent_sequences(world, memory: dict) -> list[str]:
    """With idempotence, a (producer id, epoch, sequence) is written at most once."""
    out = []
    for broker in world.brokers.values():
        for (topic, partition), r in broker.replicas.items():
            seen = set()
            for rec in r.log.records:
                if rec.producer_id < 0 or rec.sequence < 0:
                    continue
                key = (rec.producer_id, rec.producer_epoch, rec.sequence)
                if key in seen:
                    out.append(f"broker {broker.broker_id} {topic}-{partition}: duplicate "
                               f"(pid, epoch, seq) {key} at offset {rec.offset}")
                    break
                seen.add(key)
    return out


def check_invariants(world, memory: dict | None = None) -> list[str]:
    """Violations now; pass the same `memory` dict on every call of one run so
    history-based checks (one leader per epoch) see the whole run."""
    memory = {} if memory is None else memory
    problems = []
    for fn in (_offsets_gap_free, _hw_below_isr_leos, _one_leader_per_epoch,
               _committed_prefix_agrees, _no_duplicate_idempotent_sequences, *INVARIANTS):
        problems.extend(fn(world, memory))
    return problems
