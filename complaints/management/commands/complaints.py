"""`complaints draft|lodge|move|show|font`: the same services as the admin; refusals exit 2 with one line on stderr."""
from __future__ import annotations

import json
from datetime import datetime

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError
from django.utils import timezone

from config.commands import Command as BaseCommand
from config.commands import check_output_file, write_output_file
from deadlines.counting import SHANGHAI
from deadlines.status import clock_status, is_overdue
from policies.models import work_calendar
from rights.models import RightsRequest
from rights.services import event_time
from rights.status import due_soon_working_days

from ...admissibility import check_admissibility
from ...casefile import CaseFileError, case_file_zip, draft_pdf
from ...drafting import DraftError, render_complaint
from ...events import OFFERED_EVENTS
from ...fonts import FontMissing, build_common_font, cjk_font, common_font
from ...models import Channel, Complaint
from ...registry import subcommands
from ...services import ComplaintError, allowed_events, lodge_complaint, record_complaint_event


def fail(message: str):
    # One line, whatever the message carries.
    raise CommandError(" ".join(str(message).split()), returncode=2)


def parse_moment(value, option="--at"):
    if value is None:
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        fail(f"{option} must be an ISO date or datetime (2026-10-30 or 2026-10-30T10:00), not {value!r}")


def complaint_as_dict(complaint: Complaint, now=None) -> dict:
    now = now or timezone.now()
    calendar, due_soon = work_calendar(), due_soon_working_days()
    return {
        "id": complaint.pk,
        "request": complaint.request_id,
        "channel": complaint.channel.code,
        "state": complaint.state,
        "reference": complaint.reference,
        "lodged_at": complaint.lodged_at.isoformat() if complaint.lodged_at else None,
        "events": allowed_events(complaint),
        "clocks": [
            {
                "action": c.action, "clock_start": c.clock_start, "started_at": c.started_at.isoformat(),
                "promise": {"min": c.amount_min, "max": c.amount_max, "unit": c.unit},
                "citation": c.citation, "due": c.due.isoformat(), "final_due": c.final_due.isoformat(),
                "statutory_due": c.statutory_due.isoformat() if c.statutory_due else None,
                "deadline_at": c.deadline_at.astimezone(SHANGHAI).isoformat(), "provisional": c.provisional,
                # The same status names as a request's clocks (deadlines.status.ClockStatus).
                "status": clock_status(c, now=now, calendar=calendar, due_soon_working_days=due_soon),
                "overdue": is_overdue(c, now), "kept": c.kept_promise(), "within_statute": c.within_statute(),
            }
            for c in complaint.clocks.order_by("final_due", "id")
        ],
        "history": [
            {"event": e.event, "at": e.at.isoformat(), "recorded_at": e.recorded_at.isoformat(),
             "by": e.by.get_username() if e.by else None, "note": e.note}
            for e in complaint.log.select_related("by").order_by("at", "id")
        ],
    }


