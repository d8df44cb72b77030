"""Metadata, Produce, InitProducerId, ListOffsets and Fetch for outside clients.

Each API is four functions (see simulator.wire_clients.apis): `parse` checks
the decoded request and makes a plan (raising before anything changes),
`send` turns the plan into the messages the simulated clients send (the
brokers' own handlers answer them), `part` keeps one answer, and `finish`
builds Kafka's response from the answers. Field names are Kafka's schema
names as kio spells them; error codes are Kafka's numbers
(simulator.wire_clients.errors).
"""

from __future__ import annotations

from simulator.log import BATCH_OVERHEAD_BYTES, RECORD_OVERHEAD_BYTES
from simulator.wire_clients import codec
from simulator.wire_clients import shape as s
from simulator.wire_clients.errors import code

CLUSTER_ID = "learnkafka-sim-cluster"  # 22 characters, as Kafka's base64 UUIDs
NO_OPERATIONS = -(2**31)  # authorized operations not asked for (INT32_MIN)
MAX_WIRE_RECORD_BYTES = 100_000  # key + value + headers of one record from a client
MAX_RECORDS_PER_REQUEST = 10_000
MAX_PARTITIONS_PER_REQUEST = 2_000
MAX_REQUEST_BYTES = 4_194_304  # decoded record bytes in one produce request


def _one(value: int, lo: int, hi: int) -> int:
    return max(lo, min(hi, value))


# ---- Metadata -------------------------------------------------------------------


def parse_metadata(world, client, request: dict) -> dict:
    topics = s.objects(request, "topics", "metadata", default=None, nullable=True,
                       max_len=MAX_PARTITIONS_PER_REQUEST)
    if topics is None:
        return {"topics": None}
    names = []
    for i, t in enumerate(topics):
        where = f"metadata.topics[{i}]"
        name = s.get_str(t, "name", where, default=None, nullable=True)
        topic_id = s.get_str(t, "topic_id", where, default=None, nullable=True)
        if name is None and topic_id is not None:
            name = next((n for n, tm in world.topics.items() if tm.topic_id == topic_id), None)
            names.append({"name": name, "topic_id": topic_id})
        else:
            names.append({"name": name, "topic_id": None})
    return {"topics": names}


def send_metadata(client, broker: int, entry: dict) -> None:
    client.send(broker, entry, "metadata_request", {"producer": client.name},
                {"api": "metadata"}, response_kind="metadata_response")


def finish_metadata(client, entry: dict) -> dict:
    world = client.world
    body = next(iter(entry["results"].values()))
    by_topic: dict[str, list] = {}
    for state in body.get("partitions", []):
        by_topic.setdefault(state[0], []).append(state)
    alive = set(body.get("brokers", []))
    wanted = entry["plan"]["topics"]
    if wanted is None:
        wanted = [{"name": t, "topic_id": None} for t in sorted(by_topic)]
    topics = []
    for item in wanted:
        name = item["name"]
        states = by_topic.get(name) if name is not None else None
        meta = world.topics.get(name) if name is not None else None
        if not states:
            unknown = "UNKNOWN_TOPIC_ID" if name is None else "UNKNOWN_TOPIC_OR_PARTITION"
            topics.append({"error_code": code(unknown), "name": name,
                           "topic_id": item["topic_id"], "is_internal": False,
                           "partitions": [], "topic_authorized_operations": NO_OPERATIONS})
            continue
        partitions = []
        for _t, partition, replicas, leader, leader_epoch, _pe, isr in sorted(
                states, key=lambda st: st[1]):
            if leader is not None and leader not in alive:
                # The answer never names a leader it does not list among its brokers:
                # Kafka reads both from one metadata image (KRaftMetadataCache.
                # getPartitionMetadata: a leader not alive there is LEADER_NOT_AVAILABLE,
                # -1). Here the broker's partition view can lag the controller's fencing
                # by a metadata hop; kafka-python's sender thread dies on a leader id
                # missing from the broker list (UnknownBrokerIdError).
                leader = None
            partitions.append({
                "error_code": code(None if leader is not None else "LEADER_NOT_AVAILABLE"),
                "partition_index": partition,
                "leader_id": -1 if leader is None else leader,
                "leader_epoch": leader_epoch,
                "replica_nodes": list(replicas),
                "isr_nodes": list(isr),
                "offline_replicas": [b for b in replicas if b not in alive],
            })
        topics.append({"error_code": 0, "name": name,
                       "topic_id": meta.topic_id if meta is not None else item["topic_id"],
                       "is_internal": bool(meta is not None and meta.internal),
                       "partitions": partitions,
                       "topic_authorized_operations": NO_OPERATIONS})
    brokers = sorted(alive)
    return {"throttle_time_ms": 0,
            "brokers": [{"node_id": b, "rack": None} for b in brokers],
            "cluster_id": CLUSTER_ID,
            # KRaft brokers name a live broker as the "controller" for old clients.
            "controller_id": brokers[0] if brokers else -1,
            "topics": topics,
            "cluster_authorized_operations": NO_OPERATIONS}


