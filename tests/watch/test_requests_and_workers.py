"""What the watch leaves alone: an open request's promise; and a source two workers reach at once."""
import threading
from datetime import timedelta

import pytest
from django.db import connection

from policies.importer.store import accept_policy_version, review_procedure
from policies.models import PolicyVersion, ReviewStatus
from tests.factories import file, shanghai
from watch.queries import promise_changes_since, unreviewed_changes
from watch.runner import run_watch

from .conftest import NOW, POLICY, Answer, accepted_app, page

LONGER = POLICY.replace("15个工作日内完成注销", "30个工作日内完成注销")
SHORTER = POLICY.replace("15个工作日内完成注销", "10个工作日内完成注销")


def _detect_and_accept(site, text, now):
    site.routes["/privacy"] = Answer(200, page(text))
    [result] = run_watch(now=now)
    version = PolicyVersion.objects.get(pk=result.version)
    for procedure in version.procedures.all():
        review_procedure(procedure=procedure, status=ReviewStatus.ACCEPTED)
    # In force from the day it was fetched (the fetched text still names its old effective date).
    PolicyVersion.objects.filter(pk=version.pk).update(effective_on=now.date())
    accept_policy_version(version=version)
    return result


@pytest.mark.parametrize(("text", "now_promised", "shorter"), [(LONGER, 30, False), (SHORTER, 10, True)])
def test_an_open_request_keeps_the_promise_in_force_when_it_reached_the_app(
    watch_source, app, site, text, now_promised, shorter
):
    watch_source(answer=Answer(200, page()))
    run_watch(now=NOW)
    filed_at = shanghai(2026, 12, 7, 10)
    request = file(app, "account_cancellation", at=filed_at, now=NOW)
    promises_before = request.promises
    clocks_before = list(request.clocks.values_list("final_due", flat=True))

    result = _detect_and_accept(site, text, NOW + timedelta(days=1))
    assert app.policy_in_force((NOW + timedelta(days=1)).date()).pk == result.version

    request.refresh_from_db()
    assert request.promises == promises_before
    assert list(request.clocks.values_list("final_due", flat=True)) == clocks_before
    [completion] = [p for p in request.promises if p["action"] == "completion"]
    assert (completion["amount_max"], completion["quote"]) == (15, "我们将在15个工作日内完成注销。")
    # The case view's note: the app changed this promise on D, now X (and whether the new one is shorter).
    [note] = promise_changes_since(app=app, right="account_cancellation", since=filed_at)
    assert (note["before"]["max"], note["after"]["max"]) == (15, now_promised)
    assert note["stricter"] is shorter  # a shorter new promise: the old one still binds this request


def test_the_desk_lists_a_change_until_its_version_is_reviewed(watch_source, app, site):
    watch_source(answer=Answer(200, page()))
    run_watch(now=NOW)
    site.routes["/privacy"] = Answer(200, page(LONGER))
    [result] = run_watch(now=NOW + timedelta(days=1))
    assert [s.policy_version_id for s in unreviewed_changes()] == [result.version]
    version = PolicyVersion.objects.get(pk=result.version)
    for procedure in version.procedures.all():
        review_procedure(procedure=procedure, status=ReviewStatus.ACCEPTED)
    accept_policy_version(version=version)
    assert list(unreviewed_changes()) == []


@pytest.mark.django_db(transaction=True)
def test_two_workers_never_fetch_one_source_at_once(site):
    from watch.services import add_source

    app = accepted_app()
    release = threading.Event()

    def slow_page(headers):
        release.wait(10)  # holds worker A inside its fetch until worker B has run
        return Answer(200, page())

    site.routes["/privacy"] = slow_page
    add_source(app=app, url=site.url("/privacy"), now=NOW)
    results = {}

    def worker_a():
        try:
            results["a"] = run_watch(now=NOW)
        finally:
            connection.close()

    a = threading.Thread(target=worker_a)
    a.start()
    for _ in range(1000):  # wait (at most 10 s) until worker A's request reaches the server
        if site.hits:
            break
        threading.Event().wait(0.01)
    results["b"] = run_watch(now=NOW)
    release.set()
    a.join(20)
    assert results["b"] == []
    assert [r.status for r in results["a"]] == ["unchanged"]
    assert len(site.hits) == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_several_recording_threads_record_every_source_on_its_own_connection(site, settings):
    from watch.models import WatchedSource
    from watch.services import add_source

    settings.WATCH_RECORD_THREADS = 3
    app = accepted_app()
    site.routes.update(
        {
            "/same": Answer(200, page()),
            "/longer": Answer(200, page(LONGER)),
            "/gone": Answer(404, b""),
            "/ad": Answer(200, "<p>今日上映：电影票九折。</p>".encode()),
        }
    )
    for path in site.routes:
        add_source(app=app, url=site.url(path), now=NOW)
    results = run_watch(now=NOW)
    assert [(r.url.rsplit("/", 1)[1], r.status) for r in results] == [
        ("same", "unchanged"), ("longer", "changed"), ("gone", "error"), ("ad", "not_a_policy"),
    ]  # fmt: skip
    assert sorted(WatchedSource.objects.values_list("last_status", flat=True)) == sorted(r.status for r in results)
    assert not WatchedSource.objects.filter(leased_until__isnull=False).exists()
