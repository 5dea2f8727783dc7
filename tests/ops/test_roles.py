"""Roles: an auditor reads everything and writes nothing. Every URL of the site (the admin's and the custom views)
is POSTed to as an auditor: 403, and no row changes anywhere. An auditor may keep private saved views, never share
one."""
import re

import pytest
from django.apps import apps
from django.urls import URLPattern, URLResolver, get_resolver

from accounts.middleware import OWN_THINGS
from rights.models import SavedView
from rights.roles import AUDITOR, CASE_WORKER
from tests.factories import UserFactory, file, shanghai

pytestmark = pytest.mark.django_db

SAVED_VIEWS = "/admin/rights/rightsrequest/saved-views/"


def every_url(patterns=None, prefix="", namespace=""):
    """(view name, URL) of every pattern, each parameter filled with 1."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from every_url(pattern.url_patterns, route, inner)
        elif isinstance(pattern, URLPattern):
            url = re.sub(r"<(?:\w+:)?\w+>", "1", route)
            url = re.sub(r"\(\?P<\w+>[^)]*\)", "1", url).lstrip("^").rstrip("$").replace("\\", "")
            yield f"{namespace}{pattern.name}", "/" + url


def row_counts():
    return {m._meta.label: m._base_manager.count() for m in apps.get_models()}


@pytest.fixture
def auditor(roles):
    return UserFactory(username="auditor", role=AUDITOR)


def test_every_url_refuses_an_auditors_post_and_nothing_is_written(client, auditor, catalog):
    file(catalog["卢米埃影城"], at=shanghai(2026, 9, 28, 10))
    client.force_login(auditor)
    urls = [(name, url) for name, url in every_url() if name not in OWN_THINGS]
    assert len(urls) > 100  # the admin's pages for every model, and the custom views
    before = row_counts()
    allowed = {}
    for name, url in urls:
        status = client.post(url, {"name": "x", "shared": "on", "action": "delete_selected", "_selected_action": "1"}).status_code
        if status != 403:
            allowed[name] = (url, status)
    assert allowed == {}
    assert row_counts() == before


def test_an_auditor_keeps_a_private_view_and_cannot_share_one(client, auditor):
    client.force_login(auditor)
    assert client.post(SAVED_VIEWS, {"name": "逾期", "query": "deadline=overdue"}).status_code == 302
    assert list(SavedView.objects.values_list("name", "shared")) == [("逾期", False)]
    assert client.post(SAVED_VIEWS, {"name": "全组", "query": "deadline=overdue", "shared": "on"}).status_code == 403
    assert client.post(SAVED_VIEWS, {"name": "逾期", "query": "o=2", "shared": "on"}).status_code == 403
    assert list(SavedView.objects.values_list("name", "query", "shared")) == [("逾期", "deadline=overdue", False)]


def test_a_case_worker_may_still_share_a_view(client, roles):
    client.force_login(UserFactory(username="clerk", role=CASE_WORKER))
    assert client.post(SAVED_VIEWS, {"name": "全组", "query": "deadline=overdue", "shared": "on"}).status_code == 302
    assert SavedView.objects.get().shared
