"""Option parsing and ``--help`` text as Kafka's tools do it (jopt-simple 5.0.4).

Kafka's command-line tools parse with jopt-simple: ``--name value`` or
``--name=value``; an unknown option is an ``UnrecognizedOptionException``
("zookeeper is not a recognized option"); an option missing its argument is
``OptionMissingRequiredArgumentException`` ("Option topic requires an
argument"; the 3.x releases said "Option ['topic']"); a word that is no option
is kept as a non-option argument, which the tools ignore; a number that does
not parse fails only when the tool reads it (``OptionSet.valueOf``:
"Cannot parse argument 'x' of option shift-by"), so each tool answers it in
its own way. ``CommandLineUtils.printUsageAndExit`` prints a message, then the
help table of ``BuiltinHelpFormatter`` (`help_table`). Every message, frame and
layout here was checked by running jopt-simple 5.0.4 itself
(tests/simulator/tools/test_help_matches_jopt.py).

`ToolSpec` describes one tool's options; `parse` returns the options given,
or raises `ToolExit` with the text the real tool prints before exiting.
"""

from __future__ import annotations

from dataclasses import dataclass


class ToolExit(Exception):
    """The tool stops here and prints `text` (stdout and stderr as a terminal shows them)."""

    def __init__(self, text: str):
        super().__init__(text)
        self.text = text


@dataclass(frozen=True)
class Opt:
    name: str
    doc: str
    arg: str | None = None  # e.g. "String: server to connect to"; None: a flag
    kind: type = str  # int options are checked like jopt's ValueConverter
    multiple: bool = False
    default: str | None = None


@dataclass(frozen=True)
class ToolSpec:
    name: str  # kafka-topics
    usage: str  # the tool's first help line (CommandLineUtils.maybePrintHelpOrVersion)
    options: tuple[Opt, ...]
    # How a failed parse surfaces: "uncaught" prints the JVM's "Exception in thread
    # main" line (the tool parses outside its try), "usage" prints the message and the
    # help (printUsageAndExit), "terse" prints "Error occurred: ..." (GetOffsetShell).
    parse_errors: str = "usage"
    # What the tool prints when a number option does not parse: the message -> text.
    bad_number: str = "usage"

    def on_bad_number(self, message: str) -> str:
        trace = stack_trace("OptionArgumentConversionException", message)
        if self.bad_number == "print_error":  # ConsumerGroupCommand.run: printError
            return f"\nError: Executing consumer group command failed due to {message}\n{trace}"
        if self.bad_number == "topic_command":  # TopicCommand.printException
            return f"Error while executing topic command : {message}\n"
        if self.bad_number == "console_consumer":  # ConsoleConsumer.main's LOG.error
            return ("[1970-01-01 00:00:00,000] ERROR Unknown error when running consumer:  "
                    f"(org.apache.kafka.tools.consumer.ConsoleConsumer)\n{trace}")
        return self.usage_exit(message).text

    def opt(self, name: str) -> Opt | None:
        for o in self.options:
            if o.name == name:
                return o
        return None

    def help_text(self) -> str:
        return help_table(self.options)

    def usage_exit(self, message: str) -> ToolExit:
        """CommandLineUtils.printUsageAndExit: the message, then the help table."""
        return ToolExit(f"{message}\n{self.help_text()}")


HELP = Opt("help", "Print usage information.")
VERSION = Opt("version", "Display Kafka version.")
KAFKA_VERSION = "4.0.0"


def _option_cell(o: Opt) -> str:
    cell = f"--{o.name}"
    if o.arg:
        cell += f" <{o.arg}>"
    return cell


def _description(o: Opt) -> str:
    text = o.doc
    if o.default is not None:
        text += f" (default: {o.default})"
    return text


# java.text.BreakIterator.getLineInstance(Locale.US), for ASCII, as jopt-simple uses it:
# a line may break after a run of spaces, after a run of these closing marks (unless
# "," or "." sits between digits), and before a run of opening brackets.
_BREAK_AFTER = set('!"%),-.:;?]}')
_BREAK_BEFORE = set("([{")


def _segments(text: str) -> list[str]:
    """The pieces between break opportunities (each keeps its trailing spaces)."""
    pieces, start, i, n = [], 0, 0, len(text)
    while i < n:
        ch = text[i]
        j = i + 1
        if ch == " ":
            while j < n and text[j] == " ":
                j += 1
            cut = j
        elif ch in _BREAK_AFTER:
            while j < n and text[j] in _BREAK_AFTER:
                j += 1
            if (ch in ",." and j - i == 1 and 0 < i and text[i - 1].isdigit()
                    and j < n and text[j].isdigit()):
                cut = None  # 12,34 and 12.34 stay whole
            elif j < n and text[j] == " ":
                cut = None  # the spaces after it end the piece
            elif (ch == "-" and j < n and text[j].isdigit()
                  and (i == 0 or text[i - 1] == " ")):
                cut = None  # a minus sign: "-5" stays whole
            else:
                cut = j
        elif j < n and text[j] in _BREAK_BEFORE and ch != " " and ch not in _BREAK_BEFORE:
            cut = j
        else:
            cut = None
        if cut is not None and cut < n:
            pieces.append(text[start:cut])
            start = cut
        i = j
    pieces.append(text[start:])
    return [p for p in pieces if p]


def _pieces(text: str, width: int) -> list[str]:
    """jopt-simple's Columns.piecesOf: the trimmed text's embedded lines one by one;
    words are added while they fit; a full piece loses its trailing spaces and the
    next starts with two spaces."""
    pieces: list[str] = []
    for line in text.strip().split("\n"):
        piece = ""
        for word in _segments(line):
            if len(piece) + len(word) > width:
                pieces.append(piece.rstrip())
                piece = "  " + word
            else:
                piece += word
        if piece:
            pieces.append(piece)
    return pieces


