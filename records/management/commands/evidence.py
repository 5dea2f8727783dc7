"""`manage.py evidence verify [--json]`: walk every case's hash chain and every stored evidence file (records.verify).
Exit 0 when intact; 1 when anything is broken, naming the first broken row of each case."""

from __future__ import annotations

import json

from django.core.management.base import CommandError

from config.commands import Command as BaseCommand
from records.verify import verify

BROKEN = 1


class Command(BaseCommand):
    help = "Check the history's hash chains and the evidence files' digests."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        check = sub.add_parser("verify", help="walk every chain and every stored evidence file")
        check.add_argument("--json", action="store_true", help='print {"cases", "events", "files", "broken"}')

    def handle(self, *args, **options):
        report = verify().as_dict()
        if options["json"]:
            self.stdout.write(json.dumps(report, ensure_ascii=False))
        else:
            self.stdout.write(f"{report['cases']} cases, {report['events']} events, {report['files']} files")
            for broken in report["broken"]:
                self.stdout.write(f"BROKEN {broken['case']} row {broken['row']}: {broken['reason']}")
        if report["broken"]:
            raise CommandError(f"{len(report['broken'])} case(s) broken", returncode=BROKEN)
