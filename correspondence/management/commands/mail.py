"""`mail ingest [--json]`: one RFC 5322 message on standard input (a mail server's pipe); `mail triage [--json]`:
the messages no case claimed. Bytes that are not a message: kept as unreadable, then one line and exit 2."""

import json
import sys

from config.commands import Command as OneLineErrorsCommand
from config.commands import UsageError
from correspondence.ingest import IngestError, ingest_message
from correspondence.models import InboundMail, MailKind


def triage_rows() -> list[dict]:
    unmatched = InboundMail.objects.filter(kind=MailKind.UNMATCHED).defer("raw", "body_html", "body_text", "headers")
    return [
        {
            "message_id": mail.message_id,
            "from": mail.sender,
            "subject": mail.subject if not mail.unreadable else "(unreadable)",
            "received_at": mail.received_at.isoformat(),
            "suggested_request": mail.suggested_request_id,
        }
        for mail in unmatched.order_by("received_at", "id")
    ]


class Command(OneLineErrorsCommand):
    help = "Receive mail for the desk: ingest one message from standard input, list the triage."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        ingest = sub.add_parser("ingest", help="read one RFC 5322 message on standard input")
        ingest.add_argument("--json", action="store_true")
        triage = sub.add_parser("triage", help="the messages no case claimed")
        triage.add_argument("--json", action="store_true")

    def handle(self, *args, **options):
        if options["action"] == "triage":
            rows = triage_rows()
            if options["json"]:
                self.stdout.write(json.dumps(rows, ensure_ascii=False))
            for row in rows if not options["json"] else ():
                self.stdout.write(
                    f"{row['received_at']}  {row['from']}  {row['subject']}  -> #{row['suggested_request'] or '?'}"
                )
            return
        raw = sys.stdin.buffer.read()
        try:
            result = ingest_message(raw)
        except IngestError as error:
            raise UsageError(f"standard input: {error}; the bytes are kept in triage as unreadable") from None
        data = result.as_dict()
        if options["json"]:
            self.stdout.write(json.dumps(data, ensure_ascii=False))
        else:
            self.stdout.write(f"{data['kind']} {data['message_id']} request #{data['request'] or '-'}")
