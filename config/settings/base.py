"""Settings shared by every environment. Values come from the environment (django-environ)."""

from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

SECRET_KEY = env("DJANGO_SECRET_KEY", default="dev-only-insecure-key-change-me")
DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "axes",
    "csp",
    "pgtrigger",  # the append-only tables' triggers on PostgreSQL (records.models.append_only_triggers)
    "records",  # the lowest layer: every app may import it
    "jobs",  # durable side effects (a job table); imports nothing of the product
    "deadlines",
    "policies",
    "watch",  # above policies, below rights (README "Policy watch")
    "rights",
    "accounts",  # after axes: replaces axes' admin pages
    "complaints",
    "correspondence",  # above both tracks (README "Correspondence")
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "config.middleware.RejectNulInQueryString",  # after LocaleMiddleware: its one line is translated
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "accounts.middleware.ReadOnlyRoleMiddleware",  # an auditor's POST anywhere is 403 (accounts/middleware.py)
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes asks: turns a locked-out sign-in into accounts.lockout's page.
    "axes.middleware.AxesMiddleware",
]

# Content-Security-Policy (django-csp 4): scripts, styles, images and fonts from this site only; no inline
# script, no inline style, no eval, no plugins, no framing. Set here rather than in production only, so the dev
# server, the test suite and the browser tests run under the same policy and a page that breaks it fails there
# first. Evidence files are served with a stricter, sandboxing policy of their own (rights/uploads.py).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    },
}

# Sign-in throttling (django-axes, accounts/lockout.py): the axes backend first refuses a locked sign-in
# before any password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# LOGIN_FAILURE_LIMIT failures within LOGIN_LOCKOUT_MINUTES lock the username and, separately, the address.
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=10)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("LOGIN_LOCKOUT_MINUTES", default=15))
# accounts/lockout.py: the pair (username, address) locks after AXES_FAILURE_LIMIT failures, so one person's typos
# do not lock out an office behind one address; a username alone after more, from any address; an address alone
# after many more, for any username (README "Security").
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "username", "ip_address"]
RIGHTSDESK_USERNAME_FAILURE_LIMIT = env.int("LOGIN_USERNAME_FAILURE_LIMIT", default=30)
RIGHTSDESK_ADDRESS_FAILURE_LIMIT = env.int("LOGIN_ADDRESS_FAILURE_LIMIT", default=100)
AXES_HANDLER = "accounts.lockout.LockoutHandler"
AXES_RESET_ON_SUCCESS = True
# Failures while locked do not push the end of the lock further: the time the login page names holds.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_CALLABLE = "accounts.lockout.lockout_response"
AXES_CLIENT_IP_CALLABLE = "accounts.lockout.client_ip"
AXES_VERBOSE = False  # no banner on every manage.py command's stderr
# Reverse proxies in front of the app that append to X-Forwarded-For (0: clients connect directly).
RIGHTSDESK_TRUSTED_PROXIES = env.int("RIGHTSDESK_TRUSTED_PROXIES", default=0)

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "jobs.context_processors.pending_jobs",
            ],
        },
    },
]

