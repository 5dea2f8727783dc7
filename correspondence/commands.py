"""What correspondence adds to rights' `manage.py requests` (registered from CorrespondenceConfig.ready()):
`requests letter ID` (the draft, as staff read it before sending), `requests send ID [--follow-up] [--json]`, and
the request's mail in `requests show --json`; and to `manage.py complaints` (complaints.registry):
`complaints send ID [--json]`, the complaint to the app by e-mail."""

from __future__ import annotations

import json

from django.core.management.base import CommandError

from complaints.models import Complaint
from complaints.registry import ComplaintsSubcommand
from complaints.registry import register_subcommand as register_complaints_subcommand
from config.commands import count
from rights.models import RightsRequest, local_date
from rights.registry import RequestsSubcommand, register_request_section, register_subcommand

from .letters import LetterError, draft_letter
from .sending import letter_as_dict, send_complaint, send_letter
from .timeline import mail_of


def _request(pk: int) -> RightsRequest:
    request = RightsRequest.objects.select_related("app").filter(pk=pk).first()
    if request is None:
        raise CommandError(f"no request #{pk}", returncode=2)
    return request


def _user(username):
    if username is None:
        return None
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        raise CommandError(f"no user {username!r}", returncode=2)
    return user


def _send_arguments(parser):
    parser.add_argument("id", type=count)
    parser.add_argument("--follow-up", action="store_true", help="the 催办 on an overdue promise, in the same thread")
    parser.add_argument("--by", help="send as this user (their permissions apply); default: the system")
    parser.add_argument("--json", action="store_true")


def _send(command, options):
    try:
        letter = send_letter(
            request=_request(options["id"]), follow_up=options["follow_up"], acting_user=_user(options["by"])
        )
    except LetterError as error:
        raise CommandError(str(error), returncode=2) from None
    _print_sent(command, letter, options)


def _print_sent(command, letter, options):
    data = letter_as_dict(letter)
    if options["json"]:
        command.stdout.write(json.dumps(data, ensure_ascii=False))
    else:
        command.stdout.write(f"sent {data['message_id']} to {data['to']} (replies to {data['reply_to']})")


def _letter_arguments(parser):
    parser.add_argument("id", type=count)
    parser.add_argument("--follow-up", action="store_true")
    parser.add_argument("--english", action="store_true", help="the English reading copy")


def _letter(command, options):
    from django.utils import timezone

    request = _request(options["id"])
    try:
        draft = draft_letter(request, on=local_date(timezone.now()), follow_up=options["follow_up"])
    except LetterError as error:
        raise CommandError(str(error), returncode=2) from None
    command.stdout.write(f"To: {draft.to}\nSubject: {draft.subject}\n")
    command.stdout.write(draft.reading_copy if options["english"] else draft.body)


def _complaint_send_arguments(parser):
    parser.add_argument("id", type=count)
    parser.add_argument("--by", help="send as this user (their permissions apply); default: the system")
    parser.add_argument("--json", action="store_true")


def _send_complaint(command, options):
    complaint = Complaint.objects.select_related("request__app", "channel").filter(pk=options["id"]).first()
    if complaint is None:
        raise CommandError(f"no complaint #{options['id']}", returncode=2)
    try:
        letter = send_complaint(complaint=complaint, acting_user=_user(options["by"]))
    except LetterError as error:
        raise CommandError(" ".join(str(error).split()), returncode=2) from None
    _print_sent(command, letter, options)


def register_requests_hooks() -> None:
    register_subcommand(
        RequestsSubcommand("send", "send the request letter to the app by e-mail", _send_arguments, _send)
    )
    register_subcommand(
        RequestsSubcommand("letter", "show the letter that `send` would send", _letter_arguments, _letter)
    )
    register_request_section("mail", mail_of)
    register_complaints_subcommand(
        ComplaintsSubcommand(
            "send", "send the complaint to the app by e-mail (records its lodging)", _complaint_send_arguments,
            _send_complaint,
        )
    )  # fmt: skip
