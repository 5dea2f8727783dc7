"""Checking sources end to end: the real server, the importer, the catalog and the records."""
from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from policies.models import PolicyVersion, ReviewStatus
from watch.models import PolicySnapshot, Status, WatchedSource
from watch.runner import claim_sources, run_watch

from .conftest import NOW, POLICY, Answer, page

LONGER = POLICY.replace("15个工作日内完成注销", "30个工作日内完成注销")
TYPO_FIXED = POLICY.replace("我们非常重视您的个人信息和隐私保护。", "我们十分重视您的个人信息与隐私的保护。")


def test_the_first_fetch_of_the_text_in_force_records_no_change(watch_source, app):
    source = watch_source(answer=Answer(200, page(), {"Content-Type": "text/html; charset=utf-8"}))
    [result] = run_watch(now=NOW)
    assert (result.status, result.version, result.promise_diff) == (Status.UNCHANGED, None, [])
    snapshot = source.snapshots.get()
    assert not snapshot.is_change and snapshot.policy_version == app.policy_in_force(NOW.date())
    assert app.policy_versions.count() == 1
    assert snapshot.body() == page()  # the bytes as served, kept compressed


def test_an_unchanged_page_stores_nothing_but_the_check_time(watch_source, app, site):
    source = watch_source(answer=Answer(200, page()))
    run_watch(now=NOW)
    later = NOW + timedelta(days=1)
    [result] = run_watch(now=later)
    source.refresh_from_db()
    assert result.status == Status.UNCHANGED
    assert source.snapshots.count() == 1
    assert (source.last_checked_at, source.next_check_at) == (later, later + timedelta(hours=24))


def test_a_source_is_checked_again_only_when_due(watch_source, site):
    watch_source(answer=Answer(200, page()))
    run_watch(now=NOW)
    assert run_watch(now=NOW + timedelta(hours=23)) == []
    assert len(run_watch(now=NOW + timedelta(hours=24))) == 1
    assert len(site.hits) == 2


def test_a_304_is_unchanged_and_costs_no_extraction(watch_source, site):
    def answer(headers):
        if headers.get("if-none-match") == '"v1"':
            return Answer(304, b"", {"ETag": '"v1"'})
        return Answer(200, page(), {"ETag": '"v1"'})

    source = watch_source(answer=answer)
    run_watch(now=NOW)
    [result] = run_watch(now=NOW + timedelta(days=1))
    source.refresh_from_db()
    assert (result.status, result.http_status, source.etag) == (Status.UNCHANGED, 304, '"v1"')
    assert site.hits[1].headers["if-none-match"] == '"v1"'


def test_a_changed_promise_creates_a_draft_version_in_review_with_the_promise_diff(watch_source, app, site):
    watch_source(answer=Answer(200, page()))
    run_watch(now=NOW)
    site.routes["/privacy"] = Answer(200, page(LONGER))
    [result] = run_watch(now=NOW + timedelta(days=1))

    assert result.status == Status.CHANGED
    version = PolicyVersion.objects.get(pk=result.version)
    assert version.status == ReviewStatus.DRAFT and version.app == app
    assert version.procedures.filter(review_status=ReviewStatus.DRAFT, deadline_max=30).exists()
    [entry] = result.promise_diff
    assert (entry["right"], entry["action"], entry["kind"], entry["changed"]) == (
        "account_cancellation", "completion", "changed", ["amount"],
    )  # fmt: skip
    assert (entry["before"]["max"], entry["after"]["max"]) == (15, 30)
    assert entry["before"]["quote"] == "我们将在15个工作日内完成注销。"
    assert entry["after"]["quote"] == "我们将在30个工作日内完成注销。"
    assert "-您可以通过“我的-设置-注销账户”申请注销账户。我们将在15个工作日内完成注销。" in entry["text_diff"]
    assert entry["stricter"] is False
    # The catalog keeps the version in force until a person accepts the new one.
    assert app.policy_in_force(NOW.date()).procedures.get(right="account_cancellation").deadline_max == 15


def test_a_promise_change_mails_one_digest_to_the_team_and_the_registered_assignees(
    watch_source, app, site, settings, django_capture_on_commit_callbacks
):
    from watch.registry import register_recipients, unregister_recipients

    def assignees(app_):
        return ["case.worker@example.org"] if app_ == app else []

    settings.TEAM_EMAIL = "team@example.org"
    register_recipients(assignees)
    try:
        watch_source(answer=Answer(200, page()))
        run_watch(now=NOW)
        site.routes["/privacy"] = Answer(200, page(LONGER))
        with django_capture_on_commit_callbacks(execute=True):
            [result] = run_watch(now=NOW + timedelta(days=1))
    finally:
        unregister_recipients(assignees)
    [message] = mail.outbox
    assert message.to == ["team@example.org"] and message.bcc == ["case.worker@example.org"]
    assert message.subject == "示例应用 的隐私政策变更了 1 项承诺"  # the desk's language (LANGUAGE_CODE), not the caller's
    assert "我们将在15个工作日内完成注销。" in message.body and "我们将在30个工作日内完成注销。" in message.body
    assert f"/admin/policies/policyversion/{result.version}/review/" in message.body


