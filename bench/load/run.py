"""The load test (bench/README.md "Load"): 50 staff users at once on gunicorn and PostgreSQL with 100,000
requests, for 5 minutes; then the history is compared with what locust counted.

    .venv/bin/pip install -r bench/load/requirements.txt
    .venv/bin/python bench/load/run.py [--requests 100000] [--minutes 5] [--users 50] [--workers 5] [--reuse] [--keep]

1. Creates the database `rightsdesk_load` on 127.0.0.1:5432 (BENCH_DATABASE_URL overrides), migrates it, loads
   the seed catalog and N requests with bench/bench_admin.py's loader (templates through the services, replicas in
   SQL), and gives its 50 case workers bench-0 ... bench-49 a password. --reuse keeps a database that holds N.
2. Starts gunicorn (production settings over plain http on 127.0.0.1) and runs bench/load/locustfile.py headless.
3. Checks: locust saw 0 failures, and the history rows written during the run are exactly the actions locust
   counted (a filing is a "file" and a "submit" row; each move one row of its event): nothing lost or doubled.
   Prints the p95 per page and the load average (sampled every 10 s). Exit 1 when a check fails.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import re
import secrets
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
os.environ.setdefault("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/rightsdesk_load")
sys.path.insert(0, str(ROOT / "bench"))
from bench_admin import ASSIGNEES, BENCH_URL, make_templates, replicate  # sets DATABASE_URL and the settings
from bench_sweep import recreate_database

OUT = ROOT / "var" / "load"
PASSWORD = "load-pass"
PORT = int(os.environ.get("LOAD_PORT", "8765"))


def load_fresh(size: int, now) -> None:
    """bench_admin.load on a database that holds no request yet (it starts with a TRUNCATE, which the history's
    append-only triggers refuse): 50 case workers, templates through the services, replicas in SQL."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.db import connection

    from rights.reminders import sweep_reminders

    User = get_user_model()
    User.objects.bulk_create(
        [User(username=f"bench-{n}", email=f"bench-{n}@example.com", is_staff=True) for n in range(ASSIGNEES)]
    )
    users = list(User.objects.filter(username__startswith="bench-").order_by("pk"))
    Group.objects.get(name="case worker").user_set.add(*users)
    make_templates(now, users)
    sweep_reminders(now=now)
    replicate(size)
    connection.close()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")


def prepare(size: int, reuse: bool) -> dict:
    import django

    if not reuse:
        recreate_database(BENCH_URL)
    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from policies.models import Procedure
    from rights.models import ReminderSettings, RightsRequest, TransitionLog

    call_command("migrate", verbosity=0)
    call_command("catalog", "--load", verbosity=0, stdout=open(os.devnull, "w"))
    ReminderSettings.load()
    if not (reuse and RightsRequest.objects.count() >= size):
        started = time.perf_counter()
        print(f"loading {size:,} requests", flush=True)
        load_fresh(size, timezone.now())
        print(f"  loaded in {time.perf_counter() - started:.0f} s", flush=True)
    User = get_user_model()
    staff = list(User.objects.filter(username__startswith="bench-").exclude(username="bench-admin"))
    for user in staff:
        user.set_password(PASSWORD)
    User.objects.bulk_update(staff, ["password"])
    apps = sorted(
        set(Procedure.objects.filter(right="account_cancellation").values_list("policy_version__app_id", flat=True))
    )
    baseline = {
        "requests": RightsRequest.objects.count(),
        "max_request": RightsRequest.objects.order_by("-pk").values_list("pk", flat=True).first() or 0,
        "max_row": TransitionLog.objects.order_by("-pk").values_list("pk", flat=True).first() or 0,
        "apps": apps,
        "staff": len(staff),
    }
    connection.close()
    return baseline


