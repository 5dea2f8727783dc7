"""Convert CA4P-483 policies (tagtog HTML pages) to the plain text the importer reads and the corpus keeps.

    .venv/bin/python bench/ca4p_to_text.py GIT_DIR 0496 0497 ... [--out tests/policies/importer/corpus]

GIT_DIR is a clone (or bare mirror) of github.com/zacharykzhao/CA4P-483; each NUMBER is read with
`git show HEAD:raw_data/NUMBER.html`, converted by the importer's own reader (policies.importer.reading,
the same HTML-to-text path an upload takes) and written as ca4p-NUMBER.txt.

Only raw_data/0001.html to raw_data/0499.html may be used for development: the higher-numbered files are
kept for acceptance, so this script refuses them rather than trusting whoever runs it.
"""

import argparse
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

import django

django.setup()

from policies.importer.reading import read_policy

DEVELOPMENT_FILES = range(1, 500)  # raw_data/0001.html … raw_data/0499.html; the rest is reserved


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("git_dir")
    parser.add_argument("numbers", nargs="+")
    parser.add_argument("--out", default=str(ROOT / "tests/policies/importer/corpus"))
    args = parser.parse_args()
    out = Path(args.out)
    for number in args.numbers:
        if not (number.isascii() and number.isdigit()) or int(number) not in DEVELOPMENT_FILES:
            parser.error(f"{number}: only raw_data/0001 to 0499 are development files; the rest is reserved")
        name = f"raw_data/{int(number):04d}.html"
        html = subprocess.run(
            ["git", "-C", args.git_dir, "show", f"HEAD:{name}"], capture_output=True, check=True, timeout=60
        ).stdout
        text = read_policy(html, source_name=name)
        target = out / f"ca4p-{int(number):04d}.txt"
        target.write_text(text + "\n", encoding="utf-8")
        print(f"{name} -> {target.relative_to(ROOT)} ({len(text):,} characters)")


if __name__ == "__main__":
    main()
