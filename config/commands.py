"""One error contract for every management command of RightsDesk.

A bad argument or value is ONE line on stderr and exit status 2 (argparse's status for usage errors): never a
traceback, never argparse's usage block. Scripts and checks rely on it, so it is built once, here:

    from config.commands import Command as BaseCommand, UsageError, count

    class Command(BaseCommand):
        def add_arguments(self, parser):
            parser.add_argument("--iterations", type=count)       # ASCII digits only: "²" and "①" are refused
        def handle(self, *args, **options):
            raise UsageError("--now: 0001-01-01 is outside the calendar")   # -> exit 2, one line

- argparse's own errors (unknown option, missing argument, invalid choice, a `type=` that refuses the text),
  sub-commands included, go through `OneLineErrorParser.error`;
- a `CommandError` raised by `handle` (a `UsageError` is one with exit status 2) is printed as one line in the
  same shape, `manage.py NAME: error: MESSAGE`, with its own exit status;
- called in-process (`call_command`), both raise `CommandError` with `returncode` 2, as Django's contract for
  in-process callers is an exception, not an exit.

`--traceback` still shows the traceback of a `CommandError`, as Django's own commands do.
"""

from __future__ import annotations

import argparse
import math
import os
import re
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser, SystemCheckError

from config.numbers import whole_number

USAGE_ERROR = 2
_WHITESPACE = re.compile(r"\s+")


def one_line(text: object) -> str:
    """Newlines, tabs and runs of spaces in a message become one space: a message is one line."""
    return _WHITESPACE.sub(" ", str(text)).strip()


class UsageError(CommandError):
    """A bad argument or value: one line on stderr, exit status 2."""

    def __init__(self, message: object, returncode: int = USAGE_ERROR):
        super().__init__(one_line(message), returncode=returncode)


class OneLineErrorParser(CommandParser):
    """argparse prints a usage block of five to seven lines before its error; print only the error."""

    def error(self, message):
        if self.called_from_command_line:
            self.exit(USAGE_ERROR, f"{self.prog}: error: {one_line(message)} (see --help)\n")
        raise UsageError(f"Error: {message}")


def _one_line(parser: CommandParser) -> None:
    parser.__class__ = OneLineErrorParser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                _one_line(sub)


class Command(BaseCommand):
    """Base class of the project's commands: the one-line error contract above."""

    def create_parser(self, prog_name, subcommand, **kwargs):
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        self._prog = f"{os.path.basename(prog_name)} {subcommand}"
        # BaseCommand offers no hook for the parser class, and add_arguments has already built the sub-parsers
        # (as plain CommandParsers): the parser and every sub-parser take the class after the fact
        # (OneLineErrorParser adds no state).
        _one_line(parser)
        return parser

    def execute(self, *args, **options):
        try:
            return super().execute(*args, **options)
        except CommandError as error:
            if (
                isinstance(error, SystemCheckError)
                or not getattr(self, "_called_from_command_line", False)
                or options.get("traceback")
            ):
                raise
            self.stderr.write(f"{self._prog}: error: {one_line(error)}")
            sys.exit(error.returncode)


# --- argparse `type=` functions: numbers as people type them on a command line, ASCII digits only.


def count(text: str) -> int:
    """A whole number >= 0, in ASCII digits (config.numbers.whole_number)."""
    value = whole_number(text)
    if value is None:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}")
    return value


def positive_count(text: str) -> int:
    """A whole number >= 1, in ASCII digits."""
    value = count(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {text!r}")
    return value


def seconds(text: str) -> float:
    """A finite number of seconds >= 0 (e.g. 300 or 0.5)."""
    try:
        if not text.isascii():
            raise ValueError
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {text!r}") from None
    if not math.isfinite(value) or value < 0:
        raise argparse.ArgumentTypeError(f"must be a finite number of seconds, 0 or more, not {text!r}")
    return value


# --- files named on the command line: checked before any work is done, refused in one line.


def check_output_file(path: str, option: str = "--out") -> Path:
    """A file the command will write: its directory exists and is writable, and it is not itself a directory."""
    target = Path(path)
    if target.is_dir():
        raise UsageError(f"{option} {path}: is a directory; give a file name")
    parent = target.parent
    if not parent.is_dir():
        raise UsageError(f"{option} {path}: no such directory: {parent}")
    if not os.access(parent, os.W_OK | os.X_OK) or (target.exists() and not os.access(target, os.W_OK)):
        raise UsageError(f"{option} {path}: permission denied")
    return target


def write_output_file(path: str, data: bytes | str, option: str = "--out") -> None:
    """Write `data` to a file checked by check_output_file; an error the checks could not foresee (a full disk)
    is still one line."""
    target = check_output_file(path, option)
    try:
        if isinstance(data, str):
            target.write_text(data, encoding="utf-8")
        else:
            target.write_bytes(data)
    except OSError as error:
        raise UsageError(f"{option} {path}: {error.strerror or error}") from None


def check_input_file(path: str, what: str = "file") -> Path:
    """A file the command will read: it exists, is a file (not a directory) and can be read."""
    source = Path(path)
    if source.is_dir():
        raise UsageError(f"{path}: is a directory, not a {what}")
    if not source.exists():
        raise UsageError(f"{path}: no such {what}")
    if not os.access(source, os.R_OK):
        raise UsageError(f"{path}: permission denied")
    return source
