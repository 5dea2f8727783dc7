"""How well the extractor reads whole policies: its proposals scored against hand labels.

A labelled policy (tests/policies/importer/corpus/*.json, format in that folder's SOURCE.md) lists every
request deadline the text promises, each with its right(s), action, amount, unit, clock start, hedge and a
verbatim trigger (the passage that states it), and the time phrases that are *not* request deadlines.

For each policy, the extractor's proposals with a deadline are matched to the labels by position: a proposal
answers a label when its quote overlaps the label's trigger.

- recall: labelled deadlines with an overlapping proposal of the same amount and unit;
- strict recall: labelled deadlines for which every labelled right has such a proposal with the labelled
  action and clock start as well;
- precision: proposals with a deadline that answer a labelled deadline with their amount and unit;
- verbatim: every proposal's quote (with or without a deadline) is a substring of the text;
- primary-rights coverage (bench/corpus/primary.txt): of the primary rights (cancellation, deletion,
  correction, access) a policy describes how to exercise, those with a proposed procedure for that right
  that has a channel or a path (with or without a deadline).

Every miss and every extra proposal is put in one kind of error, the kinds of issue 13:
scope (a right is wrong or missing), not-a-promise (a proposal where the text promises no request
deadline), request-context (a deadline phrase read but not taken as an answer to a request), surface form
(the phrase or its verb was not read as written), other.
"""

from __future__ import annotations

import gc
import json
import statistics
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from policies.models import Action, ClockStart, Hedge, Right, Unit

from . import grammar
from .extract import extract
from .normalise import normalised
from .reading import read_policy

ERROR_KINDS = ("scope", "not-a-promise", "request-context", "surface form", "other")
PRIMARY_RIGHTS = {
    "ac": Right.ACCOUNT_CANCELLATION,
    "de": Right.DELETION,
    "co": Right.CORRECTION,
    "ax": Right.ACCESS,
}
NOT_DEADLINE_KINDS = ("retention", "storage_cap", "auto_deletion", "evidence_keeping", "other")


@dataclass(frozen=True)
class Label:
    rights: tuple[str, ...]
    action: str
    min: int
    max: int
    unit: str
    clock_start: str
    hedge: str
    trigger: str
    start: int
    end: int

    @property
    def deadline(self) -> tuple[int, int, str]:
        return (self.min, self.max, self.unit)


@dataclass(frozen=True)
class NotDeadline:
    kind: str
    text: str
    start: int
    end: int


@dataclass
class LabelledPolicy:
    name: str
    dataset: str
    text: str
    deadlines: list[Label]
    not_deadlines: list[NotDeadline]
    primary: tuple[str, ...] = ()  # the primary rights it describes how to exercise (bench/corpus/primary.txt)


class LabelError(ValueError):
    """A label file breaks the format (unknown vocabulary, a trigger that is not in the text)."""


def _span(text: str, passage: str, where: str, at: int | None = None) -> tuple[int, int]:
    """Where passage is in text: at the offset the label gives (a policy may repeat a sentence word for word,
    so a label of bench/corpus names the place), or else the one place it occurs."""
    if at is not None:
        if text[at : at + len(passage)] != passage or not passage:
            raise LabelError(f"{where}: {passage[:40]!r} is not the passage at offset {at}")
        return at, at + len(passage)
    start = text.find(passage)
    if not passage or start < 0:
        raise LabelError(f"{where}: {passage[:40]!r} is not a verbatim passage of the text")
    if text.find(passage, start + 1) >= 0:
        raise LabelError(f"{where}: {passage[:40]!r} occurs more than once; quote a longer passage")
    return start, start + len(passage)


def load_policy(label_file: Path, root: Path) -> LabelledPolicy:
    """A label file; its "text" is a path from root (the repository, or the development corpus for
    bench/corpus)."""
    data = json.loads(label_file.read_text(encoding="utf-8"))
    text = read_policy((root / data["text"]).read_bytes(), source_name=data["text"])
    deadlines = []
    for i, d in enumerate(data["deadlines"]):
        where = f"{label_file.name} deadline {i}"
        if not d["rights"] or any(r not in Right.values for r in d["rights"]):
            raise LabelError(f"{where}: rights must be among {Right.values}")
        for key, vocabulary in (("action", Action), ("unit", Unit), ("clock_start", ClockStart), ("hedge", Hedge)):
            if d[key] not in vocabulary.values:
                raise LabelError(f"{where}: {key} {d[key]!r} is not one of {vocabulary.values}")
        if not (isinstance(d["min"], int) and isinstance(d["max"], int) and 0 < d["min"] <= d["max"]):
            raise LabelError(f"{where}: min and max must be whole numbers with 0 < min <= max")
        start, end = _span(text, d["trigger"], where, d.get("start"))
        deadlines.append(
            Label(
                tuple(d["rights"]),
                d["action"],
                d["min"],
                d["max"],
                d["unit"],
                d["clock_start"],
                d["hedge"],
                d["trigger"],
                start,
                end,
            )
        )
    not_deadlines = []
    for i, n in enumerate(data["not_deadlines"]):
        where = f"{label_file.name} not_deadline {i}"
        if n["kind"] not in NOT_DEADLINE_KINDS:
            raise LabelError(f"{where}: kind must be one of {NOT_DEADLINE_KINDS}")
        not_deadlines.append(NotDeadline(n["kind"], n["text"], *_span(text, n["text"], where, n.get("start"))))
    return LabelledPolicy(label_file.stem, data["source"]["dataset"], text, deadlines, not_deadlines)