# ---- Produce --------------------------------------------------------------------

_ACKS = {-1: "all", 1: "1", 0: "0"}


def _record(rec: dict, where: str) -> tuple:
    key = codec.b64_to_bytes(rec.get("key"), f"{where}.key")
    value = codec.b64_to_bytes(rec.get("value"), f"{where}.value")
    headers = []
    for j, h in enumerate(s.objects(rec, "headers", where, default=[], max_len=64)):
        hname = s.get_str(h, "key", f"{where}.headers[{j}]", max_len=1_000)
        hvalue = codec.b64_to_bytes(h.get("value"), f"{where}.headers[{j}].value")
        headers.append((hname, hvalue))
    size = (RECORD_OVERHEAD_BYTES + len(key or b"") + len(value or b"")
            + sum(2 + len(n.encode("utf-8")) + len(v or b"") for n, v in headers))
    return key, value, headers, size


def parse_produce(world, client, request: dict) -> dict:
    acks = s.get_int(request, "acks", "produce", default=-1, lo=-32768, hi=32767)
    timeout_ms = s.get_int(request, "timeout_ms", "produce", default=30_000, lo=0,
                           hi=s.INT32_MAX)
    s.get_str(request, "transactional_id", "produce", default=None, nullable=True)
    parts = []
    total_records = total_bytes = 0
    for i, t in enumerate(s.objects(request, "topic_data", "produce",
                                    max_len=MAX_PARTITIONS_PER_REQUEST)):
        name = s.get_str(t, "name", f"produce.topic_data[{i}]", max_len=249)
        for j, p in enumerate(s.objects(t, "partition_data", f"produce.topic_data[{i}]",
                                        max_len=MAX_PARTITIONS_PER_REQUEST)):
            where = f"produce.topic_data[{i}].partition_data[{j}]"
            records = [_record(s.obj(r, f"{where}.records[{k}]"), f"{where}.records[{k}]")
                       for k, r in enumerate(s.get_list(p, "records", where,
                                                        max_len=MAX_RECORDS_PER_REQUEST))]
            total_records += len(records)
            total_bytes += sum(r[3] for r in records)
            parts.append({
                "topic": name, "partition": s.get_int(p, "index", where, lo=0, hi=s.INT32_MAX),
                "producer_id": s.get_int(p, "producer_id", where, default=-1),
                "producer_epoch": s.get_int(p, "producer_epoch", where, default=-1,
                                            lo=-1, hi=32767),
                "base_sequence": s.get_int(p, "base_sequence", where, default=-1, lo=-1,
                                           hi=s.INT32_MAX),
                "transactional": s.get_bool(p, "is_transactional", where),
                "records": records,
            })
    if len(parts) > MAX_PARTITIONS_PER_REQUEST or total_records > MAX_RECORDS_PER_REQUEST:
        raise s.SimulationError("cap_exceeded", f"a produce request holds at most "
                                                f"{MAX_RECORDS_PER_REQUEST} records")
    if total_bytes > MAX_REQUEST_BYTES:
        raise s.SimulationError("cap_exceeded", f"a produce request holds at most "
                                                f"{MAX_REQUEST_BYTES} bytes of records")
    return {"acks": acks, "timeout_ms": timeout_ms, "parts": parts}


