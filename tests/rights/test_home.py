"""The home is a desk (issue 19, item 1): the clocks that need someone today, of requests and complaints, mine
first, then unassigned, then the team's; filters mine / unassigned / all; a cap with a link to the list filtered
the same way. The stock app index is on its own page (管理 / Administration). The auditor is never offered as an
assignee, and bulk work has no default event."""
from datetime import timedelta

import pytest
from django.urls import reverse

from rights.desk import home_desk
from rights.forms import AssignForm, BulkEventForm, EventForm, FileRequestForm
from rights.models import RightsRequest
from rights.roles import AUDITOR, CASE_WORKER
from tests.complaints.conftest import lumiere_with_address  # noqa: F401 - a fixture
from tests.factories import UserFactory, file, shanghai

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

INDEX = reverse("admin:index")
CHANGELIST = reverse("admin:rights_rightsrequest_changelist")
OLD = shanghai(2026, 9, 28, 10)  # every clock of a request filed then is overdue by December


@pytest.fixture
def colleague(roles):
    return UserFactory(username="li", role=CASE_WORKER)


@pytest.fixture
def desk(catalog, clerk, colleague, on_a_monday_and_a_friday):
    """Three overdue requests (the team's, nobody's, mine, filed in that order) and one fresh one of mine."""
    lumiere, epiao = catalog["卢米埃影城"], catalog["E票电影"]
    team = file(lumiere, at=OLD - timedelta(days=2), assignee=colleague)
    nobody = file(epiao, at=OLD - timedelta(days=1))
    mine = file(lumiere, right="deletion", at=OLD, assignee=clerk)
    fresh = file(epiao, at=on_a_monday_and_a_friday - timedelta(hours=1), assignee=clerk)
    return {"team": team, "nobody": nobody, "mine": mine, "fresh": fresh, "now": on_a_monday_and_a_friday}


def requests_in_order(home):
    seen = []
    for item in home.items:
        if item.clock.request not in seen:
            seen.append(item.clock.request)
    return seen


def test_mine_first_then_unassigned_then_the_teams(desk, clerk):
    home = home_desk(clerk, now=desk["now"])
    assert home.show == "all"
    assert requests_in_order(home) == [desk["mine"].pk, desk["nobody"].pk, desk["team"].pk]
    whose = [item.whose for item in home.items]
    assert whose == sorted(whose, key=["mine", "unassigned", "team"].index)
    assert desk["fresh"].pk not in requests_in_order(home), "a clock far from its last day does not need anyone today"
    for item in home.items:
        assert item.clock.status in ("overdue", "statutory_breach", "due_soon")
        assert item.clock.due and item.clock.app and item.clock.action
    assert {item.clock.right for item in home.items if item.clock.kind == "request"} >= {"Account cancellation", "Deletion"}


def test_a_case_is_one_item_with_its_other_clocks_under_it(desk, clerk, client, catalog):
    two = file(catalog["咪咕云书店"], right="deletion", at=OLD, assignee=clerk)  # a reply and a completion promised
    assert two.clocks.count() == 2
    home = home_desk(clerk, now=desk["now"])
    cases = [item.clock.request for item in home.items]
    assert len(cases) == len(set(cases))
    [mine] = [item for item in home.items if item.clock.request == two.pk]
    assert len(mine.also) == 1, "its reply and its completion are both overdue: one item"
    assert all(other.due_at >= mine.clock.due_at and other.request == mine.clock.request for other in mine.also)
    client.force_login(clerk)
    page = client.get(INDEX).content.decode()
    assert page.count(f'data-request="{two.pk}"') == 1 and "data-desk-also" in page


@pytest.mark.parametrize("show, expected", [("mine", ["mine"]), ("unassigned", ["nobody"]), ("all", ["mine", "nobody", "team"]), ("²", ["mine", "nobody", "team"])])
def test_filters(desk, clerk, show, expected):
    home = home_desk(clerk, now=desk["now"], show=show)
    assert requests_in_order(home) == [desk[name].pk for name in expected]


def test_a_cap_with_a_link_to_the_list_filtered_the_same_way(desk, clerk, client):
    home = home_desk(clerk, now=desk["now"], cap=2)
    assert len(home.items) == 2 and home.more
    client.force_login(clerk)
    listed = {row.pk for row in client.get(home.list_url).context["cl"].result_list}
    assert listed == {desk["mine"].pk, desk["nobody"].pk, desk["team"].pk}
    mine = home_desk(clerk, now=desk["now"], show="mine")
    assert not mine.more
    assert {row.pk for row in client.get(mine.list_url).context["cl"].result_list} == {desk["mine"].pk}


