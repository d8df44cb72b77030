"""The in-browser command line: Kafka's tools run against a simulated cluster.

``run_cli(view, line)`` parses one command line as a learner would type it
(``kafka-consumer-groups.sh --bootstrap-server broker-1:9092 --describe --group
payment-service``; the ``.sh`` and a leading ``bin/`` are optional, as in
Confluent's packaging) against a read-only `ClusterView` and returns a
`CliResult`: the text the tool prints (stdout and stderr interleaved, as a
terminal shows them; `cli_output` makes it exact) and, for a tool that changes
the cluster, the simulator commands to apply. The caller applies them through
the simulation's one door, so the change is logged and replayable like any
other. A tool never changes anything itself: it only sees the view.

Tools (each checked against Apache Kafka 4.x's source, class named in each):
kafka-consumer-groups, kafka-topics, kafka-get-offsets, kafka-console-consumer,
kafka-console-producer, kafka-acls, kafka-configs, and the study guide's
``kafka-run-class kafka.tools.GetOffsetShell``. Lines starting with ``# `` are
the simulator's own notes, never Kafka's.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass

from simulator.tools import cli_output as out
from simulator.tools.cli_options import (
    HELP,
    KAFKA_VERSION,
    VERSION,
    Opt,
    ToolExit,
    ToolSpec,
    number,
    parse,
)
from simulator.tools.java_order import hash_map_order, topic_partition_hash
from simulator.tools.logs import log_time
from simulator.tools.view import ClusterView

MAX_LINE_CHARS = 1_000
MAX_CONSOLE_MESSAGES = 1_000
MAX_OUTPUT_CHARS = 64_000
ARGV = " argv"  # options key of the raw arguments (no option name has a space)
CONSOLE_PRODUCER = "console-producer"


# How long a waiting tool waits, in simulated time, before the simulator stops it
# (the real console consumer and producer.close() wait without a limit).
TOOL_WAIT_MS = 30_000


@dataclass(frozen=True)
class Wait:
    """A tool that is still running: the real one would keep waiting (the console
    consumer for --max-messages, the console producer's close() for acknowledgements).

    The caller runs the same line again with ``resume=`` this, as simulated time
    passes, until the result has no `wait` or simulated time reaches `until_ms`;
    then it shows the last result's output, which already says the tool was stopped."""
    until_ms: int                # the simulated instant the simulator stops waiting
    state: tuple = ()            # the tool's own progress (opaque to the caller)


@dataclass(frozen=True)
class CliResult:
    output: str
    commands: tuple[dict, ...] = ()  # simulator commands the caller should apply, in order
    # The terminal reads lines for this tool until Ctrl-C or Ctrl-D (console-producer):
    # each line comes back as run_cli(view, line, stdin=...).
    interactive: bool = False
    wait: Wait | None = None  # still running: run again with resume=wait (see Wait)

    @property
    def command(self) -> dict | None:
        """The first command (most tools change one thing)."""
        return self.commands[0] if self.commands else None


def tool_names() -> tuple[str, ...]:
    """Every tool the terminal knows, for tab completion."""
    return tuple(sorted(_TOOLS)) + ("kafka-run-class",)


def tool_options(tool: str) -> tuple[str, ...]:
    spec = _SPECS.get(tool)
    return tuple(f"--{o.name}" for o in spec.options) if spec else ()


def run_cli(world_or_view, line: str, *, stdin: str | None = None,
            stdin_number: int = 1, close: bool = False,
            resume: Wait | None = None) -> CliResult:
    """Run one command line; `stdin` is one line typed into an interactive tool (the
    `stdin_number`-th since it started), for console-producer; `close`: the terminal
    ended that tool's input (Ctrl-C or Ctrl-D); `resume`: the `wait` of this line's
    previous result, to go on waiting (see Wait)."""
    view = ClusterView.of(world_or_view)
    if not isinstance(line, str) or len(line) > MAX_LINE_CHARS:
        return CliResult(f"# a command line is at most {MAX_LINE_CHARS} characters\n")
    try:
        argv = shlex.split(line)
    except ValueError as exc:
        return CliResult(f"# cannot parse the line: {exc}\n")
    if not argv:
        return CliResult("")
    tool = _tool_name(argv[0])
    if tool == "kafka-run-class":
        return CliResult(_run_class(argv[1:]))
    handler = _TOOLS.get(tool)
    if handler is None:
        return CliResult(f"bash: {argv[0]}: command not found\n"
                         f"# the simulator has {', '.join(f'{t}.sh' for t in sorted(_TOOLS))}\n")
    spec = _SPECS[tool]
    try:
        options = parse(spec, argv[1:])
        options[ARGV] = tuple(argv[1:])  # the raw arguments, for messages that echo them
        if not argv[1:] or options.get("help"):
            raise spec.usage_exit(spec.usage)
        if options.get("version"):
            raise ToolExit(f"{KAFKA_VERSION}\n")
        if tool == "kafka-console-producer":
            result = handler(view, options, stdin, stdin_number, close=close, resume=resume)
        elif tool == "kafka-console-consumer":
            result = handler(view, options, resume=resume)
        else:
            result = handler(view, options)
    except ToolExit as exc:
        result = CliResult(exc.text)
    if len(result.output) > MAX_OUTPUT_CHARS:
        result = CliResult(result.output[:MAX_OUTPUT_CHARS] + "\n# (output cut here)\n",
                           result.commands, result.interactive, result.wait)
    return result


def run_cli_playing(sim, line: str, *, step_ms: int = 50, **kwargs) -> CliResult:
    """`run_cli` on a `Simulation` as a playing terminal runs it: each command the
    tool returns is applied, and while the tool waits (`CliResult.wait`) simulated
    time passes in `step_ms` steps and the line runs again, until it is done or its
    wait ends. (The live sandbox does the same as its clock moves: live.py `_cli`.)"""
    result = run_cli(sim.world, line, **kwargs)
    for command in result.commands:
        sim.apply(command)
    kwargs.pop("stdin", None)
    while result.wait is not None and sim.world.now_ms < result.wait.until_ms:
        sim.advance(step_ms)
        result = run_cli(sim.world, line, **{**kwargs, "resume": result.wait})
    return result


def _tool_name(word: str) -> str:
    return word.rsplit("/", 1)[-1].removesuffix(".sh")


# ------------------------------------------------------------------ shared checks


def _required(spec: ToolSpec, options: dict, name: str) -> str:
    """CommandLineUtils.checkRequiredArgs: 'Missing required argument "[name]"'."""
    if name not in options:
        raise spec.usage_exit(f'Missing required argument "[{name}]"')
    return options[name]


def _check_bootstrap(spec: ToolSpec, view: ClusterView, options: dict) -> None:
    server = _required(spec, options, "bootstrap-server")
    servers = [s.strip() for s in server.split(",")]
    if not any(s in view.bootstrap_addresses() for s in servers):
        raise ToolExit(
            f"# no broker answers at {server}: the tool would retry for a minute, then fail with\n"
            "org.apache.kafka.common.errors.TimeoutException: Timed out waiting for a node "
            "assignment. Call: listNodes\n"
            f"# this cluster's brokers: {', '.join(sorted(view.bootstrap_addresses()))}\n"
        )


def _offset_bounds(view: ClusterView, topic: str, p: int) -> tuple[int, int]:
    return view.log_bounds(topic, p) or (0, 0)


# ------------------------------------------------------- kafka-consumer-groups.sh
# org.apache.kafka.tools.consumer.group.ConsumerGroupCommand(Options)

_CG_SCENARIOS = ("to-datetime", "by-duration", "to-earliest", "to-latest", "shift-by",
                 "from-file", "to-current", "to-offset")
_CG_SPEC = ToolSpec(
    "kafka-consumer-groups",
    "This tool helps to list all consumer groups, describe a consumer group, delete "
    "consumer group info, or reset consumer group offsets.",
    (
        Opt("bootstrap-server", "REQUIRED: The server(s) to connect to.",
            "String: server to connect to"),
        Opt("group", "The consumer group we wish to act on.", "String: consumer group",
            multiple=True),
        Opt("topic", "The topic whose consumer group information should be deleted or topic "
            "whose should be included in the reset offset process. In `reset-offsets` case, "
            "partitions can be specified using this format: `topic1:0,1,2`, where 0,1,2 are "
            "the partition to be included in the process. Reset-offsets also supports "
            "multiple topic inputs.", "String: topic", multiple=True),
        Opt("all-topics", "Consider all topics assigned to a group in the `reset-offsets` "
            "process."),
        Opt("list", "List all consumer groups."),
        Opt("describe", "Describe consumer group and list offset lag (number of messages not "
            "yet processed) related to given group."),
        Opt("all-groups", "Apply to all consumer groups."),
        Opt("delete", "Pass in groups to delete topic partition offsets and ownership "
            "information over the entire consumer group. For instance --group g1 --group g2"),
        Opt("reset-offsets", "Reset offsets of consumer group. Supports one consumer group at "
            "the time, and instances should be inactive\nHas 2 execution options: --dry-run "
            "(the default) to plan which offsets to reset, and --execute to update the "
            "offsets. Additionally, the --export option is used to export the results to a "
            "CSV format.\nYou must choose one of the following reset specifications: "
            "--to-datetime, --by-duration, --to-earliest, --to-latest, --shift-by, "
            "--from-file, --to-current, --to-offset.\nTo define the scope use --all-topics or "
            "--topic. One scope must be specified unless you use '--from-file'."),
        Opt("dry-run", "Only show results without executing changes on Consumer Groups. "
            "Supported operations: reset-offsets."),
        Opt("execute", "Execute operation. Supported operations: reset-offsets."),
        Opt("to-offset", "Reset offsets to a specific offset.", "Long: offset", kind=int),
        Opt("to-datetime", "Reset offsets to offset from datetime. Format: "
            "'YYYY-MM-DDTHH:mm:SS.sss'", "String: datetime"),
        Opt("to-earliest", "Reset offsets to earliest offset."),
        Opt("to-latest", "Reset offsets to latest offset."),
        Opt("to-current", "Reset offsets to current offset."),
        Opt("shift-by", "Reset offsets shifting current offset by 'n', where 'n' can be "
            "positive or negative.", "Long: number-of-offsets", kind=int),
        Opt("members", "Describe members of the group. This option may be used with "
            "'--describe' and '--bootstrap-server' options only.\nExample: --bootstrap-server "
            "localhost:9092 --describe --group group1 --members"),
        Opt("verbose", "Provide additional information, if any, when describing the group. "
            "This option may be used with '--offsets'/'--members'/'--state' and "
            "'--bootstrap-server' options only.\nExample: --bootstrap-server localhost:9092 "
            "--describe --group group1 --members --verbose"),
        Opt("offsets", "Describe the group and list all topic partitions in the group along "
            "with their offset lag. This is the default sub-action of and may be used with "
            "'--describe' and '--bootstrap-server' options only.\nExample: --bootstrap-server "
            "localhost:9092 --describe --group group1 --offsets"),
        Opt("state", "When specified with '--describe', includes the state of the group.\n"
            "Example: --bootstrap-server localhost:9092 --describe --group group1 --state\n"
            "This option may be used with '--describe', '--list' and '--bootstrap-server' "
            "options only."),
        Opt("timeout", "The timeout that can be set for some use cases. For example, it can "
            "be used when describing the group to specify the maximum amount of time in "
            "milliseconds to wait before the group stabilizes.", "Long: timeout (ms)",
            kind=int, default="5000"),
        HELP, VERSION,
    ),
    parse_errors="uncaught",  # ConsumerGroupCommand.main parses before its try
    bad_number="print_error",
)

_NO_EXECUTE_WARNING = (
    "WARN: No action will be performed as the --execute option is missing.In a future major "
    "release, the default behavior of this command will be to prompt the user before "
    "executing the reset rather than doing a dry run. You should add the --dry-run option "
    "explicitly if you are scripting this command and want to keep the current default "
    "behavior without prompting.\n"
)


def _consumer_groups(view: ClusterView, options: dict) -> CliResult:
    spec = _CG_SPEC
    _required(spec, options, "bootstrap-server")  # checkArgs, in its order
    scope = "[all-groups], [group]"
    if options.get("describe"):
        if "group" not in options and "all-groups" not in options:
            raise spec.usage_exit(f"Option [describe] takes one of these options: {scope}")
        if sum(1 for o in ("members", "offsets", "state") if o in options) > 1:
            raise spec.usage_exit("Option [describe] takes at most one of these options: "
                                  "[members], [offsets], [state]")
    prefix = ""
    if options.get("reset-offsets"):
        if options.get("dry-run") and options.get("execute"):
            raise spec.usage_exit("Option [reset-offsets] only accepts one of [execute] and "
                                  "[dry-run]")
        if not options.get("dry-run") and not options.get("execute"):
            prefix = _NO_EXECUTE_WARNING
        if "group" not in options and "all-groups" not in options:
            raise spec.usage_exit(f"Option [reset-offsets] takes one of these options: {scope}")
        given = [s for s in _CG_SCENARIOS if s in options]
        for used in given:
            for other in given:
                if other != used:
                    raise spec.usage_exit(f'Option "[{used}]" can\'t be used with option '
                                          f'"[{other}]"')
    actions = [a for a in ("list", "describe", "delete", "reset-offsets", "delete-offsets")
               if a in options]
    if len(actions) != 1:
        raise spec.usage_exit("Command must include exactly one action: --list, --describe, "
                              "--delete, --reset-offsets, --delete-offsets")
    _check_bootstrap(spec, view, options)
    if options.get("list"):
        return CliResult("".join(f"{g}\n" for g in view.group_ids()))
    if options.get("describe"):
        groups = list(view.group_ids()) if options.get("all-groups") else options["group"]
        return CliResult("".join(_describe_one(view, g, options) for g in groups))
    if options.get("reset-offsets"):
        result = _reset_offsets(view, options)
        return CliResult(prefix + result.output, result.commands)
    return CliResult("# the simulator's kafka-consumer-groups does --list, --describe and "
                     "--reset-offsets\n")


def _describe_one(view: ClusterView, group_id: str, options: dict) -> str:
    if options.get("members"):
        described = view.describe_group(group_id, members_while_rebalancing=True)
        return out.consumer_groups_members(described, group_id,
                                           verbose=bool(options.get("verbose")))
    if options.get("state"):
        described = view.describe_group(group_id, members_while_rebalancing=True)
        info = view.group(group_id)
        return out.consumer_groups_state(described, group_id, view.coordinator(group_id),
                                         info.protocol if info else None)
    return out.consumer_groups_describe(view.describe_group(group_id), group_id)


def _reset_offsets(view: ClusterView, options: dict) -> CliResult:
    spec = _CG_SPEC
    groups = list(view.group_ids()) if options.get("all-groups") else options["group"]
    if len(groups) != 1:
        return CliResult("# the simulator resets one group at a time: give one --group\n")
    group_id = groups[0]
    info = view.group(group_id)
    state = info.state if info is not None else "Dead"
    if state not in ("Empty", "Dead"):
        # ConsumerGroupService.resetOffsets: printError, then an empty plan (the header).
        return CliResult(
            f"\nError: Assignments can only be reset if the group '{group_id}' is inactive, "
            f"but the current state is {state}.\n" + out.reset_offsets_plan([]))
    partitions = _partitions_to_reset(view, group_id, options)
    committed = view.committed(group_id)
    notes = []
    targets: dict[tuple[str, int], int] = {}
    for tp in partitions:
        low, high = _offset_bounds(view, *tp)
        if "to-earliest" in options:
            target = low
        elif "to-latest" in options:
            target = high
        elif "to-current" in options:
            target = committed.get(tp, high)
        elif "to-offset" in options:
            target = _in_range(number(spec, options, "to-offset"), low, high, tp, notes)
        elif "shift-by" in options:
            if tp not in committed:
                raise spec.usage_exit(f"Cannot shift offset for partition {tp[0]}-{tp[1]} since "
                                      "there is no current committed offset")
            target = _in_range(committed[tp] + number(spec, options, "shift-by"), low, high, tp,
                               notes)
        elif "to-datetime" in options:
            found = view.offset_for_time(*tp, _datetime_ms(options["to-datetime"]))
            if found is None:
                notes.append(f"\nWarn: Partition {tp[1]} from topic {tp[0]} is empty. Falling "
                             "back to latest known offset.\n")
                found = high
            target = found
        else:
            raise spec.usage_exit(
                "Option '[reset-offsets]' requires one of the following scenarios: "
                "[[to-offset], [to-datetime], [by-duration], [to-earliest], [to-latest], "
                "[to-current], [shift-by], [from-file]]")
        targets[tp] = target
    # Kafka collects the plan in a HashMap (Collectors.toMap) and prints it in that order.
    order = hash_map_order(list(targets), topic_partition_hash)
    rows = [(group_id, t, p, targets[(t, p)]) for t, p in order]
    text = "".join(notes) + out.reset_offsets_plan(rows)
    if not options.get("execute"):
        return CliResult(text)
    commands = tuple({"type": "reset_offsets", "group": group_id, "topic": t, "to": "offset",
                      "offset": o, "partition": p} for _, t, p, o in rows)
    return CliResult(text, commands)


def _in_range(offset: int, low: int, high: int, tp, notes: list) -> int:
    """ConsumerGroupCommand.checkOffsetsRange: clamp, saying so."""
    if offset > high:
        notes.append(f"\nWarn: New offset ({offset}) is higher than latest offset for topic "
                     f"partition {tp[0]}-{tp[1]}. Value will be set to {high}\n")
        return high
    if offset < low:
        notes.append(f"\nWarn: New offset ({offset}) is lower than earliest offset for topic "
                     f"partition {tp[0]}-{tp[1]}. Value will be set to {low}\n")
        return low
    return offset


def _datetime_ms(text: str) -> int:
    """Utils.getDateTime: 'YYYY-MM-DDTHH:mm:SS.sss', optional zone; the simulator's clock
    starts at the Unix epoch, so 1970-01-01T00:00:05.000 is 5 s into the simulation."""
    match = re.fullmatch(r"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(\.\d{3})?(Z|[+-]\d{2}:?\d{2})?",
                         text)
    if not match:
        raise ToolExit(
            "\nError: Executing consumer group command failed due to java.text.ParseException: "
            f'Unparseable date: "{text}"\n')
    base, millis, zone = match.groups()
    y, mo, d = (int(x) for x in base[:10].split("-"))
    h, mi, sec = (int(x) for x in base[11:].split(":"))
    offset_min = 0
    if zone not in (None, "Z"):
        digits = zone[1:].replace(":", "")
        offset_min = (int(digits[:2]) * 60 + int(digits[2:])) * (1 if zone[0] == "+" else -1)
    seconds = _days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec - offset_min * 60
    return seconds * 1000 + (int(millis[1:]) if millis else 0)


def _days_from_civil(y: int, m: int, d: int) -> int:
    """Days since 1970-01-01 of a proleptic Gregorian date (the simulator reads no clock
    and imports no datetime; H. Hinnant's algorithm)."""
    y -= m <= 2
    era = (y if y >= 0 else y - 399) // 400
    yoe = y - era * 400
    doy = (153 * (m + (-3 if m > 2 else 9)) + 2) // 5 + d - 1
    doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
    return era * 146097 + doe - 719468


def _partitions_to_reset(view: ClusterView, group_id: str, options: dict):
    spec = _CG_SPEC
    if options.get("all-topics"):
        return sorted(view.committed(group_id))
    if "topic" not in options:
        raise spec.usage_exit("One of the reset scopes should be defined: --all-topics, --topic.")
    partitions = []
    for arg in options["topic"]:
        topic, _, numbers = arg.partition(":")
        info = view.topic(topic)
        if info is None:
            raise ToolExit(
                "\nError: Executing consumer group command failed due to "
                "org.apache.kafka.common.errors.UnknownTopicOrPartitionException: This server "
                "does not host this topic-partition.\n")
        if numbers:
            for n in numbers.split(","):
                if not re.fullmatch(r"[+-]?\d+", n.strip()):
                    # Integer.parseInt's NumberFormatException is an
                    # IllegalArgumentException: ConsumerGroupCommand.run prints usage.
                    raise spec.usage_exit(f'For input string: "{n.strip()}"')
                partitions.append((topic, int(n)))
        else:
            partitions.extend((topic, p.partition) for p in info.partitions)
    return partitions


# --------------------------------------------------------------- kafka-topics.sh
# org.apache.kafka.tools.TopicCommand

_TOPICS_SPEC = ToolSpec(
    "kafka-topics",
    "This tool helps to create, delete, describe, or change a topic.",
    (
        Opt("bootstrap-server", "REQUIRED: The Kafka server to connect to.",
            "String: server to connect to"),
        Opt("list", "List all available topics."),
        Opt("describe", "List details for the given topics."),
        Opt("create", "Create a new topic."),
        Opt("alter", "Alter the number of partitions and replica assignment. Update the "
            "configuration of an existing topic via --alter is no longer supported here "
            "(the kafka-configs CLI supports altering topic configs with a --bootstrap-server "
            "option)."),
        Opt("delete", "Delete a topic"),
        Opt("topic", "The topic to create, alter, describe or delete. It also accepts a "
            "regular expression, except for --create option. Put topic name in double quotes "
            "and use the '\\' prefix to escape regular expression symbols; e.g. \"test\\.topic\".",
            "String: topic"),
        Opt("partitions", "The number of partitions for the topic being created or altered "
            "(WARNING: If partitions are increased for a topic that has a key, the partition "
            "logic or ordering of the messages will be affected). If not supplied for create, "
            "defaults to the cluster default.", "Integer: # of partitions", kind=int),
        Opt("replication-factor", "The replication factor for each partition in the topic "
            "being created. If not supplied, defaults to the cluster default.",
            "Integer: replication factor", kind=int),
        Opt("config", "A topic configuration override for the topic being created. The "
            "following is a list of valid configurations: cleanup.policy max.message.bytes "
            "min.insync.replicas retention.bytes retention.ms segment.bytes segment.ms "
            "unclean.leader.election.enable", "String: name=value", multiple=True),
        Opt("exclude-internal", "exclude internal topics when running list or describe "
            "command. The internal topics will be listed by default"),
        Opt("if-exists", "if set when altering or deleting or describing topics, the action "
            "will only execute if the topic exists."),
        Opt("if-not-exists", "if set when creating topics, the action will only execute if "
            "the topic does not already exist."),
        Opt("under-replicated-partitions", "if set when describing topics, only show under "
            "replicated partitions"),
        HELP, VERSION,
    ),
    parse_errors="stacktrace",
    bad_number="topic_command",
)


def _topics(view: ClusterView, options: dict) -> CliResult:
    spec = _TOPICS_SPEC
    actions = [a for a in ("create", "list", "alter", "describe", "delete") if a in options]
    if len(actions) != 1:
        raise spec.usage_exit("Command must include exactly one action: --list, --describe, "
                              "--create, --alter or --delete")
    if "bootstrap-server" not in options:
        # TopicCommandOptions.checkRequiredArgs throws; mainNoExit prints it and its trace.
        raise ToolExit("--bootstrap-server must be specified\njava.lang.IllegalArgumentException: "
                       "--bootstrap-server must be specified\n\tat org.apache.kafka.tools."
                       "TopicCommand$TopicCommandOptions.checkRequiredArgs(TopicCommand.java:980)\n")
    action = actions[0]
    if action in ("create", "alter", "delete") and "topic" not in options:
        raise spec.usage_exit('Missing required argument "[topic]"')
    if action == "alter" and "partitions" not in options:
        raise spec.usage_exit('Missing required argument "[partitions]"')
    if "exclude-internal" in options and action not in ("list", "describe"):
        raise spec.usage_exit(f'Option "[exclude-internal]" can\'t be used with option '
                              f'"[{action}]"')
    _check_bootstrap(spec, view, options)
    names = _matching_topics(view, options.get("topic"), not options.get("exclude-internal"))
    if action == "list":
        return CliResult("\n".join(names) + "\n")
    if action == "describe":
        if options.get("topic") and not names and not options.get("if-exists"):
            return CliResult(_topic_error(f"Topic '{options['topic']}' does not exist as "
                                          "expected"))
        text = []
        for name in names:
            info = view.topic(name)
            if options.get("under-replicated-partitions"):
                text.append(out.topics_describe_partitions(
                    info, lambda p: len(p.isr) < len(p.replicas)))
            else:
                text.append(out.topics_describe(info, name))
        return CliResult("".join(text))
    if action == "create":
        return _create_topic(view, options)
    if action == "alter":
        return _alter_topic(view, options, names)
    return CliResult("# the simulator's kafka-topics does --list, --describe, --create and "
                     "--alter; delete topics with the topic controls\n")


def _topic_error(message: str) -> str:
    """TopicCommand.printException."""
    return f"Error while executing topic command : {message}\n"


def _matching_topics(view: ClusterView, pattern: str | None, include_internal: bool):
    """TopicCommand.getTopics: all topics sorted, filtered by the --topic regex (a full
    match, as IncludeList does) and, with --exclude-internal, without internal topics."""
    names = view.topic_names(include_internal=include_internal)
    if pattern is None:
        return list(names)
    try:
        regex = re.compile(pattern)
    except re.error:
        return [n for n in names if n == pattern]
    return [n for n in names if regex.fullmatch(n)]


def _create_topic(view: ClusterView, options: dict) -> CliResult:
    spec = _TOPICS_SPEC
    name = options["topic"]
    partitions = number(spec, options, "partitions", 1)
    rf = number(spec, options, "replication-factor", min(3, len(view.broker_ids())))
    if rf < 1 or rf > 32767:
        return CliResult(_topic_error("The replication factor must be between 1 and 32767 "
                                      "inclusive"))
    if partitions < 1:
        return CliResult(_topic_error("The partitions must be greater than 0"))
    configs = {}
    for item in options.get("config", []):
        key, eq, value = item.partition("=")
        if not eq:
            return CliResult(_topic_error("requirement failed: Invalid topic config: all "
                                          "configs to be added must be in the format "
                                          '"key=val".'))
        configs[key] = _typed_config(value)
    unknown = [k for k in configs if k not in view.topic_config_defaults()]
    if unknown:
        return CliResult(_topic_error(f"Unknown topic config name: {unknown[0]}"))
    if view.topic(name) is not None:
        if options.get("if-not-exists"):
            return CliResult("")
        return CliResult(_topic_error(f"Topic '{name}' already exists."))
    if not re.fullmatch(r"[a-zA-Z0-9._-]{1,249}", name) or name in (".", ".."):
        return CliResult(_topic_error(
            f"Topic name \"{name}\" is illegal, it contains a character other than ASCII "
            "alphanumerics, '.', '_' and '-'"))
    live = len(view.live_broker_ids())
    if rf > live:
        return CliResult(_topic_error(f"Replication factor: {rf} larger than available "
                                      f"brokers: {live}."))
    warning = ""
    if "." in name or "_" in name:
        warning = ("WARNING: Due to limitations in metric names, topics with a period ('.') or "
                   "underscore ('_') could collide. To avoid issues it is best to use either, "
                   "but not both.\n")
    command = {"type": "create_topic", "topic": name, "partitions": partitions,
               "replication_factor": rf, "configs": configs}
    return CliResult(f"{warning}Created topic {name}.\n", (command,))


def _typed_config(value: str):
    if re.fullmatch(r"-?\d+", value):
        return int(value)
    if value.lower() in ("true", "false"):
        return value.lower() == "true"
    return value


def _alter_topic(view: ClusterView, options: dict, names: list[str]) -> CliResult:
    if not names:
        if options.get("if-exists"):
            return CliResult("")
        return CliResult(_topic_error(f"Topic '{options['topic']}' does not exist as expected"))
    wanted = number(_TOPICS_SPEC, options, "partitions")
    commands = []
    for name in names:
        info = view.topic(name)
        have = len(info.partitions)
        if info.internal:
            return CliResult(_topic_error(f"The number of partitions for the internal topic "
                                          f"{name} cannot be changed."))
        if wanted < have:
            return CliResult(_topic_error(f"Topic currently has {have} partitions, which is "
                                          f"higher than the requested {wanted}."))
        if wanted == have:
            return CliResult(_topic_error(f"Topic already has {have} partitions."))
        commands.append({"type": "alter_partitions", "topic": name, "partitions": wanted})
    return CliResult("", tuple(commands))  # TopicService.alterTopic prints nothing


# ----------------------------------------------------------- kafka-get-offsets.sh
# org.apache.kafka.tools.GetOffsetShell

_OFFSETS_SPEC = ToolSpec(
    "kafka-get-offsets",
    "An interactive shell for getting topic-partition offsets.",
    (
        Opt("bootstrap-server", "REQUIRED. The server(s) to connect to in the form "
            "HOST1:PORT1,HOST2:PORT2.", "String: HOST1:PORT1,...,HOST3:PORT3"),
        Opt("topic", "The topic to get the offsets for. It also accepts a regular expression. "
            "If not present, all authorized topics are queried. Cannot be used if "
            "--topic-partitions is present.", "String: topic"),
        Opt("partitions", "Comma separated list of partition ids to get the offsets for. If "
            "not present, all partitions of the authorized topics are queried. Cannot be "
            "used if --topic-partitions is present.", "String: partition ids"),
        Opt("time", "timestamp of the offsets before that. [Note: No offset is returned, if "
            "the timestamp greater than recently committed record timestamp is given.]",
            "String: <timestamp> / -1 or latest / -2 or earliest / -3 or max-timestamp / -4 or "
            "earliest-local / -5 or latest-tiered",
            default="latest"),
        Opt("exclude-internal-topics", "By default, internal topics are included. If "
            "specified, internal topics are excluded."),
        HELP, VERSION,
    ),
    parse_errors="terse",
)


def _get_offsets(view: ClusterView, options: dict) -> CliResult:
    spec = _OFFSETS_SPEC
    _check_bootstrap(spec, view, options)
    when = options.get("time", "latest")
    spec_name = {"-1": "latest", "-2": "earliest", "-3": "max-timestamp"}.get(when, when)
    if spec_name not in ("latest", "earliest", "max-timestamp"):
        try:
            timestamp = int(when)
        except ValueError:
            raise ToolExit(f"Error occurred: Malformed time argument {when}. Please use -1 or "
                           "latest / -2 or earliest / -3 or max-timestamp / -4 or "
                           "earliest-local / -5 or latest-tiered, or a specified long format "
                           "timestamp\n") from None
    else:
        timestamp = None
    wanted_partitions = None
    if "partitions" in options:
        try:
            wanted_partitions = {int(p) for p in options["partitions"].split(",")}
        except ValueError:
            raise ToolExit("Error occurred: --partitions expects a comma separated list of "
                           f"numeric partition ids, but received: {options['partitions']}\n"
                           ) from None
    names = _matching_topics(view, options.get("topic"),
                             not options.get("exclude-internal-topics"))
    offsets: dict[tuple[str, int], int] = {}
    for name in names:
        for p in view.topic(name).partitions:
            if wanted_partitions is not None and p.partition not in wanted_partitions:
                continue
            bounds = view.log_bounds(name, p.partition)
            if bounds is None:
                continue
            low, high = bounds
            if spec_name == "earliest":
                offsets[(name, p.partition)] = low
            elif spec_name == "latest":
                offsets[(name, p.partition)] = high
            elif spec_name == "max-timestamp":
                records = view.records(name, p.partition, low, high, high - low)
                if records:
                    best = max(records, key=lambda r: (r.timestamp_ms, -r.offset))
                    offsets[(name, p.partition)] = best.offset
            else:
                found = view.offset_for_time(name, p.partition, timestamp)
                if found is not None:
                    offsets[(name, p.partition)] = found
    if not offsets and not any(view.topic(n).partitions for n in names):
        return CliResult(out.get_offsets(None))
    return CliResult(out.get_offsets(offsets))


def _run_class(args: list[str]) -> str:
    """The study guide's ``kafka-run-class kafka.tools.GetOffsetShell --broker-list``."""
    main_class = args[0] if args else ""
    if main_class in ("kafka.tools.GetOffsetShell", "org.apache.kafka.tools.GetOffsetShell"):
        if main_class == "kafka.tools.GetOffsetShell":
            return (f"Error: Could not find or load main class {main_class}\n"
                    f"Caused by: java.lang.ClassNotFoundException: {main_class}\n"
                    "# GetOffsetShell moved to org.apache.kafka.tools and became "
                    "kafka-get-offsets.sh (Kafka 3.0); --broker-list became --bootstrap-server:\n"
                    "# kafka-get-offsets.sh --bootstrap-server broker-1:9092 --topic orders\n")
        if "--broker-list" in args:
            return ("Error occurred: broker-list is not a recognized option\n"
                    "# since Kafka 3.0 it is --bootstrap-server\n")
        return "# run it as kafka-get-offsets.sh --bootstrap-server broker-1:9092 --topic T\n"
    if not main_class:
        return "USAGE: kafka-run-class [-daemon] [-name servicename] [-loggc] classname [opts]\n"
    return (f"Error: Could not find or load main class {main_class}\n"
            f"Caused by: java.lang.ClassNotFoundException: {main_class}\n")


# ------------------------------------------------------- kafka-console-consumer.sh
# org.apache.kafka.tools.consumer.ConsoleConsumer(Options)

_CONSUMER_SPEC = ToolSpec(
    "kafka-console-consumer",
    "This tool helps to read data from Kafka topics and outputs it to standard output.",
    (
        Opt("bootstrap-server", "REQUIRED: The server(s) to connect to.",
            "String: server to connect to"),
        Opt("topic", "The topic to consume on.", "String: topic"),
        Opt("group", "The consumer group id of the consumer.", "String: consumer group id"),
        Opt("from-beginning", "If the consumer does not already have an established offset "
            "to consume from, start with the earliest message present in the log rather than "
            "the latest message."),
        Opt("max-messages", "The maximum number of messages to consume before exiting. If not "
            "set, consumption is continual.", "Integer: num_messages", kind=int),
        Opt("partition", "The partition to consume from. Consumption starts from the end of "
            "the partition unless '--offset' is specified.", "Integer: partition", kind=int),
        Opt("offset", "The offset to consume from (a non-negative number), or 'earliest' "
            "which means from beginning, or 'latest' which means from end",
            "String: consume offset", default="latest"),
        Opt("property", "The properties to initialize the message formatter. Default "
            "properties include:\n print.timestamp=true|false\n print.key=true|false\n "
            "print.offset=true|false\n print.partition=true|false\n print.headers=true|false\n "
            "print.value=true|false\n key.separator=<key.separator>\n "
            "line.separator=<line.separator>", "String: prop", multiple=True),
        Opt("timeout-ms", "If specified, exit if no message is available for consumption for "
            "the specified interval.", "Integer: timeout_ms", kind=int),
        HELP, VERSION,
    ),
    parse_errors="usage",  # ConsoleConsumerOptions catches OptionException
    bad_number="console_consumer",
)


def _console_consumer(view: ClusterView, options: dict, *,
                      resume: Wait | None = None) -> CliResult:
    spec = _CONSUMER_SPEC
    # ConsoleConsumerOptions.checkRequiredArgs, checkConsumerGroup, parseOffset, in order.
    if "topic" not in options:
        raise spec.usage_exit("Exactly one of --include/--topic is required. ")
    topic = options["topic"]
    if "partition" in options:
        if options.get("from-beginning") and "offset" in options:
            raise spec.usage_exit("Options from-beginning and offset cannot be specified "
                                  "together.")
    elif "offset" in options:
        raise spec.usage_exit("The partition is required when offset is specified.")
    _required(spec, options, "bootstrap-server")
    if "group" in options and "partition" in options:
        raise spec.usage_exit("Options group and partition cannot be specified together.")
    offset = options.get("offset")
    if offset not in (None, "earliest", "latest"):
        if not re.fullmatch(r"\d+", offset):
            raise spec.usage_exit(f"The provided offset value '{offset}' is incorrect. Valid "
                                  "values are 'earliest', 'latest', or a non-negative long.")
    _check_bootstrap(spec, view, options)
    props = {}
    for item in options.get("property", []):
        key, eq, value = item.partition("=")
        if not eq:
            raise spec.usage_exit(f"Invalid command line properties: {item}")
        props[key] = value
    flags = {k: props.get(f"print.{k}", "false").lower() == "true"
             for k in ("key", "offset", "partition", "timestamp")}
    flags["value"] = props.get("print.value", "true").lower() == "true"
    separator = props.get("key.separator", "\t")
    limit = MAX_CONSOLE_MESSAGES
    if "max-messages" in options:
        limit = max(0, min(limit, number(spec, options, "max-messages")))
    info = view.topic(topic)
    if info is None:
        group = options.get("group") or out.console_consumer_group_id(view.group_ids(),
                                                                       view.now_ms)
        return CliResult(
            f"[{log_time(view.now_ms)}] WARN [Consumer clientId=console-consumer, groupId="
            f"{group}] Error while fetching metadata with correlation id 2 : {{{topic}="
            "UNKNOWN_TOPIC_OR_PARTITION} (org.apache.kafka.clients.NetworkClient)\n"
            "# it would wait for the topic to appear; nothing to read\n"
            + out.console_consumer([]))
    if resume is not None:  # still running: positions and group as when it started
        group_id, note, starts, started_ms, seen, progress_ms = resume.state
        starts = dict(starts)
    else:
        group_id, note, starts = _console_consumer_start(spec, view, options, info, offset)
        if isinstance(group_id, CliResult):
            return group_id
        started_ms = progress_ms = view.now_ms
        seen = 0
    records = []
    for p, start in sorted(starts.items()):
        _, high = _offset_bounds(view, topic, p)
        for r in view.records(topic, p, start, high, limit):
            if not r.control:
                records.append(r)
    shown = records[:limit]
    if len(shown) > seen:
        seen, progress_ms = len(shown), view.now_ms
    after, wait = "", None
    if "group" in options and shown:
        after += (f"# the real tool, as a member of group {group_id}, would also commit how far "
                  "it read when it exits (enable.auto.commit); the simulator's reads without "
                  "joining, so the group's offsets stay as they were\n")
    if "max-messages" not in options:
        after = ("# the real tool keeps waiting for more; the simulator stops at the end of "
                 "the log, as if you pressed Ctrl-C\n")
    elif len(shown) < limit:
        # ConsoleConsumer.process loops on receive() until --max-messages records came;
        # ConsumerWrapper.receive throws TimeoutException after --timeout-ms without one.
        timeout = number(spec, options, "timeout-ms") if "timeout-ms" in options else None
        if timeout is not None and timeout >= 0 and view.now_ms - progress_ms > timeout:
            after = (f"[{log_time(view.now_ms)}] ERROR Error processing message, terminating "
                     "consumer process:  (org.apache.kafka.tools.consumer.ConsoleConsumer)\n"
                     "org.apache.kafka.common.errors.TimeoutException\n")
        else:
            waited_s = (view.now_ms - started_ms) / 1000
            after = (f"# the real tool would still be waiting for {limit - len(shown)} more "
                     f"message(s) (--max-messages {limit}); the simulator stopped it after "
                     f"{waited_s:g} s of simulated time\n")
            until = started_ms + TOOL_WAIT_MS
            if timeout is not None and timeout >= 0:
                until = min(until, progress_ms + timeout + 1)
            wait = Wait(until, (group_id, note, tuple(sorted(starts.items())), started_ms,
                                seen, progress_ms))
    return CliResult(note + out.console_consumer(
        [(r.key, r.value, r.partition, r.offset, r.timestamp_ms) for r in shown],
        separator=separator, **flags) + after, wait=wait)


def _console_consumer_start(spec, view: ClusterView, options: dict, info, offset):
    """(group id, note, {partition: first offset}) where the console consumer starts
    reading, fixed when it starts (later records are read as they arrive), or
    (a CliResult, None, None) when it cannot start."""
    topic = options["topic"]
    group_id = options.get("group")
    committed = {}
    note = ""
    if group_id is not None:
        group = view.group(group_id)
        if group is not None and group.members:
            return CliResult(
                f"# group {group_id!r} has active members: a console consumer would join it "
                "and share its partitions; describe the group instead, or read with a fresh "
                "group (no --group)\n"), None, None
        committed = view.committed(group_id)
    elif "partition" not in options:
        group_id = out.console_consumer_group_id(view.group_ids(), view.now_ms)
        note = f"# a fresh group {group_id}: no committed offsets\n"
    partitions = [p.partition for p in info.partitions]
    if "partition" in options:
        wanted = number(spec, options, "partition")
        if wanted not in partitions:
            return CliResult(f"# partition {wanted} does not exist in {topic}: the consumer "
                             "would wait for it\n" + out.console_consumer([])), None, None
        partitions = [wanted]
    starts = {}
    for p in partitions:
        low, high = _offset_bounds(view, topic, p)
        start = committed.get((topic, p))
        if start is None:
            start = high
            if options.get("from-beginning") or offset == "earliest":
                start = low
            elif offset not in (None, "latest"):
                start = int(offset)
        starts[p] = start
    return group_id, note, starts


# ------------------------------------------------------- kafka-console-producer.sh
# org.apache.kafka.tools.ConsoleProducer

_PRODUCER_SPEC = ToolSpec(
    "kafka-console-producer",
    "This tool helps to read data from standard input and publish it to Kafka.",
    (
        Opt("bootstrap-server", "REQUIRED unless --broker-list(deprecated) is specified. The "
            "server(s) to connect to. The broker list string in the form "
            "HOST1:PORT1,HOST2:PORT2.", "String: server to connect to"),
        Opt("topic", "REQUIRED: The topic id to produce messages to.", "String: topic"),
        Opt("property", "A mechanism to pass user-defined properties in the form key=value to "
            "the message reader. This allows custom configuration for a user-defined message "
            "reader.\nDefault properties include:\n parse.key=false\n parse.headers=false\n "
            "ignore.error=false\n key.separator=\\t", "String: prop", multiple=True),
        Opt("producer-property", "A mechanism to pass user-defined properties in the form "
            "key=value to the producer.", "String: producer_prop", multiple=True),
        HELP, VERSION,
    ),
    parse_errors="usage",
)


def _console_producer(view: ClusterView, options: dict, stdin: str | None,
                      line_number: int = 1, *, close: bool = False,
                      resume: Wait | None = None) -> CliResult:
    spec = _PRODUCER_SPEC
    topic = _required(spec, options, "topic")
    _required(spec, options, "bootstrap-server")
    _check_bootstrap(spec, view, options)
    props = {}
    for item in options.get("property", []):
        key, eq, value = item.partition("=")
        if not eq:
            raise spec.usage_exit(f"Invalid command line properties: {item}")
        props[key] = value
    if close or resume is not None:
        return _console_producer_close(view, resume)
    if stdin is None:
        return CliResult(">", interactive=True)  # LineMessageReader's prompt
    key = None
    value = stdin.rstrip("\n")
    if props.get("parse.key", "false").lower() == "true":
        separator = props.get("key.separator", "\t")
        if separator in value:
            key, value = value.split(separator, 1)
        elif props.get("ignore.error", "false").lower() != "true":
            # LineMessageReader.parse throws; ConsoleProducer.start prints the trace, exits.
            return CliResult(f"org.apache.kafka.common.KafkaException: No key separator found "
                             f"on line number {line_number}: '{value}'\n"
                             "\tat org.apache.kafka.tools.LineMessageReader.parse"
                             "(LineMessageReader.java:177)\n")
    commands = []
    if CONSOLE_PRODUCER not in view.producer_names():
        commands.append({"type": "add_producer", "producer": CONSOLE_PRODUCER, "configs": {}})
    commands.append({"type": "produce", "producer": CONSOLE_PRODUCER, "topic": topic,
                     "key": key, "value": value})
    commands.append({"type": "flush", "producer": CONSOLE_PRODUCER})
    if view.topic(topic) is None:
        note = (f"[{log_time(view.now_ms)}] WARN [Producer clientId=console-producer] Error while "
                f"fetching metadata with correlation id 1 : {{{topic}="
                "UNKNOWN_TOPIC_OR_PARTITION} (org.apache.kafka.clients.NetworkClient)\n"
                "# the simulated brokers run with auto.create.topics.enable=false (as production "
                "clusters usually do), so nothing was sent\n")
        return CliResult(note + ">", interactive=True)
    return CliResult(">", tuple(commands), interactive=True)


def _console_producer_close(view: ClusterView, resume: Wait | None) -> CliResult:
    """Ctrl-C or Ctrl-D: ConsoleProducer.start registers producer::close as the
    shutdown hook (and calls Exit.exit after the reader loop ends at EOF), and
    KafkaProducer.close() with no timeout blocks until every record sent is
    acknowledged or failed. So the tool exits only then."""
    unfinished = view.producer_unfinished(CONSOLE_PRODUCER)
    if not unfinished:
        return CliResult("")
    started_ms = resume.state[0] if resume is not None else view.now_ms
    return CliResult(
        f"# {unfinished} record(s) not yet acknowledged: the real producer's close() would "
        "keep waiting for them; the simulator stopped waiting after "
        f"{(view.now_ms - started_ms) / 1000:g} s of simulated time\n",
        wait=Wait(started_ms + TOOL_WAIT_MS, (started_ms,)))


# ------------------------------------------------------------------ kafka-acls.sh
# kafka.admin.AclCommand

_ACL_OPERATIONS = {"READ": "READ", "WRITE": "WRITE", "DESCRIBE": "DESCRIBE", "ALL": "ALL"}
# org.apache.kafka.common.acl.AclOperation, in declaration order, and its names as
# SecurityUtils.operationName prints them (and SecurityUtils.operation reads them: the
# exact name, else its upper case form).
_ACL_ORDER = ("ALL", "READ", "WRITE", "CREATE", "DELETE", "ALTER", "DESCRIBE", "CLUSTER_ACTION",
              "DESCRIBE_CONFIGS", "ALTER_CONFIGS", "IDEMPOTENT_WRITE", "CREATE_TOKENS",
              "DESCRIBE_TOKENS")
_OPERATION_NAMES = {o: "".join(w.capitalize() for w in o.split("_")) for o in _ACL_ORDER}
_JAVA_OPERATIONS = {**{n: o for o, n in _OPERATION_NAMES.items()},
                    **{n.upper(): o for o, n in _OPERATION_NAMES.items()}}
# AclEntry.supportedOperations, plus ALL (AclCommand.validateOperation)
_VALID_OPERATIONS = {
    "TOPIC": {"READ", "WRITE", "CREATE", "DESCRIBE", "DELETE", "ALTER", "DESCRIBE_CONFIGS",
              "ALTER_CONFIGS", "ALL"},
    "GROUP": {"READ", "DESCRIBE", "DELETE", "DESCRIBE_CONFIGS", "ALTER_CONFIGS", "ALL"},
}
_ACLS_SPEC = ToolSpec(
    "kafka-acls",
    "This tool helps to manage acls on kafka.",
    (
        Opt("bootstrap-server", "A list of host/port pairs to use for establishing the "
            "connection to the Kafka cluster. This list should be in the form "
            "host1:port1,host2:port2,... This config is required for acl management using "
            "admin client API.", "String: server to connect to"),
        Opt("add", "Indicates you are trying to add ACLs."),
        Opt("remove", "Indicates you are trying to remove ACLs."),
        Opt("list", "List ACLs for the specified resource, use --topic <topic> or --group "
            "<group> or --cluster to specify a resource."),
        Opt("topic", "topic to which ACLs should be added or removed. A value of '*' "
            "indicates ACL should apply to all topics.", "String: topic", multiple=True),
        Opt("group", "Consumer Group to which the ACLs should be added or removed. A value of "
            "'*' indicates the ACLs should apply to all groups.", "String: group",
            multiple=True),
        Opt("operation", "Operation that is being allowed or denied. Valid operation names "
            "are: \n\tDescribe\n\tDescribeConfigs\n\tAlter\n\tIdempotentWrite\n\tRead\n"
            "\tDelete\n\tCreate\n\tClusterAction\n\tAll\n\tCreateTokens\n\tDescribeTokens\n"
            "\tWrite\n\tAlterConfigs\n", "String", multiple=True, default="All"),
        Opt("allow-principal", "principal is in principalType:name format. Note that "
            "principalType must be supported by the Authorizer being used. For example, "
            "User:'*' is the wild card indicating all users.", "String: allow-principal",
            multiple=True),
        Opt("deny-principal", "principal is in principalType:name format. By default anyone "
            "not added through --allow-principal is denied access. You only need to use this "
            "option as negation to already allowed set. Note that principalType must be "
            "supported by the Authorizer being used. For example if you wanted to allow "
            "access to all users in the system but not test-user you can define an ACL that "
            "allows access to User:'*' and specify --deny-principal=User:test@EXAMPLE.COM. "
            "AND PLEASE REMEMBER DENY RULES TAKES PRECEDENCE OVER ALLOW RULES.",
            "String: deny-principal", multiple=True),
        Opt("principal", "List ACLs for the specified principal. principal is in "
            "principalType:name format. Note that principalType must be supported by the "
            "Authorizer being used. Multiple --principal option can be passed.",
            "String: principal", multiple=True),
        Opt("force", "Assume Yes to all queries and do not prompt."),
        HELP, VERSION,
    ),
    parse_errors="usage",
)


def _acls(view: ClusterView, options: dict) -> CliResult:
    spec = _ACLS_SPEC
    actions = [a for a in ("add", "remove", "list") if a in options]
    if len(actions) != 1:
        raise spec.usage_exit("Command must include exactly one action: --list, --add, --remove. ")
    if "bootstrap-server" not in options:
        raise spec.usage_exit("Only one of --bootstrap-server or --bootstrap-controller must be "
                              "specified")
    _check_bootstrap(spec, view, options)
    resources = [("TOPIC", t) for t in options.get("topic", [])] + [
        ("GROUP", g) for g in options.get("group", [])]
    action = actions[0]
    if action == "list":
        listed = [(t, n, entries) for t, n, entries in view.acls()
                  if not resources or (t, n) in resources]
        principals = options.get("principal")
        text = []
        for principal in principals or [None]:
            if principal is not None:
                text.append(f"ACLs for principal `{principal}`\n")
            for t, n, entries in listed:
                shown = [e for e in entries if principal is None or e["principal"] == principal]
                if shown:
                    text.append(out.acls_list(t, n, _acl_entries(shown)))
        return CliResult("".join(text))
    if not resources:
        raise spec.usage_exit("You must provide at least one resource: --topic <topic> or "
                              "--cluster or --group <group> or --delegation-token <Delegation "
                              "Token ID>")
    allow = options.get("allow-principal", [])
    deny = options.get("deny-principal", [])
    if action == "add" and not allow and not deny:
        raise spec.usage_exit("You must specify one of: --allow-principal, --deny-principal "
                              "when trying to add ACLs.")
    for principal in allow + deny:
        # SecurityUtils.parseKafkaPrincipal, inside AclCommand.main's try
        if ":" not in principal or principal.startswith(":"):
            return CliResult("Error while executing ACL command: expected a string in format "
                             f"principalType:principalName but got {principal}\n"
                             "java.lang.IllegalArgumentException: expected a string in format "
                             f"principalType:principalName but got {principal}\n")
        if not re.fullmatch(r"User:\S+", principal):
            return CliResult(f"# the simulator's principals look like User:alice, not "
                             f"{principal}\n")
    operations = []
    for resource_type, _ in resources:
        for name in options.get("operation", ["All"]):
            op = _JAVA_OPERATIONS.get(name) or _JAVA_OPERATIONS.get(name.upper(), "UNKNOWN")
            if op not in _VALID_OPERATIONS[resource_type]:
                # AclCommand.validateOperation. Kafka prints a HashSet of enum constants,
                # whose order follows identity hash codes and so differs between runs;
                # we print them in AclOperation's order.
                valid = ", ".join(_OPERATION_NAMES[o] for o in _ACL_ORDER
                                  if o in _VALID_OPERATIONS[resource_type])
                raise spec.usage_exit(f"ResourceType {resource_type} only supports operations "
                                      f"{valid}")
            if op not in _ACL_OPERATIONS:
                return CliResult(f"# the simulator's ACLs know Read, Write, Describe and All, "
                                 f"not {name}\n")
            if _ACL_OPERATIONS[op] not in operations:
                operations.append(_ACL_OPERATIONS[op])
    acls = [(p, op, "ALLOW") for p in allow for op in operations] + [
        (p, op, "DENY") for p in deny for op in operations]
    text, commands = [], []
    for resource_type, name in resources:
        entries = _acl_entries([{"principal": p, "host": "*", "operation": op, "permission": perm}
                                for p, op, perm in acls])
        pattern = f"ResourcePattern(resourceType={resource_type}, name={name}, patternType=LITERAL)"
        body = "\n".join(f"\t{e.text()}" for e in entries)
        if action == "add":
            text.append(f"Adding ACLs for resource `{pattern}`: \n {body} \n\n")
            commands.extend({"type": "add_acl", "resource_type": resource_type, "name": name,
                             "principal": p, "operation": op, "permission": perm}
                            for p, op, perm in acls)
        else:
            existing = {(e["principal"], e["operation"], e["permission"])
                        for t, n, es in view.acls() if (t, n) == (resource_type, name) for e in es}
            if not options.get("force"):
                text.append(f"Are you sure you want to remove ACLs: \n {body} \n from resource "
                            f"filter `{pattern.replace('ResourcePattern', 'ResourcePattern')}`? "
                            "(y/n)\n# the terminal cannot answer prompts: add --force\n")
                continue
            commands.extend({"type": "remove_acl", "resource_type": resource_type, "name": name,
                             "principal": p, "operation": op, "permission": perm}
                            for p, op, perm in acls if (p, op, perm) in existing)
    return CliResult("".join(text), tuple(commands))


def _acl_entries(entries) -> list[out.AclEntry]:
    return [out.AclEntry(e["principal"], e["operation"], e["permission"], e["host"])
            for e in entries]


# ---------------------------------------------------------------- kafka-configs.sh
# kafka.admin.ConfigCommand

_CONFIGS_SPEC = ToolSpec(
    "kafka-configs",
    "This tool helps to manipulate and describe entity config for a topic, client, user, "
    "broker, ip, client-metrics or group",
    (
        Opt("bootstrap-server", "The Kafka servers to connect to.",
            "String: server to connect to"),
        Opt("describe", "List configs for the given entity."),
        Opt("alter", "Alter the configuration for the entity."),
        Opt("entity-type", "Type of entity (topics/clients/users/brokers/broker-loggers/ips/"
            "client-metrics/groups)", "String", multiple=True),
        Opt("entity-name", "Name of entity (topic name/client id/user principal name/broker "
            "id/ip/client metrics/group id)", "String", multiple=True),
        Opt("topic", "The topic's name.", "String", multiple=True),
        Opt("group", "The group's ID.", "String", multiple=True),
        Opt("add-config", "Key Value pairs of configs to add. Square brackets can be used to "
            "group values which contain commas: 'k1=v1,k2=[v1,v2,v2],k3=v3'.", "String"),
        Opt("delete-config", "config keys to remove 'k1,k2'", "String", multiple=True),
        Opt("all", "List all configs for the given entity, including static configs if "
            "available."),
        HELP, VERSION,
    ),
    parse_errors="usage",
)

# ServerTopicConfigSynonyms: the broker default behind each topic config.
_TOPIC_SYNONYMS = {
    "retention.ms": ("log.retention.hours", "168"),
    "retention.bytes": ("log.retention.bytes", "-1"),
    "segment.bytes": ("log.segment.bytes", "1073741824"),
    "segment.ms": ("log.roll.hours", "168"),
    "min.insync.replicas": ("min.insync.replicas", "1"),
    "unclean.leader.election.enable": ("unclean.leader.election.enable", "false"),
    "cleanup.policy": ("log.cleanup.policy", "delete"),
    "max.message.bytes": ("message.max.bytes", "1048588"),
}
# GroupConfig (KIP-848): what `kafka-configs --entity-type groups` may set.
_GROUP_CONFIGS = {"consumer.session.timeout.ms": "45000",
                  "consumer.heartbeat.interval.ms": "5000"}


def _configs(view: ClusterView, options: dict) -> CliResult:
    spec = _CONFIGS_SPEC
    types = list(options.get("entity-type", []))
    names = list(options.get("entity-name", []))
    for flag, kind in (("topic", "topics"), ("group", "groups")):
        for value in options.get(flag, []):
            types.append(kind)
            names.append(value)
    actions = [a for a in ("describe", "alter") if a in options]
    if len(actions) != 1:
        raise spec.usage_exit("Command must include exactly one action: --describe, --alter")
    if "bootstrap-server" not in options:
        raise spec.usage_exit("One of the required --bootstrap-server or "
                              "--bootstrap-controller arguments must be specified")
    if not types:
        raise spec.usage_exit("At least one entity type must be specified")
    kind = types[0]
    if kind not in ("topics", "clients", "users", "brokers", "broker-loggers", "ips",
                    "client-metrics", "groups"):
        raise spec.usage_exit(f"Invalid entity type {kind}, the entity type must be one of "
                              "users, brokers, topics, clients, ips, client-metrics, groups")
    if kind not in ("topics", "groups"):
        return CliResult(f"# the simulator's kafka-configs knows topics and groups, not {kind}\n")
    if actions[0] == "alter" and not names:
        raise spec.usage_exit(f"an entity name must be specified with --alter of {kind}")
    if actions[0] == "alter" and "add-config" not in options and "delete-config" not in options:
        raise spec.usage_exit("At least one of --add-config or --delete-config must be "
                              "specified with --alter")
    _check_bootstrap(spec, view, options)
    if actions[0] == "describe":
        entities = names or (list(view.topic_names()) if kind == "topics"
                             else list(view.group_ids()))
        return CliResult("".join(_describe_configs(view, kind, e, options) for e in entities))
    return _alter_configs(view, kind, names[0], options)


def _describe_configs(view: ClusterView, kind: str, entity: str, options: dict) -> str:
    every = bool(options.get("all"))
    lines = [f"{'All' if every else 'Dynamic'} configs for {kind[:-1]} {entity} are:\n"]
    if kind == "topics":
        info = view.topic(entity)
        if info is None:
            return (f"Error while executing config command with args '{_args_text(options)}'\n"
                    "java.util.concurrent.ExecutionException: org.apache.kafka.common.errors."
                    "UnknownTopicOrPartitionException: This server does not host this "
                    "topic-partition.\n")
        shown = dict(view.topic_config_defaults()) if every else {}
        shown.update(info.configs)
        for key in sorted(shown):
            value = shown[key]
            synonyms = []
            if key in info.configs:
                synonyms.append(f"DYNAMIC_TOPIC_CONFIG:{key}={value}")
            default = _TOPIC_SYNONYMS.get(key)
            if default:
                synonyms.append(f"DEFAULT_CONFIG:{default[0]}={default[1]}")
            lines.append(f"  {key}={value} sensitive=false synonyms={{{', '.join(synonyms)}}}\n")
    else:
        set_configs = view.group_configs(entity)
        shown = dict(_GROUP_CONFIGS) if every else {}
        shown.update(set_configs)
        for key in sorted(shown):
            source = "DYNAMIC_GROUP_CONFIG" if key in set_configs else "DEFAULT_CONFIG"
            broker_key = "group." + key
            synonym = (f"{source}:{key}={shown[key]}" if key in set_configs
                       else f"DEFAULT_CONFIG:{broker_key}={_GROUP_CONFIGS[key]}")
            lines.append(f"  {key}={shown[key]} sensitive=false synonyms={{{synonym}}}\n")
    return "".join(lines)


def _args_text(options: dict) -> str:
    """``args.mkString(" ")``: the arguments as given."""
    return " ".join(options.get(ARGV, ()))


def _split_configs(text: str) -> list[str]:
    """ConfigCommand.parseConfigsToBeAdded: commas split, except inside [...]."""
    parts, depth, current = [], 0, ""
    for ch in text:
        if ch == "[":
            depth += 1
        elif ch == "]":
            depth -= 1
        if ch == "," and depth == 0:
            parts.append(current)
            current = ""
        else:
            current += ch
    parts.append(current)
    return [p for p in parts if p]


def _alter_configs(view: ClusterView, kind: str, entity: str, options: dict) -> CliResult:
    added = {}
    for item in _split_configs(options.get("add-config", "")):
        key, eq, value = item.partition("=")
        if not eq:
            return CliResult(f"Error while executing config command with args "
                             f"'{_args_text(options)}'\njava.lang.IllegalArgumentException: "
                             "requirement failed: Invalid entity config: all configs to be "
                             'added must be in the format "key=val".\n')
        added[key.strip()] = value.strip().strip("[]")
    deleted = [k.strip() for d in options.get("delete-config", []) for k in d.split(",") if k]
    if kind == "topics":
        info = view.topic(entity)
        if info is None:
            return CliResult(f"Error while executing config command with args "
                             f"'{_args_text(options)}'\njava.util.concurrent.ExecutionException: "
                             "org.apache.kafka.common.errors.UnknownTopicOrPartitionException: "
                             "This server does not host this topic-partition.\n")
        known = view.topic_config_defaults()
        invalid = [k for k in deleted if k not in info.configs]
        if invalid:
            # thrown before any request, so ConfigCommand.main prints only its message
            return CliResult(f"Invalid config(s): {','.join(invalid)}\n")
        for key in added:
            if key not in known:
                return CliResult(_config_error(options, "InvalidConfigurationException",
                                               f"Unknown topic config name: {key}"))
        configs = {k: _typed_config(v) for k, v in added.items()}
        command = {"type": "alter_topic_config", "topic": entity, "configs": configs}
        if deleted:
            command["delete"] = deleted
        return CliResult(f"Completed updating config for topic {entity}.\n", (command,))
    for key in list(added) + deleted:
        if key not in _GROUP_CONFIGS:
            return CliResult(_config_error(options, "InvalidConfigurationException",
                                           f"Unknown group config name: {key}"))
    if view.group(entity) is None:
        return CliResult(_config_error(options, "GroupIdNotFoundException",
                                       f"Group {entity} not found."))
    # GroupConfig's consumer.* keys apply to KIP-848 (group.protocol=consumer) groups;
    # the simulator's groups are classic, which read them from each consumer's configs.
    return CliResult("# these group configs apply to groups using the consumer protocol "
                     "(KIP-848); this group is a classic group, so nothing would change: set "
                     "session.timeout.ms / heartbeat.interval.ms on its consumers instead\n")


def _config_error(options: dict, exception: str, message: str) -> str:
    return (f"Error while executing config command with args '{_args_text(options)}'\n"
            f"java.util.concurrent.ExecutionException: org.apache.kafka.common.errors."
            f"{exception}: {message}\n")


_TOOLS = {
    "kafka-consumer-groups": _consumer_groups,
    "kafka-topics": _topics,
    "kafka-get-offsets": _get_offsets,
    "kafka-console-consumer": _console_consumer,
    "kafka-console-producer": _console_producer,
    "kafka-acls": _acls,
    "kafka-configs": _configs,
}
_SPECS = {
    "kafka-consumer-groups": _CG_SPEC,
    "kafka-topics": _TOPICS_SPEC,
    "kafka-get-offsets": _OFFSETS_SPEC,
    "kafka-console-consumer": _CONSUMER_SPEC,
    "kafka-console-producer": _PRODUCER_SPEC,
    "kafka-acls": _ACLS_SPEC,
    "kafka-configs": _CONFIGS_SPEC,
}
