"""Test settings: DATABASE_URL / REDIS_URL come from tests/conftest.py's environment handling."""

import os

from .base import *

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CELERY_TASK_ALWAYS_EAGER = False
# No worker runs beside the tests (the Celery tests start their own): follow-up tasks run in process.
RIGHTSDESK_TASKS_IN_PROCESS = True

# A file, not memory, for SQLite's test database: tests run commands in a subprocess against it.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # One file per test run, so two runs at once do not wipe each other's tables.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / f"test-{os.getpid()}.sqlite3")}

# Tests do not run collectstatic.
WHITENOISE_AUTOREFRESH = True

# The watch's tests fetch from a server on 127.0.0.1; one test turns this off to check the refusal. No waiting
# between retries.
WATCH_ALLOW_PRIVATE_ADDRESSES = True
WATCH_RETRY_BACKOFF_SECONDS = 0.01
WATCH_TIMEOUT_SECONDS = 2.0
# Records are written on the test's own connection (inside its transaction); one test turns the threads on.
WATCH_RECORD_THREADS = 1

# No periodic heads checkpoint behind other tests' job runs (tests/evidence turns it on), and no heads log in var/.
RIGHTSDESK_EVIDENCE_CHECKPOINT_MINUTES = 0
RIGHTSDESK_EVIDENCE_HEADS_LOG = ""

# tests/correspondence/test_fetch.py kills `mail fetch` in a subprocess at one of correspondence.faults' points.
MAIL_FETCH_PAUSE = os.environ.get("RIGHTSDESK_TEST_FETCH_PAUSE", "")
