"""`manage.py evidence`: the history's integrity from the command line (README "Evidence and integrity").

- `verify [--json] [--heads FILE]`: walk every case's hash chain and every stored evidence file (records.verify),
  and check that every chain still reaches each head recorded outside it: the checkpoints (records.heads) and, with
  `--heads`, a published heads file. Exit 0 when intact; 1 when anything is broken, naming the first broken row
  of each case; 2 on a heads file that cannot be read.
- `heads [--json]`: every case's head and the root over them all, to publish (README "Publishing the chain heads").
- `checkpoint`: record the heads that moved now (the periodic job does it every hour).
"""

from __future__ import annotations

import json

from django.core.management.base import CommandError
from django.utils import timezone

from config.commands import Command as BaseCommand
from config.commands import UsageError
from records.heads import HeadsFileError, as_published, current_heads, read_heads, recorded_heads, write_checkpoint
from records.verify import verify

BROKEN = 1


class Command(BaseCommand):
    help = "Check the history's hash chains, the evidence files' digests and the recorded chain heads."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        check = sub.add_parser("verify", help="walk every chain and every stored evidence file")
        check.add_argument("--json", action="store_true", help='print {"cases", "events", "files", "broken"}')
        check.add_argument("--heads", metavar="FILE", help="also check the heads in FILE (evidence heads --json)")
        heads = sub.add_parser("heads", help="print every case's chain head and the root over them")
        heads.add_argument("--json", action="store_true", help='print {"at", "root", "cases", "heads"}')
        sub.add_parser("checkpoint", help="record the heads that moved since the last checkpoint")

    def handle(self, *args, action, **options):
        getattr(self, f"_{action}")(**options)

    def _verify(self, *, json: bool, heads: str | None, **options):
        recorded = recorded_heads()
        if heads:
            try:
                published = read_heads(heads)
            except HeadsFileError as error:
                raise UsageError(str(error)) from None
            for case, known in published.items():
                recorded.setdefault(case, {}).update(known)
        report = verify(heads=recorded).as_dict()
        if json:
            self.stdout.write(_json(report))
        else:
            self.stdout.write(f"{report['cases']} cases, {report['events']} events, {report['files']} files")
            for broken in report["broken"]:
                self.stdout.write(f"BROKEN {broken['case']} row {broken['row']}: {broken['reason']}")
        if report["broken"]:
            raise CommandError(f"{len(report['broken'])} case(s) broken", returncode=BROKEN)

    def _heads(self, *, json: bool, **options):
        published = as_published(current_heads(), at=timezone.now())
        if json:
            self.stdout.write(_json(published))
            return
        for case, head in published["heads"].items():
            self.stdout.write(f"{case} {head['hash']}")
        self.stdout.write(f"root {published['root']} ({published['cases']} cases, {published['at']})")

    def _checkpoint(self, **options):
        checkpoint = write_checkpoint()
        if checkpoint is None:
            self.stdout.write("no head moved since the last checkpoint; nothing recorded")
        else:
            self.stdout.write(
                f"checkpoint {checkpoint.pk}: {len(checkpoint.heads)} head(s) moved, root {checkpoint.root}"
            )


def _json(document: dict) -> str:
    return json.dumps(document, ensure_ascii=False)
