"""The reminder pages of the admin: each person sees and changes their own reminder settings (and nobody
else's), the settings row is a single page, the ledger is read-only, and the request page lists the reminders."""
import pytest
from django.contrib import admin
from django.urls import reverse

from rights.models import Reminder, ReminderPreference, ReminderSettings, ReminderSnooze, ReminderStatus
from rights.reminders import sweep_reminders
from rights.roles import AUDITOR, CASE_WORKER
from tests.factories import UserFactory, file, shanghai

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.fixture
def clerk(roles):
    return UserFactory(username="wang", email="wang@example.com", role=CASE_WORKER)


@pytest.fixture
def auditor(roles):
    return UserFactory(username="zhao", email="zhao@example.com", role=AUDITOR)


@pytest.fixture
def sent_reminder(catalog, clerk):
    request = file(catalog["卢米埃影城"], at=shanghai(2026, 11, 10, 10), assignee=clerk)
    sweep_reminders(now=shanghai(2026, 11, 20, 9, 30))
    return Reminder.objects.get(request=request)


def test_my_reminder_settings_opens_my_own_row_and_saves_my_choices(client, clerk):
    client.force_login(clerk)
    response = client.get(reverse("admin:rights_reminderpreference_changelist"))
    preference = ReminderPreference.objects.get(user=clerk)
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:rights_reminderpreference_change", args=[preference.pk])
    assert preference.language == "en"  # the language the admin was used in

    saved = client.post(
        response["Location"],
        {"language": "zh-hans", "email": "wang.home@example.net", "away_until": "2026-12-24"},
        follow=True,
    )
    assert saved.status_code == 200
    preference.refresh_from_db()
    assert (preference.language, preference.email, str(preference.away_until)) == (
        "zh-hans", "wang.home@example.net", "2026-12-24"
    )


def test_nobody_opens_someone_elses_reminder_settings(client, clerk, auditor):
    theirs = ReminderPreference.objects.create(user=auditor)
    client.force_login(clerk)
    url = reverse("admin:rights_reminderpreference_change", args=[theirs.pk])
    assert client.get(url).status_code in (302, 403, 404)
    client.post(url, {"language": "en", "email": "attacker@example.com", "away_until": ""})
    theirs.refresh_from_db()
    assert theirs.email == ""


def test_the_admin_index_offers_every_staff_member_their_reminder_settings(client, auditor):
    client.force_login(auditor)
    page = client.get(reverse("admin:index")).content.decode()
    assert reverse("admin:rights_reminderpreference_changelist") in page


def test_the_settings_row_is_one_page_and_its_changes_apply_to_the_next_sweep(client, catalog, clerk):
    root = UserFactory(username="root", is_superuser=True)
    client.force_login(root)
    response = client.get(reverse("admin:rights_remindersettings_changelist"))
    assert response.status_code == 302 and response["Location"].endswith("/1/change/")
    client.post(response["Location"], {
        "enabled": "on", "send_time": "10:30", "due_soon_working_days": "2", "repeat_every_days": "3",
        "suggest_escalation": "on", "escalate_after_working_days": "3",
    })  # fmt: skip
    assert ReminderSettings.load().send_time.isoformat() == "10:30:00"
    file(catalog["卢米埃影城"], at=shanghai(2026, 11, 10, 10), assignee=clerk)
    assert sweep_reminders(now=shanghai(2026, 11, 20, 9, 30)).held == 1  # 09:30 is now before the send time
    assert sweep_reminders(now=shanghai(2026, 11, 20, 10, 30)).sent == 1


def test_the_ledger_is_read_only_and_filters_what_was_sent_to_me(client, clerk, auditor, sent_reminder):
    client.force_login(auditor)
    changelist = reverse("admin:rights_reminder_changelist")
    assert client.get(changelist).status_code == 200
    assert f"#{sent_reminder.request_id}" in client.get(changelist).content.decode()
    assert client.get(f"{changelist}?to=me").context["cl"].result_count == 0
    change = reverse("admin:rights_reminder_change", args=[sent_reminder.pk])
    client.post(change, {"status": "pending"})
    sent_reminder.refresh_from_db()
    assert sent_reminder.status == ReminderStatus.SENT

    client.force_login(clerk)
    assert client.get(f"{changelist}?to=me").context["cl"].result_count == 1


def test_the_snooze_action_stops_the_repeats_for_a_week(client, clerk, sent_reminder):
    # Case workers need the add permission for snoozes; grant it here if the roles do not (yet).
    from django.contrib.auth.models import Permission

    clerk.user_permissions.add(Permission.objects.get(codename="add_remindersnooze"))
    client.force_login(clerk)
    client.post(
        reverse("admin:rights_reminder_changelist"),
        {"action": "snooze_repeats", "_selected_action": [sent_reminder.pk]},
    )
    snooze = ReminderSnooze.objects.get()
    assert (snooze.request_id, snooze.clock_id, snooze.created_by) == (sent_reminder.request_id, None, clerk)


def test_the_request_page_lists_the_reminders_sent(client, clerk, sent_reminder):
    client.force_login(clerk)
    page = client.get(reverse("admin:rights_rightsrequest_change", args=[sent_reminder.request_id]))
    html = page.content.decode()
    assert "reminders sent" in html.lower()
    assert "wang@example.com" in html and "2026-11-19" in html


def test_the_reminder_pages_pass_the_admin_checks():
    from django.core import checks

    from rights.admin_reminders import ReminderInline, ReminderSnoozeInline

    assert checks.run_checks(tags=[checks.Tags.admin]) == []
    for inline in (ReminderInline, ReminderSnoozeInline):
        from rights.models import RightsRequest

        assert inline(RightsRequest, admin.site).check() == []


def test_the_ledger_is_searched_by_request_number_or_address_newest_first(client, catalog, clerk):
    """A number finds the request's rows (on the ledger's unique key; the ledger has a million rows at scale), any
    other text a part of the recipient's address; the newest rows come first; dates are a filter, not a drill-down
    (whose years are a DISTINCT over the whole ledger)."""
    first = file(catalog["卢米埃影城"], at=shanghai(2026, 11, 10, 10), assignee=clerk)
    second = file(catalog["卢米埃影城"], at=shanghai(2026, 11, 10, 11))  # nobody assigned: the team address
    sweep_reminders(now=shanghai(2026, 11, 20, 9, 30))
    client.force_login(clerk)
    url = reverse("admin:rights_reminder_changelist")

    def listed(**query):
        response = client.get(url, query)
        assert response.status_code == 200
        return [row.request_id for row in response.context["cl"].result_list]

    assert listed() == [second.pk, first.pk]  # recorded last, shown first
    for term in (str(first.pk), f"#{first.pk}", f" #{first.pk} "):
        assert listed(q=term) == [first.pk], term
    assert listed(q="wang@") == [first.pk]
    assert listed(q="#") == [] and listed(q="9" * 40) == [] and listed(q="①") == []
    assert listed(created_at__gte="2026-11-20 00:00:00+08:00", created_at__lt="2026-11-21 00:00:00+08:00") == [second.pk, first.pk]
    assert listed(created_at__gte="2026-11-21 00:00:00+08:00") == []
    page = client.get(url)
    assert page.context["cl"].model_admin.date_hierarchy is None
    # Only the orders an index keeps are offered (any other column sorts the whole ledger), and one clock column.
    assert page.content.decode().count('class="sortable') == 2
    headers = [header["text"] for header in page.context["result_headers"]]
    assert headers[1:4] == ["recorded at", "request", "clock"], headers
