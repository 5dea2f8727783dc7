"""Time the policy watch on 1,000 sources served by a local test site that answers each request after 50 ms.

    .venv/bin/python bench/bench_watch.py [--sources 1000] [--hosts 20] [--delay 0.05] [--pad-kb 0] [--database NAME]

The site: one threaded HTTP server on each of --hosts loopback addresses (127.0.0.1, 127.0.0.2, ...; Linux
routes all of 127/8 to lo), so the watch's limit of 2 requests per host and its global cap both apply. Each
source is its own app's policy page: one of the five seed policies (13-40 KB of Chinese text) with the app's name
in it, so every page is a distinct text. Each answer carries an ETag and a 304 for a matching If-None-Match.
--pad-kb adds that much markup (a script block, not text) to every page, to see memory with large pages.

Runs (on PostgreSQL, a throwaway database `rd_watch_bench` unless --database; dropped at the end):
- full:      every source is new: fetch, read, import a draft version, promise diff, snapshot, mail;
- no change: every source again, the next day: one conditional request each, 304, no extraction;
It prints wall time, requests the site served, and the process's peak RSS (ru_maxrss) after each run.
"""
import argparse
import hashlib
import multiprocessing
import os
import resource
import sys
import threading
import time
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

parser = argparse.ArgumentParser()
parser.add_argument("--sources", type=int, default=1000)
parser.add_argument("--hosts", type=int, default=20)
parser.add_argument("--delay", type=float, default=0.05)
parser.add_argument("--pad-kb", type=int, default=0)
parser.add_argument("--database", default="rd_watch_bench")
parser.add_argument("--profile", action="store_true", help="cProfile the full run (slower); print the top functions")
parser.add_argument("--tracemalloc", action="store_true", help="trace Python allocations in the full run (slower)")
parser.add_argument("--default-malloc", action="store_true", help="do not set the allocator variables (below)")
args = parser.parse_args()

# As README "Policy watch" recommends for the watch's worker: glibc otherwise keeps a heap per thread and raises its
# mmap threshold after the first large page, so freed pages stay in RSS (298 MB instead of 181 MB with 4.5 MB pages).
MALLOC = {"MALLOC_ARENA_MAX": "2", "MALLOC_MMAP_THRESHOLD_": "262144"}
if not args.default_malloc and any(os.environ.get(k) != v for k, v in MALLOC.items()):
    os.execve(sys.executable, [sys.executable, *sys.argv], {**os.environ, **MALLOC})

