"""A single-page site: the policy text appears only after the page's script runs (rendered in Chromium)."""
import json
from datetime import timedelta

import pytest
from django.test import override_settings

from watch.runner import run_watch

from .conftest import NOW, POLICY, Answer, page

pytestmark = pytest.mark.browser

LONGER = POLICY.replace("15个工作日内完成注销", "30个工作日内完成注销")
SHELL = b'<!doctype html><html><head><meta charset="utf-8"><title>Loading</title></head><body><div id="app"></div><script src="/app.js"></script></body></html>'


def script(text: str) -> bytes:
    lines = text.strip().split("\n")
    return (
        "const app = document.getElementById('app'); const article = document.createElement('article');"
        f"const lines = {json.dumps(lines, ensure_ascii=False)};"
        "lines.forEach((line, i) => { const el = document.createElement(i ? 'p' : 'h1'); el.textContent = line; article.appendChild(el); });"
        "setTimeout(() => app.appendChild(article), 50);"
    ).encode()


def test_a_script_rendered_policy_is_read_after_its_scripts_run(watch_source, site):
    watch_source(answer=Answer(200, page()))
    run_watch(now=NOW)
    site.routes["/privacy"] = Answer(200, SHELL, {"Content-Type": "text/html; charset=utf-8"})
    site.routes["/app.js"] = Answer(200, script(LONGER), {"Content-Type": "application/javascript; charset=utf-8"})
    [result] = run_watch(now=NOW + timedelta(days=1))
    assert result.status == "changed"
    [entry] = result.promise_diff
    assert (entry["before"]["max"], entry["after"]["max"]) == (15, 30)


@override_settings(WATCH_RENDER_SCRIPTS=False)
def test_without_rendering_a_script_only_page_is_not_a_policy(watch_source, site):
    watch_source(answer=Answer(200, SHELL))
    site.routes["/app.js"] = Answer(200, script(POLICY))
    [result] = run_watch(now=NOW)
    assert result.status == "not_a_policy"
    assert not site.hits_of("/app.js")
