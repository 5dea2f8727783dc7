"""Time the importer on every hostile shape at 25,000 and 100,000 characters and print how the time grows.

    .venv/bin/python bench/bench_importer_shapes.py [--small 25000] [--large 100000] [--runs 3]
                                                    [--max-ratio 8] [--shape NAME ...] [--json]

The shapes are the linear-time tests' (tests/policies/importer/shapes.py: one huge line, one huge sentence with
thousands of promises, only spaces, only numerals ...). Each text is read as UTF-8 bytes and extracted, as
`import_policy` does. A time is the least CPU time of this process over --runs runs (the least disturbed by other
work on a shared machine; wall time is printed beside it). Linear code takes about 4x as long for 4x the text,
quadratic 16x: a shape whose growth passes --max-ratio is marked, and the exit status is 1.
"""

import argparse
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

import django

django.setup()

from policies.importer.errors import ReadError
from policies.importer.extract import extract
from policies.importer.reading import read_policy
from tests.policies.importer.shapes import SHAPES, shape

# Timer noise: a shape read in a few milliseconds at both sizes has no meaningful ratio below this.
NOISE_SECONDS = 0.05


def read_and_extract(data: bytes) -> int:
    """The number of procedures proposed (0 when the text is refused, e.g. as empty)."""
    try:
        return len(extract(read_policy(data, source_name="shape.txt")).procedures)
    except ReadError:
        return 0


def best_of(data: bytes, runs: int) -> dict:
    cpu, wall, procedures = float("inf"), float("inf"), 0
    for _ in range(runs):
        started_cpu, started_wall = time.process_time(), time.perf_counter()
        procedures = read_and_extract(data)
        cpu = min(cpu, time.process_time() - started_cpu)
        wall = min(wall, time.perf_counter() - started_wall)
    return {"cpu_ms": round(cpu * 1000, 1), "wall_ms": round(wall * 1000, 1), "procedures": procedures}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", type=int, default=25_000, help="characters of the smaller text")
    parser.add_argument("--large", type=int, default=100_000, help="characters of the larger text")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--max-ratio", type=float, default=8.0, help="growth above this is marked super-linear")
    parser.add_argument("--shape", action="append", choices=sorted(SHAPES), help="only these shapes")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    read_and_extract(shape("one sentence with commas", 2_000).encode())  # warm up: compile the patterns once
    rows = []
    for name in args.shape or sorted(SHAPES):
        small = best_of(shape(name, args.small).encode(), args.runs)
        large = best_of(shape(name, args.large).encode(), args.runs)
        # None: under 1 ms at the small size, too fast to divide by (a text refused at once, e.g. as empty).
        ratio = round(large["cpu_ms"] / small["cpu_ms"], 1) if small["cpu_ms"] >= 1.0 else None
        # As the test allows: the large time may be max-ratio times the small one plus the timer noise.
        super_linear = large["cpu_ms"] / 1000 > args.max_ratio * small["cpu_ms"] / 1000 + NOISE_SECONDS
        rows.append({"shape": name, "small": small, "large": large, "ratio": ratio, "super_linear": super_linear})

    if args.json:
        print(
            json.dumps(
                {"small_chars": args.small, "large_chars": args.large, "runs": args.runs, "shapes": rows}, indent=2
            )
        )
    else:
        print(
            f"{'shape':32} {args.small:>8,} chars {args.large:>9,} chars   growth   (CPU ms, best of {args.runs}; wall ms)"
        )
        for row in rows:
            small, large = row["small"], row["large"]
            mark = "  SUPER-LINEAR" if row["super_linear"] else ""
            growth = f"{row['ratio']:5.1f}x" if row["ratio"] is not None else "    -"
            print(
                f"{row['shape']:32} {small['cpu_ms']:8.1f} ({small['wall_ms']:7.1f}) "
                f"{large['cpu_ms']:9.1f} ({large['wall_ms']:7.1f})   {growth}{mark}"
            )
        measured = [row for row in rows if row["ratio"] is not None]
        if measured:
            worst = max(measured, key=lambda r: r["ratio"])
            print(f"largest growth: {worst['ratio']}x ({worst['shape']}); linear is 4x, quadratic 16x")
    return 1 if any(row["super_linear"] for row in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
