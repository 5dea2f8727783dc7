"""What the tracks above complaints add to `manage.py complaints` (correspondence: `complaints send`), registered in
their AppConfig.ready(): complaints never imports them. The same shape as rights.registry's sub-commands."""

from __future__ import annotations

from rights.registry import RequestsSubcommand as ComplaintsSubcommand

_subcommands: dict[str, ComplaintsSubcommand] = {}


def register_subcommand(subcommand: ComplaintsSubcommand) -> None:
    _subcommands[subcommand.name] = subcommand


def subcommands() -> list[ComplaintsSubcommand]:
    return list(_subcommands.values())


__all__ = ["ComplaintsSubcommand", "register_subcommand", "subcommands"]
