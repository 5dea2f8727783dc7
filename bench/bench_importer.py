"""Time the policy importer on a 40,000-character policy (the five seed policies, concatenated and cut).

    .venv/bin/python bench/bench_importer.py [--chars 40000] [--runs 15]

Prints the median (and min / max) over several runs of reading the bytes (read_policy) and extracting
(extract), which is what `import_policy --dry-run` does apart from Django's start-up.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

import django

django.setup()

from policies.importer.extract import extract
from policies.importer.reading import read_policy
from policies.seed import POLICY_TEXTS_DIR


def policy_of(chars: int) -> bytes:
    texts = [p.read_text(encoding="utf-8") for p in sorted(POLICY_TEXTS_DIR.glob("*.txt"))]
    text = "\n".join(texts)
    while len(text) < chars:
        text += "\n" + text
    return text[:chars].encode("utf-8")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chars", type=int, default=40_000)
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()

    data = policy_of(args.chars)
    extract(read_policy(data))  # warm up: compile the regular expressions once
    timings, procedures = [], 0
    for _ in range(args.runs):
        started = time.perf_counter()
        extraction = extract(read_policy(data))
        timings.append(time.perf_counter() - started)
        procedures = len(extraction.procedures)
    print(
        f"import_policy extraction, {args.chars:,} characters ({len(data):,} bytes UTF-8), {args.runs} runs: "
        f"median {statistics.median(timings) * 1000:.0f} ms "
        f"(min {min(timings) * 1000:.0f} ms, max {max(timings) * 1000:.0f} ms); {procedures} procedures proposed"
    )


if __name__ == "__main__":
    main()