# Embedded default: a SQLite file under var/. Production and CI set DATABASE_URL.
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'rightsdesk.sqlite3'}")}
DATABASES["default"].setdefault("ATOMIC_REQUESTS", False)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = env("DJANGO_LANGUAGE_CODE", default="zh-hans")  # also the language of commands and e-mails to the team
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
# locale/: RightsDesk's own catalog; locale_vendor/: Chinese for libraries that ship none (django-axes' admin).
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "locale_vendor"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=str(VAR_DIR / "media"))
# The case files' Chinese font cut down to the common characters (complaints.fonts; bin/setup builds it).
RIGHTSDESK_FONT_CACHE = env.path("RIGHTSDESK_FONT_CACHE", default=str(VAR_DIR / "fonts"))
# Uploads (evidence files, rights/uploads.py): at most this many bytes per file, checked by content. Files up to
# FILE_UPLOAD_MAX_MEMORY_SIZE stay in memory; larger ones go to a temporary file that BoundedUploadHandler stops
# writing past the limit. DATA_UPLOAD_MAX_MEMORY_SIZE bounds the form fields other than files (a pasted policy
# text of 100,000 Chinese characters is about 300 KB); the reverse proxy's body limit should be
# RIGHTSDESK_MAX_UPLOAD_BYTES times the files a form may send, or less.
# How long a closed case is kept before `requests redact` may erase its personal data (README "Retention and
# redaction": the Civil Code's three-year limitation period, art. 188).
RIGHTSDESK_RETENTION_DAYS = env.int("RIGHTSDESK_RETENTION_DAYS", default=3 * 365)
# The chain heads kept outside the history (README "Publishing the chain heads"): a checkpoint every so many
# minutes while the history grows (0: off), each also appended to this file ("": none).
RIGHTSDESK_EVIDENCE_CHECKPOINT_MINUTES = env.int("RIGHTSDESK_EVIDENCE_CHECKPOINT_MINUTES", default=60)
RIGHTSDESK_EVIDENCE_HEADS_LOG = env("RIGHTSDESK_EVIDENCE_HEADS_LOG", default=str(VAR_DIR / "evidence-heads.log"))
RIGHTSDESK_MAX_UPLOAD_BYTES = env.int("RIGHTSDESK_MAX_UPLOAD_BYTES", default=20 * 1024 * 1024)
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440  # Django's default, 2.5 MiB
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_NUMBER_FILES = 20
FILE_UPLOAD_HANDLERS = [
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "rights.uploads.BoundedUploadHandler",
]
FILE_UPLOAD_PERMISSIONS = 0o640
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o750
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

# Mail: EMAIL_URL (smtp://user:pass@host:port) wins; otherwise mail is written as .eml files under var/mail/.
EMAIL_FILE_PATH = str(VAR_DIR / "mail")
if env("EMAIL_URL", default=""):
    vars().update(env.email_url("EMAIL_URL"))
else:
    EMAIL_BACKEND = env("EMAIL_BACKEND", default="rights.mail.EmlFileBackend")  # one .eml file per message
    EMAIL_HOST = env("EMAIL_HOST", default="localhost")
    EMAIL_PORT = env.int("EMAIL_PORT", default=25)
    EMAIL_HOST_USER = env("EMAIL_HOST_USER", default="")
    EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", default="")
    EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=10)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="RightsDesk <rightsdesk@localhost>")
# Digest for requests nobody is assigned to.
TEAM_EMAIL = env("TEAM_EMAIL", default="team@localhost")
# Correspondence (README "Correspondence"): letters to apps leave from DESK_EMAIL; replies come back to the
# per-request address, {token} being the request's number and its HMAC under SECRET_KEY.
DESK_EMAIL = env("DESK_EMAIL", default="RightsDesk <desk@example.org>")
RIGHTSDESK_REPLY_ADDRESS = env("RIGHTSDESK_REPLY_ADDRESS", default="desk+{token}@example.org")
IMAP_URL = env("IMAP_URL", default="")
# Links in e-mails point here.
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000")

# The policy importer's one size limit: a policy file, or pasted text in UTF-8, of at most this many bytes
# (README, "Policy importer"). A long policy is ~300 KB in UTF-8; its HTML page a few times that.
POLICY_IMPORT_MAX_BYTES = env.int("POLICY_IMPORT_MAX_BYTES", default=5 * 1024 * 1024)
# Pasted text arrives as a form field: let a paste up to the limit reach the importer, which says what is too
# large (Django's own 2.5 MB default would answer a 400 first).
DATA_UPLOAD_MAX_MEMORY_SIZE = POLICY_IMPORT_MAX_BYTES + 1024 * 1024

