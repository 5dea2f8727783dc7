"""Time one reminder sweep on PostgreSQL with many open requests, 5% of them due.

    .venv/bin/python bench/bench_sweep.py [--sizes 10000 100000 1000000] [--due 0.05 | --due-count 5000] [--keep]
        [--database NAME] [--reuse]

Creates a throwaway database `rightsdesk_bench` on PostgreSQL at 127.0.0.1:5432 (override with --database NAME or
BENCH_DATABASE_URL, so that two people benchmarking on one server do not drop each other's database),
migrates it, and for each size loads N open requests with one running clock each (COPY, it is a bench), 5% of them
due (2% due soon, 2.5% overdue, 0.5% past the statutory last day) spread over 50 assignees and nobody, at 2026-11-20
09:30 (a working day, in the send window). Then it runs the sweep three times with the locmem mail backend:

- first:   finds, records and mails everything (the morning after the data arrived);
- again:   the same moment once more, the steady state of an hourly sweep (nothing new: reads only);
- memory:  the first sweep again on an empty ledger under tracemalloc, for the peak of Python allocations.

For each it prints the wall time, the number of SQL statements (and per phase: find+record, plan, deliver, and within deliver claim+mark and render) and
the digests built. The database is dropped at the end unless --keep.
"""
import argparse
import json
import os
import statistics
import sys
import time
import tracemalloc
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

BENCH_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/rightsdesk_bench")
if "--database" in sys.argv[:-1]:  # read before Django's settings are loaded (they read DATABASE_URL)
    _name = sys.argv[sys.argv.index("--database") + 1]
    BENCH_URL = urlunsplit(urlsplit(BENCH_URL)._replace(path="/" + _name))
os.environ["DATABASE_URL"] = BENCH_URL
os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.base"
os.environ["EMAIL_BACKEND"] = "django.core.mail.backends.locmem.EmailBackend"
os.environ.pop("EMAIL_URL", None)
os.environ.setdefault("LOG_LEVEL", "WARNING")

NOW_ISO = "2026-11-20T09:30:00+08:00"


from sweep_data import (
    ASSIGNEES,
    QueryCounter,
    backend_cpu,
    counting,
    load_requests,
    loaded_counts,
    phase_timers,
    recreate_database,
    stats_cpu,
)

PROFILE = {"on": False}


def _timed_outside_the_block(original, stats, key):
    """Wrap a context manager function: its time and statements before and after the caller's block, into `stats`."""
    from contextlib import contextmanager

    from django.db import connection

    @contextmanager
    def timed(*args, **kwargs):
        counter = QueryCounter()
        started = time.perf_counter()
        with connection.execute_wrapper(counter):
            manager = original(*args, **kwargs)
            value = manager.__enter__()
        outside = time.perf_counter() - started
        try:
            yield value
        except BaseException as error:
            if not manager.__exit__(type(error), error, error.__traceback__):
                raise
        else:
            resumed = time.perf_counter()
            with connection.execute_wrapper(counter):
                manager.__exit__(None, None, None)
            outside += time.perf_counter() - resumed
        finally:
            seconds, queries = stats.get(key, (0.0, 0))
            stats[key] = (seconds + outside, queries + counter.count)

    return timed


