"""django-helpdesk's `escalate_tickets` on PostgreSQL, beside the reminder sweep (bench/README.md, issue 24).

    python -m venv /tmp/hd && /tmp/hd/bin/pip install "django-helpdesk==2.6.1" "psycopg[binary]"
    /tmp/hd/bin/python bench/bench_helpdesk.py [--open 100000] [--due 5000] [--owners 50] [--runs 3]

Runs in its own virtualenv (django-helpdesk is no dependency of RightsDesk; nothing here imports the project). It
creates a throwaway database `rd_bench_helpdesk` (`--database`), migrates django-helpdesk into it, loads `--open`
open tickets in one queue that escalates after 3 days, `--due` of them created 10 days ago (due for escalation)
and the rest today, spread over `--owners` owners, each with a submitter address; then times `manage.py
escalate_tickets` `--runs` times with the locmem mail backend (priorities and follow-ups reset between runs): wall
time, CPU of this process and of its PostgreSQL backend, statements, mails. It is what django-helpdesk offers for
"remind people of what is late": each due ticket saved, mailed to its submitter and owner, and given a follow-up.
"""
import argparse
import os
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/rd_bench_helpdesk")


def configure(url: str) -> None:
    import django
    from django.conf import settings

    parts = urlsplit(url)
    settings.configure(
        DEBUG=False,
        SECRET_KEY="bench",
        USE_TZ=True,
        TIME_ZONE="Asia/Shanghai",
        SITE_ID=1,
        ALLOWED_HOSTS=["*"],
        DATABASES={"default": {
            "ENGINE": "django.db.backends.postgresql", "NAME": parts.path.lstrip("/"), "USER": parts.username or "",
            "HOST": parts.hostname or "", "PORT": parts.port or "",
        }},  # fmt: skip
        INSTALLED_APPS=[
            "django.contrib.auth", "django.contrib.contenttypes", "django.contrib.sessions", "django.contrib.sites",
            "django.contrib.humanize", "django.contrib.messages", "django.contrib.admin", "rest_framework", "helpdesk",
        ],  # fmt: skip
        TEMPLATES=[{"BACKEND": "django.template.backends.django.DjangoTemplates", "APP_DIRS": True, "OPTIONS": {
            "context_processors": ["django.template.context_processors.request"]}}],  # fmt: skip
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        DEFAULT_FROM_EMAIL="helpdesk@example.org",
        HELPDESK_TEAMS_MODE_ENABLED=False,
        ROOT_URLCONF="bench_helpdesk_urls",
        DEFAULT_AUTO_FIELD="django.db.models.AutoField",
    )
    django.setup()
    import types

    from django.urls import include, path

    urls = types.ModuleType("bench_helpdesk_urls")  # the mails link to tickets: helpdesk's URLs, namespaced
    urls.urlpatterns = [path("helpdesk/", include("helpdesk.urls", namespace="helpdesk"))]
    sys.modules[urls.__name__] = urls


def recreate(url: str, *, drop_only: bool = False) -> None:
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    with psycopg.connect(urlunsplit(parts._replace(path="/postgres")), autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if not drop_only:
            admin.execute(f'CREATE DATABASE "{name}"')


def backend_cpu() -> float:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def load(open_tickets: int, due: int, owners: int):
    from datetime import timedelta

    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.utils import timezone
    from helpdesk.models import Queue, Ticket

    User = get_user_model()
    users = User.objects.bulk_create([User(username=f"owner{n}", email=f"owner{n}@example.org") for n in range(owners)])
    queue = Queue.objects.create(title="Requests", slug="requests", escalate_days=3, email_address="desk@example.org")
    now = timezone.now()
    for start in range(0, open_tickets, 5000):
        Ticket.objects.bulk_create([
            Ticket(
                title=f"Request {n}", queue=queue, status=Ticket.OPEN_STATUS, priority=3, submitter_email=f"person{n}@example.net",
                assigned_to=users[n % owners], created=now, modified=now,
                description="Please delete my account.",
            )
            for n in range(start, min(start + 5000, open_tickets))
        ])  # fmt: skip
    # `created` set afterwards in SQL (Ticket.save() sets it, bulk_create may not keep the given one)
    Ticket.objects.filter(id__lte=Ticket.objects.order_by("id")[due - 1].id).update(created=now - timedelta(days=10))
    Ticket.objects.filter(id__gt=Ticket.objects.order_by("id")[due - 1].id).update(created=now)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE helpdesk_ticket")


def reset() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM helpdesk_ticketchange")
        cursor.execute("DELETE FROM helpdesk_followup")
        cursor.execute("UPDATE helpdesk_ticket SET priority = 3, last_escalation = NULL WHERE last_escalation IS NOT NULL")
        cursor.execute("VACUUM ANALYZE helpdesk_ticket")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--open", type=int, default=100_000)
    parser.add_argument("--due", type=int, default=5_000)
    parser.add_argument("--owners", type=int, default=50)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--database", default=None)
    args = parser.parse_args()
    url = urlunsplit(urlsplit(URL)._replace(path="/" + args.database)) if args.database else URL
    recreate(url)
    configure(url)
    from django.core import mail
    from django.core.management import call_command
    from django.db import connection

    try:
        call_command("migrate", verbosity=0)
        started = time.perf_counter()
        load(args.open, args.due, args.owners)
        import helpdesk

        print(f"django-helpdesk {getattr(helpdesk, '__version__', '2.6.1')}: {args.open:,} open tickets, {args.due:,} due "
              f"for escalation, {args.owners} owners; loaded in {time.perf_counter() - started:.1f} s", flush=True)  # fmt: skip
        walls, cpus = [], []
        for run in range(args.runs):
            reset()
            mail.outbox = []
            statements = []

            def count(execute, sql, params, many, context, statements=statements):
                statements.append(1)
                return execute(sql, params, many, context)

            load_average = " ".join(f"{x:.1f}" for x in os.getloadavg())
            with connection.execute_wrapper(count):
                database_before, wall, cpu = backend_cpu(), time.perf_counter(), time.process_time()
                call_command("escalate_tickets")
                wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
                database = backend_cpu() - database_before
            walls.append(wall)
            cpus.append((cpu, database))
            print(f"  run {run + 1}: {wall:.2f} s (CPU: Python {cpu:.2f} s, database {database:.2f} s), {len(statements):,} "
                  f"statements, {len(mail.outbox):,} mails; load average {load_average}", flush=True)  # fmt: skip
        print(f"  median {statistics.median(walls):.2f} s; CPU medians: Python {statistics.median(c for c, _ in cpus):.2f} s, "
              f"database {statistics.median(d for _, d in cpus):.2f} s")  # fmt: skip
    finally:
        connection.close()
        recreate(url, drop_only=True)


if __name__ == "__main__":
    sys.exit(main())
