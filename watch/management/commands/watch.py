import json
import time
from pathlib import Path

from django.utils import timezone

from config.commands import Command as BaseCommand
from config.commands import UsageError, positive_count, seconds
from policies.importer.store import find_app
from watch.export import ExportError, export_git
from watch.queries import app_watch
from watch.runner import run_watch
from watch.services import WatchRefused, add_source


class Command(BaseCommand):
    help = "The policy watch: add a watched URL, check the sources that are due, show an app's changes, export them to git."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        add = sub.add_parser("add", help="watch a URL of an app's")
        add.add_argument("--app", required=True, help="the app's name or slug")
        add.add_argument("--url", required=True, help="an http or https URL")
        add.add_argument("--every", type=positive_count, default=24, metavar="HOURS", help="check interval (default 24)")
        add.add_argument("--json", action="store_true")
        run = sub.add_parser("run", help="check the sources that are due (or all of one app's)")
        run.add_argument("--app", default="", help="check every source of this app, due or not")
        run.add_argument("--json", action="store_true")
        run.add_argument(
            "--loop", type=seconds, metavar="SECONDS",
            help="run again every SECONDS until stopped (the watch without a Celery broker, as bin/up runs it)",
        )  # fmt: skip
        run.add_argument("--runs", type=positive_count, help="with --loop: stop after this many runs")
        show = sub.add_parser("show", help="an app's sources and detected changes")
        show.add_argument("app")
        show.add_argument("--json", action="store_true")
        export = sub.add_parser("export", help="write an app's versions as git commits")
        export.add_argument("app")
        export.add_argument("--git", required=True, metavar="DIR", help="the repository directory")

    def handle(self, *args, **options):
        getattr(self, f"_{options['action']}")(options)

    def _app(self, name):
        app = find_app(name)
        if app is None:
            raise UsageError(f"unknown app: {name!r}")
        return app

    def _add(self, options):
        app = self._app(options["app"])
        try:
            source = add_source(app=app, url=options["url"], check_every_hours=options["every"])
        except WatchRefused as e:
            raise UsageError(e) from None
        if options["json"]:
            self.stdout.write(json.dumps({"id": source.pk, "app": app.name, "url": source.url, "every_hours": source.check_every_hours}, ensure_ascii=False))
        else:
            self.stdout.write(f"{app.name} now watches {source.url} every {source.check_every_hours} h")

    def _run(self, options):
        app = self._app(options["app"]) if options["app"] else None
        if options["loop"] is None:
            self._run_once(app, options)
            return
        runs = 0
        try:
            while options["runs"] is None or runs < options["runs"]:
                if runs:
                    time.sleep(options["loop"])
                self._run_once(app, options)
                runs += 1
        except KeyboardInterrupt:
            pass  # stopping the loop is its normal end

    def _run_once(self, app, options):
        results = run_watch(app=app)
        if options["json"]:
            self.stdout.write(json.dumps([r.as_dict() for r in results], ensure_ascii=False, indent=2))
            return
        for r in results:
            line = f"{r.status:<13} {r.http_status or '-':<4} {r.url}"
            if r.version:
                line += f"  version #{r.version}, {len(r.promise_diff)} promise changes"
            if r.error:
                line += f"  ({r.error})"
            self.stdout.write(line)
        if not results:
            self.stdout.write("no source is due")

    def _show(self, options):
        data = app_watch(self._app(options["app"]))
        if options["json"]:
            self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))
            return
        for s in data["sources"]:
            self.stdout.write(f"{s['url']}: {s['last_status'] or 'never checked'} at {s['last_checked_at'] or '-'}")
        for c in data["changes"]:
            self.stdout.write(f"  version #{c['version']} {c['detected_at']} {c['state']}: {len(c['promise_diff'])} promise changes")

    def _export(self, options):
        app = self._app(options["app"])
        try:
            written = export_git(app=app, directory=Path(options["git"]))
        except (ExportError, OSError) as e:
            raise UsageError(e) from None
        self.stdout.write(f"{written} commits written to {options['git']} at {timezone.now():%Y-%m-%d %H:%M}")
