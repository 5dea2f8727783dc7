"""Time the admin's pages, filing and transitions on PostgreSQL with many requests, their clocks, history and
reminders.

    .venv/bin/python bench/bench_admin.py [--sizes 100000 1000000] [--runs 9] [--keep] [--reuse]

Creates a throwaway database `rightsdesk_bench_admin` on PostgreSQL at 127.0.0.1:5432 (override with
BENCH_DATABASE_URL), migrates it and loads the seed catalog. For each size:

1. **Templates through the real services**: about 240 requests filed with `rights.services.file_request` at
   moments spread over the last 120 days, across every app and right of the catalog, each then moved through one
   of a dozen realistic event scripts with `record_event` (acknowledged, completed, confirmed, refused, withdrawn,
   paused and resumed, escalated, identity requested ...), assigned to 50 case workers or nobody, and one
   reminder sweep records their reminders. Their clocks are the projection's own.
2. **Replicas in SQL** (`INSERT ... SELECT ... generate_series`, on the server): each template is copied with new
   ids and its own requester name, contact (phones, qq.com / 163.com / gmail.com addresses), ticket number and
   assignee, together with its clocks, history rows and reminders, until there are N requests. The copies keep
   the events and promises of their template, so `clocks rebuild --check` passes on them (checked on a sample).
3. VACUUM ANALYZE, then each page through Django's test client, logged in as a superuser: `--runs` times (after
   one warm-up), printing p50, p95 and the SQL statements of the last run; then filing and transitions through the
   services on the loaded database.

The database is dropped at the end unless --keep. --reuse skips loading when the database already holds N
requests (to time again after a code change).
"""
import argparse
import os
import random
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

os.environ.setdefault("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/rightsdesk_bench_admin")
from bench_sweep import recreate_database  # sets DATABASE_URL and the settings
from sweep_data import QueryCounter

BENCH_URL = os.environ["BENCH_DATABASE_URL"]
os.environ["DATABASE_URL"] = BENCH_URL
os.environ["DJANGO_ALLOWED_HOSTS"] = "*"

ASSIGNEES = 50
TEMPLATES = 240
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉萍红娥玲芬芳燕彩春菊兰凤洁梅琳素云莲真环雪荣爱妹霞香月莺媛艳瑞凡佳嘉琼勤珍贞莉桂娣叶璧璐娅琦晶妍茜秋珊莎锦黛青倩婷姣婉娴瑾颖露瑶怡婵雁蓓纨仪荷丹蓉眉君琴蕊薇菁梦岚苑婕馨瑗琰韵融园艺咏卿聪澜纯毓悦昭冰爽琬茗羽希宁欣飘育滢馥筠柔竹霭凝晓欢霄枫芸菲寒伊亚宜可姬舒影荔枝思丽"
MAIL_DOMAINS = ["qq.com", "163.com", "126.com", "gmail.com", "outlook.com", "sina.com"]
# Event scripts after filing (filed = submitted, the receipt clocks run); times are spread between filing and now.
SCRIPTS = [
    [],
    [],
    ["acknowledge"],
    ["acknowledge"],
    ["acknowledge", "reply"],
    ["request_identity"],
    ["request_identity", "verify_identity"],
    ["acknowledge", "complete"],
    ["acknowledge", "complete"],
    ["acknowledge", "complete", "confirm"],
    ["acknowledge", "pause"],
    ["acknowledge", "pause", "resume"],
    ["refuse"],
    ["withdraw"],
    ["acknowledge", "escalate"],
    ["acknowledge", "complete", "reopen"],
]
EVENT_INPUTS = {
    "refuse": {"reason": "无法核实账号归属"},
    "withdraw": {"note": "用户撤回"},
    "escalate": {"regulator": "工信部", "reference": "MIIT-2026"},
    "reopen": {"note": "用户反馈未完成"},
}


def percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))]


