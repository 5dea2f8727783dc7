"""The desk (issue 10): the home page is the person's queue, saved views of the list, bulk events through the one
write path with a result per request, the list leading with the deadline."""
import re

import pytest
import time_machine
from django.urls import reverse

from policies.models import PolicyVersion, ReviewStatus
from rights.desk import BULK_EVENTS, queue, record_for_each, save_view, view_query
from rights.events import EVENTS
from rights.models import RightsRequest, SavedView, State, TransitionLog
from rights.pagination import EstimatedCountPaginator
from rights.roles import AUDITOR, CASE_WORKER
from rights.services import RequestError, TransitionRefused, record_event
from tests.factories import UserFactory, file, shanghai

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

CHANGELIST = reverse("admin:rights_rightsrequest_changelist")
INDEX = reverse("admin:index")
BULK = reverse("admin:rights_rightsrequest_bulk")
SAVED_VIEWS = reverse("admin:rights_rightsrequest_saved_views")
SENT = shanghai(2026, 9, 28, 10)


@pytest.fixture
def other_clerk(roles):
    return UserFactory(username="li", role=CASE_WORKER)


def listed(client, url):
    """The request ids the list shows at `url` (a link from the queue)."""
    return {row.pk for row in client.get(url).context["cl"].result_list}


# --------------------------------------------------------------------------------------------- the queue


@time_machine.travel(shanghai(2026, 12, 7, 10), tick=False)
def test_home_queue_counts_are_what_the_linked_list_shows(as_clerk, clerk, lumiere, catalog):
    # Filed 2026-09-28: on 2026-12-07 every clock of these requests is overdue.
    mine = file(lumiere, at=SENT, assignee=clerk)
    unassigned = file(catalog["E票电影"], at=SENT)
    closed_mine = file(lumiere, at=SENT, assignee=clerk)
    from rights.services import record_event

    record_event(event="withdraw", request=closed_mine, note="dup")

    items = {item.key: item for item in queue(clerk)}
    assert items["mine"].count == 1 and items["unassigned"].count == 1
    for item in items.values():
        if item.url.startswith(CHANGELIST):
            assert len(listed(as_clerk, item.url)) == item.count, item.key
    assert listed(as_clerk, items["mine"].url) == {mine.pk}
    assert listed(as_clerk, items["unassigned"].url) == {unassigned.pk}
    assert listed(as_clerk, items["overdue"].url) == {mine.pk, unassigned.pk}

    page = as_clerk.get(INDEX).content.decode()
    assert 'id="queue"' in page
    assert f'href="{items["mine"].url.replace("&", "&amp;")}"' in page


def test_queue_counts_imported_drafts_awaiting_review(as_clerk, clerk, lumiere):
    PolicyVersion.objects.create(app=lumiere, title="draft", status=ReviewStatus.DRAFT, source_text="x", checksum="c1")
    items = {item.key: item for item in queue(clerk, now=SENT)}
    assert items["drafts"].count == 1
    assert "status__exact=draft" in items["drafts"].url


# ------------------------------------------------------------------------------------------ saved views


def test_a_saved_view_keeps_filters_and_sorting_without_the_page_number(as_clerk, clerk, other_clerk):
    response = as_clerk.post(SAVED_VIEWS, {"name": "我的逾期", "query": "deadline=overdue&o=2&p=3", "shared": "on"})
    assert response.status_code == 302 and response["Location"].endswith("?deadline=overdue&o=2")
    view = SavedView.objects.get()
    assert (view.owner, view.query, view.shared) == (clerk, "deadline=overdue&o=2", True)

    # Shared: the team sees it on the list; the owner alone may delete it.
    from django.test import Client

    other = Client(HTTP_ACCEPT_LANGUAGE="en")
    other.force_login(other_clerk)
    assert "我的逾期" in other.get(CHANGELIST).content.decode()
    other.post(SAVED_VIEWS, {"delete": str(view.pk)})
    assert SavedView.objects.filter(pk=view.pk).exists()
    as_clerk.post(SAVED_VIEWS, {"delete": str(view.pk)})
    assert not SavedView.objects.exists()


def test_a_private_view_is_not_shown_to_the_team(clerk, other_clerk):
    save_view(owner=clerk, name="mine only", query="assignee=me")
    from rights.desk import visible_views

    assert not visible_views(other_clerk).exists()


@pytest.mark.parametrize("name", ["", "a\x00b", "line\nbreak"])
def test_a_view_name_that_is_empty_or_has_control_characters_is_refused_in_one_line(clerk, name):
    with pytest.raises(RequestError) as refused:
        save_view(owner=clerk, name=name, query="deadline=overdue")
    assert "\n" not in str(refused.value)
    assert not SavedView.objects.exists()