def load_corpus(corpus_dir: Path, root: Path) -> list[LabelledPolicy]:
    return [load_policy(f, root) for f in sorted(corpus_dir.glob("*.json"))]


# --- Scoring ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Error:
    policy: str
    kind: str
    what: str
    passage: str


@dataclass
class Score:
    labelled: int = 0
    found: int = 0  # amount and unit right
    strict: int = 0  # and right(s), action and clock start
    hedge_agrees: int = 0
    proposed: int = 0  # proposals with a deadline
    correct: int = 0  # ... that answer a labelled deadline with its amount and unit
    quotes: int = 0
    verbatim: int = 0
    errors: list[Error] = field(default_factory=list)
    # calibration: per confidence level (policies.models.Confidence), [proposals with a deadline, correct ones,
    # strictly correct ones: also a labelled right with the labelled action and clock start]
    by_confidence: dict[str, list[int]] = field(default_factory=dict)
    primary_described: int = 0  # primary rights the policies describe how to exercise
    primary_covered: int = 0  # ... with a proposed procedure (a channel or path) for that right
    primary_missed: list[str] = field(default_factory=list)  # "policy: right"

    @staticmethod
    def _share(n: int, d: int) -> float:
        return n / d if d else 1.0

    @property
    def recall(self) -> float:
        return self._share(self.found, self.labelled)

    @property
    def strict_recall(self) -> float:
        return self._share(self.strict, self.labelled)

    @property
    def precision(self) -> float:
        return self._share(self.correct, self.proposed)

    @property
    def primary_coverage(self) -> float:
        return self._share(self.primary_covered, self.primary_described)

    @property
    def all_verbatim(self) -> bool:
        return self.verbatim == self.quotes

    def errors_by_kind(self) -> dict[str, int]:
        counts = Counter(e.kind for e in self.errors)
        return {kind: counts.get(kind, 0) for kind in ERROR_KINDS}

    def add(self, other: Score) -> None:
        for name in (
            "labelled",
            "found",
            "strict",
            "hedge_agrees",
            "proposed",
            "correct",
            "quotes",
            "verbatim",
            "primary_described",
            "primary_covered",
        ):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.errors.extend(other.errors)
        self.primary_missed.extend(other.primary_missed)
        for level, counts in other.by_confidence.items():
            mine = self.by_confidence.setdefault(level, [0, 0, 0])
            for i, n in enumerate(counts):
                mine[i] += n

    def precision_at(self, level: str, *, strict: bool = False) -> float:
        proposed, correct, strictly = self.by_confidence.get(level, (0, 0, 0))
        return self._share(strictly if strict else correct, proposed)


def _overlaps(a_start: int, a_end: int, b_start: int, b_end: int) -> bool:
    return a_start < b_end and b_start < a_end


def _deadline_read(text: str, start: int, end: int, deadline: tuple) -> bool:
    """Whether the importer's reading of the surface (normalisation, then the deadline grammar) finds this
    deadline in text[start:end]."""
    view = normalised(text)
    lo, hi = view.to_normalised(start), view.to_normalised(end)
    return any((p.min, p.max, p.unit) == deadline for p in grammar.find_deadlines(view.text, lo, hi))


