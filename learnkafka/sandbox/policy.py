"""What the live layer allows: caps for commands that arrive over the web, and
what each role may do.

Roles: the owner (the learner whose key created the sandbox) and drivers may
send commands and clock controls; viewers see everything live and may only ask
for a fresh snapshot; only the owner grants and revokes. A stranger may watch
only a sandbox its owner shared. (Kept apart from the socket and the
simulation so a classroom can change the rules in one place.)
"""
from __future__ import annotations

OWNER, DRIVER, VIEWER = "owner", "driver", "viewer"

SPEEDS = (0.25, 0.5, 1.0, 2.0, 4.0, 8.0)
MAX_LOG_COMMANDS = 5000       # more commands than this are refused (bounds rebuild time)
MAX_PRODUCE_COUNT = 100       # records per produce command over the web (simulator allows 200k)
MAX_PRODUCE_CHARS = 64 * 1024  # key + value characters × count, per produce command
MAX_RECORDS_PER_EVENT = 50    # records listed per event in a frame (the rest are counted)
MAX_WEB_PARTITIONS = 12       # partitions per topic created over the web (simulator allows 64)
MAX_WEB_TOPICS_CREATED = 8    # create_topic commands per sandbox history
MAX_CPU_SHARE = 0.5           # a sandbox needing more CPU than this share of wall time slows down
MIN_HEAVY_TICK_S = 0.02       # ...judged only on ticks that used at least this much CPU
MAX_WATCHERS = 1024           # sockets on one simulation per process: a room of 1000 + hosts
MAX_TABS_PER_LEARNER = 8      # of which one learner's own tabs

# Requests that change the simulation (or its clock), and those that manage who may.
DRIVING = frozenset({"command", "play", "pause", "speed", "step", "rewind", "reset",
                     "load_scenario"})
OWNING = frozenset({"grant", "revoke", "share"})
WATCHING = frozenset({"resync"})
# The terminal (docs/protocol.md, "The terminal"): anyone who may watch may run a
# tool that only reads; a tool that would change the cluster needs drive rights,
# checked where the tool's commands are known (live.py).
TERMINAL = frozenset({"cli"})
MAX_CLI_ID_CHARS = 64


# Commands only the Kafka gateway sends (learnkafka/gateway): a browser that sent one
# would draw a "real client" that is not there, in the diagram and the X-ray panel.
GATEWAY_ONLY_COMMAND_PREFIX = "wire_"


def check_browser_command(message: dict) -> None:
    """A `command` from a browser socket may not be one of the gateway's own."""
    command = message.get("command")
    kind = command.get("type") if isinstance(command, dict) else None
    if isinstance(kind, str) and kind.startswith(GATEWAY_ONLY_COMMAND_PREFIX):
        raise Refused("forbidden", f"{kind!r} comes only from a real Kafka client through "
                                   "the gateway; point your client at the connect address "
                                   "shown on the page.")


def may_drive(role: str) -> bool:
    return role in (OWNER, DRIVER)


def check_cli(message: dict) -> None:
    """The shape of a terminal request: a line of text, an optional id echoed back,
    and optional `input` (one line typed into an interactive tool) or `close` (the
    terminal ended that tool's input: Ctrl-C or Ctrl-D)."""
    if not isinstance(message.get("line"), str):
        raise Refused("bad_cli", '"line" must be a string.')
    request_id = message.get("id")
    if request_id is not None and (isinstance(request_id, bool)
                                   or not isinstance(request_id, str | int)
                                   or len(str(request_id)) > MAX_CLI_ID_CHARS):
        raise Refused("bad_cli", f'"id" must be a string or number of at most '
                                 f"{MAX_CLI_ID_CHARS} characters.")
    if message.get("input") is not None and not isinstance(message.get("input"), str):
        raise Refused("bad_cli", '"input" must be a string.')
    if not isinstance(message.get("close", False), bool):
        raise Refused("bad_cli", '"close" must be true or false.')
    number = message.get("input_number", 1)
    if isinstance(number, bool) or not isinstance(number, int) or not 1 <= number <= 10**9:
        raise Refused("bad_cli", '"input_number" must be a whole number from 1.')


class Refused(Exception):
    """A request that cannot be honoured; carries a protocol error code and plain words."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


def role_for(*, owner_key: str, learner_key: str, member_role: str | None,
             shared: bool) -> str | None:
    """The role of `learner_key` on a sandbox, or None: a stranger may not watch."""
    if learner_key and learner_key == owner_key:
        return OWNER
    if member_role in (DRIVER, VIEWER):
        return member_role
    return VIEWER if shared else None


def check_allowed(role: str, kind: str) -> None:
    if kind in DRIVING and role not in (OWNER, DRIVER):
        raise Refused("forbidden", "You are watching this simulation; only its drivers "
                                   "can change it.")
    if kind in OWNING and role != OWNER:
        raise Refused("forbidden", "Only the owner of this simulation can say who drives it.")


def check_speed(speed) -> float:
    if isinstance(speed, bool) or not isinstance(speed, int | float) or speed not in SPEEDS:
        raise Refused("bad_speed", f"Speed must be one of {', '.join(map(str, SPEEDS))}.")
    return float(speed)


def check_web_caps(command: dict, command_log: list) -> None:
    """Stricter caps than the simulator's, for commands arriving over the web:
    a sandbox shares this process with everyone else's."""
    if len(command_log) >= MAX_LOG_COMMANDS:
        raise Refused("log_full", "This sandbox has too many commands; reset it.")
    if command.get("type") == "create_topic":
        partitions = command.get("partitions", 1)
        if isinstance(partitions, int) and partitions > MAX_WEB_PARTITIONS:
            raise Refused("cap_exceeded",
                          f"Topics here have at most {MAX_WEB_PARTITIONS} partitions.")
        created = sum(1 for _, c in command_log if type(c).__name__ == "CreateTopic")
        if created >= MAX_WEB_TOPICS_CREATED:
            raise Refused("cap_exceeded",
                          f"A sandbox may create {MAX_WEB_TOPICS_CREATED} topics; reset it.")
    if command.get("type") == "produce":
        count = command.get("count", 1)
        if not isinstance(count, int):
            return  # the simulator's own validation explains the mistake
        if count > MAX_PRODUCE_COUNT:
            raise Refused("cap_exceeded",
                          f"Produce at most {MAX_PRODUCE_COUNT} records at a time here.")
        size = sum(len(v) for v in (command.get("key"), command.get("value"))
                   if isinstance(v, str))
        if size * count > MAX_PRODUCE_CHARS:
            raise Refused("cap_exceeded",
                          f"Keys and values of one produce may hold {MAX_PRODUCE_CHARS} "
                          "characters in all here.")


def cpu_overloaded(cpu_s: float, covered_wall_s: float) -> bool:
    """A tick whose simulation used more CPU than MAX_CPU_SHARE of the wall time it
    covered (and at least MIN_HEAVY_TICK_S) would starve the process if kept up."""
    return cpu_s > MIN_HEAVY_TICK_S and cpu_s > MAX_CPU_SHARE * covered_wall_s


def trimmed(event: dict) -> dict:
    """An event for the socket: a long `records` list keeps only its last
    MAX_RECORDS_PER_EVENT entries (the browser shows no more), so one big
    batch cannot make a frame of megabytes."""
    records = event.get("records")
    if isinstance(records, list) and len(records) > MAX_RECORDS_PER_EVENT:
        event = {**event, "records": records[-MAX_RECORDS_PER_EVENT:],
                 "records_omitted": len(records) - MAX_RECORDS_PER_EVENT}
    return event
