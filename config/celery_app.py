import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")

app = Celery("rightsdesk")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


# `mail fetch` every five minutes, only when a mailbox is configured (README "Correspondence"). Added here, when the
# app reads its configuration, because the entry depends on IMAP_URL; config names the task by string only.
MAIL_FETCH_SECONDS = 300.0


def mail_fetch_schedule(imap_url: str) -> dict:
    if not imap_url:
        return {}
    return {
        "fetch-mail": {
            "task": "correspondence.tasks.fetch_mail",
            "schedule": MAIL_FETCH_SECONDS,
            "options": {"expires": MAIL_FETCH_SECONDS - 10},  # a backlog after an outage collapses into one fetch
        }
    }


@app.on_after_configure.connect
def _add_mail_fetch(sender, **kwargs):
    from django.conf import settings

    sender.conf.beat_schedule = {**sender.conf.beat_schedule, **mail_fetch_schedule(settings.IMAP_URL)}
