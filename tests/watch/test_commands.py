"""`manage.py watch add|run|show|export`: the outputs scripts rely on and the one-line refusals."""
import json
import subprocess
from io import StringIO

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.test import override_settings

from watch.models import WatchedSource

from .conftest import NOW, POLICY, Answer, page

LONGER = POLICY.replace("15个工作日内完成注销", "30个工作日内完成注销")


def watch(*args) -> str:
    out = StringIO()
    with time_machine.travel(NOW, tick=False):
        call_command("watch", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def refused(*args) -> str:
    with pytest.raises(CommandError) as caught:
        watch(*args)
    assert caught.value.returncode == 2
    return str(caught.value)


def test_add_prints_the_source(app, site):
    data = json.loads(watch("add", "--app", app.name, "--url", site.url("/privacy"), "--every", "12", "--json"))
    assert (data["url"], data["every_hours"]) == (site.url("/privacy"), 12)
    assert WatchedSource.objects.get().check_every_hours == 12


@pytest.mark.parametrize(
    ("url", "message"),
    [("not a url", "not an http or https URL"), ("ftp://example.org/p", "not an http or https URL"), ("http://[::1/", "not a valid URL")],
)
def test_add_refuses_a_malformed_url(app, url, message):
    assert message in refused("add", "--app", app.name, "--url", url)


def test_add_refuses_an_unknown_app_and_a_duplicate(app, site):
    assert "unknown app" in refused("add", "--app", "没有这个应用", "--url", site.url("/p"))
    watch("add", "--app", app.name, "--url", site.url("/p"))
    assert "already watches" in refused("add", "--app", app.name, "--url", site.url("/p"))


@override_settings(WATCH_ALLOW_PRIVATE_ADDRESSES=False)
def test_add_refuses_a_private_address_unless_allowed(app):
    assert "private or loopback" in refused("add", "--app", app.name, "--url", "http://127.0.0.1:8000/privacy")
    assert not WatchedSource.objects.exists()


def test_run_and_show_print_the_documented_shapes(app, site):
    site.routes["/privacy"] = Answer(200, page())
    site.routes["/gone"] = Answer(404, b"")
    watch("add", "--app", app.slug, "--url", site.url("/privacy"))
    watch("add", "--app", app.slug, "--url", site.url("/gone"))
    first = json.loads(watch("run", "--json"))
    assert [(r["url"], r["status"], r["http_status"], r["version"]) for r in first] == [
        (site.url("/privacy"), "unchanged", 200, None),
        (site.url("/gone"), "error", 404, None),
    ]
    site.routes["/privacy"] = Answer(200, page(LONGER))
    [changed] = json.loads(watch("run", "--app", app.slug, "--json"))[:1]
    assert changed["status"] == "changed" and changed["version"]
    assert changed["promise_diff"][0]["after"]["max"] == 30

    shown = json.loads(watch("show", app.slug, "--json"))
    assert [s["url"] for s in shown["sources"]] == [site.url("/privacy"), site.url("/gone")]
    assert set(shown["sources"][1]) == {"url", "last_checked_at", "last_status", "last_http_status", "last_error", "consecutive_failures"}
    assert (shown["sources"][1]["last_status"], shown["sources"][1]["consecutive_failures"]) == ("error", 2)
    [change] = shown["changes"]
    assert (change["version"], change["state"]) == (changed["version"], "draft")
    assert change["detected_at"] == "2026-12-07T11:00:00+08:00"
    assert change["promise_diff"] == [
        {
            "right": "account_cancellation",
            "action": "completion",
            "before": {"min": 15, "max": 15, "unit": "working_day", "clock_start": "receipt", "quote": "我们将在15个工作日内完成注销。"},
            "after": {"min": 30, "max": 30, "unit": "working_day", "clock_start": "receipt", "quote": "我们将在30个工作日内完成注销。"},
        }
    ]


def test_export_writes_one_commit_per_version_dated_with_its_fetch_time(app, site, tmp_path):
    from datetime import timedelta

    from watch.runner import run_watch

    site.routes["/privacy"] = Answer(200, page())
    watch("add", "--app", app.slug, "--url", site.url("/privacy"))
    run_watch(now=NOW)
    site.routes["/privacy"] = Answer(200, page(LONGER))
    run_watch(now=NOW + timedelta(days=1))

    watch("export", app.slug, "--git", str(tmp_path / "history"))
    log = subprocess.run(
        ["git", "-C", str(tmp_path / "history"), "log", "--format=%aI", "-p"], capture_output=True, text=True, check=True
    ).stdout
    assert log.count("2026-12-0") == 2
    assert "2026-12-08T11:00:00+08:00" in log and "2026-12-07T11:00:00+08:00" in log
    assert "-我们将在15个工作日内完成注销。" not in log  # the line holds more than the quote
    assert "+您可以通过“我的-设置-注销账户”申请注销账户。我们将在30个工作日内完成注销。" in log
    # Again: nothing new, no commit.
    watch("export", app.slug, "--git", str(tmp_path / "history"))
    count = subprocess.run(["git", "-C", str(tmp_path / "history"), "rev-list", "--count", "HEAD"], capture_output=True, text=True, check=True)
    assert count.stdout.strip() == "2"


def test_a_refusal_is_one_line_on_stderr_with_exit_status_2(manage):
    done = manage("watch", "add", "--app", "nobody", "--url", "http://example.org/")
    assert done.returncode == 2
    assert done.stderr.strip().count("\n") == 0 and "unknown app" in done.stderr


def test_run_in_a_loop_checks_again_each_time_until_its_runs_are_done(app, site):
    site.routes["/privacy"] = Answer(200, page())
    watch("add", "--app", app.slug, "--url", site.url("/privacy"))
    lines = watch("run", "--loop", "0", "--runs", "2").splitlines()
    # Both runs at the same (frozen) moment: the second finds nothing due.
    assert [line.split()[0] for line in lines] == ["unchanged", "no"]
    assert lines[1] == "no source is due"
