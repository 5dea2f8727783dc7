"""`clocks rebuild [--check]`: replay every request's clocks from its events, promises and the calendar.

With --check nothing changes; the command lists the requests whose stored clocks differ from a replay from
scratch and exits 1 when there is any (a check for CI and after restoring a backup). On PostgreSQL it checks the
dashboard's tally (rights.tally) against a recount of the requests too, and rebuild recounts it when it differs."""
from django.core.management.base import CommandError
from django.db import connection, transaction

from config.commands import Command as OneLineErrorsCommand
from rights import tally
from rights.clocks import rebuild
from rights.models import RightsRequest


class Command(OneLineErrorsCommand):
    help = "Replay the deadline clocks of every request (rebuild), or check that the stored ones agree (--check)."

    def add_arguments(self, parser):
        parser.add_argument("what", choices=["rebuild"])
        parser.add_argument("--check", action="store_true", help="change nothing; exit 1 if any request differs")

    def handle(self, *args, check, **options):
        result = rebuild(RightsRequest.objects.all(), check=check)
        total = RightsRequest.objects.count()
        tally_off = self.tally_differences()
        if check:
            for request_id, problems in result:
                self.stdout.write(f"#{request_id}: " + "; ".join(problems[:3]) + (" …" if len(problems) > 3 else ""))
            if result:
                raise CommandError(f"{len(result)} of {total} request(s) differ from a replay of their events", returncode=1)
            if tally_off:
                raise CommandError(f"the dashboard's tally differs from a recount on {len(tally_off)} key(s)", returncode=1)
            self.stdout.write(f"all {total} request(s) agree with a replay of their events")
            return
        if tally_off:
            with transaction.atomic(), connection.cursor() as cursor:
                tally.rebuild(cursor)
            self.stdout.write(f"recounted the dashboard's tally ({len(tally_off)} key(s) differed)")
        self.stdout.write(f"replayed {total} request(s): {len(result)} changed")

    @staticmethod
    def tally_differences() -> list:
        if not tally.available():
            return []
        with connection.cursor() as cursor:
            return tally.differences(cursor)