def test_view_query_drops_the_page_and_admin_bookkeeping():
    assert view_query("?q=%E6%B3%A8%E9%94%80&p=2&e=1&o=-1") == "q=%E6%B3%A8%E9%94%80&o=-1"


# ------------------------------------------------------------------------------------------------ bulk


def test_bulk_events_are_never_grave():
    assert BULK_EVENTS and not any(EVENTS[name].grave for name in BULK_EVENTS)
    for grave in ("refuse", "withdraw", "escalate"):
        assert grave not in BULK_EVENTS


def test_a_grave_event_is_refused_for_several_requests_and_nothing_is_recorded(clerk, lumiere):
    one = file(lumiere, at=SENT)
    before = TransitionLog.objects.count()
    with pytest.raises(TransitionRefused, match="one request at a time"):
        record_for_each([one], event="withdraw", acting_user=clerk, note="x")
    assert TransitionLog.objects.count() == before


def test_bulk_acknowledge_reports_each_request_done_or_refused_with_why(as_clerk, clerk, lumiere, catalog):
    first = file(lumiere, at=SENT)
    second = file(catalog["E票电影"], at=SENT)
    already = file(lumiere, at=SENT)
    record_event(event="acknowledge", request=already, note="")  # in progress: cannot be acknowledged again

    # Step one: the admin action shows the selected requests and the event form.
    step_one = as_clerk.post(
        CHANGELIST, {"action": "record_event_for_selected", "_selected_action": [first.pk, second.pk, already.pk]}
    )
    assert step_one.status_code == 200
    page = step_one.content.decode()
    assert 'value="acknowledge"' in page and 'value="withdraw"' not in page

    response = as_clerk.post(BULK, {
        "event": "acknowledge", "selected": [first.pk, second.pk, already.pk],
        f"state_{first.pk}": "submitted", f"state_{second.pk}": "submitted", f"state_{already.pk}": "in_progress",
    })  # fmt: skip
    results = {r.request.pk: r for r in response.context["results"]}
    assert results[first.pk].done and results[second.pk].done
    assert not results[already.pk].done and results[already.pk].message
    html = response.content.decode()
    assert html.count('data-result="done"') == 2 and html.count('data-result="refused"') == 1
    assert RightsRequest.objects.get(pk=first.pk).state == State.IN_PROGRESS
    # Each went through the one write path: one history row per request, by the clerk.
    assert TransitionLog.objects.filter(transition="acknowledge", by=clerk).count() == 2


def test_bulk_with_a_state_the_person_did_not_see_is_a_conflict_not_a_change(as_clerk, lumiere):
    one = file(lumiere, at=SENT)
    record_event(event="acknowledge", request=one, note="")  # someone else moved it after the page was shown
    response = as_clerk.post(BULK, {"event": "reply", "selected": [one.pk], f"state_{one.pk}": "submitted"})
    (result,) = response.context["results"]
    assert not result.done and "changed by someone else" in result.message


def test_bulk_snooze_without_a_day_says_what_is_missing_per_request(as_clerk, lumiere):
    one = file(lumiere, at=SENT)
    response = as_clerk.post(BULK, {"event": "snooze", "selected": [one.pk]})
    (result,) = response.context["results"]
    assert not result.done and "needs a day" in result.message


def test_an_auditor_cannot_post_bulk_work(client, roles, lumiere):
    auditor = UserFactory(username="auditor", role=AUDITOR)
    client.force_login(auditor)
    one = file(lumiere, at=SENT)
    assert client.post(BULK, {"event": "acknowledge", "selected": [one.pk]}).status_code == 403
    assert RightsRequest.objects.get(pk=one.pk).state == State.SUBMITTED


# ------------------------------------------------------------------------------------------------- list


def test_the_list_leads_with_the_deadline_column(as_clerk, lumiere):
    file(lumiere, at=SENT)
    html = as_clerk.get(CHANGELIST).content.decode()
    headers = re.findall(r'<th scope="col" class="([^"]*)"', html)
    columns = [h for h in headers if "column-" in h]
    assert "column-deadlines" in columns[0], columns  # right after the selection checkbox


class _Estimated(EstimatedCountPaginator):
    """The list's paginator as it answers at a million requests on PostgreSQL (SQLite always counts)."""

    count = 1_234_567
    count_is_estimate = True