# Policy watch (watch/, README "Policy watch"). Loopback, private and link-local addresses are refused (a watched
# URL must not reach the server's own network: SSRF) unless this is set; dev and test settings set it.
WATCH_ALLOW_PRIVATE_ADDRESSES = env.bool("WATCH_ALLOW_PRIVATE_ADDRESSES", default=False)
WATCH_MAX_BYTES = env.int("WATCH_MAX_BYTES", default=5 * 1024 * 1024)  # a page larger than this is an error
WATCH_SPOOL_BYTES = 256 * 1024  # a fetched page larger than this waits for its reader on disk, not in memory
WATCH_READING_BYTES = 6 * 1024 * 1024  # pages read at once, in bytes (reading takes ~10 times a page's size)
WATCH_TIMEOUT_SECONDS = env.float("WATCH_TIMEOUT_SECONDS", default=20.0)
WATCH_RETRIES = env.int("WATCH_RETRIES", default=2)  # after a 5xx or a timeout; never after a 4xx
WATCH_RETRY_BACKOFF_SECONDS = env.float("WATCH_RETRY_BACKOFF_SECONDS", default=2.0)  # doubled each retry
WATCH_PER_HOST = env.int("WATCH_PER_HOST", default=2)  # requests at once to one host
WATCH_CONCURRENCY = env.int("WATCH_CONCURRENCY", default=16)  # requests (and pages in memory) at once in all
WATCH_RECORD_THREADS = env.int("WATCH_RECORD_THREADS", default=4)  # threads reading and recording pages (PostgreSQL)
# A page with scripts and no policy text in its HTML is rendered in headless Chromium (Playwright).
WATCH_RENDER_SCRIPTS = env.bool("WATCH_RENDER_SCRIPTS", default=True)
WATCH_CHROMIUM = env("WATCH_CHROMIUM", default="/usr/bin/chromium")
WATCH_FAILURE_ALERT = 3  # consecutive failures of a source before the team is told (once)

# Celery: only used when REDIS_URL is set; without it the dev loop runs the sweep in-process.
REDIS_URL = env("REDIS_URL", default="")
CELERY_BROKER_URL = REDIS_URL or "memory://"
# Tasks other than the sweep (e.g. the clock recompute after a calendar correction) run in the calling process,
# after its commit, when no broker is configured.
RIGHTSDESK_TASKS_IN_PROCESS = env.bool("RIGHTSDESK_TASKS_IN_PROCESS", default=not REDIS_URL)
CELERY_RESULT_BACKEND = None
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# The sweep runs hourly; the sweep itself holds mail until the quiet-hours send time on working days.
CELERY_BEAT_SCHEDULE = {
    # expires: after a worker outage, a backlog of hourly sweeps collapses into the next one.
    "send-reminders": {
        "task": "rights.tasks.send_reminders",
        "schedule": crontab(minute=0),
        "options": {"expires": 3300},
    },
    # Durable side effects (jobs/): whatever is pending, e.g. a clock recompute the broker never delivered.
    "run-jobs": {
        "task": "jobs.tasks.run_jobs",
        "schedule": 60.0,
        "options": {"expires": 55},
    },
    # The policy watch checks the sources that are due (each has its own interval, daily by default).
    "policy-watch": {
        "task": "watch.tasks.run_policy_watch",
        "schedule": crontab(minute=20),
        "options": {"expires": 3300},
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    # django-axes narrates every sign-in at INFO; its warnings (failures, lockouts) are what operators need.
    "loggers": {
        "axes": {"level": "WARNING"},
        "httpx": {"level": "WARNING"},  # one INFO line per request of the policy watch
    },
}

# The running-clock indexes INCLUDE the columns the reminder sweep reads (index-only scans on PostgreSQL). SQLite,
# the embedded default, has no INCLUDE and uses them as plain indexes: the same results, so its warning (printed by
# every `migrate` of a fresh install) says nothing a user can act on.
SILENCED_SYSTEM_CHECKS = ["models.W040"]
