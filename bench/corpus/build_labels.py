"""Turn the decision file (bench/corpus/decisions.txt) into one label file per policy (bench/corpus/labels/).

    .venv/bin/python bench/corpus/build_labels.py

The decision file names each time phrase of a policy by its number in bench/corpus/candidates.py's listing:

    @ capp/NAME.txt
    3 D any,cm r iv soft | note          a deadline promise: rights, action (r reply, c completion), clock start
                                         (rc receipt, iv identity verified, acn account cancelled, ap application),
                                         hedge (soft, cap; firm if left out), an optional note after |
    # text                               a decision taken once for every label that meets the case
    6 N retention | note                 not a promise, with its kind (retention, storage_cap, auto_deletion,
                                         evidence_keeping, other)

A phrase left out is not a promise: kind retention where its clause keeps data (保存/保留/留存), other otherwise.
The amount and unit come from the phrase itself. The trigger is the clause around the phrase (between commas or
stops), with its offset in the text, so that a sentence a policy repeats word for word is still one place.
"""

import json
import re

from candidates import ROOT, corpus_dir, occurrences, policy_text

HERE = ROOT / "bench/corpus"
RIGHTS = {
    "ac": "account_cancellation",
    "de": "deletion",
    "co": "correction",
    "ax": "access",
    "cp": "copy",
    "cw": "consent_withdrawal",
    "cm": "complaint",
    "any": "any_request",
}
ACTIONS = {"r": "reply", "c": "completion"}
CLOCKS = {"rc": "receipt", "iv": "identity_verified", "acn": "account_cancelled", "ap": "application"}
UNITS = {
    "工作日": "working_day",
    "自然日": "calendar_day",
    "天": "calendar_day",
    "日": "calendar_day",
    "小时": "hour",
    "月": "month",
    "个月": "month",
    "周": "week",
    "星期": "week",
}
DIGITS = dict(zip("一二两三四五六七八九", (1, 2, 2, 3, 4, 5, 6, 7, 8, 9), strict=True))
CLAUSE_END = "，,。；;：:！？!?\n"
KEEPING = re.compile("保存|保留|留存")


def amount(numeral: str) -> int:
    numeral = numeral.translate(str.maketrans("０１２３４５６７８９", "0123456789"))
    if numeral.isdigit():
        return int(numeral)
    if "百" in numeral:
        hundreds, _, rest = numeral.partition("百")
        return DIGITS.get(hundreds, 1) * 100 + (amount(rest) if rest else 0)
    if "十" in numeral:
        tens, _, ones = numeral.partition("十")
        return DIGITS.get(tens, 1) * 10 + (DIGITS[ones] if ones else 0)
    return DIGITS[numeral]


def clause(text: str, start: int, end: int) -> tuple[int, int]:
    lo = start
    while lo > 0 and text[lo - 1] not in CLAUSE_END:
        lo -= 1
    hi = end
    while hi < len(text) and text[hi] not in CLAUSE_END:
        hi += 1
    while lo < start and text[lo].isspace():
        lo += 1
    return lo, hi


def read_decisions(path):
    decisions, current = {}, None
    for raw in path.read_text(encoding="utf-8").splitlines():
        line, _, note = raw.partition("|")
        parts = line.split()
        if not parts or parts[0].startswith("#"):  # a decision taken once for every label, in words
            continue
        if parts[0] == "@":
            current = decisions.setdefault(parts[1], {})
            continue
        current[int(parts[0])] = (parts[1:], note.strip())
    return decisions


def label_file(name: str, decided: dict) -> dict:
    text = policy_text(name)
    deadlines, not_deadlines = [], []
    found = list(occurrences(text))
    unknown = set(decided) - set(range(1, len(found) + 1))
    if unknown:
        raise SystemExit(f"{name}: no time phrase numbered {sorted(unknown)}")
    for number, m in enumerate(found, 1):
        lo, hi = clause(text, m.start(), m.end())
        fields, note = decided.get(number, (["N", "retention" if KEEPING.search(text[lo:hi]) else "other"], ""))
        extra = {"note": note} if note else {}
        if fields[0] == "D":
            rights, action, clock = fields[1], fields[2], fields[3]
            hedge = fields[4] if len(fields) > 4 else ""
            value = amount(m.group(1))
            deadlines.append(
                {
                    "rights": [RIGHTS[r] for r in rights.split(",")],
                    "action": ACTIONS[action],
                    "min": value,
                    "max": value,
                    "unit": UNITS[m.group(2)],
                    "clock_start": CLOCKS[clock],
                    "hedge": hedge,
                    "trigger": text[lo:hi],
                    "start": lo,
                }
                | extra
            )
        else:
            not_deadlines.append({"kind": fields[1], "text": text[lo:hi], "start": lo} | extra)
    dataset, _, stem = name.partition("/")
    return {
        "text": name,
        "source": {"dataset": {"ca4p": "CA4P-483", "capp": "CAPP-130"}[dataset]},
        "deadlines": deadlines,
        "not_deadlines": not_deadlines,
    }


def main():
    decisions = read_decisions(HERE / "decisions.txt")
    names = (HERE / "files.txt").read_text(encoding="utf-8").split()
    missing = set(decisions) - set(names)
    if missing:
        raise SystemExit(f"decisions for files not in files.txt: {sorted(missing)}")
    out = HERE / "labels"
    out.mkdir(exist_ok=True)
    for name in names:
        data = label_file(name, decisions.get(name, {}))
        target = out / (name.replace("/", "-").removesuffix(".txt") + ".json")
        target.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"{len(names)} label files in {out.relative_to(ROOT)}; corpus {corpus_dir()}")


if __name__ == "__main__":
    main()