def _immediate_error(part: dict) -> str | None:
    if not part["records"]:
        return "INVALID_RECORD"  # Kafka refuses a batch without records
    if any(r[3] > MAX_WIRE_RECORD_BYTES for r in part["records"]):
        return "MESSAGE_TOO_LARGE"
    return None


def send_produce(client, broker: int, entry: dict) -> None:
    plan = entry["plan"]
    acks = _ACKS.get(plan["acks"])
    entry["results"] = {}
    entry["part_errors"] = []
    if acks == "0":
        entry["answer"] = False  # Kafka sends no response to acks=0
    for index, part in enumerate(plan["parts"]):
        error = "INVALID_REQUIRED_ACKS" if acks is None else _immediate_error(part)
        if error is not None:
            entry["part_errors"].append([index, error])
            continue
        records = [(codec.bytes_to_stored(k), codec.bytes_to_stored(v),
                    tuple((n, codec.bytes_to_stored(hv)) for n, hv in headers), size, "string")
                   for k, v, headers, size in part["records"]]
        size_bytes = BATCH_OVERHEAD_BYTES + sum(r[3] for r in records)
        body = {"producer": client.name, "batch_id": None, "attempt": 1,
                "topic": part["topic"], "partition": part["partition"], "acks": acks,
                "producer_id": part["producer_id"], "producer_epoch": part["producer_epoch"],
                "base_sequence": part["base_sequence"], "transactional": part["transactional"],
                "records": records, "size_bytes": size_bytes, "timeout_ms": plan["timeout_ms"]}
        rid = client.next_request_id + 1
        body["batch_id"] = rid
        client.send(broker, entry, "produce", body,
                    {"api": "produce", "partition": f"{part['topic']}-{part['partition']}",
                     "records": len(records), "size_bytes": size_bytes,
                     "base_sequence": part["base_sequence"]})
        entry.setdefault("part_of", {})[rid] = index
        if acks == "0":
            entry["waiting"].remove(rid)
            del client.by_request[rid]


def part_produce(client, entry: dict, rid: int, kind: str, body: dict) -> None:
    entry["results"][rid] = {"error": body.get("error"), "base_offset": body.get("base_offset")}


def finish_produce(client, entry: dict) -> dict:
    plan = entry["plan"]
    outcome = {index: {"error": error, "base_offset": None}
               for index, error in entry.get("part_errors", [])}
    for rid, index in entry.get("part_of", {}).items():
        outcome[index] = entry["results"].get(rid, {"error": None, "base_offset": None})
    responses: dict[str, list] = {}
    for index, part in enumerate(plan["parts"]):
        got = outcome[index]
        ok = got["error"] is None
        responses.setdefault(part["topic"], []).append({
            "index": part["partition"], "error_code": code(got["error"]),
            "base_offset": got["base_offset"] if ok and got["base_offset"] is not None else -1,
            "log_append_time_ms": -1, "log_start_offset": -1, "record_errors": [],
            "error_message": None if ok else got["error"]})
    return {"responses": [{"name": name, "partition_responses": parts}
                          for name, parts in responses.items()],
            "throttle_time_ms": 0}


# ---- InitProducerId ---------------------------------------------------------------


def parse_init_producer_id(world, client, request: dict) -> dict:
    return {"transactional_id": s.get_str(request, "transactional_id", "init_producer_id",
                                          default=None, nullable=True, max_len=255),
            "producer_id": s.get_int(request, "producer_id", "init_producer_id", default=-1),
            "producer_epoch": s.get_int(request, "producer_epoch", "init_producer_id",
                                        default=-1, lo=-1, hi=32767)}


def send_init_producer_id(client, broker: int, entry: dict) -> None:
    plan = entry["plan"]
    body = {"producer": client.name, "transactional_id": plan["transactional_id"]}
    if plan["producer_id"] >= 0 and plan["producer_epoch"] >= 0:
        body.update(producer_id=plan["producer_id"], producer_epoch=plan["producer_epoch"])
    client.send(broker, entry, "init_producer_id", body, {"api": "init_producer_id"},
                response_kind="init_producer_id_response")