def make_templates(now, users):
    """File TEMPLATES requests through the real services and move each through an event script."""
    from policies.models import App, Procedure
    from rights.services import RequestError, file_request, record_event

    rng = random.Random(12)
    apps = list(App.objects.order_by("pk"))
    rights_of = {
        app.pk: sorted(set(Procedure.objects.filter(policy_version__app=app).values_list("right", flat=True)))
        or ["account_cancellation"]
        for app in apps
    }
    made = 0
    for n in range(TEMPLATES):
        app = apps[n % len(apps)]
        rights = rights_of[app.pk]
        filed_at = now - timedelta(days=rng.uniform(0.2, 120), minutes=rng.randint(0, 600))
        try:
            request = file_request(
                app=app, right=rights[n % len(rights)], requester_name=f"模板{n}", requester_contact=f"t{n}@example.com",
                app_ticket_number=f"TPL-{n}", assignee=None if n % 8 == 0 else users[n % len(users)], at=filed_at, now=now,
            )  # fmt: skip
        except RequestError as error:
            print(f"  template {n}: {error}", file=sys.stderr)
            continue
        made += 1
        script = SCRIPTS[n % len(SCRIPTS)]
        at = filed_at
        for event in script:
            at = at + (now - at) * rng.uniform(0.1, 0.5)
            inputs = dict(EVENT_INPUTS.get(event, {}))
            try:
                request = record_event(request=request, event=event, at=at, now=now, **inputs)
            except RequestError as error:
                print(f"  template {n} {event}: {error}", file=sys.stderr)
                break
    return made


