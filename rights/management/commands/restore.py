"""`manage.py restore FILE`: load a backup into an empty database (rights/backup.py); exit 2 with one line on a bad
path, a file that is not a backup or a database that is not empty, 1 when the restored clocks differ from a replay."""
from __future__ import annotations

from django.core.management.base import CommandError

from config.commands import Command as BaseCommand
from config.commands import UsageError, check_input_file
from rights.backup import BackupError, restore


class Command(BaseCommand):
    help = "Load a backup written by `manage.py backup` into an empty database, then check it."

    def add_arguments(self, parser):
        parser.add_argument("file", help="the archive written by `manage.py backup`")

    def handle(self, *args, file, **options):
        source = check_input_file(file, what="backup file")
        try:
            result = restore(source)
        except BackupError as error:
            raise UsageError(f"{file}: {error}") from None
        self.stdout.write(f"restored {result.rows} rows and {result.files} evidence file(s); digests and counts match")
        if result.differing_clocks:
            raise CommandError(f"{len(result.differing_clocks)} clock(s) differ from a replay: run `clocks rebuild`", returncode=1)
