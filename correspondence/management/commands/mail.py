"""`mail ingest [--json]`: one RFC 5322 message on standard input (a mail server's pipe); `mail fetch [--json]`: the
unseen messages of the IMAP mailbox at IMAP_URL, one JSON line each; `mail triage [--json]`: the messages no case
claimed. Bytes that are not a message: kept as unreadable, then one line and exit 2."""

import json
import sys
import time

from django.conf import settings

from config.commands import Command as OneLineErrorsCommand
from config.commands import UsageError, count, seconds
from correspondence.fetch import FetchError, fetch_mailbox
from correspondence.ingest import IngestError, ingest_message
from correspondence.models import InboundMail
from correspondence.triage import TriageError, decide, triage_rows
from rights.models import RightsRequest


class Command(OneLineErrorsCommand):
    help = "Receive mail for the desk: ingest one message from standard input, list the triage."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        ingest = sub.add_parser("ingest", help="read one RFC 5322 message on standard input")
        ingest.add_argument("--json", action="store_true")
        fetch = sub.add_parser("fetch", help="ingest the unseen messages of the IMAP mailbox at IMAP_URL")
        fetch.add_argument("--json", action="store_true")
        fetch.add_argument(
            "--loop", type=seconds, help="fetch again every SECONDS until stopped (bin/up; nothing when IMAP_URL is unset)"
        )
        fetch.add_argument("--iterations", type=count, default=0, help="with --loop: stop after this many (0: never)")
        triage = sub.add_parser("triage", help="the messages no case claimed")
        triage.add_argument("--json", action="store_true")
        attach = sub.add_parser("attach", help="attach a message in triage to a request")
        attach.add_argument("message_id")
        attach.add_argument("request", type=count)
        discard = sub.add_parser("discard", help="discard a message in triage")
        discard.add_argument("message_id")

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
        if options["action"] in ("attach", "discard"):
            return self.decide(options)
        if options["action"] == "fetch":
            return self.fetch(options)
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

    def fetch(self, options):
        if options["loop"] is not None:
            return self.fetch_loop(options)
        if not settings.IMAP_URL:
            raise UsageError("IMAP_URL is not set: there is no mailbox to fetch from")
        try:
            results = fetch_mailbox(settings.IMAP_URL)
        except FetchError as error:
            raise UsageError(str(error)) from None
        self.write_results(results, options)

    def fetch_loop(self, options):
        """bin/up's loop without a broker (with one, beat runs correspondence.tasks.fetch_mail): it decides here,
        from the settings (the environment or .env), whether there is a mailbox; without one it says so and ends."""
        if not settings.IMAP_URL:
            self.stdout.write("IMAP_URL is not set: no mail fetch loop")
            return
        done = 0
        try:
            while True:
                try:
                    self.write_results(fetch_mailbox(settings.IMAP_URL), options)
                except FetchError as error:  # the mailbox may be back next time
                    self.stderr.write(f"mail fetch: {error}")
                done += 1
                if options["iterations"] and done >= options["iterations"]:
                    return
                time.sleep(options["loop"])
        except KeyboardInterrupt:
            self.stdout.write("mail fetch loop stopped")

    def write_results(self, results, options):
        for result in results:
            if isinstance(result, IngestError):
                data = {"message_id": None, "request": None, "complaint": None, "kind": "unreadable"}
            else:
                data = result.as_dict()
            if options["json"]:
                self.stdout.write(json.dumps(data, ensure_ascii=False))
            else:
                self.stdout.write(f"{data['kind']} {data['message_id']} request #{data['request'] or '-'}")

    def decide(self, options):
        mail = InboundMail.objects.filter(message_id=options["message_id"]).first()
        if mail is None:
            raise UsageError(f"no received message {options['message_id']!r}")
        request = None
        if options["action"] == "attach":
            request = RightsRequest.objects.filter(pk=options["request"]).first()
            if request is None:
                raise UsageError(f"no request #{options['request']}")
        try:
            decide(mail=mail, request=request)
        except TriageError as error:
            raise UsageError(str(error)) from None
        self.stdout.write(
            ("attached " if request else "discarded ")
            + mail.message_id
            + (f" to request #{request.pk}" if request else "")
        )
