"""`manage.py backup FILE`: the database and the evidence files in one archive (rights/backup.py)."""
from __future__ import annotations

from config.commands import Command as BaseCommand
from config.commands import UsageError, check_output_file
from rights.backup import BackupError, backup


class Command(BaseCommand):
    help = "Write the database and the evidence files to FILE (restore it with `manage.py restore FILE`)."

    def add_arguments(self, parser):
        parser.add_argument("file", help="the archive to write (replaced if it exists)")

    def handle(self, *args, file, **options):
        target = check_output_file(file, option="FILE")
        try:
            manifest = backup(target)
        except BackupError as error:
            raise UsageError(f"{file}: {error}") from None
        rows = sum(manifest["rows"].values())
        self.stdout.write(f"backup written to {file}: {manifest['vendor']} database, {rows} rows, {len(manifest['files'])} evidence file(s)")
