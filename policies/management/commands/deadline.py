import json
from datetime import date, datetime

from django.core.management.base import CommandError
from django.utils import timezone

from config.commands import Command as BaseCommand
from config.commands import count
from deadlines.counting import SHANGHAI, UNITS, compute_deadline
from deadlines.workdays import OutsideCalendar, check_supported_day
from policies.models import CalendarYear, work_calendar

# No privacy-policy promise runs for decades; a bound keeps a typo (an extra zero or three) from counting
# working days for minutes or running past the year 9999.
MAX_AMOUNT = 10_000


def parse_start(value: str) -> date | datetime:
    try:
        start = datetime.fromisoformat(value) if "T" in value or " " in value.strip() else date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"START must be an ISO date (2026-09-28) or datetime (2026-09-28T10:30), not {value!r}", returncode=2) from None
    # The same years every other command accepts (deadlines.workdays): 0001-01-01 is a typo, not a clock start.
    day = start.date() if isinstance(start, datetime) else start
    this_year = timezone.now().astimezone(SHANGHAI).year
    try:
        check_supported_day(day, this_year=this_year, entered_years=CalendarYear.objects.values_list("year", flat=True))
    except OutsideCalendar as error:
        raise CommandError(f"START: {error}", returncode=2) from None
    return start


class Command(BaseCommand):
    help = "Print the last day of a deadline (Civil Code arts. 201-203, mainland-China working days)."

    def add_arguments(self, parser):
        parser.add_argument("start", help="ISO date or datetime the clock starts (Asia/Shanghai if naive)")
        parser.add_argument("amount", type=count)
        parser.add_argument("unit", choices=UNITS)
        parser.add_argument("--json", action="store_true", help="print {last_day, ends_at, provisional}")

    def handle(self, *args, start, amount, unit, **options):
        if not 1 <= amount <= MAX_AMOUNT:
            raise CommandError(f"AMOUNT must be between 1 and {MAX_AMOUNT}, not {amount}", returncode=2)
        start = parse_start(start)
        try:
            deadline = compute_deadline(start, amount, unit, work_calendar())
        except (ValueError, OverflowError):  # the last day would fall after 9999-12-31
            raise CommandError(f"{amount} {unit} after {start.isoformat()} is beyond the calendar", returncode=2) from None
        if options["json"]:
            self.stdout.write(json.dumps(deadline.as_dict()))
        else:
            suffix = "  (provisional: the official schedule for that year is not published)" if deadline.provisional else ""
            self.stdout.write(deadline.last_day.isoformat() + suffix)