# Chinese groups no thousands (Django's zh_Hans formats): "约 1234567".
@pytest.mark.parametrize("language, about", [("en", "about 1,234,567"), ("zh-hans", "约 1234567")])
def test_an_estimated_total_reads_about_n_in_the_result_count_and_the_paginator(as_clerk, lumiere, monkeypatch, language, about):
    from django.contrib import admin

    file(lumiere, at=SENT)
    monkeypatch.setattr(admin.site._registry[RightsRequest], "paginator", _Estimated)
    page = as_clerk.get(CHANGELIST, {"q": "张"}, HTTP_ACCEPT_LANGUAGE=language).content.decode()
    counts = re.findall(r'<span class="rd-count" data-estimate>([^<]*)</span>', page)
    assert len(counts) == 2, counts  # the search box's result count and the paginator's line
    assert all(c.strip().startswith(about) for c in counts), counts
    # "Select all" across pages says the same.
    selection = re.search(r'<span class="all hidden">([^<]*)</span>.*?<a role="button"[^>]*>([^<]*)</a>', page, re.S)
    assert all(about in text for text in selection.groups()), selection.groups()


def test_an_exact_total_reads_n(as_clerk, lumiere):
    file(lumiere, at=SENT)
    file(lumiere, at=SENT)
    page = as_clerk.get(CHANGELIST, {"q": "张"}).content.decode()
    counts = [c.strip() for c in re.findall(r'<span class="rd-count">([^<]*)</span>', page)]
    assert counts == ["2 results", "2 rights requests"], counts
    assert "data-estimate" not in page


@pytest.mark.postgres
def test_on_postgresql_the_list_says_about_n_when_it_estimates(as_clerk, lumiere, monkeypatch):
    from django.db import connection

    from rights import pagination

    for _ in range(6):
        file(lumiere, at=SENT)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE rights_rightsrequest")
    monkeypatch.setattr(pagination, "LARGE_TABLE", 5)
    page = as_clerk.get(CHANGELIST).content.decode()
    assert re.search(r'<span class="rd-count" data-estimate>\s*about 6 rights requests', page), page[-3000:]


# ---------------------------------------------------------------------------------------------- filing

ADD = reverse("admin:rights_rightsrequest_add")
PREVIEW = reverse("admin:rights_rightsrequest_filing_preview")


def test_filing_preview_shows_the_clocks_filing_would_start_and_writes_nothing(as_clerk, lumiere):
    # 卢米埃影城 cancellation sent 2026-09-28 10:00: 7 working days -> 2026-10-13 (National Day off, 10-10 on).
    response = as_clerk.get(PREVIEW, {"app": lumiere.pk, "right": "account_cancellation", "sent_at": "2026-09-28T10:00"})
    assert response.status_code == 200
    data = response.json()
    assert data["sent_at"] == "2026-09-28 10:00"
    assert "2026-10-13" in [clock["last_day"] for clock in data["clocks"]]
    assert all(clock["starts"] == "2026-09-28 10:00" for clock in data["clocks"])
    assert not RightsRequest.objects.exists() and not TransitionLog.objects.exists()


def test_filing_preview_agrees_with_the_clocks_filing_stores(as_clerk, catalog):
    from rights.models import Clock

    for app in catalog.values():
        for right in ("account_cancellation", "deletion", "access"):
            data = as_clerk.get(PREVIEW, {"app": app.pk, "right": right, "sent_at": "2026-11-20T15:39"}).json()
            filed = file(app, right, at=shanghai(2026, 11, 20, 15, 39))
            stored = sorted(f"{c.final_due:%Y-%m-%d}" for c in Clock.objects.filter(request=filed))
            assert sorted(clock["last_day"] for clock in data["clocks"]) == stored, (app, right)


def test_filing_preview_lists_clocks_that_start_at_identity_verification(as_clerk, catalog):
    later = []
    for app in catalog.values():
        for right in ("account_cancellation", "deletion", "access", "correction"):
            data = as_clerk.get(PREVIEW, {"app": app.pk, "right": right, "sent_at": "2026-11-20T15:39"}).json()
            later.extend(data["later"])
    assert later, "the seed catalog has promises counted from identity verification (GB/T 35273 §8.7)"
    assert all(item["starts"] and item["promise"] for item in later)


@pytest.mark.parametrize("sent_at", ["1900-01-01T10:00", "2099-01-01T10:00", "²026-01-01T10:00", "x"])
def test_filing_preview_refuses_odd_times_in_one_line_never_a_500(as_clerk, lumiere, sent_at):
    response = as_clerk.get(PREVIEW, {"app": lumiere.pk, "right": "account_cancellation", "sent_at": sent_at})
    assert response.status_code == 200  # an answer the page shows, not a failed request (no console error)
    assert response.json()["error"] and "\n" not in response.json()["error"]


