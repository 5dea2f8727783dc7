"""One error contract for every management command: a bad argument or value gives one line on stderr and exit 2,
never a traceback or a usage block."""
from __future__ import annotations

import argparse
import sys

from django.core.management.base import BaseCommand, CommandError, CommandParser


class OneLineParser(CommandParser):
    def error(self, message):
        if self.called_from_command_line:
            sys.stderr.write(f"{self.prog}: error: {message}\n")
            sys.exit(2)
        raise CommandError(f"Error: {message}", returncode=2)


def _one_line(parser: CommandParser) -> None:
    # Django builds a CommandParser itself; OneLineParser adds no state, so the parser and its sub-parsers
    # can take its class after the fact.
    parser.__class__ = OneLineParser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                _one_line(sub)


class OneLineErrorsCommand(BaseCommand):
    def create_parser(self, prog_name, subcommand, **kwargs):
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        _one_line(parser)
        return parser