def run_sweep(now, label, *, trace_memory=False):
    from django.core import mail

    import rights.reminders as reminders
    from rights.reminders import deliver, sweep

    mail.outbox = []
    # Each phase is wrapped where the sweep looks it up: the sweep module calls the three phases, deliver the claim
    # and the rendering.
    stats, originals = phase_timers({
        sweep: ["record_due_reminders", "plan_deliveries", "deliver_digests"],
        # (a digest per transaction before issue 24's last round, a batch of digests after it)
        deliver: [*(n for n in ("claim_many_as_sent", "claim_as_sent") if hasattr(deliver, n))][:1] + ["build_digest_message"],
    })  # fmt: skip
    if hasattr(deliver, "claiming_as_sent"):
        # Since the messages are built while the database writes (a context manager around the building), claim+mark
        # is the time outside that block: sending the writes, and waiting for what is left of them after it.
        originals[deliver, "claiming_as_sent"] = deliver.claiming_as_sent
        deliver.claiming_as_sent = _timed_outside_the_block(deliver.claiming_as_sent, stats, "claim_many_as_sent")
    analyzed = []
    stats["analyze_stale_tables"] = (0.0, 0)
    original_analyze = getattr(sweep, "analyze_stale_tables", lambda: [])  # (the code before issue 24 has none)

    def analyze_and_note(*args, **kwargs):
        started = time.perf_counter()
        analyzed.extend(original_analyze(*args, **kwargs))
        stats["analyze_stale_tables"] = (time.perf_counter() - started, len(analyzed))
        return analyzed

    sweep.analyze_stale_tables = analyze_and_note
    originals[sweep, "analyze_stale_tables"] = original_analyze
    if trace_memory:
        tracemalloc.start()
    try:
        with counting() as counter:
            backend_before, started, cpu_started = backend_cpu(), time.perf_counter(), time.process_time()
            if PROFILE["on"] and label == "first":
                import cProfile
                import pstats

                profiler = cProfile.Profile()
                result = profiler.runcall(reminders.sweep_reminders, now=now)
                pstats.Stats(profiler).sort_stats("tottime").print_stats(25)
            else:
                result = reminders.sweep_reminders(now=now)
            seconds = time.perf_counter() - started
            python_cpu, database_cpu = time.process_time() - cpu_started, backend_cpu() - backend_before
        peak = tracemalloc.get_traced_memory()[1] if trace_memory else None
    finally:
        if trace_memory:
            tracemalloc.stop()
        for (module, name), original in originals.items():
            setattr(module, name, original)
    # claim and render (with its query for the shown lines' details) are parts of plan and deliver
    labels = {"record_due_reminders": "find+record", "plan_deliveries": "plan", "deliver_digests": "deliver",
              "claim_as_sent": "(claim+mark", "claim_many_as_sent": "(claim+mark", "build_digest_message": "render)", "analyze_stale_tables": "analyze"}  # fmt: skip
    phases = ", ".join(f"{labels.get(name, name)} {s:.2f} s/{q} q" for name, (s, q) in stats.items())
    line = (
        f"  {label:<7} {seconds:6.2f} s (CPU: Python {python_cpu:.2f} s, database {database_cpu:.2f} s)  "
        f"{counter.count:4d} queries  recorded {result.recorded:6d}  "
        f"sent {result.sent:6d} in {len(mail.outbox):3d} digests  [{phases}]"
    )
    if peak is not None:
        line += f"  peak Python memory {peak / 2**20:.0f} MiB"
    print(line, flush=True)
    digests = len(mail.outbox)
    deliver_seconds = stats.get("deliver_digests", (0.0, 0))[0]
    deliver_cpu = stats_cpu.pop(id(stats), {}).get("deliver_digests", 0.0)
    if digests:
        print(f"          delivery: {1000 * deliver_seconds / digests:.2f} ms per digest, of it Python CPU "
              f"{1000 * deliver_cpu / digests:.2f} ms", flush=True)  # fmt: skip
    return {
        "seconds": round(seconds, 3), "python_cpu_s": round(python_cpu, 3), "database_cpu_s": round(database_cpu, 3),
        "queries": counter.count, "recorded": result.recorded, "sent": result.sent,
        "digests": digests, "ms_per_digest": round(1000 * deliver_seconds / digests, 2) if digests else None,
        "cpu_ms_per_digest": round(1000 * deliver_cpu / digests, 2) if digests else None,
        "analyzed": analyzed, "phases": {labels.get(n, n).strip("()"): round(s, 3) for n, (s, _q) in stats.items()},
    }  # fmt: skip


# The shapes of issue 24: (requests, due, assignees, and how the data is left). Due counts are approximate (drawn).
SHAPES = {
    # 1M requests, 50k due, 50 assignees, statistics fresh from VACUUM ANALYZE: the shape of the earlier rounds.
    "million": {"size": 1_000_000, "due": 50_000, "assignees": ASSIGNEES},
    # 5,000 overdue over 500 assignees, loaded with no ANALYZE afterwards (a restore, a bulk import, a new install).
    "fresh-stats": {"size": 5_000, "due": 5_000, "assignees": 500, "analyze": False, "soon_share": 0.0, "overdue_share": 1.0},
    # 50,000 due over 2,000 assignees: 2,000 digests; the goal is delivery per digest.
    "many-recipients": {"size": 100_000, "due": 50_000, "assignees": 2_000},
    # The million data, overdue up to 40 days, after a sweep three weeks ago and none since.
    "catch-up": {"size": 1_000_000, "due": 50_000, "assignees": ASSIGNEES, "overdue_days": (1, 40), "gap_days": 21},
}


