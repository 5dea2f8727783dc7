"""Issue 11: the admin import with a broker that does not answer.

Configured for a broker (REDIS_URL set, tasks not in process) while Redis is down or the URL is wrong, the
import used to leave its job queued for nobody: the progress page waited, then after 10 minutes called it
stalled. Now the hand-over fails the job at once with a one-line reason, and the form comes back with that
line, the pasted text and a link to the failed job. Nothing is lost: the text is on the form and in the failed
job, whose page starts it again (an uploaded file need not be uploaded again).

The broker here is a Redis URL on a loopback port that nothing listens on: a real refused connection, through
Celery and kombu as in production (no mock).
"""

import socket

import pytest
from django.urls import reverse

from policies.models import PolicyImport, PolicyVersion

from .test_admin_import import TEXT

pytestmark = pytest.mark.django_db(transaction=True)  # the hand-over runs when the job is really committed


def closed_loopback_port() -> int:
    """A port on 127.0.0.1 that refuses connections: bound by the system's choice, then released."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
    return port


def _use_broker(app, url):
    app.conf.broker_url = url
    # Celery caches its connection and producer pools for the first broker URL: drop them so the next
    # task is sent through `url` (what a process started with this REDIS_URL would do).
    app._pool = None
    app.amqp._producer_pool = None


@pytest.fixture
def unanswering_broker(settings):
    from config.celery_app import app

    # Read first: the app configures itself from Django's settings on first use, which must not be ours.
    previous = app.conf.broker_url
    url = f"redis://127.0.0.1:{closed_loopback_port()}/13"
    settings.REDIS_URL = settings.CELERY_BROKER_URL = url
    settings.RIGHTSDESK_TASKS_IN_PROCESS = False
    settings.CELERY_TASK_ALWAYS_EAGER = False
    _use_broker(app, url)
    yield url
    _use_broker(app, previous)


@pytest.fixture
def english_admin(admin_client):
    admin_client.cookies["django_language"] = "en"
    return admin_client


def test_a_broker_that_does_not_answer_gives_one_line_on_the_form_and_keeps_the_text(
    english_admin, unanswering_broker, caplog
):
    pasted = TEXT + "我们将在15个工作日内回复您的请求。\n"
    response = english_admin.post(reverse("admin:policies_policyversion_import"), {"text": pasted})

    assert response.status_code == 503  # no 500, no redirect to a progress page that would wait for nobody
    page = response.content.decode()
    assert "The import could not be started: the background task queue does not answer." in page
    # The pasted text is still on the form, as it was written.
    assert response.context["form"]["text"].value() == pasted
    # And recorded: the job failed with the same one-line reason and holds the text; nothing was stored.
    job = PolicyImport.objects.get()
    assert job.state == PolicyImport.State.FAILED and job.text == pasted
    assert "\n" not in job.error and "the background task queue does not answer" in job.error
    assert not PolicyVersion.objects.filter(app__name="网页应用").exists()
    # The administrator finds the cause in the log.
    assert any("could not be handed to its runner" in r.getMessage() and r.exc_info for r in caplog.records)
    # The form links to the failed job, from which an upload can be started again without uploading it again.
    assert reverse("admin:policies_policyversion_import_progress", args=[job.pk]) in page


def test_the_failed_jobs_page_says_why_in_one_line(english_admin, unanswering_broker):
    english_admin.post(reverse("admin:policies_policyversion_import"), {"text": TEXT})
    job = PolicyImport.objects.get()
    page = english_admin.get(reverse("admin:policies_policyversion_import_progress", args=[job.pk]))
    assert page.status_code == 200
    assert "the background task queue does not answer" in page.content.decode()
    status = english_admin.get(reverse("admin:policies_policyversion_import_status", args=[job.pk])).json()
    assert status["state"] == "failed" and status["label"] == job.error


def test_a_failed_import_is_started_again_from_its_page_once_the_tasks_run_again(
    english_admin, unanswering_broker, settings
):
    english_admin.post(
        reverse("admin:policies_policyversion_import"), {"text": TEXT, "source_url": "https://a.example/p"}
    )
    first = PolicyImport.objects.get()
    progress = reverse("admin:policies_policyversion_import_progress", args=[first.pk])
    assert "Start this import again" in english_admin.get(progress).content.decode()

    # Still no broker: the new job fails the same way, and says so on its page.
    again = english_admin.post(progress)
    second = PolicyImport.objects.latest("pk")
    assert again.status_code == 302 and again.url.endswith(f"/import/{second.pk}/")
    assert second.state == PolicyImport.State.FAILED and second.text == TEXT

    # The tasks run again (here in this process): the same text is imported, with its source, nothing re-entered.
    settings.RIGHTSDESK_TASKS_IN_PROCESS = True
    settings.CELERY_TASK_ALWAYS_EAGER = True
    response = english_admin.post(
        reverse("admin:policies_policyversion_import_progress", args=[second.pk]), follow=True
    )
    third = PolicyImport.objects.latest("pk")
    assert third.state == PolicyImport.State.DONE and third.source_url == "https://a.example/p"
    version = PolicyVersion.objects.get(app__name="网页应用")
    assert response.redirect_chain[-1][0] == reverse("admin:policies_policyversion_review", args=[version.pk])
    assert version.source_text == TEXT and version.procedures.count() == 2
    # A job that did not fail cannot be started twice.
    assert (
        english_admin.post(reverse("admin:policies_policyversion_import_progress", args=[third.pk])).status_code == 302
    )
    assert PolicyImport.objects.count() == 3