def test_file_and_add_another_keeps_the_app_and_right(as_clerk, lumiere):
    response = as_clerk.post(ADD, {
        "app": lumiere.pk, "right": "deletion", "procedure": "", "requester_name": "张三",
        "sent_at": "2026-11-30T10:00", "_addanother": "1",
    })  # fmt: skip
    assert response.status_code == 302
    page = as_clerk.get(response["Location"])
    form = page.context["form"]
    assert str(form["app"].value()) == str(lumiere.pk) and form["right"].value() == "deletion"


def test_a_sent_at_in_the_future_is_shown_next_to_the_field(as_clerk, lumiere):
    response = as_clerk.post(ADD, {
        "app": lumiere.pk, "right": "deletion", "procedure": "", "requester_name": "张三", "sent_at": "2099-01-01T10:00",
    })  # fmt: skip
    assert response.status_code == 200
    assert response.context["form"].errors["sent_at"]
    assert not RightsRequest.objects.exists()


# -------------------------------------------------------------------------------------------- evidence


@pytest.mark.parametrize(
    "name, body, content_type, disposition",
    [
        # Every evidence file is a download under its original name (rights.uploads, issue 23).
        ("客服回复.txt", "您的注销申请已受理。".encode(), "text/plain; charset=utf-8", "attachment"),
        ("截图.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 16, "image/png", "attachment"),
        # HTML, SVG and unknown types are refused at upload (rights.uploads' allow-list, tests/rights/test_uploads.py).
    ],
)
def test_evidence_is_served_with_its_real_type_and_charset_scripts_only_as_downloads(
    as_clerk, lumiere, settings, tmp_path, name, body, content_type, disposition
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from rights.models import Evidence

    settings.MEDIA_ROOT = str(tmp_path)
    filed = file(lumiere, at=SENT)
    upload = SimpleUploadedFile(name, body)
    as_clerk.post(
        reverse("admin:rights_rightsrequest_transition", args=[filed.pk, "reply"]),
        {"reply-expected_state": filed.state, "reply-note": "回复", "reply-evidence": upload},
    )
    evidence = Evidence.objects.get()
    response = as_clerk.get(reverse("admin:rights_rightsrequest_evidence", args=[filed.pk, evidence.pk]))
    assert response["Content-Type"] == content_type
    assert response["Content-Disposition"].startswith(disposition)
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == body


# ----------------------------------------------------------------------------------------------- catalog


def test_the_procedure_list_shows_channel_and_quote_and_labels_no_promise(as_clerk, catalog):
    from policies.models import Procedure

    silent = Procedure.objects.filter(deadline_min__isnull=True).first()
    promised = Procedure.objects.filter(deadline_min__isnull=False).exclude(channels=[]).first()
    html = as_clerk.get(reverse("admin:policies_procedure_changelist")).content.decode()
    assert "field-channels_display" in html and "field-quote_excerpt" in html
    assert promised.channels[0]["value"].replace("&", "&amp;").replace(">", "&gt;") in html
    if silent is not None:
        assert "no deadline promised" in html


# ------------------------------------------------------------------------------------------ request page


def test_every_event_has_a_button_label_and_past_tense_labels_are_for_the_history():
    from django.utils import translation

    from rights.events import BUTTON_LABELS, EVENT_ORDER

    with translation.override("en"):
        for name in EVENT_ORDER:
            assert str(BUTTON_LABELS[name]).strip(), name
        assert str(BUTTON_LABELS["amend"]) == "Amend" and str(EVENTS["amend"].label) == "Amended"
        # A history label in the past tense ("App acknowledged", "Reminders snoozed") is never a button.
        past = [n for n in EVENT_ORDER if str(EVENTS[n].label).split(":")[0].endswith("ed")]
        assert past and all(str(BUTTON_LABELS[n]) != str(EVENTS[n].label) for n in past), past


def test_the_request_page_buttons_say_what_to_do_and_the_history_what_happened(as_clerk, clerk, lumiere):
    filed = file(lumiere, at=SENT, assignee=clerk)
    page = as_clerk.get(reverse("admin:rights_rightsrequest_change", args=[filed.pk])).content.decode()
    summaries = dict(re.findall(r'<details data-transition="(\w+)"[^>]*>\s*<summary>([^<]*)</summary>', page))
    assert summaries["acknowledge"] == "Record the acknowledgement"
    assert summaries["amend"] == "Amend" and summaries["snooze"] == "Snooze the reminders"
    assert "Record “App acknowledged”" in page  # the submit button names the history entry it writes
    record_event(event="acknowledge", request=filed, acting_user=clerk, note="已受理")
    page = as_clerk.get(reverse("admin:rights_rightsrequest_change", args=[filed.pk])).content.decode()
    history = re.search(r'id="history".*?</section>', page, re.S).group(0)
    assert "App acknowledged" in history and "Record the acknowledgement" not in history
