"""bench_sweep's database side: the throwaway database, the bulk loader of requests and clocks (COPY), and the
counters and CPU readings each sweep is measured with. Django is set up by bench_sweep before any of these run."""
import os
import random
import time
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from functools import wraps
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ASSIGNEES = 50


def recreate_database(url: str, *, drop_only: bool = False, keep_existing: bool = False) -> None:
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    maintenance = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(maintenance, autocommit=True) as admin:
        if keep_existing:
            if admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
                return
        else:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if not drop_only:
            admin.execute(f'CREATE DATABASE "{name}"')


class QueryCounter:
    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


@contextmanager
def counting():
    from django.db import connection

    counter = QueryCounter()
    with connection.execute_wrapper(counter):
        yield counter


stats_cpu = {}  # id(stats) -> {phase: Python CPU seconds}


def phase_timers(phases):
    """Wrap the sweep's phases ({module: names of the functions it calls}) to time and count them."""
    from django.db import connection

    stats, originals, cpu = {}, {}, {}
    stats_cpu[id(stats)] = cpu
    for module, name in ((module, name) for module, names in phases.items() for name in names):
        original = getattr(module, name)

        def timed(*args, __original=original, __name=name, **kwargs):
            counter = QueryCounter()
            started, cpu_started = time.perf_counter(), time.process_time()
            with connection.execute_wrapper(counter):
                result = __original(*args, **kwargs)
            seconds, queries = stats.get(__name, (0.0, 0))
            stats[__name] = (seconds + time.perf_counter() - started, queries + counter.count)
            cpu[__name] = cpu.get(__name, 0.0) + time.process_time() - cpu_started
            return result

        originals[module, name] = original
        setattr(module, name, wraps(original)(timed))
    return stats, originals


def quoted(columns) -> str:
    return ", ".join(f'"{column}"' for column in columns)  # "right" is a reserved word