BENCH_URL = urlunsplit(urlsplit(os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/x"))._replace(path=f"/{args.database}"))
os.environ["DATABASE_URL"] = BENCH_URL
os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.base"
os.environ["EMAIL_BACKEND"] = "django.core.mail.backends.locmem.EmailBackend"
os.environ["WATCH_ALLOW_PRIVATE_ADDRESSES"] = "true"
os.environ["LOG_LEVEL"] = "WARNING"


def recreate_database(drop_only=False):
    import psycopg

    parts = urlsplit(BENCH_URL)
    with psycopg.connect(urlunsplit(parts._replace(path="/postgres")), autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{parts.path.lstrip("/")}" WITH (FORCE)')
        if not drop_only:
            admin.execute(f'CREATE DATABASE "{parts.path.lstrip("/")}"')


TEXTS = sorted((ROOT / "policies" / "data" / "policies").glob("*.txt"))


def page(n: int) -> bytes:
    text = TEXTS[n % len(TEXTS)].read_text(encoding="utf-8")
    lines = [f"测试应用{n:04d}隐私政策"] + [line for line in text.split("\n") if line.strip()]
    pad = f"<script>/*{'x' * (args.pad_kb * 1024)}*/</script>" if args.pad_kb else ""
    html = (
        f'<!doctype html><html><head><meta charset="utf-8"><title>隐私政策</title>{pad}</head><body>'
        '<nav><a href="/">首页</a> <a href="/about">关于我们</a></nav>'
        f"<article><h1>{lines[0]}</h1>" + "".join(f"<p>{line}</p>" for line in lines[1:]) + "</article>"
        "<footer>版权所有</footer></body></html>"
    )
    return html.encode("utf-8")


# Counters shared with the site's process (the site runs in its own process, so the RSS measured is the watch's).
served = {"200": None, "304": None}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self):
        time.sleep(args.delay)
        n = int(self.path.strip("/").split("-")[1])
        body = page(n)
        etag = f'"{hashlib.sha1(body).hexdigest()}"'
        if self.headers.get("If-None-Match") == etag:
            with served["304"].get_lock():
                served["304"].value += 1
            self.send_response(304)
            self.send_header("ETag", etag)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        with served["200"].get_lock():
            served["200"].value += 1
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("ETag", etag)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *a):
        pass


def _serve(hosts: int, ready) -> None:
    addresses = []
    for h in range(hosts):
        server = ThreadingHTTPServer((f"127.0.0.{h + 1}", 0), Handler)
        server.daemon_threads = True
        server.request_queue_size = 128
        threading.Thread(target=server.serve_forever, daemon=True).start()
        addresses.append(server.server_address)
    ready.put(addresses)
    threading.Event().wait()


def start_site(hosts: int) -> list[tuple[str, int]]:
    """The test site in a child process (forked before Django loads), so its pages are not in the watch's RSS."""
    context = multiprocessing.get_context("fork")
    served["200"], served["304"] = context.Value("i", 0), context.Value("i", 0)
    ready = context.Queue()
    context.Process(target=_serve, args=(hosts, ready), daemon=True).start()
    return ready.get(timeout=30)


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main():
    addresses = start_site(args.hosts)
    recreate_database()
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from django.core import mail

    from policies.models import App
    from watch.models import WatchedSource

    now = datetime(2026, 12, 7, 11, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
    apps = App.objects.bulk_create(App(name=f"测试应用{n:04d}", slug=f"bench-{n:04d}") for n in range(args.sources))
    WatchedSource.objects.bulk_create(
        WatchedSource(
            app=app, url=f"http://{addresses[n % len(addresses)][0]}:{addresses[n % len(addresses)][1]}/p-{n}", created_at=now
        )
        for n, app in enumerate(apps)
    )
    sizes = [len(page(n)) // 1024 for n in range(len(TEXTS))] if not args.pad_kb else [args.pad_kb]
    print(f"{args.sources} sources on {args.hosts} hosts, {args.delay * 1000:g} ms per answer, pages {min(sizes)}-"
          f"{max(sizes)}{'+' if args.pad_kb else ''} KB; RSS before: {peak_rss_mb():.0f} MB")

    from collections import Counter

    from watch.runner import run_watch

    for label, moment in (("full", now), ("no change", now + timedelta(days=1))):
        before = {k: v.value for k, v in served.items()}
        mail.outbox = []
        started = time.perf_counter()
        if args.profile and label == "full":
            import cProfile
            import pstats

            profile = cProfile.Profile()
            results = profile.runcall(run_watch, now=moment)
            pstats.Stats(profile).sort_stats("tottime").print_stats(25)
        elif args.tracemalloc and label == "full":
            import tracemalloc

            tracemalloc.start(10)
            results = run_watch(now=moment)
            peak = tracemalloc.get_traced_memory()[1]
            top = tracemalloc.take_snapshot().statistics("lineno")[:8]
            tracemalloc.stop()
            print(f"Python allocations peak: {peak / 1048576:.0f} MB; largest still held:", *top, sep="\n  ")
        else:
            results = run_watch(now=moment)
        elapsed = time.perf_counter() - started
        counts = Counter(r.status for r in results)
        print(
            f"{label:<10} {elapsed:6.1f} s  {dict(counts)}  served 200: {served['200'].value - before['200']}, "
            f"304: {served['304'].value - before['304']}  mails: {len(mail.outbox)}  peak RSS so far: {peak_rss_mb():.0f} MB"
        )
    from django.db import connections

    connections.close_all()
    recreate_database(drop_only=True)


if __name__ == "__main__":
    main()