def score_policy(policy: LabelledPolicy, extraction=None) -> Score:
    text = policy.text
    extraction = extraction if extraction is not None else extract(text)
    score = Score(labelled=len(policy.deadlines))
    proposals = [p for p in extraction.procedures if p.deadline]
    score.quotes = len(extraction.procedures)
    score.verbatim = sum(
        1 for p in extraction.procedures if p.quote and text[p.start : p.end] == p.quote and p.quote in text
    )

    for right in policy.primary:
        score.primary_described += 1
        if any(p.right == right and (p.channels or p.paths) for p in extraction.procedures):
            score.primary_covered += 1
        else:
            score.primary_missed.append(f"{policy.name}: {right}")

    def err(kind, what, passage):
        score.errors.append(Error(policy.name, kind, what, passage[:120].replace("\n", " ")))

    for label in policy.deadlines:
        near = [p for p in proposals if _overlaps(p.start, p.end, label.start, label.end)]
        same = [p for p in near if p.deadline == label.deadline]
        if not same:
            if near or not _deadline_read(text, label.start, label.end, label.deadline):
                err("surface form", f"missed {label.deadline}: the phrase is not read as written", label.trigger)
            else:
                err(
                    "request-context",
                    f"missed {label.deadline}: read, but not as an answer to a request",
                    label.trigger,
                )
            continue
        score.found += 1
        wrong = []
        for right in label.rights:
            mine = [p for p in same if p.right == right]
            if not mine:
                wrong.append(("scope", f"{right} missing (proposed {sorted({str(p.right) for p in same})})"))
            elif not any(p.action == label.action and p.clock_start == label.clock_start for p in mine):
                p = mine[0]
                if p.clock_start != label.clock_start:
                    wrong.append(("other", f"{right}: clock {p.clock_start}, labelled {label.clock_start}"))
                else:
                    wrong.append(("other", f"{right}: action {p.action}, labelled {label.action}"))
        for p in same:
            if p.right not in label.rights:
                wrong.append(("scope", f"{p.right} proposed, labelled {list(label.rights)}"))
        for kind, what in wrong:
            err(kind, what, label.trigger)
        if not any(kind == "other" or "missing" in what for kind, what in wrong):
            score.strict += 1
        if any(p.hedge == label.hedge for p in same):
            score.hedge_agrees += 1

    score.proposed = len(proposals)
    for p in proposals:
        level = score.by_confidence.setdefault(str(p.confidence), [0, 0, 0])
        level[0] += 1
        answered = [
            label
            for label in policy.deadlines
            if _overlaps(p.start, p.end, label.start, label.end) and p.deadline == label.deadline
        ]
        if answered:
            score.correct += 1
            level[1] += 1
            if any(
                p.right in label.rights and p.action == label.action and p.clock_start == label.clock_start
                for label in answered
            ):
                level[2] += 1
            continue
        negative = next((n for n in policy.not_deadlines if _overlaps(p.start, p.end, n.start, n.end)), None)
        if negative is not None:
            err("not-a-promise", f"{p.right} {p.deadline} proposed from a {negative.kind} phrase", negative.text)
        elif any(_overlaps(p.start, p.end, label.start, label.end) for label in policy.deadlines):
            err("surface form", f"{p.right} {p.deadline}: the amount or unit is misread", p.quote)
        else:
            err("not-a-promise", f"{p.right} {p.deadline} proposed where nothing is labelled", p.quote)
    return score


def score_corpus(policies: list[LabelledPolicy]) -> dict[str, Score]:
    """Scores per dataset and over all ("all")."""
    scores: dict[str, Score] = {}
    total = Score()
    for policy in policies:
        s = score_policy(policy)
        scores.setdefault(policy.dataset, Score()).add(s)
        total.add(s)
    scores["all"] = total
    return scores


# --- Timing -----------------------------------------------------------------------------------------------


def policy_of_length(texts: list[str], chars: int) -> str:
    """Whole policies one after another, repeated and cut to `chars` characters."""
    text = "\n".join(texts)
    while len(text) < chars:
        text += "\n" + text
    return text[:chars]


def median_extraction_ms(text: str, runs: int = 15) -> dict[str, float]:
    """Milliseconds of read_policy + extract on text over `runs` runs (after one warm-up run): the median,
    min and max wall time, and the median CPU time of this process (the figure to trust on a shared
    machine, where other work stretches wall time).

    What is alive before the runs (the scorer's labelled policies and their scores, Django) is frozen out of the
    cyclic garbage collector meanwhile: a full collection scanned it all and billed the scorer's own heap, tens of
    milliseconds at a time, to whichever run it fell in."""
    data = text.encode("utf-8")
    extract(read_policy(data))
    wall, cpu = [], []
    gc.collect()
    gc.freeze()
    try:
        for _ in range(runs):
            started, started_cpu = time.perf_counter(), time.process_time()
            extract(read_policy(data))
            wall.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - started_cpu) * 1000)
    finally:
        gc.unfreeze()
    return {"median": statistics.median(wall), "min": min(wall), "max": max(wall), "cpu_median": statistics.median(cpu)}
