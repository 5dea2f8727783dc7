"""Score the policy importer on the hand-labelled policies: the development corpus (bench/corpus/, texts read
from ../shared/corpus) and the test corpus (tests/policies/importer/corpus/).

    .venv/bin/python bench/score_importer.py [--heldout] [--heldout2] [--heldout3] [--heldout4] [--heldout5] [--heldout6] [--errors] [--chars 60000] [--runs 15] [--json]

Prints, per set, recall (amount and unit right), strict recall (the right(s), action and clock start too),
precision (proposals with a deadline that are real request deadlines), whether every quote is verbatim, the
hedge agreement and the errors by kind; then the calibration (precision per confidence level) and the median
time to read and extract a policy of --chars characters (the texts one after another, cut).

The development corpus is split in two: the held-out fifth (bench/corpus/heldout.txt, drawn at random with a
fixed seed before the importer was run on it) and the rest, on which the rules are tuned. The held-out rows
are printed only with --heldout, and --errors lists the errors of the tuning part and of the test corpus
only: the held-out fifth stays unseen until the end. A second held-out set (bench/corpus/heldout2.txt, 15 more
policies labelled before the importer was run on them, after the rules of issue 20 were tuned) is printed only
with --heldout2 and is in no other row ("dev all" is the first 60) nor in the timing text; since issue 20's
fourth round its misses are tuning data. A third held-out set (bench/corpus/heldout3.txt, 15 more, labelled before
any rule of that round changed) is printed only with --heldout3, in no other row nor the timing text; since issue
20's fifth round its misses are tuning data. A fourth held-out set (bench/corpus/heldout4.txt, 15 CA4P-483
policies labelled before any rule of the fifth round changed) is printed only with --heldout4, likewise apart;
since issue 20's sixth round its misses are tuning data. A fifth held-out set (bench/corpus/heldout5.txt, 20
CA4P-483 policies labelled before any rule of the sixth round changed) is printed only with --heldout5, likewise
apart; since issue 20's seventh round its misses are tuning data. A sixth held-out set (bench/corpus/heldout6.txt,
the last 17 CA4P-483 policies, labelled before the importer ran on them) is printed only with --heldout6,
likewise apart, and is scored once at the end. The row "labelled" adds up every set printed (with every flag,
the whole labelled set). See policies/importer/scoring.py.
"""

import argparse
import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

import django

django.setup()

from policies.importer.scoring import (
    ERROR_KINDS,
    PRIMARY_RIGHTS,
    Score,
    load_corpus,
    load_policy,
    median_extraction_ms,
    policy_of_length,
    score_policy,
)
from policies.models import Confidence

LABELS = ROOT / "bench/corpus"
# the held-out sets labelled after the first sixty (heldout2.txt ... heldout6.txt), each printed only on its flag
LATER_SETS = "23456"
TEST_CORPUS = ROOT / "tests/policies/importer/corpus"


def development_corpus() -> Path:
    """../shared/corpus beside the checkout (a worktree one level deeper finds it two levels up)."""
    for candidate in (ROOT.parent / "shared/corpus", ROOT.parents[1] / "shared/corpus"):
        if candidate.is_dir():
            return candidate
    raise SystemExit("the development corpus ../shared/corpus is not there")


def listed(name: str) -> list[str]:
    return (LABELS / name).read_text(encoding="utf-8").split()


def primary_rights() -> dict[str, tuple[str, ...]]:
    """bench/corpus/primary.txt: per policy, the primary rights it describes how to exercise."""
    described = {}
    for line in (LABELS / "primary.txt").read_text(encoding="utf-8").splitlines():
        fields = line.split("|")[0].split()
        if not fields or line.startswith("#"):
            continue
        name, codes = fields[0], [c for c in fields[1:] if c != "-"]
        if any(c not in PRIMARY_RIGHTS for c in codes):
            raise SystemExit(f"primary.txt: {line!r}: the codes are {sorted(PRIMARY_RIGHTS)} or -")
        described[name] = tuple(PRIMARY_RIGHTS[c] for c in codes)
    return described