def written_since(baseline: dict) -> dict:
    from django.db import connection
    from django.db.models import Count

    from rights.models import RightsRequest, TransitionLog

    rows = TransitionLog.objects.filter(pk__gt=baseline["max_row"])
    written = dict(rows.values_list("transition").annotate(n=Count("id")).order_by())
    doubled = (
        rows.values("request", "transition").annotate(n=Count("id")).filter(n__gt=1).count()
    )  # one row per request and event in this scenario
    new_requests = RightsRequest.objects.filter(pk__gt=baseline["max_request"]).count()
    connection.close()
    return {"rows": written, "doubled": doubled, "new_requests": new_requests}


def serve(workers: int) -> subprocess.Popen:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "DJANGO_SECURE_COOKIES": "false",
        "DJANGO_SECURE_HSTS_SECONDS": "0",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "RIGHTSDESK_TRUSTED_PROXIES": "0",
        "RIGHTSDESK_EVIDENCE_CHECKPOINT_MINUTES": "0",
        "LOG_LEVEL": "WARNING",
    }
    env.pop("REDIS_URL", None)
    server = subprocess.Popen(
        [str(ROOT / ".venv/bin/gunicorn"), "config.wsgi", "--bind", f"127.0.0.1:{PORT}", "--workers", str(workers),
         "--timeout", "300", "--access-logfile", "-", "--access-logformat", '%(s)s %(m)s %(U)s %(M)sms'],
        cwd=ROOT, env=env, stdout=open(OUT / "gunicorn-access.log", "w"), stderr=open(OUT / "gunicorn.log", "w"),
    )  # fmt: skip
    for _ in range(120):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{PORT}/admin/login/", timeout=2).read()
            return server
        except OSError:
            time.sleep(1)
    server.terminate()
    raise SystemExit(f"gunicorn did not answer on port {PORT}: see {OUT / 'gunicorn.log'}")


def sample_load(stop: threading.Event, samples: list) -> None:
    while not stop.wait(10):
        samples.append(os.getloadavg()[0])


