"""Score the policy importer on the hand-labelled policies of tests/policies/importer/corpus/.

    .venv/bin/python bench/score_importer.py [--errors] [--chars 60000] [--runs 15] [--json]

Prints, per dataset (ca4p: the development set from CA4P-483; seed: the five seed policies) and over all:
recall (amount and unit right), strict recall (the right(s), action and clock start too), precision
(proposals with a deadline that are real request deadlines), whether every quote is verbatim, the hedge
agreement, the errors by kind, and the median time to read and extract a policy of --chars characters
(the corpus texts one after another, cut). --errors lists each error. See policies/importer/scoring.py.
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
    load_corpus,
    median_extraction_ms,
    policy_of_length,
    score_corpus,
)

CORPUS = ROOT / "tests/policies/importer/corpus"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--errors", action="store_true", help="list every error")
    parser.add_argument("--chars", type=int, default=60_000)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    policies = load_corpus(CORPUS, ROOT)
    scores = score_corpus(policies)
    timing = median_extraction_ms(policy_of_length([p.text for p in policies], args.chars), args.runs)
    if args.json:
        print(
            json.dumps(
                {
                    name: {
                        "policies": sum(1 for p in policies if name in ("all", p.dataset)),
                        "labelled": s.labelled,
                        "proposed": s.proposed,
                        "recall": round(s.recall, 4),
                        "strict_recall": round(s.strict_recall, 4),
                        "precision": round(s.precision, 4),
                        "verbatim": s.all_verbatim,
                        "errors": s.errors_by_kind(),
                    }
                    for name, s in scores.items()
                }
                | {"timing_ms": {k: round(v, 1) for k, v in timing.items()}, "chars": args.chars},
                ensure_ascii=False,
                indent=2,
            )
        )
        return
    header = (
        f"{'set':<8} {'policies':>8} {'labelled':>8} {'proposed':>8} {'recall':>7} {'strict':>7} {'precision':>9} {'verbatim':>8} {'hedge':>6}  "
        + "  ".join(ERROR_KINDS)
    )
    print(header)
    for name, s in scores.items():
        count = sum(1 for p in policies if name in ("all", p.dataset))
        kinds = s.errors_by_kind()
        print(
            f"{name:<8} {count:>8} {s.labelled:>8} {s.proposed:>8} {s.recall:>7.1%} {s.strict_recall:>7.1%} "
            f"{s.precision:>9.1%} {('yes' if s.all_verbatim else 'NO'):>8} {s.hedge_agrees:>3}/{s.found:<3} "
            + "  ".join(f"{kinds[k]:>{len(k)}}" for k in ERROR_KINDS)
        )
    print(
        f"extraction of a {args.chars:,}-character policy, {args.runs} runs: median {timing['median']:.1f} ms wall "
        f"(min {timing['min']:.1f}, max {timing['max']:.1f}), median {timing['cpu_median']:.1f} ms CPU"
    )
    if args.errors:
        for e in scores["all"].errors:
            print(f"- [{e.kind}] {e.policy}: {e.what} | {e.passage}")


if __name__ == "__main__":
    main()