def replicate(size: int) -> int:
    """Copy the template requests (with clocks, history, reminders) in SQL until there are `size` requests."""
    from django.db import connection

    from rights.models import Clock, Reminder, RightsRequest, TransitionLog

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*), max(id) FROM rights_rightsrequest")
        templates, last_id = cursor.fetchone()
        copies = max(0, -(-(size - templates) // templates))  # ceiling
        if not copies:
            return templates
        # Loading speed (1M took over an hour before): the copies are consistent by construction, so the foreign
        # key triggers (deferred: millions of queued checks at commit) are skipped for this session, and the
        # secondary indexes (two trigram GIN indexes among them) are dropped and built once at the end instead of
        # being updated row by row. Unique indexes stay (they back constraints).
        cursor.execute("SET session_replication_role = replica")
        cursor.execute(
            "SELECT i.indexname, i.indexdef FROM pg_indexes i JOIN pg_class c ON c.relname = i.indexname "
            "JOIN pg_index x ON x.indexrelid = c.oid WHERE i.schemaname = 'public' AND NOT x.indisunique "
            "AND i.tablename IN ('rights_rightsrequest', 'rights_clock', 'rights_transitionlog', 'rights_reminder')"
        )
        secondary = cursor.fetchall()
        for name, _definition in secondary:
            cursor.execute(f'DROP INDEX "{name}"')
        cursor.execute(
            "CREATE TEMP TABLE tpl AS SELECT id AS old_id, (row_number() OVER (ORDER BY id)) - 1 AS idx "
            "FROM rights_rightsrequest"
        )
        cursor.execute("SELECT array_agg(id ORDER BY id) FROM auth_user WHERE username LIKE 'bench-%%'")
        users = cursor.fetchone()[0]

        def columns(model, skip):
            return [f.column for f in model._meta.concrete_fields if f.column not in skip]

        new_id = f"{last_id} + (g - 1) * {templates} + tpl.idx + 1"
        person = {
            "requester_name": (
                f"substr('{SURNAMES}', (1 + (g * 7 + tpl.idx) % {len(SURNAMES)})::int, 1) || "
                f"substr('{GIVEN}', (1 + (g * 13 + tpl.idx * 3) % {len(GIVEN)})::int, 1) || "
                f"substr('{GIVEN}', (1 + (g * 31 + tpl.idx) % {len(GIVEN)})::int, 1) || ({new_id})::text"
            ),
            # Phone or mail, and the mail domain, vary between the copies of one template (the copy number g
            # counts): by the id alone, every copy of a template (same deadlines, so neighbours in list order)
            # got the same kind, and a search for qq.com walked thousands of other templates' copies first.
            "requester_contact": (
                f"CASE WHEN (g + tpl.idx) % 2 = 0 THEN '1' || (30 + ({new_id}) % 60)::text || lpad((({new_id}) * 7919 % 100000000)::text, 8, '0') "
                f"ELSE 'user' || ({new_id})::text || '@' || (ARRAY{MAIL_DOMAINS!r})[(1 + (g * 7 + tpl.idx) / 2 % {len(MAIL_DOMAINS)})::int] END"
            ),
            "app_ticket_number": f"'TK-' || ({new_id})::text",
            "assignee_id": f"CASE WHEN ({new_id}) % 10 = 0 THEN NULL ELSE (ARRAY{users!r})[(1 + ({new_id}) % {len(users)})::int] END",
        }
        request_columns = columns(RightsRequest, {"id"})
        select = ", ".join(person.get(c, f'r."{c}"') for c in request_columns)
        quoted = ", ".join(f'"{c}"' for c in request_columns)
        cursor.execute(
            f'INSERT INTO rights_rightsrequest (id, {quoted}) SELECT {new_id}, {select} FROM rights_rightsrequest r '
            f"JOIN tpl ON tpl.old_id = r.id CROSS JOIN generate_series(1, {copies}) g"
        )
        # Clocks get ids by arithmetic too (like the requests), so the reminders find their copied clock without a join.
        cursor.execute("SELECT count(*), max(id) FROM rights_clock")
        clock_count, clock_last = cursor.fetchone()
        cursor.execute(
            "CREATE TEMP TABLE ctpl AS SELECT id AS old_id, (row_number() OVER (ORDER BY id)) - 1 AS idx FROM rights_clock"
        )
        new_clock_id = f"{clock_last} + (g - 1) * {clock_count} + ctpl.idx + 1"
        cols = columns(Clock, {"id", "request_id"})
        quoted = ", ".join(f'"{c}"' for c in cols)
        select = ", ".join(f'x."{c}"' for c in cols)
        cursor.execute(
            f"INSERT INTO rights_clock (id, request_id, {quoted}) SELECT {new_clock_id}, {new_id}, {select} FROM rights_clock x "
            f"JOIN tpl ON tpl.old_id = x.request_id JOIN ctpl ON ctpl.old_id = x.id CROSS JOIN generate_series(1, {copies}) g"
        )
        cols = columns(TransitionLog, {"id", "request_id"})
        quoted = ", ".join(f'"{c}"' for c in cols)
        select = ", ".join(f'x."{c}"' for c in cols)
        cursor.execute(
            f"INSERT INTO rights_transitionlog (request_id, {quoted}) SELECT {new_id}, {select} FROM rights_transitionlog x "
            f"JOIN tpl ON tpl.old_id = x.request_id CROSS JOIN generate_series(1, {copies}) g"
        )
        cols = columns(Reminder, {"id", "request_id", "clock_id"})
        quoted = ", ".join(f'"{c}"' for c in cols)
        select = ", ".join(f'x."{c}"' for c in cols)
        cursor.execute(
            f"INSERT INTO rights_reminder (request_id, clock_id, {quoted}) SELECT {new_id}, {new_clock_id}, {select} "
            f"FROM rights_reminder x JOIN tpl ON tpl.old_id = x.request_id JOIN ctpl ON ctpl.old_id = x.clock_id "
            f"CROSS JOIN generate_series(1, {copies}) g"
        )
        for table in ("rights_rightsrequest", "rights_clock", "rights_transitionlog", "rights_reminder"):
            cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
        cursor.execute("DROP TABLE tpl, ctpl")
        cursor.execute("SET session_replication_role = DEFAULT")
        # The dashboard's tally is kept by a trigger, which the replica role skipped: counted once instead.
        from rights import tally

        tally.rebuild(cursor)
        cursor.execute("SET maintenance_work_mem = '256MB'")
        started = time.perf_counter()
        for _name, definition in secondary:
            cursor.execute(definition)
        print(f"  {len(secondary)} secondary indexes built in {time.perf_counter() - started:.1f} s", flush=True)
        cursor.execute("SELECT count(*) FROM rights_rightsrequest")
        return cursor.fetchone()[0]


def load(size: int, now) -> None:
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.db import connection

    from rights.reminders import sweep_reminders

    User = get_user_model()
    with connection.cursor() as cursor:
        # The history is append-only (a trigger refuses TRUNCATE); the bench's own throwaway database is reset with
        # the triggers off for this statement only.
        cursor.execute("SET session_replication_role = replica")
        cursor.execute(
            "TRUNCATE rights_reminder, rights_remindersnooze, rights_evidence, rights_transitionlog, rights_clock, "
            "rights_rightsrequest RESTART IDENTITY CASCADE"
        )
        cursor.execute("SET session_replication_role = DEFAULT")
    users = list(User.objects.filter(username__startswith="bench-").order_by("pk"))
    if not users:
        case_workers = Group.objects.get(name="case worker")
        User.objects.bulk_create(
            [User(username=f"bench-{n}", email=f"bench-{n}@example.com", is_staff=True) for n in range(ASSIGNEES)]
        )
        users = list(User.objects.filter(username__startswith="bench-").order_by("pk"))
        case_workers.user_set.add(*users)
    started = time.perf_counter()
    made = make_templates(now, users)
    sweep_reminders(now=now)
    print(f"  {made} templates through the services in {time.perf_counter() - started:.1f} s", flush=True)
    started = time.perf_counter()
    total = replicate(size)
    print(f"  replicated to {total:,} requests in {time.perf_counter() - started:.1f} s", flush=True)
    started = time.perf_counter()
    connection.close()
    with connection.cursor() as cursor:
        for table in ("rights_rightsrequest", "rights_clock", "rights_transitionlog", "rights_reminder"):
            cursor.execute(f"VACUUM ANALYZE {table}")
    print(f"  VACUUM ANALYZE in {time.perf_counter() - started:.1f} s", flush=True)


def check_sample(sample: int = 2000) -> int:
    from rights.clocks import rebuild
    from rights.models import RightsRequest

    ids = list(RightsRequest.objects.order_by("?").values_list("pk", flat=True)[:sample])
    return len(rebuild(RightsRequest.objects.filter(pk__in=ids), check=True))


def sample_values():
    """Search terms and ids that exist in the loaded data."""
    from rights.models import RightsRequest

    last = RightsRequest.objects.order_by("-pk").values("pk", "requester_name", "requester_contact", "app_ticket_number")[:1][0]
    middle = RightsRequest.objects.filter(pk=last["pk"] // 2).values("pk", "requester_name", "app_ticket_number").first()
    phone = RightsRequest.objects.filter(requester_contact__startswith="1", pk__gt=last["pk"] // 3).values_list(
        "requester_contact", flat=True
    ).first()
    return {
        "id": middle["pk"],
        "name": middle["requester_name"],
        "ticket": middle["app_ticket_number"],
        "phone_part": (phone or "13800001234")[-6:],
    }


def pages(values):
    from urllib.parse import quote

    from rights.admin import RightsRequestAdmin

    base = "/admin/rights/rightsrequest/"
    # The admin numbers the columns from the action checkbox (0): the deadline column is list_display's index + 1.
    # (Before 2026-12-02 this said o=7, a column that does not exist, so both rows timed the default order.)
    deadline_column = list(RightsRequestAdmin.list_display).index("deadlines") + 1
    return [
        ("request list", base),
        ("request list, page 500", base + "?p=500"),
        ("filter overdue", base + "?deadline=overdue"),
        ("filter due soon", base + "?deadline=soon"),
        ("filter due this week", base + "?deadline=week"),
        ("filter statutory breach", base + "?deadline=breach"),
        ("filter state in progress", base + "?state__exact=in_progress"),
        ("sorted by nearest deadline", base + f"?o={deadline_column}"),
        ("sorted by nearest deadline, desc", base + f"?o=-{deadline_column}"),
        ("search requester", base + "?q=" + quote(values["name"])),
        ("search requester's surname 王", base + "?q=" + quote("王")),
        ("search contact (qq.com)", base + "?q=qq.com"),
        ("search contact (phone digits)", base + "?q=" + values["phone_part"]),
        ("search ticket number", base + "?q=" + quote(values["ticket"])),
        ("search #id", base + "?q=" + quote(f"#{values['id']}")),
        ("search right label 注销", base + "?q=" + quote("注销")),
        ("search odd input ①", base + "?q=" + quote("①²")),
        ("request page", f"{base}{values['id']}/change/"),
        ("dashboard", base + "dashboard/"),
        # The home is the desk (issues 10 and 19): the queue's counts and the items that need someone today.
        ("home (desk, all)", "/admin/"),
        ("home (desk, mine)", "/admin/?show=mine"),
        ("home (desk, unassigned)", "/admin/?show=unassigned"),
        ("home's list link (deadline=needs)", base + "?deadline=needs"),
        ("administration (stock index)", "/admin/manage/"),
        # The lists beside the requests: the history across requests and the reminder ledger (a million rows each).
        ("history, all requests", "/admin/rights/transitionlog/"),
        ("history, page 500", "/admin/rights/transitionlog/?p=500"),
        ("history, one event", "/admin/rights/transitionlog/?transition=complete"),
        ("reminder ledger", "/admin/rights/reminder/"),
        ("reminder ledger, page 500", "/admin/rights/reminder/?p=500"),
        ("reminder ledger, search #id", "/admin/rights/reminder/?q=" + quote(f"#{values['id']}")),
        ("reminder ledger, failed", "/admin/rights/reminder/?status__exact=failed"),
    ]


def time_pages(client, runs: int, values):
    from django.db import connection

    rows = []
    for label, url in pages(values):
        client.get(url)  # warm-up: templates compiled, plans cached
        times, cpu, queries = [], [], 0
        for _ in range(runs):
            counter = QueryCounter()
            with connection.execute_wrapper(counter):
                started, started_cpu = time.perf_counter(), time.process_time()
                response = client.get(url)
                times.append(time.perf_counter() - started)
                cpu.append(time.process_time() - started_cpu)
            queries = counter.count
        if response.status_code != 200:
            label += f" (HTTP {response.status_code})"
        # Wall time, and this process's CPU time (Python: ORM, rendering), which a machine shared with other jobs
        # inflates much less than the wall clock; the database's own time is the difference, roughly.
        rows.append((label, statistics.median(times), percentile(times, 0.95), queries, statistics.median(cpu)))
        print(
            f"  {label:<36} p50 {rows[-1][1] * 1000:7.0f} ms  p95 {rows[-1][2] * 1000:7.0f} ms  "
            f"{queries:3d} queries  Python CPU p50 {rows[-1][4] * 1000:5.0f} ms",
            flush=True,
        )
    return rows


def time_writes(runs: int):
    """Filing and transitions through the services, on the loaded database (the real write path)."""
    from django.utils import timezone

    from policies.models import App
    from rights.services import file_request, record_event

    app = App.objects.order_by("pk").first()
    results = {}
    filed = []
    times = []
    for n in range(runs):
        started = time.perf_counter()
        filed.append(
            file_request(app=app, right="account_cancellation", requester_name=f"计时{n}", requester_contact=f"bench{n}@qq.com")
        )
        times.append(time.perf_counter() - started)
    results["file (submit)"] = times
    for event, inputs in (("acknowledge", {}), ("pause", {}), ("resume", {}), ("complete", {}), ("confirm", {})):
        times = []
        for request in filed:
            request.refresh_from_db()
            started = time.perf_counter()
            record_event(request=request, event=event, at=timezone.now(), **inputs)
            times.append(time.perf_counter() - started)
        results[event] = times
    rows = []
    for label, times in results.items():
        rows.append((label, statistics.median(times), percentile(times, 0.95)))
        print(f"  {label:<36} p50 {rows[-1][1] * 1000:7.0f} ms  p95 {rows[-1][2] * 1000:7.0f} ms", flush=True)
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000])
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--keep", action="store_true", help="keep the bench database")
    parser.add_argument("--reuse", action="store_true", help="do not reload when the database holds N requests")
    parser.add_argument("--check-sample", type=int, default=2000, help="replay this many requests (clocks rebuild --check)")
    args = parser.parse_args()

    if not args.reuse:
        recreate_database(BENCH_URL)
    else:
        import psycopg

        try:
            psycopg.connect(BENCH_URL).close()
        except psycopg.OperationalError:
            recreate_database(BENCH_URL)
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.utils import timezone

    from rights.models import ReminderSettings, RightsRequest

    summary = {}
    try:
        call_command("migrate", verbosity=0)
        call_command("catalog", "--load", verbosity=0, stdout=open(os.devnull, "w"))
        ReminderSettings.load()
        User = get_user_model()
        admin_user = User.objects.filter(username="bench-admin").first() or User.objects.create_superuser(
            "bench-admin", "bench-admin@example.com", "x"
        )
        print(f"PostgreSQL {connection.pg_version // 10000}, {os.cpu_count()} CPUs", flush=True)
        for size in args.sizes:
            started = time.perf_counter()
            if not (args.reuse and RightsRequest.objects.count() >= size):
                print(f"{size:,} requests: loading", flush=True)
                load(size, timezone.now())
                print(f"  loaded in {time.perf_counter() - started:.1f} s", flush=True)
            total = RightsRequest.objects.count()
            if args.reuse:
                with connection.cursor() as cursor:
                    cursor.execute(
                        "SELECT count(*) FROM pg_stat_user_tables WHERE relname = 'rights_rightsrequest' "
                        "AND last_analyze IS NULL AND last_autoanalyze IS NULL"
                    )
                    if cursor.fetchone()[0]:
                        cursor.execute("ANALYZE")
            if args.check_sample:
                bad = check_sample(args.check_sample)
                print(f"  clocks rebuild --check on {args.check_sample} random requests: {bad} differ", flush=True)
                from rights import tally

                with connection.cursor() as cursor:
                    print(f"  dashboard tally against a recount: {len(tally.differences(cursor))} keys differ", flush=True)
            print(f"{total:,} requests: pages ({args.runs} runs each)", flush=True)
            client = Client()
            client.force_login(admin_user)
            page_rows = time_pages(client, args.runs, sample_values())
            write_rows = time_writes(args.runs)
            summary[total] = (page_rows, write_rows)
        print()
        for total, (page_rows, write_rows) in summary.items():
            print(f"| {total:,} requests | p50 | p95 | queries | Python CPU p50 |")
            print("|---|---:|---:|---:|---:|")
            for label, p50, p95, queries, cpu in page_rows:
                print(f"| {label} | {p50 * 1000:.0f} ms | {p95 * 1000:.0f} ms | {queries} | {cpu * 1000:.0f} ms |")
            for label, p50, p95 in write_rows:
                print(f"| {label} (service) | {p50 * 1000:.0f} ms | {p95 * 1000:.0f} ms | | |")
            print()
    finally:
        connection.close()
        if not args.keep:
            recreate_database(BENCH_URL, drop_only=True)


if __name__ == "__main__":
    main()