def finish_init_producer_id(client, entry: dict) -> dict:
    body = next(iter(entry["results"].values()))
    return {"throttle_time_ms": 0, "error_code": code(body.get("error")),
            "producer_id": body.get("producer_id", -1),
            "producer_epoch": body.get("producer_epoch", -1)}


# ---- ListOffsets ------------------------------------------------------------------


def parse_list_offsets(world, client, request: dict) -> dict:
    isolation = s.get_int(request, "isolation_level", "list_offsets", default=0, lo=0, hi=1)
    parts = []
    for i, t in enumerate(s.objects(request, "topics", "list_offsets",
                                    max_len=MAX_PARTITIONS_PER_REQUEST)):
        name = s.get_str(t, "name", f"list_offsets.topics[{i}]", max_len=249)
        for j, p in enumerate(s.objects(t, "partitions", f"list_offsets.topics[{i}]",
                                        max_len=MAX_PARTITIONS_PER_REQUEST)):
            where = f"list_offsets.topics[{i}].partitions[{j}]"
            parts.append([name, s.get_int(p, "partition_index", where, lo=0, hi=s.INT32_MAX),
                          s.get_int(p, "timestamp", where, default=-1)])
    if len(parts) > MAX_PARTITIONS_PER_REQUEST:
        raise s.SimulationError("cap_exceeded", "too many partitions in one request")
    return {"isolation_level": "read_committed" if isolation else "read_uncommitted",
            "parts": parts}


def send_list_offsets(client, broker: int, entry: dict) -> None:
    plan = entry["plan"]
    client.send(broker, entry, "wire_list_offsets",
                {"parts": plan["parts"], "isolation_level": plan["isolation_level"]},
                {"api": "list_offsets", "parts": [f"{t}-{p}" for t, p, _ in plan["parts"]]})


def finish_list_offsets(client, entry: dict) -> dict:
    body = next(iter(entry["results"].values()))
    topics: dict[str, list] = {}
    for part in body["parts"]:
        topics.setdefault(part["topic"], []).append({
            "partition_index": part["partition"], "error_code": code(part["error"]),
            "timestamp": part["timestamp"], "offset": part["offset"],
            "leader_epoch": part["leader_epoch"]})
    return {"throttle_time_ms": 0,
            "topics": [{"name": n, "partitions": ps} for n, ps in topics.items()]}


# ---- Fetch ----------------------------------------------------------------------


def parse_fetch(world, client, request: dict) -> dict:
    max_wait_ms = s.get_int(request, "max_wait_ms", "fetch", default=500, lo=-1,
                            hi=s.INT32_MAX)
    min_bytes = s.get_int(request, "min_bytes", "fetch", default=1, lo=-(2**31),
                          hi=s.INT32_MAX)
    max_bytes = s.get_int(request, "max_bytes", "fetch", default=52_428_800, lo=-(2**31),
                          hi=s.INT32_MAX)
    isolation = s.get_int(request, "isolation_level", "fetch", default=0, lo=0, hi=1)
    parts = []  # [topic name or None, topic id, partition, offset, partition max bytes]
    for i, t in enumerate(s.objects(request, "topics", "fetch", default=[],
                                    max_len=MAX_PARTITIONS_PER_REQUEST)):
        where = f"fetch.topics[{i}]"
        name = s.get_str(t, "topic", where, default=None, nullable=True, max_len=249)
        topic_id = s.get_str(t, "topic_id", where, default=None, nullable=True)
        if name is None and topic_id is not None:
            name = next((n for n, tm in world.topics.items() if tm.topic_id == topic_id), None)
        elif name is not None and name in world.topics:
            topic_id = world.topics[name].topic_id
        for j, p in enumerate(s.objects(t, "partitions", where,
                                        max_len=MAX_PARTITIONS_PER_REQUEST)):
            pw = f"{where}.partitions[{j}]"
            parts.append([name, topic_id, s.get_int(p, "partition", pw, lo=0, hi=s.INT32_MAX),
                          s.get_int(p, "fetch_offset", pw, lo=-1),
                          s.get_int(p, "partition_max_bytes", pw, default=1_048_576,
                                    lo=-(2**31), hi=s.INT32_MAX)])
    if len(parts) > MAX_PARTITIONS_PER_REQUEST:
        raise s.SimulationError("cap_exceeded", "too many partitions in one request")
    return {"max_wait_ms": 0 if min_bytes <= 0 else max(0, max_wait_ms),
            "max_bytes": max_bytes,
            "isolation_level": "read_committed" if isolation else "read_uncommitted",
            "parts": parts}


