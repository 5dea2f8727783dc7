"""`calendar override DATE off|on [--reason TEXT]` and `calendar publish YEAR`: enter the State Council's
schedule, with an audit row, and replay the clocks the change can move in every track (deadlines.registry:
request clocks and complaint clocks), after the change commits; prints how many changed."""
from datetime import date

from django.core.management.base import CommandError
from django.utils import timezone

from config.commands import Command as OneLineErrorsCommand
from config.commands import count
from deadlines.registry import recompute_after_calendar_change
from deadlines.workdays import supported_years
from policies.models import work_calendar
from policies.services import publish_calendar_year, set_calendar_day


def _day(value: str) -> date:
    try:
        if not value.isascii():
            raise ValueError
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"DATE must be an ISO date such as 2027-02-06, not {value!r}", returncode=2) from None


def _changed(changed: dict[str, int]) -> str:
    """ "1 request(s) changed, 0 complaint(s) changed": each track's count, in registration order."""
    return ", ".join(f"{n} {name}(s) changed" for name, n in changed.items())


class Command(OneLineErrorsCommand):
    help = "Correct the working-day calendar (override a day, publish a year) and replay the affected clocks."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="what", required=True)
        override = sub.add_parser("override", help="a day off or a make-up working day")
        override.add_argument("day", metavar="DATE")
        override.add_argument("status", choices=["off", "on"], help="off: a day off; on: a working day")
        override.add_argument("--reason", default="", help="e.g. 春节调休上班 (the notice)")
        publish = sub.add_parser("publish", help="the year's official schedule is entered")
        publish.add_argument("year", type=count)
        publish.add_argument("--source", default="", help="the State Council notice")

    def handle(self, *args, what, **options):
        years = supported_years(this_year=timezone.localdate().year, entered_years=work_calendar().entered_years)
        if what == "override":
            day = _day(options["day"])
            if day.year not in years:
                raise CommandError(f"{day.isoformat()} is outside the supported years {years.start}-{years.stop - 1}", returncode=2)
            set_calendar_day(day=day, working=options["status"] == "on", name=options["reason"].strip()[:100], notify=False)
            changed = recompute_after_calendar_change([day], calendar=work_calendar())
            self.stdout.write(f"{day.isoformat()} is now a {'working day' if options['status'] == 'on' else 'day off'}; "
                              f"{_changed(changed)}")
            return
        year = options["year"]
        if year not in years:
            raise CommandError(f"{year} is outside the supported years {years.start}-{years.stop - 1}", returncode=2)
        publish_calendar_year(year=year, source=options["source"].strip()[:300], notify=False)
        changed = recompute_after_calendar_change([date(year, 1, 1)], year_published=True, calendar=work_calendar())
        self.stdout.write(f"{year} is published; {_changed(changed)}")