def load_requests(
    size: int, due_fraction: float, today: date, calendar, *, assignees: int = ASSIGNEES, analyze: bool = True,
    soon_share: float = 0.4, overdue_share: float = 0.5, overdue_days: tuple[int, int] = (1, 20),
) -> dict:
    """COPY `size` in-progress requests with one running clock each, spread over `assignees` staff (one in ten
    unassigned); returns how many of each kind are due. `analyze=False` leaves the tables as a restore or a bulk
    import does: never analyzed."""
    import pgtrigger
    from django.apps import apps
    from django.contrib.auth import get_user_model
    from django.db import connection

    from deadlines.counting import SHANGHAI, end_of_day
    from policies.models import App
    from records.models import AppendOnly
    from rights.models import Clock, RightsRequest

    User = get_user_model()
    users = list(User.objects.filter(username__startswith="bench-").order_by("pk").values_list("pk", flat=True))
    if len(users) < assignees:
        User.objects.bulk_create(
            [User(username=f"bench-{n}", email=f"bench-{n}@example.com", is_staff=True) for n in range(len(users), assignees)]
        )
        users = list(User.objects.filter(username__startswith="bench-").order_by("pk").values_list("pk", flat=True))
    users = users[:assignees]
    app_ids = list(App.objects.values_list("pk", flat=True))
    # The history tables refuse TRUNCATE (records.models.append_only_triggers); a bench database is thrown away.
    append_only = [f"{m._meta.label}:no_truncate" for m in apps.get_models() if issubclass(m, AppendOnly)]
    with connection.cursor() as cursor, pgtrigger.ignore(*append_only):
        cursor.execute(
            "TRUNCATE rights_reminder, rights_remindersnooze, rights_evidence, rights_transitionlog, rights_clock, "
            "rights_rightsrequest RESTART IDENTITY CASCADE"
        )

    rng = random.Random(size)
    horizon = calendar.nth_working_day_after(today, 2)[0]
    soon_days = [d for d in (today + timedelta(days=n) for n in range(5)) if d <= horizon and calendar.is_working_day(d)]
    counts = {"due_soon": 0, "overdue": 0, "statutory_breach": 0, "not_due": 0}
    filed = datetime(2026, 11, 1, 10, tzinfo=SHANGHAI)

    request_columns = [
        "app_id", "right", "requester_name", "requester_contact", "channel_used", "app_ticket_number", "assignee_id",
        "notes", "state", "regulator", "regulator_reference", "refusal_reason", "filed_at", "submitted_at",
        "promises", "verdict", "next_due",
    ]  # fmt: skip
    clock_columns = [
        "request_id", "action", "clock_start", "started_at", "amount_min", "amount_max", "unit", "hedge",
        "is_statutory", "exceeds_cap", "quote", "citation", "statutory_amount", "statutory_unit", "due", "final_due",
        "statutory_due", "provisional", "promise_key", "deadline", "deadline_at", "statutory_deadline_at", "extension_basis", "paused_working_days",
        "stop_reason",
    ]  # fmt: skip
    assert set(request_columns) <= {f.column for f in RightsRequest._meta.concrete_fields}
    assert set(clock_columns) <= {f.column for f in Clock._meta.concrete_fields}

    last_days = []
    for _ in range(size):
        roll = rng.random()
        if roll < due_fraction * soon_share:
            final_due, kind = rng.choice(soon_days), "due_soon"
            statutory_due = final_due + timedelta(days=10)
        elif roll < due_fraction * (soon_share + overdue_share):
            final_due, kind = today - timedelta(days=rng.randint(*overdue_days)), "overdue"
            statutory_due = max(final_due + timedelta(days=10), today)
        elif roll < due_fraction:
            final_due, kind = today - timedelta(days=rng.randint(15, 30)), "statutory_breach"
            statutory_due = today - timedelta(days=rng.randint(1, 10))
        else:
            final_due, kind = today + timedelta(days=rng.randint(7, 60)), "not_due"
            statutory_due = final_due + timedelta(days=10)
        counts[kind] += 1
        last_days.append((final_due, statutory_due))

    with connection.cursor() as cursor:
        raw = cursor.connection  # psycopg 3
        with raw.cursor() as copy_cursor:
            with copy_cursor.copy(f"COPY rights_rightsrequest ({quoted(request_columns)}) FROM STDIN") as copy:
                for n in range(size):
                    assignee = None if n % 10 == 0 else users[n % len(users)]
                    copy.write_row((
                        app_ids[n % len(app_ids)], "account_cancellation", f"请求人{n}", "", "", "", assignee, "",
                        "in_progress", "", "", "", filed, filed, "[]", "", last_days[n][0],
                    ))  # fmt: skip
            with copy_cursor.copy(f"COPY rights_clock ({quoted(clock_columns)}) FROM STDIN") as copy:
                for n, (final_due, statutory_due) in enumerate(last_days):
                    # Civil Code art. 203: the period ends at 24:00 of the last day, Asia/Shanghai (deadlines.status
                    # compares these moments).
                    copy.write_row((
                        n + 1, "completion", "receipt", filed, 7, 7, "working_day", "", False, False, "", "",
                        15, "working_day", final_due, final_due, statutory_due, False, "p0", final_due,
                        end_of_day(final_due), end_of_day(statutory_due), "", 0, "",
                    ))  # fmt: skip
        if analyze:
            cursor.execute("ANALYZE rights_rightsrequest")
            cursor.execute("ANALYZE rights_clock")
    return counts


def loaded_counts(size: int, today: date) -> dict | None:
    """With --reuse: what the database already holds, when it is `size` requests loaded by this bench."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM rights_rightsrequest")
        if cursor.fetchone()[0] != size:
            return None
        cursor.execute(
            "SELECT count(*) FILTER (WHERE statutory_due < %s), "
            "count(*) FILTER (WHERE final_due < %s AND statutory_due >= %s), "
            "count(*) FILTER (WHERE final_due >= %s AND final_due < %s) FROM rights_clock",
            [today, today, today, today, today + timedelta(days=7)],
        )
        breach, overdue, soon = cursor.fetchone()
    return {"due_soon": soon, "overdue": overdue, "statutory_breach": breach, "not_due": size - soon - overdue - breach}


def backend_cpu() -> float:
    """CPU seconds used so far by this connection's PostgreSQL backend (user + system, from /proc: the server runs on
    this machine). With the Python process's CPU time, the figure that other people's load changes least; parallel
    workers' time is not in it."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:  # the server is elsewhere
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
