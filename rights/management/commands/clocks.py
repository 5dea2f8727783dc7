"""`clocks rebuild [--check]`: replay every clock, in every track (deadlines.registry: each request's clocks from
its events and promises, each complaint's from its log and limits), on the calendar.

With --check nothing changes; the command lists the requests and complaints whose stored clocks differ from a
replay from scratch and exits 1 when there is any (a check for CI and after restoring a backup). On PostgreSQL
it checks the dashboard's tally (rights.tally) against a recount of the requests too, and rebuild recounts it
when it differs."""
from django.core.management.base import CommandError
from django.db import connection, transaction

from config.commands import Command as OneLineErrorsCommand
from deadlines.registry import rebuild_all
from policies.models import work_calendar
from rights import tally


class Command(OneLineErrorsCommand):
    help = "Replay the deadline clocks of every request and complaint (rebuild), or check that the stored ones agree (--check)."

    def add_arguments(self, parser):
        parser.add_argument("what", choices=["rebuild"])
        parser.add_argument("--check", action="store_true", help="change nothing; exit 1 if any clock differs")

    def handle(self, *args, check, **options):
        replayed = rebuild_all(check=check, calendar=work_calendar())
        totals = ", ".join(f"{r.total} {r.track.name}(s)" for r in replayed)
        tally_off = self.tally_differences()
        if check:
            for r in replayed:
                for owner_id, problems in r.differing:
                    self.stdout.write(
                        f"{r.track.name} #{owner_id}: " + "; ".join(problems[:3]) + (" …" if len(problems) > 3 else "")
                    )
            differing = [f"{len(r.differing)} of {r.total} {r.track.name}(s)" for r in replayed if r.differing]
            if differing:
                raise CommandError(f"{', '.join(differing)} differ from a replay of their events", returncode=1)
            if tally_off:
                raise CommandError(f"the dashboard's tally differs from a recount on {len(tally_off)} key(s)", returncode=1)
            self.stdout.write(f"all clocks of {totals} agree with a replay of their events")
            return
        if tally_off:
            with transaction.atomic(), connection.cursor() as cursor:
                tally.rebuild(cursor)
            self.stdout.write(f"recounted the dashboard's tally ({len(tally_off)} key(s) differed)")
        self.stdout.write("; ".join(f"replayed {r.total} {r.track.name}(s): {len(r.differing)} changed" for r in replayed))

    @staticmethod
    def tally_differences() -> list:
        if not tally.available():
            return []
        with connection.cursor() as cursor:
            return tally.differences(cursor)
