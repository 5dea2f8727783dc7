"""The policy watch wired into the desk (issue 21): rights registers who is told of a promise change, the home lists
"policy changed" items until they are reviewed, and an open request's page notes that its app changed a promise
after the request reached it, while the request keeps its own. Every change here is detected by the watch
fetching from a real local server; mail is Django's locmem outbox."""

import re
import shlex
from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
import yaml
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from policies.importer.store import accept_policy_version, review_procedure
from policies.models import PolicyVersion, ReviewStatus
from rights.policy_changes import DESK_CHANGES_SHOWN
from rights.roles import CASE_WORKER
from rights.services import record_event
from tests.factories import UserFactory, file, shanghai
from watch.runner import run_watch

from .conftest import NOW, POLICY, Answer, page

ROOT = Path(__file__).resolve().parents[2]
LONGER = POLICY.replace("15个工作日内完成注销", "30个工作日内完成注销")
SHORTER = POLICY.replace("15个工作日内完成注销", "10个工作日内完成注销")
TYPO_FIXED = POLICY.replace("我们非常重视您的个人信息和隐私保护。", "我们十分重视您的个人信息与隐私的保护。")
FILED = shanghai(2026, 12, 7, 10)  # an hour before the watch's first check (NOW)
DETECTED = NOW + timedelta(days=1)  # 2026-12-08, when the watch sees the new text
INDEX = reverse("admin:index")


def change_page(request):
    return reverse("admin:rights_rightsrequest_change", args=[request.pk])


@pytest.fixture
def watched(watch_source, site):
    """The app's policy page, watched and first read as the text in force; returns a function that serves a new
    text and lets the watch detect it (a day later by default)."""
    watch_source(answer=Answer(200, page()))
    run_watch(now=NOW)

    def serve(text, *, at=DETECTED):
        site.routes["/privacy"] = Answer(200, page(text))
        [result] = run_watch(now=at)
        return result

    return serve


def accept(version_id):
    version = PolicyVersion.objects.get(pk=version_id)
    for procedure in version.procedures.all():
        review_procedure(procedure=procedure, status=ReviewStatus.ACCEPTED)
    accept_policy_version(version=version)


def get(client, url, language):
    response = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200, url
    return response.content.decode()


def visible(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def section(html: str, id_: str) -> str:
    """The <section id=...> of a page ("" when the page has none)."""
    found = re.search(rf'<section[^>]*id="{id_}".*?</section>', html, re.S)
    return found.group(0) if found else ""


# ------------------------------------------------------------------------------------ who is told


def test_a_promise_change_is_mailed_to_the_team_and_the_assignees_of_the_apps_open_requests(
    app, catalog, roles, watched, settings, django_capture_on_commit_callbacks
):
    settings.TEAM_EMAIL = "team@example.org"
    alice, bob, carol = (
        UserFactory(username=n, email=f"{n}@example.org", role=CASE_WORKER) for n in ("alice", "bob", "carol")
    )
    gone = UserFactory(username="gone", email="gone@example.org", is_active=False)
    file(app, at=FILED, now=NOW, assignee=alice)
    file(app, at=FILED, now=NOW, assignee=alice)  # two requests: one address
    file(app, at=FILED, now=NOW)  # unassigned
    file(app, at=FILED, now=NOW, assignee=gone)  # an account that was switched off
    record_event(event="withdraw", request=file(app, at=FILED, now=NOW, assignee=bob), now=NOW, note="撤回")  # closed
    file(catalog["卢米埃影城"], at=FILED, now=NOW, assignee=carol)  # another app's request

    with django_capture_on_commit_callbacks(execute=True):
        result = watched(LONGER)

    [message] = mail.outbox
    assert message.to == ["team@example.org"]
    assert message.bcc == ["alice@example.org"]
    assert f"/admin/policies/policyversion/{result.version}/review/" in message.body


def test_a_text_change_that_keeps_every_promise_mails_nobody(app, roles, watched, django_capture_on_commit_callbacks):
    file(app, at=FILED, now=NOW, assignee=UserFactory(username="alice", role=CASE_WORKER))
    with django_capture_on_commit_callbacks(execute=True):
        watched(TYPO_FIXED)
    assert mail.outbox == []


# ------------------------------------------------------------------------------------- the home desk


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("en", ["Policy changed", "detected 2026-12-08", "Account cancellation · Completion:", "15 working days", "→ 30 working days"]),
        ("zh-hans", ["政策已变更", "2026-12-08 发现", "账号注销 · 办结：", "15 工作日", "→ 30 工作日"]),
    ],
)  # fmt: skip
def test_the_home_lists_a_changed_promise_until_its_version_is_reviewed(client, app, roles, watched, language, words):
    result = watched(LONGER)
    clerk = UserFactory(username="clerk", role=CASE_WORKER)
    client.force_login(clerk)
    item = section(get(client, INDEX, language), "policy-changed")
    text = visible(item)
    assert app.name in text
    for word in words:
        assert word in text, (word, text)
    # A case worker reads the new version; the review is for those who may change the catalog.
    assert f'href="{reverse("admin:policies_policyversion_change", args=[result.version])}"' in item

    accept(result.version)
    assert section(get(client, INDEX, language), "policy-changed") == ""


