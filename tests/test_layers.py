"""Layers point down: an app imports only the apps below it, never one above, not even inside a function.

A lower app that needs a higher one offers a registry the higher one fills in its AppConfig.ready() (the clock
tracks in deadlines.registry, the reminder sweep's clock sources, the desk's tracks, the watch's recipients).
`config` is the project's plumbing: settings, the command line's error contract, the text rule. It comes first
and imports none of the apps (its urls name them by string).
"""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# Lowest first. A new app must be placed here: the test below fails for an app it does not know.
LAYERS = ["config", "records", "jobs", "deadlines", "policies", "watch", "rights", "complaints", "correspondence", "accounts"]


def imported_modules(path: Path):
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.lineno, node.module


def test_every_app_has_a_place_in_the_layers():
    apps = {path.parent.name for path in ROOT.glob("*/apps.py")}
    assert apps, "no app found: the test looks in the wrong place"
    assert apps <= set(LAYERS), f"apps with no place in LAYERS: {sorted(apps - set(LAYERS))}"


def test_no_app_imports_an_app_above_it():
    upward = []
    for rank, app in enumerate(LAYERS):
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            for line, module in imported_modules(path):
                top = module.split(".")[0]
                if top in LAYERS and LAYERS.index(top) > rank:
                    upward.append(f"{path.relative_to(ROOT)}:{line} imports {module}")
    assert upward == []
