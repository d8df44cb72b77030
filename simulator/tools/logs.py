"""The log lines Kafka writes when the simulator does the thing, for the log panel.

`log_lines(events)` maps event dicts (as they travel in an ``events`` frame) to the
lines a consumer application's log and a broker's log would show at that moment:
assignment and revocation, the poll-timeout WARN, a member failing and being
removed, rebalance and stabilise, deserialization and authorization errors,
out-of-range resets, the ISR shrinking. The wording is Kafka's own: most of it
is already on the event (``log``, ``log_line``, ``broker_log``, written by the
simulator where it does the thing, checked against ConsumerCoordinator,
AbstractCoordinator, GroupCoordinator/GroupMetadataManager, Fetcher, Partition
and the authorizer); this module adds the level, the logger that writes it, the
log4j layout (``[time] LEVEL message (logger)``, Kafka's default
``log4j.properties`` pattern ``[%d] %p %m (%c)%n``) and what the line is about,
so the browser can light that part of the diagram.

Pure: no I/O, no clock; the time printed is simulated (the simulator's clock
starts at the Unix epoch, as kafka-consumer-groups --to-datetime reads it).
"""

from __future__ import annotations

CONSUMER_COORDINATOR = "org.apache.kafka.clients.consumer.internals.ConsumerCoordinator"
ABSTRACT_COORDINATOR = "org.apache.kafka.clients.consumer.internals.AbstractCoordinator"
SUBSCRIPTION_STATE = "org.apache.kafka.clients.consumer.internals.SubscriptionState"
CONSUMER_CLIENT = "org.apache.kafka.clients.consumer.KafkaConsumer"
GROUP_COORDINATOR = "org.apache.kafka.coordinator.group.GroupMetadataManager"
PARTITION = "kafka.cluster.Partition"
AUTHORIZER = "kafka.authorizer.logger"
MAX_TEXT = 2_000  # one line's text (a record value in an exception stays short)


def log_time(at_ms: int) -> str:
    """log4j's ISO8601 date as Kafka prints it: 1970-01-01 00:00:05,123."""
    total_s, ms = divmod(max(0, int(at_ms)), 1000)
    days, rest = divmod(total_s, 86_400)
    h, rest = divmod(rest, 3600)
    m, s = divmod(rest, 60)
    y, mo, d = _civil_from_days(days)
    return f"{y:04d}-{mo:02d}-{d:02d} {h:02d}:{m:02d}:{s:02d},{ms:03d}"


def _civil_from_days(z: int) -> tuple[int, int, int]:
    """H. Hinnant's algorithm: days since 1970-01-01 -> (year, month, day)."""
    z += 719468
    era = (z if z >= 0 else z - 146096) // 146097
    doe = z - era * 146097
    yoe = (doe - doe // 1460 + doe // 36524 - doe // 146096) // 365
    y = yoe + era * 400
    doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
    mp = (5 * doy + 2) // 153
    d = doy - (153 * mp + 2) // 5 + 1
    m = mp + (3 if mp < 10 else -9)
    return (y + (m <= 2), m, d)


def _line(event: dict, source: str, client: str, level: str, logger: str, text: str,
          about: dict) -> dict:
    text = text if len(text) <= MAX_TEXT else text[:MAX_TEXT] + "…"
    at_ms = event.get("at_ms", 0)
    return {
        "seq": event.get("seq"),
        "at_ms": at_ms,
        "source": source,  # "client" (a consumer application's log) or "broker"
        "client": client,  # the consumer's name, or "broker-<id>"
        "level": level,
        "logger": logger,
        "text": f"[{log_time(at_ms)}] {level} {text} ({logger})",
        "about": about,  # the diagram part: {"consumer": name} or {"broker": id}
    }


def _prefix(event: dict) -> str:
    return f"[Consumer clientId=consumer-{event.get('group')}, groupId={event.get('group')}] "


def _client(event, level, logger, text) -> dict:
    consumer = event.get("consumer") or ""
    return _line(event, "client", consumer, level, logger, text, {"consumer": consumer})


def _broker(event, broker, level, logger, text) -> dict:
    name = f"broker-{broker}" if broker is not None else "broker"
    about = {"broker": broker} if broker is not None else {}
    return _line(event, "broker", name, level, logger, text, about)


def _tps(tps) -> str:
    return ", ".join(f"{t}-{p}" for t, p in tps)


def log_lines(events: list[dict]) -> list[dict]:
    """The log lines these events write, in event order."""
    out: list[dict] = []
    for e in events:
        out.extend(_lines_for(e))
    return out


def _lines_for(e: dict) -> list[dict]:
    kind = e.get("kind")
    log = e.get("log")
    if kind == "group_coordinator_found" and log:
        return [_client(e, "INFO", ABSTRACT_COORDINATOR, log)]
    if kind == "assignment_changed":
        lines = []
        if e.get("revoked"):
            # ConsumerCoordinator.onJoinPrepare / invokePartitionsRevoked
            client_prefix = log.split("] ", 1)[0] + "] " if log and "] " in log else _prefix(e)
            lines.append(_client(e, "INFO", CONSUMER_COORDINATOR,
                                 f"{client_prefix}Revoke previously assigned partitions "
                                 f"{_tps(e['revoked'])}"))
        if log:
            lines.append(_client(e, "INFO", CONSUMER_COORDINATOR, log))
        return lines
    if kind == "poll_timeout_expired" and log:
        return [_client(e, "WARN", ABSTRACT_COORDINATOR, log)]
    if kind == "heartbeat_answered" and e.get("error") and log:
        return [_client(e, "INFO", ABSTRACT_COORDINATOR, log)]
    if kind == "consumer_position_changed" and log:
        return [_client(e, "INFO", SUBSCRIPTION_STATE, log)]
    if kind == "consumer_error":
        lines = [_client(e, "ERROR", CONSUMER_CLIENT,
                         f"{_prefix(e)}{_exception_class(e.get('error'))}: {e.get('message')}")]
        if e.get("broker_log"):
            lines.append(_broker(e, None, "INFO", AUTHORIZER, e["broker_log"]))
        return lines
    if kind == "commit_failed":
        return [_client(e, "ERROR", CONSUMER_COORDINATOR,
                        f"{_prefix(e)}{_exception_class(e.get('error'))}: {e.get('message')}")]
    if kind == "group_state_changed" and log:
        return [_broker(e, e.get("coordinator"), "INFO", GROUP_COORDINATOR, log)]
    if kind == "member_removed" and log:
        # About the member that failed or left (the event does not name the coordinator).
        return [_line(e, "broker", "broker", "INFO", GROUP_COORDINATOR, log,
                      {"consumer": e.get("consumer") or ""})]
    if kind == "isr_changed" and e.get("log_line"):
        return [_broker(e, e.get("leader"), "INFO", PARTITION,
                        f"[Partition {e.get('topic')}-{e.get('partition')} broker="
                        f"{e.get('leader')}] {e['log_line']}")]
    return []


_PACKAGES = {
    "RecordDeserializationException": "org.apache.kafka.common.errors",
    "TopicAuthorizationException": "org.apache.kafka.common.errors",
    "GroupAuthorizationException": "org.apache.kafka.common.errors",
    "NoOffsetForPartitionException": "org.apache.kafka.clients.consumer",
    "OffsetOutOfRangeException": "org.apache.kafka.clients.consumer",
    "CommitFailedException": "org.apache.kafka.clients.consumer",
    "SerializationException": "org.apache.kafka.common.errors",
}


def _exception_class(name) -> str:
    name = str(name or "KafkaException")
    package = _PACKAGES.get(name)
    return f"{package}.{name}" if package else name
