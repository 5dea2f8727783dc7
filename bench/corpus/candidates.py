"""Labelling aid: every time phrase of the listed corpus files, numbered, with its context.

    .venv/bin/python bench/corpus/candidates.py FILE...      (names as in bench/corpus/files.txt)

It prints, per file, each occurrence of an amount followed by a time unit (digits or Chinese numerals, then
工作日 / 自然日 / 天 / 日 / 小时 / 个月 / 周 / 星期; dates and ages left out) with the nearest heading above it and
the text around it. bench/corpus/build_labels.py reads the same occurrences, in the same order, so that a
decision file can name them by number. It never runs the importer: the labels are made from the text alone.
"""

import os
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

import django

django.setup()

from policies.importer.reading import read_policy

# Linear: one bounded class run, then one of a fixed set of units; dates (5月20日, 【8】月【8】日) and ages (14周岁)
# are left out. A template's bracket may close between the amount and the unit (于【15】个工作日内).
TIME_PHRASE = re.compile(
    r"(?<![年月\d０-９.])(?<![年月]【)([0-9０-９]{1,4}|[一二两三四五六七八九十百]{1,4})】?\s{0,2}"
    r"(?:个\s{0,2})?(工作日|自然日|个?月|天|日|小时|周(?!岁)|星期)"
)
HEADING = re.compile(
    r"^\s*(?:#+|\*\*|[一二三四五六七八九十]+[、.]|\(?[一二三四五六七八九十]+\)|\d+(?:\\?\.\d*)*\\?[.、 ])"
)


def corpus_dir() -> Path:
    for candidate in (ROOT.parent / "shared/corpus", ROOT.parents[1] / "shared/corpus"):
        if candidate.is_dir():
            return candidate
    raise SystemExit("no ../shared/corpus next to the project")


def policy_text(name: str) -> str:
    return read_policy((corpus_dir() / name).read_bytes(), source_name=name)


def occurrences(text: str):
    for m in TIME_PHRASE.finditer(text):
        # N月 without 个 is a month of a date (5月), not a period
        if m.group(2) == "月" and not text[m.start() : m.end()].endswith("个月"):
            continue
        if m.group(2) == "日" and text[m.end() : m.end() + 1] in ("起", "生") and False:
            continue
        yield m


def heading_above(text: str, pos: int) -> str:
    lines = text[:pos].split("\n")
    for line in reversed(lines[:-1]):
        s = line.strip()
        if s and len(s) <= 40 and (HEADING.match(s) or not s.endswith(("。", "；", "，"))):
            return s
    return ""


def main():
    for name in sys.argv[1:]:
        text = policy_text(name)
        print(f"=== {name} ({len(text)} chars)")
        for i, m in enumerate(occurrences(text), 1):
            before = text[max(0, m.start() - 160) : m.start()].replace("\n", "⏎")
            after = text[m.end() : m.end() + 70].replace("\n", "⏎")
            print(f"[{i}] «{heading_above(text, m.start())}»  …{before}【{m.group(0)}】{after}")


if __name__ == "__main__":
    main()