def send_fetch(client, broker: int, entry: dict) -> None:
    plan = entry["plan"]
    world = client.world
    asked = [[t, p, o] for t, _tid, p, o, _m in plan["parts"]
             if t is not None and t in world.topics]
    if plan["parts"] and not asked:
        return  # only unknown topics: answered at once (an empty fetch waits, as Kafka's)
    rid = client.next_request_id + 1
    client.send(broker, entry, "consumer_fetch",
                {"fetch_id": rid, "parts": asked, "isolation_level": plan["isolation_level"],
                 "max_wait_ms": plan["max_wait_ms"], "principal": client.principal,
                 "host": client.host, "consumer": client.name},
                {"api": "fetch", "parts": [f"{t}-{p}@{o}" for t, p, o in asked]})


def _wire_record(rec) -> dict:
    return {"offset": rec.offset, "timestamp_ms": rec.timestamp_ms,
            "key": codec.stored_to_b64(rec.key), "value": codec.stored_to_b64(rec.value),
            "headers": [{"key": str(n), "value": codec.stored_to_b64(v)}
                        for n, v in rec.headers],
            "producer_id": rec.producer_id, "producer_epoch": rec.producer_epoch,
            "base_sequence": rec.sequence, "leader_epoch": rec.leader_epoch,
            "is_transactional": rec.transactional}


def part_fetch(client, entry: dict, rid: int, kind: str, body: dict) -> None:
    """Keep the answer with records in the wire shape, cut to the client's byte limits
    (at least one record, as Kafka returns a first record larger than the limit)."""
    limits = {(t, p): m for t, _tid, p, _o, m in entry["plan"]["parts"]}
    budget = entry["plan"]["max_bytes"]
    parts = []
    for part in body.get("parts", []):
        cap = limits.get((part["topic"], part["partition"]), 1_048_576)
        records, size = [], 0
        for rec in part.get("records", []):
            if records and (size + rec.size_bytes > cap or size + rec.size_bytes > budget):
                break
            records.append(_wire_record(rec))
            size += rec.size_bytes
        budget -= size
        parts.append({"topic": part["topic"], "partition": part["partition"],
                      "error": part.get("error"), "records": records,
                      "high_watermark": part.get("high_watermark"),
                      "last_stable_offset": part.get("last_stable_offset"),
                      "log_start_offset": part.get("log_start_offset")})
    entry["results"][rid] = parts


def finish_fetch(client, entry: dict) -> dict:
    answered = {}
    for parts in entry["results"].values():
        for part in parts:
            answered[(part["topic"], part["partition"])] = part
    responses: list = []
    by_key: dict = {}
    for name, topic_id, partition, _offset, _max in entry["plan"]["parts"]:
        key = (name, topic_id)
        if key not in by_key:
            by_key[key] = {"topic": name or "", "topic_id": topic_id, "partitions": []}
            responses.append(by_key[key])
        got = answered.get((name, partition)) if name is not None else None
        if got is None:
            error = "UNKNOWN_TOPIC_OR_PARTITION" if name is not None else "UNKNOWN_TOPIC_ID"
            got = {"error": error, "records": [], "high_watermark": None,
                   "last_stable_offset": None, "log_start_offset": None}
        by_key[key]["partitions"].append({
            "partition_index": partition, "error_code": code(got["error"]),
            "high_watermark": _or(got["high_watermark"]),
            "last_stable_offset": _or(got["last_stable_offset"]),
            "log_start_offset": _or(got["log_start_offset"]),
            "aborted_transactions": [], "preferred_read_replica": -1,
            "records": got["records"]})
    return {"throttle_time_ms": 0, "error_code": 0, "session_id": 0, "responses": responses}


def _or(value, default: int = -1) -> int:
    return default if value is None else value
