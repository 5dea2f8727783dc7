"""The watch in the admin: sources on the App page, refusals as form errors, snapshots read only."""
import pytest
from django.test import override_settings

from watch.models import PolicySnapshot, WatchedSource
from watch.runner import run_watch

from .conftest import NOW, Answer, page


def test_the_app_page_lists_its_watched_sources(admin_client, watch_source, app):
    source = watch_source(answer=Answer(404, b""))
    run_watch(now=NOW)
    response = admin_client.get(f"/admin/policies/app/{app.pk}/change/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert source.url.encode() in response.content and b"HTTP 404" in response.content


@override_settings(WATCH_ALLOW_PRIVATE_ADDRESSES=False)
def test_adding_a_private_address_in_the_admin_is_a_form_error(admin_client, app):
    response = admin_client.post(
        "/admin/watch/watchedsource/add/",
        {"app": app.pk, "url": "http://127.0.0.1/privacy", "check_every_hours": 24},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200 and b"private or loopback" in response.content
    assert not WatchedSource.objects.exists()


def test_a_source_added_in_the_admin_is_due_at_once(admin_client, app, site):
    site.routes["/privacy"] = Answer(200, page())
    response = admin_client.post(
        "/admin/watch/watchedsource/add/", {"app": app.pk, "url": site.url("/privacy"), "check_every_hours": 24}
    )
    assert response.status_code == 302
    assert [r.status for r in run_watch(now=NOW)] == ["unchanged"]


@pytest.mark.parametrize("path", ["add/", "{pk}/delete/"])
def test_snapshots_cannot_be_added_or_deleted_in_the_admin(admin_client, watch_source, path):
    watch_source(answer=Answer(200, page()))
    run_watch(now=NOW)
    snapshot = PolicySnapshot.objects.get()
    assert admin_client.get(f"/admin/watch/policysnapshot/{path.format(pk=snapshot.pk)}").status_code == 403
    assert admin_client.get(f"/admin/watch/policysnapshot/{snapshot.pk}/change/").status_code == 200