def help_table(options, overall: int = 80, gap: int = 2) -> str:
    """``parser.printHelpOn`` of jopt-simple 5.0.4 (BuiltinHelpFormatter(80, 2) and
    internal.Rows): options sorted by name; the option column is as wide as its widest
    cell up to (80 - 2) / 2, the description column takes the rest up to its widest;
    cells are wrapped to those widths, the widths measured again on the wrapped
    pieces, and every cell padded to its column's width."""
    rows = [("Option", "Description"), ("------", "-----------")]
    for o in sorted(options, key=lambda o: o.name):
        rows.append((_option_cell(o), _description(o)))

    def widths(table):
        left = min((overall - gap) // 2, max(len(a) for a, _ in table))
        return left, min(overall - left - gap, max(len(b) for _, b in table))

    left_w, right_w = widths(rows)
    fitted = []
    for left, right in rows:
        lefts, rights = _pieces(left, left_w), _pieces(right, right_w)
        for i in range(max(len(lefts), len(rights))):
            fitted.append((lefts[i] if i < len(lefts) else "",
                           rights[i] if i < len(rights) else ""))
    left_w, right_w = widths(fitted)
    return "".join(f"{a:<{left_w}}{' ' * gap}{b:<{right_w}}\n" for a, b in fitted)


def parse(spec: ToolSpec, args: list[str]) -> dict:
    """{option name: value}; a flag maps to True, a multiple option to a list."""
    options: dict = {}
    i = 0
    while i < len(args):
        arg = args[i]
        if not arg.startswith("--") or arg == "--":
            # jopt-simple keeps it as a non-option argument, which Kafka's tools ignore.
            i += 1
            continue
        name, eq, inline = arg[2:].partition("=")
        opt = spec.opt(name)
        if opt is None:
            raise _fail(spec, f"{name} is not a recognized option", "UnrecognizedOptionException")
        if opt.arg is None:
            options[name] = True  # jopt-simple 5.0.4 accepts and ignores "--flag=x"
            i += 1
            continue
        if eq:
            value = inline
        elif i + 1 < len(args) and not args[i + 1].startswith("--"):
            value = args[i + 1]
            i += 1
        else:
            raise _fail(spec, f"Option {name} requires an argument",
                        "OptionMissingRequiredArgumentException")
        # A typed value is converted when the tool reads it (OptionSet.valueOf), not here.
        if opt.multiple:
            options.setdefault(name, []).append(value)
        else:
            options[name] = value
        i += 1
    return options


# The top of each exception's stack trace, as jopt-simple 5.0.4 throws it (run here).
JOPT_FRAMES = {
    "UnrecognizedOptionException": (
        "joptsimple.OptionException.unrecognizedOption(OptionException.java:108)",
        "joptsimple.OptionParser.handleLongOptionToken(OptionParser.java:510)",
        "joptsimple.OptionParserState$2.handleArgument(OptionParserState.java:56)",
        "joptsimple.OptionParser.parse(OptionParser.java:396)"),
    "OptionMissingRequiredArgumentException": (
        "joptsimple.RequiredArgumentOptionSpec.detectOptionArgument("
        "RequiredArgumentOptionSpec.java:48)",
        "joptsimple.ArgumentAcceptingOptionSpec.handleOption(ArgumentAcceptingOptionSpec.java:257)",
        "joptsimple.OptionParser.handleLongOptionToken(OptionParser.java:513)",
        "joptsimple.OptionParserState$2.handleArgument(OptionParserState.java:56)",
        "joptsimple.OptionParser.parse(OptionParser.java:396)"),
    "OptionArgumentConversionException": (
        "joptsimple.AbstractOptionSpec.convertWith(AbstractOptionSpec.java:92)",
        "joptsimple.ArgumentAcceptingOptionSpec.convert(ArgumentAcceptingOptionSpec.java:277)",
        "joptsimple.OptionSet.valuesOf(OptionSet.java:223)",
        "joptsimple.OptionSet.valueOf(OptionSet.java:172)"),
}


def stack_trace(exception: str, message: str) -> str:
    """``Throwable.printStackTrace``: the exception line, then its jopt-simple frames."""
    frames = "".join(f"\tat {f}\n" for f in JOPT_FRAMES.get(exception, ()))
    return f"joptsimple.{exception}: {message}\n{frames}"


def number(spec: ToolSpec, options: dict, name: str, default: int | None = None):
    """OptionSet.valueOf of an integer option: Integer/Long parsing, or the tool's answer
    to an OptionArgumentConversionException (spec.on_bad_number)."""
    if name not in options:
        return default
    text = options[name]
    try:
        value = int(text, 10)
        if not -(2**63) <= value < 2**63 or text.strip() != text:
            raise ValueError
        return value
    except ValueError:
        message = f"Cannot parse argument '{text}' of option {name}"
        raise ToolExit(spec.on_bad_number(message)) from None


def _fail(spec: ToolSpec, message: str, exception: str) -> ToolExit:
    if spec.parse_errors == "terse":
        return ToolExit(f"Error occurred: {message}\n")
    if spec.parse_errors == "stacktrace":
        # TopicCommand.mainNoExit: the message, then Utils.stackTrace(e)
        return ToolExit(f"{message}\n{stack_trace(exception, message)}")
    if spec.parse_errors == "uncaught":
        return ToolExit(f'Exception in thread "main" {stack_trace(exception, message)}')
    return spec.usage_exit(message)
