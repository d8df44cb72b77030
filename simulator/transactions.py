"""Producer ids, the transaction coordinator and transaction markers.

* ``init_producer_id``: any broker hands out a producer id (PID) from the
  controller's counter; for a ``transactional.id`` the coordinator keeps the
  PID and bumps its epoch on every new init (fencing a zombie instance).
* The coordinator of a transactional id is the broker at
  ``abs(javaStringHash(id)) % broker_count`` among the sorted broker ids (a
  stand-in for the leader of its ``__transaction_state`` partition).
* ``end_txn`` (commit or abort): the coordinator moves to PrepareCommit /
  PrepareAbort, asks every partition leader touched to write a control
  record (``write_txn_markers``) and, once all are written, completes.
* Leaders track the first offset of each producer's open transaction: the
  last stable offset (LSO) is the lowest such offset, or the HW. An abort
  marker records the aborted range, which read_committed readers skip.
"""

from __future__ import annotations

from simulator import events as ev
from simulator.java_hash import java_string_hash
from simulator.log import Record


def coordinator_for(world, transactional_id: str) -> int:
    ids = sorted(world.brokers)
    return ids[abs(java_string_hash(transactional_id)) % len(ids)]


def on_init_producer_id(broker, message) -> None:
    world = broker.world
    body = message.body
    txn_id = body.get("transactional_id")
    quorum = world.controller
    if txn_id is None and body.get("producer_id", -1) >= 0:
        # KIP-360: an idempotent producer bumps its epoch to reset its sequences.
        pid, epoch = body["producer_id"], body["producer_epoch"] + 1
    elif txn_id is None:
        quorum.next_producer_id += 1
        pid, epoch = quorum.next_producer_id, 0
    else:
        state = broker.txn_coordinator.get(txn_id)
        if state is None:
            quorum.next_producer_id += 1
            state = {"producer_id": quorum.next_producer_id, "producer_epoch": 0,
                     "state": "empty", "pending": [], "producer": body["producer"],
                     "client": message.source, "commit": None}
            broker.txn_coordinator[txn_id] = state
        else:
            state["producer_epoch"] += 1
            state["client"] = message.source
        pid, epoch = state["producer_id"], state["producer_epoch"]
    broker.reply(message, "init_producer_id_response",
                 {"producer_id": pid, "producer_epoch": epoch, "error": None},
                 {"producer_id": pid, "producer_epoch": epoch})


def on_end_txn(broker, message) -> None:
    world = broker.world
    body = message.body
    txn_id = body["transactional_id"]
    state = broker.txn_coordinator.get(txn_id)
    if state is None or state["producer_epoch"] != body["producer_epoch"]:
        broker.reply(message, "end_txn_response", {"error": "INVALID_PRODUCER_EPOCH"},
                     {"error": "INVALID_PRODUCER_EPOCH"})
        return
    commit = body["commit"]
    state["state"] = "prepare_commit" if commit else "prepare_abort"
    state["commit"] = commit
    state["client"] = message.source
    state["pending"] = [tuple(p) for p in body["partitions"]]
    world.emit(ev.TransactionStateChanged, producer=body["producer"], transactional_id=txn_id,
               state=state["state"], partitions=[f"{t}-{p}" for t, p in state["pending"]])
    _send_markers(broker, txn_id)


def _send_markers(broker, txn_id: str) -> None:
    state = broker.txn_coordinator[txn_id]
    if not state["pending"]:
        return _complete(broker, txn_id)
    by_leader: dict[int, list] = {}
    for t, p in state["pending"]:
        meta = broker.metadata.get((t, p))
        leader = meta[3] if meta is not None else None
        if leader is not None:
            by_leader.setdefault(leader, []).append((t, p))
    for leader in sorted(by_leader):
        broker.world.network.send(
            broker.actor_id, f"broker:{leader}", "write_txn_markers",
            {"transactional_id": txn_id, "producer_id": state["producer_id"],
             "producer_epoch": state["producer_epoch"], "commit": state["commit"],
             "partitions": by_leader[leader], "coordinator": broker.broker_id},
            {"control": "commit" if state["commit"] else "abort",
             "partitions": [f"{t}-{p}" for t, p in by_leader[leader]]})
    if len(by_leader) < len({tuple(x) for x in state["pending"]}) or not by_leader:
        broker.world.schedule(500, broker.actor_id, "retry_txn_markers", txn_id,
                              broker.incarnation)
    return None


def retry_txn_markers(broker, txn_id: str) -> None:
    state = broker.txn_coordinator.get(txn_id)
    if state is not None and state["pending"]:
        _send_markers(broker, txn_id)


def on_write_txn_markers(broker, message) -> None:
    world = broker.world
    body = message.body
    control = "commit" if body["commit"] else "abort"
    written = []
    for t, p in body["partitions"]:
        r = broker.replicas.get((t, p))
        if r is None or r.role != "leader":
            continue
        offset = r.log.leo
        topic = world.topics[t]
        rec = Record(offset, world.now_ms, None, None, (), body["producer_id"],
                     body["producer_epoch"], -1, r.leader_epoch, 20, "control", True, control)
        if r.log.append(rec, world.now_ms, topic.config("segment.bytes"),
                        topic.config("segment.ms")):
            world.emit(ev.SegmentRolled, broker=broker.broker_id, topic=t, partition=p,
                       base_offset=offset, segment_count=len(r.log.segments))
        world.emit(ev.RecordsAppended, broker=broker.broker_id, topic=t, partition=p,
                   role="leader", base_offset=offset, last_offset=offset, leo=r.log.leo,
                   records=(rec,))
        r.has_markers = True
        first = r.ongoing_txns.pop(body["producer_id"], None)
        if control == "abort" and first is not None:
            r.aborted.append((body["producer_id"], first, offset))
        world.emit(ev.TransactionMarkerWritten, broker=broker.broker_id, topic=t, partition=p,
                   offset=offset, control=control, producer_id=body["producer_id"])
        broker.marker_written(r)  # the LSO, then the HW; followers get the marker
        written.append((t, p))
    broker.reply(message, "write_txn_markers_response",
                 {"transactional_id": body["transactional_id"], "written": written},
                 {"written": [f"{t}-{p}" for t, p in written]})


def on_write_txn_markers_response(broker, message) -> None:
    body = message.body
    txn_id = body["transactional_id"]
    state = broker.txn_coordinator.get(txn_id)
    if state is None:
        return
    done = {tuple(x) for x in body["written"]}
    state["pending"] = [x for x in state["pending"] if tuple(x) not in done]
    if not state["pending"]:
        _complete(broker, txn_id)


def _complete(broker, txn_id: str) -> None:
    state = broker.txn_coordinator[txn_id]
    if state["state"] not in ("prepare_commit", "prepare_abort"):
        return
    state["state"] = "complete_commit" if state["commit"] else "complete_abort"
    broker.world.emit(ev.TransactionStateChanged, producer=state["producer"],
                      transactional_id=txn_id, state=state["state"], partitions=[])
    broker.world.network.send(broker.actor_id, state["client"], "end_txn_response",
                              {"error": None, "committed": state["commit"]},
                              {"state": state["state"]})