class Command(BaseCommand):
    help = "Draft, lodge, move and show complaints about rights requests."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        draft = sub.add_parser("draft", help="print the draft, or why and from when it is admissible")
        draft.add_argument("request", type=int)
        draft.add_argument("--channel", required=True)
        draft.add_argument("--at", help="the day to judge admissibility and date the draft (ISO; default now)")
        draft.add_argument("--format", choices=("text", "pdf", "zip"), default="text")
        draft.add_argument("--out", help="write to this file (required for pdf and zip)")
        lodge = sub.add_parser("lodge", help="record that the complaint was lodged (drafting it if needed)")
        lodge.add_argument("request", type=int)
        lodge.add_argument("--channel", required=True)
        lodge.add_argument("--at")
        lodge.add_argument("--reference", default="")
        lodge.add_argument("--note", default="")
        lodge.add_argument("--json", action="store_true")
        move = sub.add_parser("move", help="record an event: " + ", ".join(OFFERED_EVENTS))
        move.add_argument("complaint", type=int)
        move.add_argument("event")
        move.add_argument("--at")
        move.add_argument("--note", default="")
        move.add_argument("--reason", default="")
        move.add_argument("--reference", default="")
        move.add_argument("--satisfied", action="store_true", help="answer: the requester is satisfied")
        move.add_argument("--json", action="store_true")
        show = sub.add_parser("show")
        show.add_argument("complaint", type=int)
        show.add_argument("--json", action="store_true")
        show.add_argument("--now", help="the clocks' status at this moment (ISO; Asia/Shanghai unless it says otherwise)")
        sub.add_parser("font", help="cut the case files' Chinese font down to the common characters (bin/setup runs it)")
        for p in (draft, lodge, move):
            p.add_argument("--by", help="act as this user (their permissions apply); default: the system")
        for extra in subcommands():  # what the apps above complaints add (complaints.registry), e.g. `send`
            extra.add_arguments(sub.add_parser(extra.name, help=extra.help))

    def handle(self, *args, **options):
        extra = next((s for s in subcommands() if s.name == options["action"]), None)
        if extra is not None:
            return extra.run(self, options)
        try:
            return getattr(self, f"do_{options['action']}")(options)
        except (ComplaintError, DraftError, CaseFileError) as error:
            fail(str(error))

    def do_font(self, options):
        try:
            path, index = cjk_font()
        except FontMissing as error:
            fail(str(error))
        common = common_font(path, index) or build_common_font(path, index)
        self.stdout.write(f"{common} (from {path}, face {index})")

    # --- helpers -----------------------------------------------------------------------------------------

    def user(self, options):
        name = options.get("by")
        if not name:
            return None
        user = get_user_model().objects.filter(username=name).first()
        if user is None:
            fail(f"unknown user {name!r}")
        return user

    def request(self, pk) -> RightsRequest:
        request = RightsRequest.objects.select_related("app").filter(pk=pk).first()
        if request is None:
            fail(f"no request #{pk}")
        return request

    def channel(self, code) -> Channel:
        channel = Channel.objects.filter(code=code).first()
        if channel is None:
            fail(f"unknown channel {code!r}; known channels: {', '.join(Channel.objects.values_list('code', flat=True))}")
        return channel

    def complaint(self, pk) -> Complaint:
        complaint = Complaint.objects.select_related("request", "channel").filter(pk=pk).first()
        if complaint is None:
            fail(f"no complaint #{pk}")
        return complaint

    def emit(self, complaint, options):
        now = parse_moment(options.get("now"), "--now")
        if now is not None and timezone.is_naive(now):
            now = now.replace(tzinfo=SHANGHAI)
        data = complaint_as_dict(complaint, now=now)
        if options.get("json"):
            self.stdout.write(json.dumps(data, ensure_ascii=False))
            return
        self.stdout.write(f"complaint #{data['id']} request #{data['request']} {data['channel']} [{data['state']}]")
        for clock in data["clocks"]:
            flag = " OVERDUE" if clock["overdue"] else ""
            self.stdout.write(f"  {clock['action']:<10} due {clock['final_due']} [{clock['status']}]{flag}  ({clock['citation']})")
        self.stdout.write("  next: " + (", ".join(data["events"]) or "—"))

    # --- subcommands -------------------------------------------------------------------------------------

    def do_draft(self, options):
        if options["out"]:
            check_output_file(options["out"])  # first: a bad path is one line, not a traceback after the work
        request, channel = self.request(options["request"]), self.channel(options["channel"])
        now = timezone.now()
        at = event_time(parse_moment(options["at"]), now, calendar=work_calendar(), error=ComplaintError)
        on = at.astimezone(SHANGHAI).date()
        result = check_admissibility(request=request, channel=channel, on=on, calendar=work_calendar())
        if not result.ok:
            fail(result.refusal())
        if options["format"] != "text" and not options["out"]:
            fail("--out FILE is required for --format pdf and zip")
        if options["format"] == "zip":
            data = case_file_zip(request=request, channel=channel, on=on)
        elif not channel.drafting:
            fail(f"{channel.name} takes no drafted complaint: use --format zip for the case file")
        elif options["format"] == "pdf":
            data = draft_pdf(request=request, channel=channel, on=on)
        else:
            zh = render_complaint(request=request, channel=channel, on=on, language="zh-hans")
            en = render_complaint(request=request, channel=channel, on=on, language="en")
            text = f"{zh}\n----- English (for reading) -----\n\n{en}"
            if options["out"]:
                write_output_file(options["out"], text)
            else:
                self.stdout.write(text, ending="")
            return
        write_output_file(options["out"], data)

    def do_lodge(self, options):
        complaint = lodge_complaint(
            request=self.request(options["request"]), channel=self.channel(options["channel"]), acting_user=self.user(options),
            at=parse_moment(options["at"]), reference=options["reference"], note=options["note"],
        )
        from ...services import escalation_refusal

        refused = escalation_refusal(complaint)
        if refused:
            self.stderr.write(f"note: the request's escalation was not recorded: {refused}")
        self.emit(complaint, options)

    def do_move(self, options):
        complaint = record_complaint_event(
            complaint=self.complaint(options["complaint"]), event=options["event"], acting_user=self.user(options),
            at=parse_moment(options["at"]), note=options["note"], reason=options["reason"], reference=options["reference"],
            satisfied=True if options["satisfied"] else (False if options["event"] == "answer" else None),
        )
        self.emit(complaint, options)

    def do_show(self, options):
        self.emit(self.complaint(options["complaint"]), options)
