"""What changed in an app's promises from one policy version to the next.

Procedures are paired by right and action (several per pair are matched most-alike first); a pair whose
deadline, clock start, hedge or channels differ is a change, an unpaired one was added or dropped.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from django.utils.translation import gettext as _

from policies.models import Action, ClockStart, Hedge, PolicyVersion, Procedure, ReviewStatus, Right, Unit, nominal_days

from .extract import ProposedProcedure


@dataclass(frozen=True)
class PromiseRow:
    """The parts of a procedure that make its promise, from a stored procedure or a proposed one."""

    right: str
    action: str
    deadline: tuple[int, int, str] | None
    clock_start: str
    hedge: str
    channels: frozenset[tuple[str, str]]
    quote: str

    @classmethod
    def of(cls, procedure: Procedure | ProposedProcedure) -> PromiseRow:
        if isinstance(procedure, ProposedProcedure):
            channels = procedure.model_channels()
            deadline = procedure.deadline
            clock = procedure.clock_start or ClockStart.RECEIPT
        else:
            channels = procedure.channels or []
            deadline = (
                (procedure.deadline_min, procedure.deadline_max, procedure.deadline_unit)
                if procedure.deadline_min is not None
                else None
            )
            clock = procedure.clock_start
        return cls(
            right=str(procedure.right),
            action=str(procedure.action),
            deadline=(deadline[0], deadline[1], str(deadline[2])) if deadline else None,
            clock_start=str(clock),
            hedge=str(procedure.hedge or ""),
            channels=frozenset((str(c.get("kind")), str(c.get("value"))) for c in channels if isinstance(c, dict)),
            quote=procedure.quote,
        )

    def promise_display(self) -> str:
        if self.deadline is None:
            return _("no promised deadline")
        low, high, unit = self.deadline
        text = _("%(amount)s %(unit)s, from: %(clock)s") % {
            "amount": str(low) if low == high else f"{low}–{high}",
            "unit": Unit(unit).label,
            "clock": ClockStart(self.clock_start).label,
        }
        return f"{text} ({Hedge(self.hedge).label})" if self.hedge else text


@dataclass(frozen=True)
class PromiseChange:
    kind: str  # "added", "removed", "changed", "unchanged"
    right: str
    action: str
    before: PromiseRow | None
    after: PromiseRow | None
    changed: tuple[str, ...] = ()  # of "deadline", "clock_start", "hedge", "channels"
    channels_added: tuple[tuple[str, str], ...] = field(default=())
    channels_removed: tuple[tuple[str, str], ...] = field(default=())

    @property
    def right_label(self) -> str:
        return Right(self.right).label

    @property
    def action_label(self) -> str:
        return Action(self.action).label

    @property
    def is_stricter(self) -> bool | None:
        """True when the new deadline is shorter (for users, better), False when longer, None otherwise."""
        if (
            self.kind != "changed"
            or "deadline" not in self.changed
            or not (self.before.deadline and self.after.deadline)
        ):
            return None
        before = nominal_days(self.before.deadline[1], self.before.deadline[2])
        after = nominal_days(self.after.deadline[1], self.after.deadline[2])
        return None if before == after else after < before


_COMPARED = ("deadline", "clock_start", "hedge", "channels")


def compare_promises(before: Iterable, after: Iterable) -> list[PromiseChange]:
    """Pair the procedures of two versions and say what changed. Accepts stored or proposed procedures."""
    old = [PromiseRow.of(p) for p in before]
    new = [PromiseRow.of(p) for p in after]
    changes: list[PromiseChange] = []
    keys = list(dict.fromkeys((r.right, r.action) for r in old + new))
    for right, action in keys:
        olds = [r for r in old if (r.right, r.action) == (right, action)]
        news = [r for r in new if (r.right, r.action) == (right, action)]
        # Most alike first: identical promises pair up, then the ones differing in fewest parts, then the
        # ones quoting the most alike sentences (the same clause, reworded).
        pairs = sorted(
            (len(_differences(o, n)), -SequenceMatcher(None, o.quote, n.quote).quick_ratio(), i, j)
            for i, o in enumerate(olds)
            for j, n in enumerate(news)
        )
        used_old, used_new = set(), set()
        for _score, _likeness, i, j in pairs:
            if i in used_old or j in used_new:
                continue
            used_old.add(i)
            used_new.add(j)
            o, n = olds[i], news[j]
            differences = _differences(o, n)
            changes.append(
                PromiseChange(
                    "changed" if differences else "unchanged",
                    right,
                    action,
                    o,
                    n,
                    differences,
                    tuple(sorted(n.channels - o.channels)),
                    tuple(sorted(o.channels - n.channels)),
                )
            )
        changes += [PromiseChange("removed", right, action, o, None) for i, o in enumerate(olds) if i not in used_old]
        changes += [PromiseChange("added", right, action, None, n) for j, n in enumerate(news) if j not in used_new]
    order = {"changed": 0, "added": 1, "removed": 2, "unchanged": 3}
    return sorted(
        changes, key=lambda c: (order[c.kind], Right.values.index(c.right) if c.right in Right.values else 99)
    )


def _differences(old: PromiseRow, new: PromiseRow) -> tuple[str, ...]:
    return tuple(name for name in _COMPARED if getattr(old, name) != getattr(new, name))


def compare_with_previous(version: PolicyVersion) -> tuple[PolicyVersion | None, list[PromiseChange]]:
    """The app's previous accepted version (else the accepted one in force on the same day) and the changes
    from its accepted procedures to this version's (rejected proposals left out)."""
    previous = version.previous() or _version_in_force_on_the_same_day(version)
    before = previous.procedures.filter(review_status=ReviewStatus.ACCEPTED) if previous else []
    after = version.procedures.exclude(review_status=ReviewStatus.REJECTED)
    return previous, compare_promises(before, after)


def _version_in_force_on_the_same_day(version: PolicyVersion) -> PolicyVersion | None:
    # A re-import (a corrected text, the same policy fetched again) often has the effective date of the
    # version in force; previous() wants an earlier date, but this is the version the draft would replace.
    others = PolicyVersion.objects.filter(app=version.app).exclude(pk=version.pk)
    when = version.effective_on or version.published_on
    return (others.in_force(when) if when else others.accepted().order_by("-effective_on", "-id")).first()