def test_a_changed_text_with_unchanged_promises_is_a_change_with_an_empty_promise_diff(
    watch_source, app, site, django_capture_on_commit_callbacks
):
    watch_source(answer=Answer(200, page()))
    run_watch(now=NOW)
    site.routes["/privacy"] = Answer(200, page(TYPO_FIXED))
    with django_capture_on_commit_callbacks(execute=True):
        [result] = run_watch(now=NOW + timedelta(days=1))
    assert result.status == Status.CHANGED and result.promise_diff == []
    assert PolicyVersion.objects.get(pk=result.version).status == ReviewStatus.DRAFT
    assert mail.outbox == []  # no promise changed: nobody is mailed


def test_spacing_and_zero_width_characters_are_not_a_change(watch_source, site):
    watch_source(answer=Answer(200, page()))
    run_watch(now=NOW)
    site.routes["/privacy"] = Answer(200, page(POLICY.replace("一、", "一、\u200b\u3000 ")))
    [result] = run_watch(now=NOW + timedelta(days=1))
    assert result.status == Status.UNCHANGED


@pytest.mark.parametrize(
    ("answer", "status", "error"),
    [
        (Answer(404, b"gone"), Status.ERROR, "HTTP 404"),
        (Answer(200, b"<html><body><form><input type=password></form>\xe8\xaf\xb7\xe7\x99\xbb\xe5\xbd\x95</body></html>"), Status.NOT_A_POLICY, "sign in"),
        (Answer(200, b"<html><body></body></html>"), Status.NOT_A_POLICY, "empty"),
        (Answer(200, "<p>今日上映：电影票九折。</p>".encode()), Status.NOT_A_POLICY, "privacy policy"),
    ],
)
def test_failures_create_no_version_and_are_recorded_on_the_source(watch_source, app, answer, status, error):
    source = watch_source(answer=answer)
    [result] = run_watch(now=NOW)
    source.refresh_from_db()
    assert (result.status, result.version) == (status, None)
    assert (source.last_status, source.consecutive_failures) == (status, 1)
    assert error in source.last_error
    assert not PolicySnapshot.objects.exists() and app.policy_versions.count() == 1


def test_the_team_is_told_once_after_three_consecutive_failures(
    watch_source, site, settings, django_capture_on_commit_callbacks
):
    settings.WATCH_RETRIES = 0
    source = watch_source(answer=Answer(500, b"down"))
    with django_capture_on_commit_callbacks(execute=True):
        for day in range(5):
            run_watch(now=NOW + timedelta(days=day))
    source.refresh_from_db()
    assert source.consecutive_failures == 5
    [alert] = mail.outbox
    assert alert.to == [settings.TEAM_EMAIL] and source.url in alert.subject
    # A success resets the count.
    site.routes["/privacy"] = Answer(200, page())
    run_watch(now=NOW + timedelta(days=5))
    source.refresh_from_db()
    assert source.consecutive_failures == 0


def test_a_source_taken_by_one_worker_is_not_taken_by_another(watch_source):
    source = watch_source(answer=Answer(200, page()))
    assert [s.pk for s in claim_sources(now=NOW)] == [source.pk]
    assert claim_sources(now=NOW) == []
    assert run_watch(now=NOW) == []
    # A worker that died frees its sources when its lease runs out.
    assert [s.pk for s in claim_sources(now=NOW + timedelta(hours=1))] == [source.pk]


def test_snapshots_are_append_only(watch_source):
    watch_source(answer=Answer(200, page()))
    run_watch(now=NOW)
    snapshot = PolicySnapshot.objects.get()
    snapshot.text = "rewritten"
    with pytest.raises(ValidationError):
        snapshot.save()
    with pytest.raises(ValidationError):
        snapshot.delete()


def test_watch_run_for_an_app_checks_its_sources_even_when_not_due(watch_source, app, site):
    watch_source(answer=Answer(200, page()))
    run_watch(now=NOW)
    assert len(run_watch(now=NOW, app=app)) == 1
    assert len(site.hits) == 2
    assert WatchedSource.objects.get().leased_until is None


def test_neither_a_version_nor_an_app_a_snapshot_refers_to_can_be_deleted(watch_source, app, site):
    """Snapshots are evidence (issue 23): the app and the version they refer to stay."""
    from django.db.models import ProtectedError, RestrictedError

    watch_source(answer=Answer(200, page()))
    run_watch(now=NOW)
    site.routes["/privacy"] = Answer(200, page(LONGER))
    [result] = run_watch(now=NOW + timedelta(days=1))
    with pytest.raises(RestrictedError):
        PolicyVersion.objects.get(pk=result.version).delete()
    with pytest.raises(ProtectedError):
        app.delete()
    assert PolicySnapshot.objects.count() == 2
