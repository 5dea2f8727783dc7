"""The policies admin loads for a superuser, shows each procedure's effective deadline, and takes next year's
working-day schedule the day it is published."""
from datetime import date

import pytest
from django.urls import reverse

from deadlines.counting import compute_deadline
from policies.models import (
    App,
    CalendarOverride,
    CalendarYear,
    PolicyVersion,
    Procedure,
    StatutoryDefault,
    work_calendar,
)

pytestmark = pytest.mark.django_db

MODELS = [App, PolicyVersion, Procedure, StatutoryDefault, CalendarOverride, CalendarYear]


@pytest.fixture
def calendar_rows():
    CalendarYear.objects.create(year=2027, published_on=date(2026, 11, 20), source="国务院办公厅通知 (test)")
    CalendarOverride.objects.create(day=date(2027, 1, 2), is_working_day=True, name="调休上班")


def url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_changelist_loads_for_a_superuser(admin_client, catalog, calendar_rows, model):
    response = admin_client.get(url(model, "changelist"))
    assert response.status_code == 200
    assert response.context["cl"].result_count == model.objects.count() > 0


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_change_page_loads_for_a_superuser(admin_client, catalog, calendar_rows, model):
    for obj in model.objects.all()[:3]:
        response = admin_client.get(url(model, "change", obj.pk))
        assert response.status_code == 200, (model.__name__, obj.pk)
        assert response.context["original"] == obj


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_add_page_loads_for_a_superuser(admin_client, model):
    assert admin_client.get(url(model, "add")).status_code == 200


@pytest.mark.parametrize(
    "model, query",
    [
        (App, {"q": "艾米聊"}),
        (PolicyVersion, {"status__exact": "accepted"}),
        (Procedure, {"right__exact": "account_cancellation"}),
        (Procedure, {"q": "注销"}),
        (CalendarOverride, {"day__year": "2027"}),
        (CalendarOverride, {"is_working_day__exact": "1"}),
    ],
    ids=str,
)
def test_changelist_filters_and_search_load(admin_client, catalog, calendar_rows, model, query):
    response = admin_client.get(url(model, "changelist"), query)
    assert response.status_code == 200
    assert response.context["cl"].result_count >= 1


def test_staff_without_permissions_cannot_see_the_catalog(client, django_user_model, catalog):
    clerk = django_user_model.objects.create_user("clerk", password="pw", is_staff=True)
    client.force_login(clerk)
    assert client.get(url(Procedure, "changelist")).status_code == 403


def test_procedure_changelist_names_the_statutory_default_the_silent_policy_falls_back_to(
    admin_client, english, catalog
):
    aimiliao = Procedure.objects.get(policy_version__app__name="艾米聊")
    response = admin_client.get(url(Procedure, "changelist"), {"q": "艾米聊"})
    html = response.content.decode()
    assert "statutory default" in html
    assert "国信办秘字〔2019〕191号" in html
    assert aimiliao.promise_display() == "no promised deadline"


def test_procedure_changelist_flags_a_promise_beyond_the_statutory_cap(admin_client, english):
    app = App.objects.create(name="示例应用", slug="example-app")
    version = PolicyVersion.objects.create(app=app, title="示例", source_text="我们将在20个工作日内完成删除。")
    Procedure.objects.create(
        policy_version=version, right="deletion", action="completion", deadline_min=20, deadline_max=20,
        deadline_unit="working_day", quote="我们将在20个工作日内完成删除。",
    )  # fmt: skip
    html = admin_client.get(url(Procedure, "changelist"), {"q": "示例应用"}).content.decode()
    assert "promise exceeds the statutory cap" in html


def test_policy_version_page_shows_its_procedures_with_their_effective_deadlines(admin_client, english, catalog):
    version = catalog["卢米埃影城"].policy_in_force(date(2026, 9, 28))
    html = admin_client.get(url(PolicyVersion, "change", version.pk)).content.decode()
    assert "7个工作日内完成注销处理" in html
    assert "7 working days" in html


def test_next_years_schedule_entered_in_the_admin_clears_provisional(admin_client):
    before = compute_deadline(date(2026, 12, 24), 7, "working_day", work_calendar())
    assert before.provisional

    response = admin_client.post(
        url(CalendarOverride, "add"), {"day": "2027-01-02", "is_working_day": "on", "name": "调休上班"}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    response = admin_client.post(
        url(CalendarYear, "add"), {"year": "2027", "published_on": "2026-11-20", "source": "国务院办公厅通知"}
    )
    assert response.status_code == 302, response.content.decode()[:2000]

    after = compute_deadline(date(2026, 12, 24), 7, "working_day", work_calendar())
    assert (after.last_day, after.provisional) == (date(2027, 1, 4), False)


def test_the_same_day_cannot_be_entered_twice(admin_client, calendar_rows):
    response = admin_client.post(url(CalendarOverride, "add"), {"day": "2027-01-02", "name": "again"})
    assert response.status_code == 200  # the form comes back with an error
    assert CalendarOverride.objects.filter(day=date(2027, 1, 2)).count() == 1