def test_complaint_and_regulator_clocks_are_items_too(lumiere_with_address, roles):  # noqa: F811 (fixture)
    from tests.complaints.test_desk import NOW, build_case

    wang = UserFactory(username="wang", role=CASE_WORKER)
    case = build_case(lumiere_with_address, wang)
    home = home_desk(wang, now=NOW, show="mine")
    [item] = home.items  # one case: its complaints' clocks under it, the first due first
    rows = [(clock.kind, clock.action, f"{clock.due:%Y-%m-%d}") for clock in (item.clock, *item.also)]
    assert rows == [("complaint", "The app itself Answer", "2026-11-10"), ("complaint", "12300 Admission decision", "2026-11-12")]
    assert item.clock.request == case.pk


def test_a_fresh_superuser_sees_unassigned_overdue_requests_with_their_dates(desk, client, roles):
    boss = UserFactory(username="boss", is_superuser=True)
    client.force_login(boss)
    page = client.get(INDEX).content.decode()
    assert 'id="desk"' in page and 'data-show="all"' in page
    assert f'data-request="{desk["nobody"].pk}"' in page
    clock = desk["nobody"].clocks.order_by("deadline").first()
    assert f'datetime="{clock.deadline:%Y-%m-%d}"' in page
    assert reverse("administration") in page


def test_the_home_reads_a_bounded_number_of_rows(desk, clerk, client, django_assert_max_num_queries):
    client.force_login(clerk)
    client.get(INDEX)  # warm caches (the calendar, the session)
    with django_assert_max_num_queries(30):
        client.get(INDEX)


def test_the_administration_page_has_the_stock_index(clerk, client):
    client.force_login(clerk)
    response = client.get(reverse("administration"))
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="recent-actions-module"' in page and "app-rights" in page


def test_recent_actions_name_a_request_in_the_readers_language(desk, clerk, client):
    """Django stores a log entry's name in the writer's language ("… · Account cancellation"): the page names the
    request as it reads now, in Chinese for a Chinese reader."""
    from django.contrib.admin.models import CHANGE, LogEntry
    from django.utils import translation

    request = RightsRequest.objects.filter(right="account_cancellation").first()
    with translation.override("en"):
        LogEntry.objects.log_actions(user_id=clerk.pk, queryset=[request], action_flag=CHANGE, single_object=True)
    assert "Account cancellation" in LogEntry.objects.get().object_repr
    client.force_login(clerk)
    page = client.get(reverse("administration"), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    recent = page[page.index('id="recent-actions-module"'):]
    assert "Account cancellation" not in recent and "账号注销" in recent


# ------------------------------------------------------------------------------ the auditor is no assignee


def test_the_auditor_is_not_offered_as_an_assignee(clerk, roles, client, catalog):
    auditor = UserFactory(username="auditor", role=AUDITOR)
    boss = UserFactory(username="boss", is_superuser=True)
    for form in (FileRequestForm(user=clerk), EventForm("assign"), AssignForm(prefix="assign"), BulkEventForm()):
        offered = set(form.fields["assignee"].queryset)
        assert auditor not in offered and {clerk, boss} <= offered, type(form).__name__
    client.force_login(clerk)
    changelist = client.get(CHANGELIST)
    filters = changelist.content.decode()
    assert f"assignee={auditor.pk}" not in filters and f"assignee={clerk.pk}" in filters
    form = AssignForm({"assign-assignee": auditor.pk}, prefix="assign")
    assert not form.is_valid()


# ------------------------------------------------------------------------------------- no bulk default


def test_bulk_has_no_default_event_and_asks_for_one(clerk, client, catalog):
    form = BulkEventForm()
    assert form.fields["event"].choices[0][0] == "" and form["event"].value() in (None, "")
    request = file(catalog["卢米埃影城"], at=OLD)
    client.force_login(clerk)
    response = client.post(reverse("admin:rights_rightsrequest_bulk"), {"selected": [request.pk], "event": ""})
    assert response.status_code == 200
    assert response.context["form"].errors["event"]
    assert "selected" not in response.content.decode() or 'data-field="event"' in response.content.decode()
