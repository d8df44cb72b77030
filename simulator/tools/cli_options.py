"""Option parsing and ``--help`` text as Kafka's tools do it (jopt-simple).

Kafka's command-line tools parse with jopt-simple: ``--name value`` or
``--name=value``, an unknown option is an ``UnrecognizedOptionException``
("zookeeper is not a recognized option"), an option missing its argument is
``OptionMissingRequiredArgumentException`` ("Option ['topic'] requires an
argument"), and ``CommandLineUtils.printUsageAndExit`` prints a message then
the help table (``BuiltinHelpFormatter``: an 80-column table, the option
column 40 wide, both columns padded with spaces to their width). A value that
does not parse as the option's type is ``OptionArgumentConversionException``
("Cannot parse argument 'x' of option shift-by").

`ToolSpec` describes one tool's options; `parse` returns the options given,
or raises `ToolExit` with the text the real tool prints before exiting.
"""

from __future__ import annotations

import textwrap
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


def _wrap(text: str) -> list[str]:
    lines = textwrap.wrap(text, 38, break_on_hyphens=False) or [""]
    return lines[:1] + ["  " + x for x in lines[1:]]


def help_table(options) -> str:
    """jopt-simple's BuiltinHelpFormatter(80, 2) layout, options sorted by name."""
    rows = [("Option", "Description"), ("------", "-----------")]
    for o in sorted(options, key=lambda o: o.name):
        rows.append((_option_cell(o), _description(o)))
    out = []
    for left, right in rows:
        lefts = _wrap(left)
        rights = [w for para in right.split("\n") for w in (textwrap.wrap(para, 36) or [""])]
        rights = rights[:1] + ["  " + x for x in rights[1:]]
        for i in range(max(len(lefts), len(rights))):
            a = lefts[i] if i < len(lefts) else ""
            b = rights[i] if i < len(rights) else ""
            out.append(f"{a:<40}{b:<38}")
    return "\n".join(out) + "\n"


def parse(spec: ToolSpec, args: list[str]) -> dict:
    """{option name: value}; a flag maps to True, a multiple option to a list."""
    options: dict = {}
    i = 0
    while i < len(args):
        arg = args[i]
        if not arg.startswith("--") or arg == "--":
            # jopt-simple keeps non-option arguments; Kafka's tools then refuse them.
            raise _fail(spec, f"Found non argument parameters: {arg}", "non_option")
        name, eq, inline = arg[2:].partition("=")
        opt = spec.opt(name)
        if opt is None:
            raise _fail(spec, f"{name} is not a recognized option", "UnrecognizedOptionException")
        if opt.arg is None:
            if eq:
                raise _fail(spec, f"Option ['{name}'] does not accept arguments",
                            "OptionException")
            options[name] = True
            i += 1
            continue
        if eq:
            value = inline
        elif i + 1 < len(args) and not args[i + 1].startswith("--"):
            value = args[i + 1]
            i += 1
        else:
            raise _fail(spec, f"Option ['{name}'] requires an argument",
                        "OptionMissingRequiredArgumentException")
        if opt.kind is int:
            try:
                int(value)
            except ValueError:
                raise _fail(spec, f"Cannot parse argument '{value}' of option {name}",
                            "OptionArgumentConversionException") from None
        if opt.multiple:
            options.setdefault(name, []).append(value)
        else:
            options[name] = value
        i += 1
    return options


def _fail(spec: ToolSpec, message: str, exception: str) -> ToolExit:
    if spec.parse_errors == "terse":
        return ToolExit(f"Error occurred: {message}\n")
    if spec.parse_errors == "stacktrace" and exception != "non_option":
        # TopicCommand.mainNoExit: the message, then Utils.stackTrace(e)
        return ToolExit(
            f"{message}\njoptsimple.{exception}: {message}\n"
            f"\tat joptsimple.OptionParser.parse(OptionParser.java:396)\n"
        )
    if spec.parse_errors == "uncaught" and exception != "non_option":
        return ToolExit(
            f'Exception in thread "main" joptsimple.{exception}: {message}\n'
            f"\tat joptsimple.OptionParser.parse(OptionParser.java:396)\n"
        )
    return spec.usage_exit(message)
