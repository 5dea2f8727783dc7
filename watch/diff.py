"""The promise diff: what a newly fetched policy promises, right by right and action by action, against the
procedures in force in the catalog.

The pairing is the importer's (policies.importer.compare.compare_promises), so "the same promise" means the same
thing in the import review and in the watch. Each entry names the parts that changed (amount, unit, clock
start, hedge, channel, self-service path), shows both verbatim quotes, and a text diff of the lines around them.
"""
from __future__ import annotations

import difflib
from datetime import date

from policies.importer.compare import PromiseChange, PromiseRow, compare_promises
from policies.importer.extract import ProposedProcedure
from policies.models import App, ChannelKind, Procedure


def _side(row: PromiseRow | None) -> dict | None:
    if row is None:
        return None
    low, high, unit = row.deadline if row.deadline else (None, None, None)
    return {
        "min": low,
        "max": high,
        "unit": unit,
        "clock_start": row.clock_start,
        "hedge": row.hedge or None,
        "channels": [{"kind": kind, "value": value} for kind, value in sorted(row.channels)],
        "quote": row.quote,
    }


def _parts(change: PromiseChange) -> list[str]:
    """The parts of a changed promise that differ, in the words of the catalog."""
    before, after = change.before, change.after
    parts = []
    if before.deadline and after.deadline:
        if before.deadline[:2] != after.deadline[:2]:
            parts.append("amount")
        if before.deadline[2] != after.deadline[2]:
            parts.append("unit")
    elif before.deadline != after.deadline:
        parts += ["amount", "unit"]
    if before.clock_start != after.clock_start:
        parts.append("clock_start")
    if before.hedge != after.hedge:
        parts.append("hedge")
    moved = set(change.channels_added) | set(change.channels_removed)
    if any(kind != ChannelKind.SELF_SERVICE for kind, _value in moved):
        parts.append("channel")
    if any(kind == ChannelKind.SELF_SERVICE for kind, _value in moved):
        parts.append("path")
    return parts


def _lines_around(text: str, quote: str, context: int = 1) -> list[str]:
    lines = text.split("\n")
    at = text.find(quote[:40]) if quote else -1
    if at < 0:
        return [line for line in quote.split("\n") if line]
    first = text.count("\n", 0, at)
    last = first + quote.count("\n")
    return lines[max(0, first - context) : last + context + 1]


def text_diff(old_text: str, before_quote: str, new_text: str, after_quote: str) -> list[str]:
    """A unified diff of the lines around the two quotes (one line of context)."""
    old = _lines_around(old_text, before_quote) if before_quote else []
    new = _lines_around(new_text, after_quote) if after_quote else []
    return list(difflib.unified_diff(old, new, "catalog", "fetched", n=1, lineterm=""))[2:]


def promise_diff(
    *, app: App, proposals: list[ProposedProcedure], new_text: str, on: date
) -> list[dict]:
    """What changed between the procedures of `app` in force on `on` and the importer's proposals for the
    fetched text; empty when every promise stands (the text changed, the promises did not)."""
    in_force = list(Procedure.objects.in_force(app, on).select_related("policy_version"))
    old_text = in_force[0].policy_version.source_text if in_force else ""
    entries = []
    for change in compare_promises(in_force, proposals):
        if change.kind == "unchanged":
            continue
        entries.append(
            {
                "right": change.right,
                "action": change.action,
                "kind": change.kind,
                "changed": _parts(change) if change.kind == "changed" else [],
                "stricter": change.is_stricter,
                "before": _side(change.before),
                "after": _side(change.after),
                "text_diff": text_diff(
                    old_text,
                    change.before.quote if change.before else "",
                    new_text,
                    change.after.quote if change.after else "",
                ),
            }
        )
    return entries