@pytest.mark.parametrize(
    ("language", "words"),
    [("en", "The text changed; every promise stands."), ("zh-hans", "文本有改动，各项承诺不变。")],
)
def test_the_home_lists_a_text_change_that_keeps_every_promise_as_such(admin_client, app, watched, language, words):
    result = watched(TYPO_FIXED)
    item = section(get(admin_client, INDEX, language), "policy-changed")
    assert words in visible(item)
    assert f'href="{reverse("admin:policies_policyversion_review", args=[result.version])}"' in item


def test_the_home_shows_the_newest_changes_and_links_the_rest(admin_client, app, watched):
    for n in range(DESK_CHANGES_SHOWN + 1):
        watched(POLICY.replace("15个工作日内完成注销", f"{16 + n}个工作日内完成注销"), at=DETECTED + timedelta(days=n))
    item = section(get(admin_client, INDEX, "en"), "policy-changed")
    assert item.count("data-policy-change=") == DESK_CHANGES_SHOWN
    shown = visible(item)
    assert "→ 26 working days" in shown and "→ 16 working days" not in shown  # the oldest is behind the link
    assert f"{reverse('admin:policies_policyversion_changelist')}?status__exact=draft" in item


def test_people_who_cannot_read_the_catalog_see_no_policy_changes(client, watched):
    watched(LONGER)
    client.force_login(UserFactory(username="outsider"))  # staff, in no role
    assert 'id="policy-changed"' not in get(client, INDEX, "en")


# ------------------------------------------------------------------------------------ the case view


@pytest.mark.parametrize(
    ("text", "language", "words"),
    [
        (LONGER, "en", ["Completion: the app changed this promise on 2026-12-08: now 30 working days",
                        "This request keeps the promise in force when it reached the app."]),
        (LONGER, "zh-hans", ["办结：App 于 2026-12-08 变更了这项承诺：现为 30 工作日",
                             "本请求仍适用送达 App 时有效的承诺。"]),
        (SHORTER, "en", ["Completion: the app changed this promise on 2026-12-08: now 10 working days",
                         "The new promise is shorter, but the old one still binds this request."]),
        (SHORTER, "zh-hans", ["办结：App 于 2026-12-08 变更了这项承诺：现为 10 工作日",
                              "新承诺更短，但本请求仍受原承诺约束。"]),
    ],
)  # fmt: skip
def test_an_open_request_notes_the_promise_its_app_changed_and_keeps_its_own(
    admin_client, app, watched, text, language, words
):
    request = file(app, at=FILED, now=NOW)
    promises = request.promises
    watched(text)
    with time_machine.travel(DETECTED + timedelta(hours=1), tick=False):
        html = get(admin_client, change_page(request), language)
    note = visible(section(html, "promise-changed"))
    for word in words:
        assert word in note, (word, note)
    assert ("shorter" in note or "更短" in note) is (text == SHORTER)
    # The page still holds the request to the promise in force when it reached the app.
    assert "15 " in visible(section(html, "promise"))
    request.refresh_from_db()
    assert request.promises == promises


