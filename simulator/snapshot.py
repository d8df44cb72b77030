"""`build_snapshot(world)`: the whole state as plain JSON-able data.

Enough to draw every diagram from scratch; the shape is documented in
docs/events.md ("The snapshot"). A partition's ``records`` are the last
`SNAPSHOT_RECORDS_PER_PARTITION` records of the leader's log (or, when there
is no leader, of the longest replica in the ISR: what the last leader had);
``records_truncated`` says whether older ones were left out. ``late_join`` is
the little history a page that connects late needs to draw what pages watching
all along draw (late_join.py).
"""

from __future__ import annotations

from simulator import late_join
from simulator.engine import SNAPSHOT_SECTIONS
from simulator.extension import snapshot_sections
from simulator.limits import SNAPSHOT_RECORDS_PER_PARTITION

REPLICA_TAIL = 20  # the last records of every replica (a divergent tail shows)


def _brief(rec) -> dict:
    return {"offset": rec.offset, "key": rec.key, "value": rec.value,
            "leader_epoch": rec.leader_epoch, "control": rec.control}


def _partition(world, topic, pm) -> dict:
    replicas_state = []
    source = None
    for b in pm.replicas:
        r = world.brokers[b].replicas.get((pm.topic, pm.partition)) if b in world.brokers else None
        if r is None:
            replicas_state.append({"broker": b, "leo": 0, "log_start_offset": 0,
                                   "high_watermark": 0, "role": "none", "leader_epoch": -1,
                                   "tail": []})
            continue
        replicas_state.append({"broker": b, "leo": r.log.leo,
                               "log_start_offset": r.log.start_offset,
                               "high_watermark": r.hw, "role": r.role,
                               # What the events said (a late joiner draws what others do).
                               "announced_high_watermark": late_join.announced_hw(world, r, b),
                               "leader_epoch": r.leader_epoch,
                               "tail": [_brief(rec) for rec in r.log.records[-REPLICA_TAIL:]]})
        # No leader: the ISR's longest log (KRaft keeps the last leader in the ISR),
        # not a cut-off replica's writes that were never committed.
        in_isr = not pm.isr or b in pm.isr
        if b == pm.leader or (pm.leader is None and in_isr
                              and (source is None or r.log.leo > source.log.leo)):
            source = r
    leader_r = None
    if pm.leader is not None:
        leader_r = world.brokers[pm.leader].replicas.get((pm.topic, pm.partition))
    if leader_r is not None:
        source = leader_r
    records = source.log.records[-SNAPSHOT_RECORDS_PER_PARTITION:] if source else []
    return {
        "partition": pm.partition,
        "leader": pm.leader,
        "leader_epoch": pm.leader_epoch,
        "partition_epoch": pm.partition_epoch,
        "replicas": list(pm.replicas),
        "isr": list(pm.isr),
        "preferred_leader": pm.preferred_leader,
        "high_watermark": source.hw if source else 0,
        "last_stable_offset": source.lso if source and source.role == "leader" else (
            source.hw if source else 0),
        "log_start_offset": source.log.start_offset if source else 0,
        "log_end_offset": source.log.leo if source else 0,
        "replicas_state": replicas_state,
        "segments": [s.to_dict() for s in source.log.segments] if source else [],
        "records": [r.to_dict() for r in records],
        "records_truncated": bool(source) and len(source.log.records) > len(records),
    }


def build_snapshot(world) -> dict:
    quorum = world.controller
    snap = {
        "now_ms": world.now_ms,
        "last_seq": world.last_seq,
        "seed": world.seed,
        "config": dict(world.config),
        "controller": {
            "quorum": [{"controller": v, "state": "running" if quorum.running[v] else "crashed"}
                       for v in quorum.voters],
            "active": quorum.active,
            "epoch": quorum.epoch,
            "metadata_version": quorum.metadata_version,
        },
        "brokers": [
            {"id": b.broker_id, "actor_id": b.actor_id, "state": b.state, "slow_ms": b.slow_ms,
             "fenced": quorum.is_fenced(b.broker_id),
             "leader_of": sorted(f"{t}-{p}" for (t, p), r in b.replicas.items()
                                 if r.role == "leader")}
            for _, b in sorted(world.brokers.items())
        ],
        "topics": [
            {"name": t.name, "topic_id": t.topic_id, "internal": t.internal,
             "configs": t.effective_configs(),
             "partitions": [_partition(world, t, pm) for pm in t.partitions]}
            for _, t in sorted(world.topics.items())
        ],
        "producers": [p.to_dict() for _, p in sorted(world.producers.items())],
        "in_flight": [m.to_dict() for _, m in sorted(world.network.in_flight.items())],
        "network": {"latency_ms": world.network.latency_ms,
                    "jitter_ms": world.network.jitter_ms,
                    "isolated": sorted(world.network.isolated),
                    "isolated_from_cluster": sorted(world.network.cluster_isolated),
                    "drop_rules": [{"source": r.source, "target": r.target,
                                    "message_kind": r.kind, "remaining": r.remaining}
                                   for r in world.network.rules]},
        "limits": {"records_per_partition_in_snapshot": SNAPSHOT_RECORDS_PER_PARTITION},
    }
    for name, fn in SNAPSHOT_SECTIONS.items():
        snap[name] = fn(world)
    snap["late_join"] = late_join.section(world)  # history a late page draws (late_join.py)
    snap["extensions"] = list(world.extensions)
    snap.update(snapshot_sections(world))
    return snap
