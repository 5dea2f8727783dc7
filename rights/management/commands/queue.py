"""`manage.py queue [--user USERNAME] [--now ISO] [--json]`: what the home shows, as data.

Every due-soon, overdue and statutory-breach clock of open requests and of the registered tracks (open
complaints: the app's answer, a regulator's admission decision and answer), sorted by last day, as
`{"kind", "request", "complaint", "app", "action", "due", "due_at", "status", "assignee"}` (rights.desk.desk_clocks);
with --user only the requests assigned to that person. A bad value is one line on stderr and exit status 2
(config.commands).
"""
from __future__ import annotations

import json
from datetime import date, datetime, time

from django.contrib.auth import get_user_model
from django.utils import timezone

from config.commands import Command as BaseCommand
from config.commands import UsageError
from policies.deadlines import SHANGHAI
from policies.models import CalendarYear
from policies.workdays import OutsideCalendar, check_supported_day
from rights.desk import desk_clocks
from rights.status import today_in_shanghai

NOW_EXAMPLE = "e.g. 2026-11-16T10:00 or 2026-11-16"


def parse_now(text: str) -> datetime:
    """--now: ISO 8601, Asia/Shanghai when it has no offset; a bare date means that day's 00:00 in Shanghai.
    Refused when empty, unparsable, or on a day outside the working-day calendar's years."""
    text = text.strip()
    if not text:
        raise UsageError(f"--now: empty; give an ISO date or date-time ({NOW_EXAMPLE})")
    try:
        moment = (
            datetime.combine(date.fromisoformat(text), time.min, tzinfo=SHANGHAI)
            if len(text) == 10
            else datetime.fromisoformat(text)
        )
    except ValueError:
        raise UsageError(f"--now: not an ISO date or date-time: {text!r} ({NOW_EXAMPLE})") from None
    moment = moment if moment.tzinfo else moment.replace(tzinfo=SHANGHAI)
    supported = {
        "this_year": today_in_shanghai(timezone.now()).year,
        "entered_years": CalendarYear.objects.values_list("year", flat=True),
    }
    try:
        # The day as written first: converting a moment in year 1 or 9999 to Shanghai time can overflow.
        check_supported_day(moment.date(), **supported)
        check_supported_day(moment.astimezone(SHANGHAI).date(), **supported)
    except (OutsideCalendar, OverflowError) as error:
        raise UsageError(f"--now: {error}") from None
    return moment


class Command(BaseCommand):
    help = "Print what the home's queue shows, as data: every due-soon, overdue and statutory-breach clock, by last day."

    def add_arguments(self, parser):
        parser.add_argument("--user", help="only the requests assigned to this username (default: everyone's)")
        parser.add_argument("--now", help="the moment to look from: ISO date-time (Asia/Shanghai unless it has an offset) or date")
        parser.add_argument("--json", action="store_true", dest="as_json", help="print a JSON list (default: one line per clock)")

    def handle(self, *args, **options):
        now = parse_now(options["now"]) if options["now"] is not None else timezone.now()
        assignee = None
        if options["user"] is not None:
            username = options["user"]
            assignee = get_user_model().objects.filter(**{get_user_model().USERNAME_FIELD: username}).first()
            if assignee is None:
                raise UsageError(f"--user: no user called {username!r}")
        rows = desk_clocks(now=now, assignee=assignee)
        if options["as_json"]:
            self.stdout.write(json.dumps([row.as_dict() for row in rows], ensure_ascii=False, indent=2))
            return
        for row in rows:
            self.stdout.write(f"{row.due:%Y-%m-%d}  {row.status_label}  #{row.request} {row.app}  {row.action}  {row.assignee or '-'}")
