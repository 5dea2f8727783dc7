"""Every number in a query string is parsed safely: odd input on any admin list gives an empty list or a
message, never a 500.

`"²".isdigit()` is True while `int("²")` raises, so `?q=²` and `?assignee=²` once returned 500 on the request
list. This walks every list the admin registers (requests, transition log, reminders, snoozes, the catalog,
users, sign-in lockouts) with such values in the search box, in every filter's parameters, in the page number,
ordering and date drill-down, and in object URLs.
"""
import pytest
from django.contrib import admin
from django.urls import reverse

from rights.roles import CASE_WORKER
from tests.factories import UserFactory, file, shanghai

pytestmark = pytest.mark.django_db

# Digits that str.isdigit() or str.isdecimal() accept but int() refuses or reads unexpectedly, numbers too big
# for any database integer, control characters and an empty value.
ODD_VALUES = ["²", "①", "#²", "٣", "99999999999999999999999999", "-1", "\x00", ""]

REGISTERED = sorted(
    ((model._meta.app_label, model._meta.model_name) for model in admin.site._registry), key=lambda pair: pair
)


@pytest.fixture
def superuser_client(client, catalog):
    root = UserFactory(username="root", is_superuser=True, role=CASE_WORKER)
    client.force_login(root)
    # A request with a log entry, a clock and an assignee, so every list has something to filter.
    file(catalog["卢米埃影城"], at=shanghai(2026, 9, 28, 10), acting_user=root, assignee=root)
    return client


def changelist_url(app_label, model_name):
    return reverse(f"admin:{app_label}_{model_name}_changelist")


def assert_answered(response, url):
    # The test client re-raises a view's exception, so a 500 fails here with its traceback.
    if response.status_code == 400:
        # NUL, which PostgreSQL text cannot hold: refused for every view at once (config/middleware.py)
        assert "NUL" in response.content.decode(), url
        return
    assert response.status_code in (200, 302), f"{url} answered {response.status_code}"
    if response.status_code == 302:
        # Django's answer to a lookup it cannot apply: the list again with ?e=1 ("invalid filter" message)
        assert "e=1" in response["Location"] or response["Location"].startswith("/admin/"), response["Location"]


@pytest.mark.parametrize("app_label, model_name", REGISTERED, ids=[f"{a}.{m}" for a, m in REGISTERED])
def test_every_admin_list_survives_odd_numbers_in_every_parameter(superuser_client, app_label, model_name):
    url = changelist_url(app_label, model_name)
    first = superuser_client.get(url)
    if first.status_code == 302:
        # a one-row page (reminder settings, my reminder settings) goes straight to its row: no list to probe
        assert first["Location"].endswith("/change/")
        for value in ODD_VALUES:
            assert_answered(superuser_client.get(url, {"q": value, "p": value}), url)
        return
    assert first.status_code == 200
    changelist = first.context["cl"]
    parameters = {"q", "p", "o", "assignee"}
    for spec in changelist.filter_specs:
        parameters.update(spec.expected_parameters())
    if changelist.date_hierarchy:
        field = changelist.date_hierarchy
        parameters.update({f"{field}__year", f"{field}__month", f"{field}__day"})
    for name in sorted(parameters):
        for value in ODD_VALUES:
            response = superuser_client.get(url, {name: value})
            assert_answered(response, f"{url}?{name}={value!r}")


@pytest.mark.parametrize("value", ["²", "①", "#²", "99999999999999999999999999"])
def test_searching_requests_for_an_odd_number_finds_nothing_instead_of_failing(superuser_client, value):
    response = superuser_client.get(changelist_url("rights", "rightsrequest"), {"q": value})
    assert response.status_code == 200
    assert response.context["cl"].result_count == 0


def test_a_nul_in_the_query_string_is_refused_in_one_line_before_any_view(superuser_client, english):
    # On PostgreSQL, ?q=%00 reached the database and answered 500 on most lists.
    for url in (changelist_url("rights", "rightsrequest"), reverse("admin:rights_rightsrequest_export"), "/admin/"):
        response = superuser_client.get(url, {"q": "张\x00三"})
        assert response.status_code == 400
        assert response.content.decode() == "The address contains a NUL character (%00); remove it and try again."


def test_an_odd_assignee_filter_finds_nobody_instead_of_failing(superuser_client):
    # "²" is nobody's id: an empty list (it once answered 500), while a real id still filters.
    response = superuser_client.get(changelist_url("rights", "rightsrequest"), {"assignee": "²"})
    assert response.status_code == 200 and response.context["cl"].result_count == 0
    root = response.wsgi_request.user
    response = superuser_client.get(changelist_url("rights", "rightsrequest"), {"assignee": str(root.pk)})
    assert response.context["cl"].result_count == 1


def test_the_csv_export_survives_the_same_values(superuser_client):
    for name in ("q", "assignee"):
        for value in ODD_VALUES:
            response = superuser_client.get(reverse("admin:rights_rightsrequest_export"), {name: value})
            assert_answered(response, f"export?{name}={value!r}")
            if response.status_code == 200:
                b"".join(response.streaming_content)


@pytest.mark.parametrize("app_label, model_name", REGISTERED, ids=[f"{a}.{m}" for a, m in REGISTERED])
def test_object_urls_with_odd_ids_are_not_found_instead_of_failing(superuser_client, app_label, model_name):
    for value in ("²", "①", "99999999999999999999999999"):
        url = f"{changelist_url(app_label, model_name)}{value}/change/"
        response = superuser_client.get(url)
        assert response.status_code in (302, 404), f"{url} answered {response.status_code}"