def run_locust(users: int, minutes: float, wait: str, baseline: dict) -> int:
    env = {
        **os.environ,
        "LOAD_WAIT": wait,
        "LOAD_STAFF": str(baseline["staff"]),
        "LOAD_PASSWORD": PASSWORD,
        "LOAD_MAX_ID": str(baseline["max_request"]),
        "LOAD_APPS": ",".join(map(str, baseline["apps"])),
        "LOAD_COUNTS": str(OUT / "counts.json"),
    }
    command = [
        str(ROOT / ".venv/bin/locust"), "-f", str(ROOT / "bench/load/locustfile.py"), "--headless",
        "-u", str(users), "-r", str(max(1, users // 10)), "--run-time", f"{round(minutes * 60)}s",
        "--host", f"http://127.0.0.1:{PORT}", "--csv", str(OUT / "load"), "--only-summary", "--stop-timeout", "180",
        "--loglevel", "WARNING",
    ]  # fmt: skip
    return subprocess.run(command, cwd=ROOT, env=env).returncode


ROUTES = [
    (re.compile(r"POST /admin/login/"), "sign in"),
    (re.compile(r"GET /admin/login/"), "sign in (form)"),
    (re.compile(r"GET /admin/rights/rightsrequest/$"), "list (every variant)"),
    (re.compile(r"GET /admin/rights/rightsrequest/\d+/change/$"), "case page (both kinds)"),
    (re.compile(r"POST /admin/rights/rightsrequest/add/$"), "file (POST)"),
    (re.compile(r"POST /admin/rights/rightsrequest/\d+/transition/(\w+)/$"), "move: {} (POST)"),
    (re.compile(r"GET /admin/complaints/complaint/casefile/\d+/zip/$"), "case file ZIP"),
]


def server_times() -> dict[str, list[int]]:
    """Milliseconds per route from gunicorn's access log (the server's own time, without the client's queue)."""
    times: dict[str, list[int]] = {}
    for line in (OUT / "gunicorn-access.log").read_text().splitlines():
        status, method, path, took = line.split(" ")
        for pattern, name in ROUTES:
            if found := pattern.fullmatch(f"{method} {path}"):
                times.setdefault(name.format(*found.groups()), []).append(int(took.removesuffix("ms")))
                break
    return times


def p95(values: list[int]) -> int:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def report(baseline: dict, written: dict, load_samples: list, minutes: float) -> bool:
    counts = json.loads((OUT / "counts.json").read_text())
    expected = {"file": counts.get("file", 0), "submit": counts.get("file", 0)}
    expected.update({event: counts[event] for event in ("acknowledge", "complete", "confirm") if counts.get(event)})
    rows = {event: n for event, n in written["rows"].items() if n}
    with open(OUT / "load_stats.csv", newline="") as handle:
        stats = list(csv.DictReader(handle))
    failures = sum(int(row["Failure Count"]) for row in stats if row["Name"] == "Aggregated")
    total = sum(int(row["Request Count"]) for row in stats if row["Name"] == "Aggregated")
    print()
    print(f"{baseline['requests']:,} requests in the database; {total:,} HTTP requests in {minutes:g} min, "
          f"{failures} failed; load average (1 min) during the run: "
          f"mean {sum(load_samples) / max(len(load_samples), 1):.1f}, max {max(load_samples, default=0):.1f}")  # fmt: skip
    print()
    print("| page | requests | failures | p50 | p95 | p99 |")
    print("|---|---:|---:|---:|---:|---:|")
    for row in sorted(stats, key=lambda r: (r["Name"] == "Aggregated", r["Name"])):
        print(f"| {row['Name']} | {int(row['Request Count']):,} | {row['Failure Count']} | {row['50%']} ms | "
              f"{row['95%']} ms | {row['99%']} ms |")  # fmt: skip
    print()
    print("Server side (gunicorn's request time):")
    print("| route | requests | p50 | p95 |")
    print("|---|---:|---:|---:|")
    for name, values in sorted(server_times().items()):
        print(f"| {name} | {len(values):,} | {sorted(values)[len(values) // 2]} ms | {p95(values)} ms |")
    print()
    print(f"actions locust counted: {json.dumps(counts, sort_keys=True)}")
    print(f"history rows written:   {json.dumps(rows, sort_keys=True)}; new requests {written['new_requests']}")
    intact = rows == expected and written["new_requests"] == counts.get("file", 0) and not written["doubled"]
    print("history matches the counted actions (none lost, none doubled)" if intact else
          f"MISMATCH: expected {expected}, {written['doubled']} request/event pairs doubled")  # fmt: skip
    return intact and failures == 0


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=100_000, help="requests in the database (default 100,000)")
    parser.add_argument("--minutes", type=float, default=5.0, help="how long locust runs (default 5)")
    parser.add_argument("--users", type=int, default=50, help="staff users at once (default 50)")
    parser.add_argument("--workers", type=int, default=5, help="gunicorn workers (default 5: 2 cores x 2 + 1)")
    parser.add_argument("--wait", default="2,6", help="seconds each user waits between clicks, MIN,MAX (default 2,6)")
    parser.add_argument("--reuse", action="store_true", help="keep a database that already holds N requests")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "counts.json").unlink(missing_ok=True)
    baseline = prepare(args.requests, args.reuse)
    server = serve(args.workers)
    samples: list[float] = []
    stop = threading.Event()
    sampler = threading.Thread(target=sample_load, args=(stop, samples), daemon=True)
    try:
        print(f"gunicorn ({args.workers} workers) on :{PORT}; locust {args.users} users for {args.minutes:g} min; "
              f"load average before: {os.getloadavg()[0]:.1f}", flush=True)  # fmt: skip
        sampler.start()
        run_locust(args.users, args.minutes, args.wait, baseline)
    finally:
        stop.set()
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=60)
    ok = report(baseline, written_since(baseline), samples, args.minutes)
    if not args.keep:
        recreate_database(BENCH_URL, drop_only=True)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