def load_development():
    """The labelled policies of files.txt, each with its part: tuning, heldout (the fifth) or heldout2-6."""
    corpus, primary = development_corpus(), primary_rights()
    heldout = set(listed("heldout.txt"))
    later = {n: set(listed(f"heldout{n}.txt")) for n in LATER_SETS if (LABELS / f"heldout{n}.txt").exists()}
    policies = []
    for name in listed("files.txt"):
        if name not in primary:
            raise SystemExit(f"primary.txt does not label {name}")
        label_file = LABELS / "labels" / (name.replace("/", "-").removesuffix(".txt") + ".json")
        policy = load_policy(label_file, corpus)
        policy.primary = primary[name]
        part = next((f"heldout{n}" for n, names in later.items() if name in names), None)
        policies.append((policy, part or ("heldout" if name in heldout else "tuning")))
    return policies


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--heldout", action="store_true", help="print the held-out fifth too (at the end only)")
    for n in LATER_SETS:
        parser.add_argument(f"--heldout{n}", action="store_true", help=f"print heldout{n}.txt's rows (at the end only)")
    parser.add_argument("--errors", action="store_true", help="list every error (a held-out set's only if printed)")
    parser.add_argument("--chars", type=int, default=60_000)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    rows: dict[str, Score] = {}
    counts: dict[str, int] = {}

    def add(row: str, score: Score) -> None:
        rows.setdefault(row, Score()).add(score)
        counts[row] = counts.get(row, 0) + 1

    development = load_development()
    for policy, part in development:
        if part not in ("tuning", "heldout"):
            if getattr(args, part):
                s = score_policy(policy)
                for row in ("labelled", part, f"{part} {policy.name[:4]}"):
                    add(row, s)
            continue
        s = score_policy(policy)
        if part == "heldout" and not args.heldout:
            add("dev all", s)
            continue
        for row in ("labelled", "dev all", part, f"{part} {policy.name[:4]}"):
            add(row, s)
    tests = load_corpus(TEST_CORPUS, ROOT)
    for policy in tests:
        s = score_policy(policy)
        add("tests", s)
    order = ["labelled", "dev all", "tuning", "tuning capp", "tuning ca4p", "heldout", "heldout capp", "heldout ca4p"]
    order += [f"heldout{n}{f}" for n in LATER_SETS for f in ("", " capp", " ca4p")] + ["tests"]
    rows = {name: rows[name] for name in order if name in rows}
    texts = [p.text for p, part in development if part == "tuning"] + [p.text for p in tests]
    timing = median_extraction_ms(policy_of_length(texts, args.chars), args.runs)
    levels = [str(level) for level in Confidence.values]
    if args.json:
        print(
            json.dumps(
                {
                    name: {
                        "policies": counts[name],
                        "labelled": s.labelled,
                        "proposed": s.proposed,
                        "recall": round(s.recall, 4),
                        "strict_recall": round(s.strict_recall, 4),
                        "precision": round(s.precision, 4),
                        "verbatim": s.all_verbatim,
                        "primary_coverage": [s.primary_covered, s.primary_described],
                        "errors": s.errors_by_kind(),
                        "calibration": {lvl: s.by_confidence.get(lvl, [0, 0, 0]) for lvl in levels},
                    }
                    for name, s in rows.items()
                }
                | {"timing_ms": {k: round(v, 1) for k, v in timing.items()}, "chars": args.chars},
                ensure_ascii=False,
                indent=2,
            )
        )
        return
    print(
        f"{'set':<13} {'policies':>8} {'labelled':>8} {'proposed':>8} {'recall':>7} {'strict':>7} {'precision':>9} "
        f"{'verbatim':>8} {'hedge':>7}  " + "  ".join(ERROR_KINDS)
    )
    for name, s in rows.items():
        kinds = s.errors_by_kind()
        print(
            f"{name:<13} {counts[name]:>8} {s.labelled:>8} {s.proposed:>8} {s.recall:>7.1%} {s.strict_recall:>7.1%} "
            f"{s.precision:>9.1%} {('yes' if s.all_verbatim else 'NO'):>8} {s.hedge_agrees:>3}/{s.found:<3} "
            + "  ".join(f"{kinds[k]:>{len(k)}}" for k in ERROR_KINDS)
        )
    print("\nprimary-rights coverage: described rights with a proposed procedure (a channel or path) for them")
    for name, s in rows.items():
        if s.primary_described:
            print(f"{name:<13} {s.primary_coverage:>7.1%} ({s.primary_covered}/{s.primary_described})")
    print(
        "\ncalibration: precision of the proposals with a deadline, per confidence level (correct/proposed), and"
        "\nstrict precision (a labelled right, with its action and clock start, too)"
    )
    for name, s in rows.items():
        cells = []
        for level in levels:
            proposed, correct, strictly = s.by_confidence.get(level, (0, 0, 0))
            cells.append(
                f"{level} {s.precision_at(level):>6.1%} ({correct}/{proposed}) "
                f"strict {s.precision_at(level, strict=True):>6.1%} ({strictly})"
            )
        print(f"{name:<13} " + "   ".join(cells))
    print(
        f"\nextraction of a {args.chars:,}-character policy, {args.runs} runs: median {timing['median']:.1f} ms wall "
        f"(min {timing['min']:.1f}, max {timing['max']:.1f}), median {timing['cpu_median']:.1f} ms CPU"
    )
    if args.errors:
        shown = ("tuning", "tests") + tuple(
            p for p in ["heldout"] + [f"heldout{n}" for n in LATER_SETS] if getattr(args, p)
        )
        for name in shown:
            for e in rows[name].errors if name in rows else ():
                print(f"- {name} [{e.kind}] {e.policy}: {e.what} | {e.passage}")
            for missed in rows[name].primary_missed if name in rows else ():
                print(f"- {name} [primary not covered] {missed}")


if __name__ == "__main__":
    main()
