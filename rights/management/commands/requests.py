"""`requests file|move|show`: scripts and bulk entry on the same one write path as the admin.

Without `--by` the command acts as the system, which may record every event; with `--by USER` that user's
permissions apply. A refusal or a bad value: one line on stderr, exit 2.
"""
import json
from datetime import datetime

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError
from django.db.models import Q
from django.utils import timezone

from config.commands import Command as OneLineErrorsCommand
from config.commands import count
from deadlines.status import clock_status, is_overdue, kept_promise, within_statute
from policies.models import App, Right, work_calendar
from rights.events import AMENDABLE_FIELDS, EVENT_ORDER
from rights.models import ReminderSettings, RightsRequest
from rights.querysets import today_in_shanghai
from rights.registry import request_sections, subcommands
from rights.services import RequestError, allowed_events, file_request, record_event
from rights.services.redaction import redact_request


def parse_moment(value: str | None) -> datetime | None:
    if value is None:
        return None
    try:
        if not value.isascii():
            raise ValueError
        return datetime.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--at must be an ISO date or datetime (2026-09-28 or 2026-09-28T10:30), not {value!r}", returncode=2) from None


def request_as_dict(request: RightsRequest, now=None) -> dict:
    now = now or timezone.now()
    calendar = work_calendar()
    due_soon = ReminderSettings.load().due_soon_working_days
    data = {
        "id": request.pk,
        "app": request.app.name,
        "right": request.right,
        "state": request.state,
        "transitions": allowed_events(request),
        "clocks": [
            {
                "action": clock.action,
                "clock_start": clock.clock_start,
                "started_at": clock.started_at.isoformat(),
                "promise": {"min": clock.amount_min, "max": clock.amount_max, "unit": clock.unit},
                "statutory_default": clock.is_statutory,
                "due": clock.due.isoformat(),
                "final_due": clock.final_due.isoformat(),
                "statutory_due": clock.statutory_due.isoformat() if clock.statutory_due else None,
                "extended_to": clock.extended_to.isoformat() if clock.extended_to else None,
                "extension_basis": clock.extension_basis or None,
                "paused_working_days": clock.paused_working_days,
                "provisional": clock.provisional,
                "status": clock_status(clock, now=now, calendar=calendar, due_soon_working_days=due_soon),
                "overdue": is_overdue(clock, now),
                "kept": kept_promise(clock),
                "within_statute": within_statute(clock),
            }
            for clock in request.clocks.order_by("final_due", "id")
        ],
        "history": [
            {
                "event": entry.transition,
                "at": entry.at.isoformat(),
                "recorded_at": entry.recorded_at.isoformat(),
                "by": entry.by.get_username() if entry.by else None,
                "note": entry.note,
                "details": entry.details or {},
            }
            for entry in request.log.select_related("by").order_by("at", "id")
        ],
    }
    # What the tracks above rights add (correspondence: "mail"), registered in their AppConfig.ready().
    data.update({key: section(request) for key, section in request_sections().items()})
    return data