def forget_statistics(tables) -> None:
    """What a restore leaves: no column statistics, no row estimate (superuser; a bench database only)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM pg_statistic WHERE starelid = ANY(%s::regclass[])", [tables])
        cursor.execute("UPDATE pg_class SET reltuples = -1, relpages = 0 WHERE oid = ANY(%s::regclass[])", [tables])


def one_per_clock_and_rule(now) -> tuple[bool, int]:
    """Whether the sweep at `now` recorded at most one reminder per clock and rule, and the highest repeat number
    it gave (0-based: 1 is "reminder 2")."""
    from django.db.models import Count, Max

    from rights.models import Reminder

    recorded = Reminder.objects.filter(created_at=now)
    per_clock = recorded.values("request_id", "clock_id", "kind").annotate(n=Count("id"))
    return not per_clock.filter(n__gt=1).exists(), recorded.aggregate(m=Max("repeat"))["m"] or 0


def run_shape(name: str, spec: dict, *, scale: float, runs: int, now, today, calendar) -> dict:
    from django.db import connection

    from rights.models import Reminder

    size, due = max(int(spec["size"] * scale), 100), max(int(spec["due"] * scale), 10)
    load = {k: spec[k] for k in ("soon_share", "overdue_share", "overdue_days") if k in spec}
    analyze = spec.get("analyze", True)
    tables = ["rights_clock", "rights_rightsrequest"]

    def load_once():
        started = time.perf_counter()
        counts = load_requests(size, min(due / size, 1.0), today, calendar, assignees=spec["assignees"], analyze=analyze, **load)
        with connection.cursor() as cursor:
            if analyze:
                # What autovacuum keeps on a live database: statistics, and the visibility map that lets the
                # sweep's rules read the running clocks from their covering indexes alone (index-only scans).
                for table in tables:
                    cursor.execute(f"VACUUM ANALYZE {table}")
            else:
                forget_statistics([*tables, "rights_reminder"])
        print(
            f"{name}: {size:,} open requests over {spec['assignees']:,} assignees, {size - counts['not_due']:,} due "
            f"({counts['due_soon']:,} due soon, {counts['overdue']:,} overdue, {counts['statutory_breach']:,} past the "
            f"statutory limit){'' if analyze else ', never analyzed'}; loaded in {time.perf_counter() - started:.1f} s",
            flush=True,
        )

    load_once()
    firsts, repeats = [], []
    for run in range(runs):
        if run and not analyze:
            load_once()  # each run on tables nobody has analyzed
        with connection.cursor() as cursor:
            cursor.execute("TRUNCATE rights_reminder")
        if spec.get("gap_days"):
            before = now - timedelta(days=spec["gap_days"])
            reminders_module().sweep_reminders(now=before)  # the last sweep before the gap (not timed)
            print(f"  a sweep at {before:%Y-%m-%d} left {Reminder.objects.count():,} ledger rows", flush=True)
        load_average = " ".join(f"{x:.1f}" for x in os.getloadavg())
        print(f"  load average {load_average}", flush=True)
        first = run_sweep(now, "first")
        first["load_average"] = load_average
        if spec.get("gap_days"):
            first["one_per_clock_and_rule"], first["highest_repeat"] = one_per_clock_and_rule(now)
            print(f"  one reminder per clock and rule: {first['one_per_clock_and_rule']}, highest repeat number "
                  f"{first['highest_repeat'] + 1}", flush=True)  # fmt: skip
        firsts.append(first)
        repeats.append(run_sweep(now, "again"))
    median = lambda runs, key: statistics.median(r[key] for r in runs if r[key] is not None) if any(r[key] is not None for r in runs) else None  # noqa: E731
    summary = {
        "shape": name, "requests": size, "assignees": spec["assignees"], "runs": runs, "analyzed_after_load": analyze,
        "first_median_s": median(firsts, "seconds"), "repeat_median_s": median(repeats, "seconds"),
        "ms_per_digest_median": median(firsts, "ms_per_digest"), "cpu_ms_per_digest_median": median(firsts, "cpu_ms_per_digest"),
        "first_python_cpu_median_s": median(firsts, "python_cpu_s"), "first_database_cpu_median_s": median(firsts, "database_cpu_s"),
        "first": firsts, "repeat": repeats,
    }  # fmt: skip
    print(
        f"  {name}: first {summary['first_median_s']:.2f} s, repeat {summary['repeat_median_s']:.2f} s (medians of "
        f"{runs}), {summary['ms_per_digest_median']} ms per digest ({summary['cpu_ms_per_digest_median']} ms Python "
        f"CPU); first sweep CPU: Python "
        f"{summary['first_python_cpu_median_s']:.2f} s, database {summary['first_database_cpu_median_s']:.2f} s",
        flush=True,
    )
    return summary


def reminders_module():
    import rights.reminders as reminders

    return reminders


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shapes", nargs="+", choices=list(SHAPES), help="the shapes of issue 24 (instead of --sizes)")
    parser.add_argument("--scale", type=float, default=1.0, help="with --shapes: multiply requests and due by this")
    parser.add_argument("--json", action="store_true", help="with --shapes: print the results as JSON at the end")
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--due", type=float, default=0.05, help="fraction of requests with a reminder due")
    parser.add_argument(
        "--due-count", type=int, help="this many requests due whatever the size (instead of --due): shows that the "
        "queries and the time follow what is due, not how many requests there are",
    )
    parser.add_argument("--keep", action="store_true", help="keep the bench database")
    parser.add_argument("--database", help="the bench database's name (default: from BENCH_DATABASE_URL)")
    parser.add_argument(
        "--reuse", action="store_true", help="keep the database and its requests when it already holds the one "
        "size asked for (time the sweep again after a code change without loading again)",
    )
    parser.add_argument("--runs", type=int, default=None, help="time first and again this many times (ledger emptied "
                        "before each; default 1, with --shapes 3)")  # fmt: skip
    parser.add_argument("--no-memory", action="store_true", help="skip the tracemalloc run")
    parser.add_argument("--profile", action="store_true", help="cProfile each first sweep (slower): where its Python time goes")
    args = parser.parse_args()
    PROFILE["on"] = args.profile

    recreate_database(BENCH_URL, keep_existing=args.reuse)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from policies.models import work_calendar
    from rights.models import ReminderSettings
    from rights.querysets import today_in_shanghai
    from rights.reminders import parse_moment

    try:
        call_command("migrate", verbosity=0)
        ReminderSettings.load()
        now = parse_moment(NOW_ISO)
        today = today_in_shanghai(now)
        calendar = work_calendar()
        print(f"PostgreSQL {connection.pg_version // 10000}, {os.cpu_count()} CPUs; sweep at {NOW_ISO}")
        if args.shapes:
            results = [
                run_shape(name, SHAPES[name], scale=args.scale, runs=args.runs or 3, now=now, today=today, calendar=calendar)
                for name in args.shapes
            ]
            if args.json:
                print(json.dumps({"now": NOW_ISO, "scale": args.scale, "shapes": results}, indent=2))
            return
        for size in args.sizes:
            started = time.perf_counter()
            fraction = min(args.due_count / size, 1.0) if args.due_count else args.due
            counts = loaded_counts(size, today) if args.reuse else None
            if counts is None:
                counts = load_requests(size, fraction, today, calendar)
            else:
                with connection.cursor() as cursor:
                    cursor.execute("TRUNCATE rights_reminder")
            with connection.cursor() as cursor:
                # What autovacuum keeps on a live database: statistics, and the visibility map that lets the
                # sweep's rules read the running clocks from their covering indexes alone (index-only scans).
                cursor.execute("VACUUM ANALYZE rights_clock")
                cursor.execute("VACUUM ANALYZE rights_rightsrequest")
            due = size - counts["not_due"]
            print(
                f"{size:,} open requests, {due:,} due ({counts['due_soon']:,} due soon, {counts['overdue']:,} overdue, "
                f"{counts['statutory_breach']:,} past the statutory limit); loaded in {time.perf_counter() - started:.1f} s",
                flush=True,
            )
            for run in range(args.runs or 1):
                if run:
                    with connection.cursor() as cursor:
                        cursor.execute("TRUNCATE rights_reminder")
                print(f"  load average {' '.join(f'{x:.1f}' for x in os.getloadavg())}", flush=True)
                run_sweep(now, "first")
                run_sweep(now, "again")
            if not args.no_memory:
                with connection.cursor() as cursor:
                    cursor.execute("TRUNCATE rights_reminder")
                run_sweep(now, "memory", trace_memory=True)
            try:
                import resource

                print(f"  process peak RSS so far: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")
            except ImportError:
                pass
    finally:
        connection.close()
        if not args.keep:
            recreate_database(BENCH_URL, drop_only=True)


if __name__ == "__main__":
    main()