def test_the_note_says_when_the_app_dropped_the_deadline_or_changed_only_where_to_ask(admin_client, app, watched):
    request = file(app, at=FILED, now=NOW)
    watched(POLICY.replace("我们将在15个工作日内完成注销。", ""))
    watched(POLICY.replace("我的-设置-注销账户", "我的-账号与安全-注销账户"), at=DETECTED + timedelta(days=1))
    with time_machine.travel(DETECTED + timedelta(days=2), tick=False):
        html = get(admin_client, change_page(request), "en")
        chinese = get(admin_client, change_page(request), "zh-hans")
    assert visible(section(html, "promise-changed")).count("This request keeps the promise in force") == 2
    assert "Completion: the app changed where to ask on 2026-12-09: now 我的-账号与安全-注销账户." in visible(html)
    assert "Completion: the app changed this promise on 2026-12-08: now no promised deadline." in visible(html)
    assert "办结：App 于 2026-12-09 变更了申请途径：现为 我的-账号与安全-注销账户。" in visible(chinese)


def test_no_note_on_a_closed_request_or_one_that_reached_the_app_after_the_change(admin_client, app, watched):
    closed = record_event(event="withdraw", request=file(app, at=FILED, now=NOW), now=NOW, note="撤回")
    watched(LONGER)
    later = file(app, at=DETECTED + timedelta(hours=1), now=DETECTED + timedelta(hours=2))
    with time_machine.travel(DETECTED + timedelta(hours=2), tick=False):
        for request in (closed, later):
            assert 'id="promise-changed"' not in get(admin_client, change_page(request), "en")


def test_the_note_costs_the_request_page_one_query_whatever_the_number_of_changes(admin_client, app, watched):
    request = file(app, at=FILED, now=NOW)

    def queries():
        with time_machine.travel(DETECTED + timedelta(days=5), tick=False):
            admin_client.get(change_page(request))  # the first page of a session loads what is cached afterwards
            with CaptureQueriesContext(connection) as captured:
                html = get(admin_client, change_page(request), "en")
        return len(captured), html.count('class="rd-promise-changed"')

    closed = record_event(event="withdraw", request=file(app, at=FILED, now=NOW), now=NOW, note="撤回")
    with time_machine.travel(DETECTED, tick=False):
        admin_client.get(change_page(closed))
        with CaptureQueriesContext(connection) as captured:
            admin_client.get(change_page(closed))
    assert not any("watch_policysnapshot" in q["sql"] for q in captured.captured_queries)  # closed: no query

    none = queries()
    watched(LONGER)
    watched(SHORTER, at=DETECTED + timedelta(days=1))
    two = queries()
    assert (none[1], two[1]) == (0, 2)
    assert two[0] == none[0]
    # tests/rights/test_scale.py holds the request page to its budget (41 statements), this one included.
    assert two[0] <= 41, two[0]


# ------------------------------------------------------------------------------------- the schedule


def test_bin_up_runs_the_watch_beside_the_reminder_loop_when_there_is_no_broker():
    from watch.management.commands.watch import Command

    script = (ROOT / "bin" / "up").read_text()
    no_broker = script.split('if [ -z "${REDIS_URL:-}" ]; then', 1)[1].split("\nfi\n", 1)[0]
    started = [
        shlex.split(line.split("manage.py", 1)[1].rstrip(" &"))
        for line in no_broker.splitlines()
        if "manage.py" in line
    ]
    assert ["reminder_loop"] in started
    [watch] = [argv for argv in started if argv[0] == "watch"]
    options = Command().create_parser("manage.py", "watch").parse_args(watch[1:])
    assert (options.action, options.loop, options.app) == ("run", 3600, "")
    # Both loops end with the dev server.
    assert re.search(r"trap 'kill [^']*\$reminders[^']*\$watch|trap 'kill [^']*\$watch[^']*\$reminders", script)


def test_the_worker_returns_freed_pages_to_the_system():
    """The README's "Memory": glibc keeps a heap per thread and, after the first large page, stops returning large
    blocks unless told otherwise; the worker runs the watch."""
    worker = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]["worker"]["environment"]
    assert (worker["MALLOC_ARENA_MAX"], worker["MALLOC_MMAP_THRESHOLD_"]) == ("2", "262144")
    assert worker["DJANGO_SETTINGS_MODULE"] == "config.settings.production"  # the app's variables are still there