class Command(OneLineErrorsCommand):
    help = "File, move and show rights requests."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        file_ = sub.add_parser("file", help="record a request already sent to the app (clocks start at --at)")
        file_.add_argument("--app", required=True, help="app name or slug")
        file_.add_argument("--right", required=True, choices=[r for r in Right.values if r != Right.ANY_REQUEST])
        file_.add_argument("--requester", required=True)
        file_.add_argument("--contact", default="")
        file_.add_argument("--channel", default="")
        file_.add_argument("--ticket", default="")
        file_.add_argument("--at", help="when it was sent (ISO; default now)")
        file_.add_argument("--draft", action="store_true", help="not sent yet: a draft (then `requests send`)")
        file_.add_argument("--by", help="record as this user (their permissions apply); default: the system")
        file_.add_argument("--json", action="store_true")
        move = sub.add_parser("move", help="record an event: " + ", ".join(EVENT_ORDER))
        move.add_argument("id", type=count)
        move.add_argument("event", metavar="EVENT", help=", ".join(EVENT_ORDER))
        move.add_argument("--note", default="")
        move.add_argument("--reason", default="", help="refuse: the app's reason")
        move.add_argument("--regulator", default="", help="escalate: the regulator")
        move.add_argument("--reference", default="", help="escalate: the regulator's reference")
        move.add_argument("--until", help="extend, snooze: the day (ISO date)")
        move.add_argument("--basis", default="", help="extend: the legal basis, or 'none'")
        move.add_argument("--action", dest="clock_action", default="", help="extend: only clocks of this action")
        move.add_argument("--field", default="", help="amend: " + ", ".join(AMENDABLE_FIELDS))
        move.add_argument("--value", help="amend: the new value")
        move.add_argument("--assignee", help="assign: a username (empty: nobody)")
        move.add_argument("--at", help="when it happened (ISO; default now)")
        move.add_argument("--by", help="record as this user (their permissions apply); default: the system")
        move.add_argument("--json", action="store_true")
        redact = sub.add_parser("redact", help="erase the personal data of a closed case past its retention period")
        redact.add_argument("id", type=count)
        redact.add_argument("--reason", required=True, help="why (kept in the audit log)")
        redact.add_argument("--by", help="record as this user; default: the system")
        redact.add_argument("--json", action="store_true")
        show = sub.add_parser("show", help="show a request")
        show.add_argument("id", type=count)
        show.add_argument("--json", action="store_true")
        for extra in subcommands():  # what the tracks above rights add (rights.registry)
            extra.add_arguments(sub.add_parser(extra.name, help=extra.help))

    def handle(self, *args, **options):
        if options["action"] == "redact":
            return self.redact(options)
        extra = next((s for s in subcommands() if s.name == options["action"]), None)
        if extra is not None:
            extra.run(self, options)
            return
        try:
            request = getattr(self, f"do_{options['action']}")(options)
        except RequestError as error:
            raise CommandError(str(error), returncode=2) from None
        data = request_as_dict(request)
        if options["json"]:
            self.stdout.write(json.dumps(data, ensure_ascii=False))
            return
        self.stdout.write(f"#{data['id']} {data['app']} {data['right']} [{data['state']}]")
        for clock in data["clocks"]:
            flag = " (provisional)" if clock["provisional"] else ""
            extended = f" extended to {clock['extended_to']}" if clock["extended_to"] else ""
            self.stdout.write(
                f"  {clock['action']:<10} due {clock['due']} / {clock['final_due']} statutory {clock['statutory_due']}"
                f"{extended} [{clock['status']}]{flag}"
            )
        self.stdout.write("  next: " + (", ".join(data["transitions"]) or "—"))

    def get_request(self, pk):
        request = RightsRequest.objects.select_related("app").filter(pk=pk).first()
        if request is None:
            raise CommandError(f"no request #{pk}", returncode=2)
        return request

    def get_user(self, username):
        if username is None:
            return None
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"no user {username!r}", returncode=2)
        return user

    def do_file(self, options):
        name = options["app"]
        app = App.objects.filter(Q(name=name) | Q(slug=name)).first()
        if app is None:
            known = ", ".join(App.objects.values_list("name", flat=True))
            raise CommandError(f"unknown app {name!r}; known apps: {known}", returncode=2)
        return file_request(
            app=app,
            right=options["right"],
            requester_name=options["requester"],
            requester_contact=options["contact"],
            channel_used=options["channel"],
            app_ticket_number=options["ticket"],
            at=parse_moment(options["at"]),
            acting_user=self.get_user(options["by"]),
            submit=not options["draft"],
        )

    def do_move(self, options):
        event = options["event"]
        inputs = {
            "reason": options["reason"],
            "regulator": options["regulator"],
            "reference": options["reference"],
            "until": options["until"],
            "basis": options["basis"],
            "action": options["clock_action"],
            "field": options["field"],
            "value": options["value"],
        }
        if event == "assign":
            inputs["assignee"] = self.get_user(options["assignee"]) if options["assignee"] else None
        return record_event(
            request=self.get_request(options["id"]),
            event=event,
            note=options["note"],
            at=parse_moment(options["at"]),
            acting_user=self.get_user(options["by"]),
            **inputs,
        )

    def redact(self, options):
        request = self.get_request(options["id"])
        try:
            done = redact_request(request=request, reason=options["reason"], acting_user=self.get_user(options["by"]))
        except RequestError as error:
            raise CommandError(str(error), returncode=2) from None
        if options["json"]:
            self.stdout.write(json.dumps(done, ensure_ascii=False))
        else:
            self.stdout.write(f"#{done['request']} redacted: {len(done['fields'])} fields, {done['files']} files")

    def do_show(self, options):
        return self.get_request(options["id"])


__all__ = ["Command", "request_as_dict", "today_in_shanghai"]
