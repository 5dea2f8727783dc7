"""Labelling aid for primary-rights coverage: the sentences of a policy that speak of exercising a primary right.

    .venv/bin/python bench/corpus/primary_candidates.py FILE...      (names as in bench/corpus/files.txt)

For each primary right (ac 注销 account cancellation, de 删除 deletion, co 更正 correction, ax 查询 access) it
prints the sentences naming the right beside a way to act (a menu path, a setting, a contact, a request), cut
short. The decision is made by reading them (and the text where they are unclear) and written in
bench/corpus/primary.txt. Like candidates.py it never runs the importer.
"""

import re
import sys

from candidates import policy_text

RIGHT_WORDS = {
    "ac": re.compile(r"注销"),
    "de": re.compile(r"删除"),
    "co": re.compile(r"更正|修改|编辑|更新您的"),
    "ax": re.compile(r"查询|查阅|访问|查看您的"),
}
WAY = re.compile(r"您可以|您可|你可以|你可|请您|请通过|可通过|向我们|联系我们|提出|路径|[>→]")
NOT_A_RIGHT = re.compile(r"权限|cookie|浏览器|定位|位置信息|不断更新|第三方|《", re.IGNORECASE)
SENTENCE = re.compile(r"[^。！？\n]{1,400}")


def main(names):
    for name in names:
        text = policy_text(name)
        print(f"@ {name}")
        for code, words in RIGHT_WORDS.items():
            shown = 0
            for m in SENTENCE.finditer(text):
                s = m.group()
                if words.search(s) and WAY.search(s) and not NOT_A_RIGHT.search(s) and shown < 3:
                    shown += 1
                    print(f"  {code} {m.start():>6} {s.strip()[:150]}")
        print()


if __name__ == "__main__":
    main(sys.argv[1:])
