"""Fuzz the policy importer at scale: read and extract 10,000 generated texts and report what went wrong.

    .venv/bin/python bench/fuzz_importer.py [--texts 10000] [--seed 11] [--max-run 20000] [--json]

The texts are those of the suite's fuzz test (tests/policies/importer/fuzz_texts.py: policy phrases,
numerals in every notation, control characters and NUL, long runs, title-like lines, HTML fragments, random
Unicode), drawn from a seeded random.Random, so one seed gives the same 10,000 texts on every machine, with
runs up to --max-run characters (ten times the suite's). Each is given to the importer as the admin and
`import_policy` give it (pasted text, or file bytes in UTF-8, GB18030 or UTF-16) and checked as the fuzz test
checks: only ReadError with a one-line message, quotes verbatim at their offsets, amounts in 1..10,000.

Prints: texts, refused (and why, by kind), crashes (anything else raised; count and the first examples),
property failures, time per text (p50, p99, max; CPU time of this process, the figure to trust on a shared
machine, and wall time), the slowest text (its size, proposals and shape), and the largest text read. Exit
status 1 when there was a crash or a property failure. (The hostile shapes are timed by bench_importer_shapes.py.)
"""

import argparse
import json
import os
import random
import re
import statistics
import sys
import time
import traceback
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

import django

django.setup()

from django.utils import translation

from policies.importer.errors import ImporterError
from policies.importer.extract import extract
from policies.importer.reading import read_policy
from tests.policies.importer.fuzz_texts import FORMS, as_input, random_text

MAX_AMOUNT = 10_000


def check(read, extraction) -> list[str]:
    problems = []
    for p in extraction.procedures:
        if not p.quote or read[p.start : p.end] != p.quote:
            problems.append(f"quote not verbatim at {p.start}:{p.end}: {p.quote[:60]!r}")
        if p.deadline is not None:
            low, high, _unit = p.deadline
            if not (type(low) is int and type(high) is int and 0 < low <= high <= MAX_AMOUNT):
                problems.append(f"amount {p.deadline} in {p.quote[:60]!r}")
    return problems


def percentile(values, q):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q / 100 * (len(ordered) - 1))))]


def describe(text: str) -> str:
    """The shape of a text in a few words: its longest run of one character, and its start."""
    runs = [(len(m.group()), m.group()[0]) for m in re.finditer(r"(.)\1{99,}", text, re.DOTALL)]
    longest = max(runs, default=None)
    run = f"longest run {longest[0]} x {longest[1]!r}" if longest else "no run over 100"
    return f"{run}; starts {text[:40]!r}"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--texts", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--max-pieces", type=int, default=30)
    parser.add_argument("--max-run", type=int, default=20_000)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    translation.activate("en")
    rng = random.Random(args.seed)
    extract(read_policy("示例应用隐私政策\n我们将在15个工作日内回复。"))  # compile the patterns once
    cpu, wall, sizes = [], [], []
    refused, crashes, failures = Counter(), [], []
    slowest = (0.0, 0, "", "", 0)
    procedures = deadlines = 0
    for i in range(args.texts):
        text = random_text(rng, max_pieces=args.max_pieces, max_run=args.max_run)
        form = rng.choice(FORMS)
        data = as_input(text, form)
        started_cpu, started_wall = time.process_time(), time.perf_counter()
        try:
            read = read_policy(data, source_name="fuzz.txt")
            extraction = extract(read)
        except ImporterError as e:
            message = str(e)
            kind = re.sub(r"\d+", "N", message)
            refused[kind] += 1
            if "\n" in message or not message.strip():
                failures.append(f"text {i}: refusal not one line: {message!r}")
            continue
        except Exception as e:  # noqa: BLE001 - what the fuzzing is for
            crashes.append(
                {
                    "text": i,
                    "form": form,
                    "error": f"{type(e).__name__}: {e}"[:200],
                    "where": traceback.format_exc().strip().splitlines()[-3:],
                    "start": text[:120],
                }
            )
            continue
        finally:
            spent_cpu, spent_wall = time.process_time() - started_cpu, time.perf_counter() - started_wall
        cpu.append(spent_cpu)
        wall.append(spent_wall)
        sizes.append(len(read))
        if spent_cpu > slowest[0]:
            slowest = (spent_cpu, len(read), form, describe(read), len(extraction.procedures))
        procedures += len(extraction.procedures)
        deadlines += sum(1 for p in extraction.procedures if p.deadline)
        failures.extend(f"text {i}: {problem}" for problem in check(read, extraction))

    report = {
        "texts": args.texts,
        "seed": args.seed,
        "read": len(cpu),
        "refused": sum(refused.values()),
        "refused_by_kind": dict(refused.most_common()),
        "crashes": len(crashes),
        "first_crashes": crashes[:5],
        "property_failures": len(failures),
        "first_property_failures": failures[:5],
        "proposals": procedures,
        "proposals_with_deadline": deadlines,
        "chars_p50": percentile(sizes, 50) if sizes else 0,
        "chars_max": max(sizes, default=0),
        "cpu_ms_p50": round(1000 * statistics.median(cpu), 2) if cpu else None,
        "cpu_ms_p99": round(1000 * percentile(cpu, 99), 2) if cpu else None,
        "cpu_ms_max": round(1000 * max(cpu), 1) if cpu else None,
        "wall_ms_p50": round(1000 * statistics.median(wall), 2) if wall else None,
        "wall_ms_p99": round(1000 * percentile(wall, 99), 2) if wall else None,
        "slowest": {
            "cpu_ms": round(1000 * slowest[0], 1),
            "chars": slowest[1],
            "form": slowest[2],
            "shape": slowest[3],
            "proposals": slowest[4],
        },
        "load_average": os.getloadavg(),
    }
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=2))
        return 1 if crashes or failures else 0
    print(
        f"{args.texts} texts (seed {args.seed}, runs up to {args.max_run} characters): "
        f"{report['read']} read, {report['refused']} refused, {len(crashes)} crashes, {len(failures)} property failures"
    )
    print(
        f"proposals: {procedures} ({deadlines} with a deadline); text size p50 {report['chars_p50']}, max {report['chars_max']} characters"
    )
    print(
        f"time per text, CPU: p50 {report['cpu_ms_p50']} ms, p99 {report['cpu_ms_p99']} ms, max {report['cpu_ms_max']} ms; "
        f"wall: p50 {report['wall_ms_p50']} ms, p99 {report['wall_ms_p99']} ms"
    )
    print(
        f"slowest: {report['slowest']['cpu_ms']} ms CPU for {slowest[1]} characters and {slowest[4]} proposals "
        f"({slowest[2]}; {slowest[3]})"
    )
    print("refused, by message:")
    for kind, count in refused.most_common():
        print(f"  {count:5d}  {kind}")
    for crash in crashes[:5]:
        print(
            f"CRASH text {crash['text']} ({crash['form']}): {crash['error']}\n  {crash['start']!r}\n  "
            + "\n  ".join(crash["where"])
        )
    for failure in failures[:5]:
        print("FAILED", failure)
    print(f"load average during the run: {', '.join(f'{x:.1f}' for x in report['load_average'])}")
    return 1 if crashes or failures else 0


if __name__ == "__main__":
    sys.exit(main())
