"""The README's "What is where" names only paths that exist: a reader who opens one finds it.

The block is a tree: a line at the margin names a top-level path, an indented line a path inside the last
top-level one; the name is the first column (up to two spaces), several names separated by commas.
"""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def what_is_where() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## What is where", 1)[1]
    block = section.split("```", 2)[1]
    paths, parent = [], ""
    for line in block.splitlines():
        if not line.strip():
            continue
        indented = line.startswith(" ")
        names = re.split(r"\s{2,}", line.strip(), maxsplit=1)[0]
        for name in (n.strip() for n in names.split(",")):
            if not name:
                continue
            if indented:
                paths.append(parent + name)
            else:
                parent = name if name.endswith("/") else ""
                paths.append(name)
    return paths


def test_every_path_the_readme_names_exists():
    paths = what_is_where()
    assert len(paths) > 15  # the block was read, not skipped
    missing = [path for path in paths if not (ROOT / path).exists()]
    assert not missing, f"README 'What is where' names paths that do not exist: {missing}"
