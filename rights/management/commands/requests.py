"""`requests file|move|show`: scripts and bulk entry on the same services as the admin."""
import json
from datetime import datetime

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q

from policies.models import App, Right
from rights.models import RightsRequest
from rights.querysets import today_in_shanghai
from rights.services import RequestError, allowed_transitions, file_request, move_request


def parse_moment(value: str | None) -> datetime | None:
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--at must be an ISO date or datetime (2026-09-28 or 2026-09-28T10:30), not {value!r}", returncode=2)
    return moment


def request_as_dict(request: RightsRequest, now=None) -> dict:
    today = today_in_shanghai(now)
    return {
        "id": request.pk,
        "app": request.app.name,
        "right": request.right,
        "state": request.state,
        "transitions": allowed_transitions(request),
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
                "provisional": clock.provisional,
                "overdue": clock.is_overdue(today),
                "kept": clock.kept_promise(),
            }
            for clock in request.clocks.order_by("final_due", "id")
        ],
    }


class Command(BaseCommand):
    help = "File, move and show rights requests."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        file_ = sub.add_parser("file", help="record a request already sent to the app (clocks start at --at)")
        file_.add_argument("--app", required=True, help="app name or slug")
        file_.add_argument("--right", required=True, choices=Right.values)
        file_.add_argument("--requester", required=True)
        file_.add_argument("--contact", default="")
        file_.add_argument("--channel", default="")
        file_.add_argument("--ticket", default="")
        file_.add_argument("--at", help="when it was sent (ISO; default now)")
        file_.add_argument("--json", action="store_true")
        move = sub.add_parser("move", help="take a transition")
        move.add_argument("id", type=int)
        move.add_argument("transition")
        move.add_argument("--note", default="")
        move.add_argument("--reason", default="", help="refuse: the app's reason")
        move.add_argument("--regulator", default="", help="escalate: the regulator")
        move.add_argument("--reference", default="", help="escalate: the regulator's reference")
        move.add_argument("--at", help="when it happened (ISO; default now)")
        move.add_argument("--json", action="store_true")
        show = sub.add_parser("show", help="show a request")
        show.add_argument("id", type=int)
        show.add_argument("--json", action="store_true")

    def handle(self, *args, **options):
        try:
            request = getattr(self, f"do_{options['action']}")(options)
        except RequestError as error:
            raise CommandError(str(error), returncode=2)
        data = request_as_dict(request)
        if options["json"]:
            self.stdout.write(json.dumps(data, ensure_ascii=False))
            return
        self.stdout.write(f"#{data['id']} {data['app']} {data['right']} [{data['state']}]")
        for clock in data["clocks"]:
            flag = " OVERDUE" if clock["overdue"] else ""
            flag += " (provisional)" if clock["provisional"] else ""
            self.stdout.write(f"  {clock['action']:<10} due {clock['due']} / {clock['final_due']}"
                              f" statutory {clock['statutory_due']}{flag}")
        self.stdout.write("  next: " + (", ".join(data["transitions"]) or "—"))

    def get_request(self, pk):
        request = RightsRequest.objects.select_related("app").filter(pk=pk).first()
        if request is None:
            raise CommandError(f"no request #{pk}", returncode=2)
        return request

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
        )

    def do_move(self, options):
        return move_request(
            request=self.get_request(options["id"]),
            transition=options["transition"],
            note=options["note"],
            reason=options["reason"],
            regulator=options["regulator"],
            reference=options["reference"],
            at=parse_moment(options["at"]),
        )

    def do_show(self, options):
        return self.get_request(options["id"])
