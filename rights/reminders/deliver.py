"""Delivery: the send window (quiet hours), the digest as a MIME message, SMTP, and the outcome of a sweep.

On working days from the send time on, the digests go out in short transactions of DIGESTS_PER_TRANSACTION
recipients each: claim their rows and mark them sent (rights.reminders.ledger.claiming_as_sent), send each digest,
commit - a digest the server refused has its rows marked failed instead, which the next sweep retries. At least
once (and, in practice, once): the marks are visible to others only at the commit, after the server accepted the
messages. The one remaining window - the server accepted, then the process died before COMMIT - would repeat the
batch's digests rather than lose them (for a deadline, a duplicate is the lesser harm), under the same Message-IDs
(derived from their ledger rows), which mail systems use to show each once.
"""
from __future__ import annotations

import logging
import smtplib
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import lru_cache

from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import connection, transaction
from django.template.loader import get_template
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from deadlines.counting import SHANGHAI
from deadlines.workdays import WorkCalendar
from policies.models import work_calendar

from ..email.digest import entries_html, entries_text
from ..models import Reminder, ReminderSettings, ReminderStatus
from ..querysets import today_in_shanghai
from .digest import Details, Digest, digest_entries, fill_details, load_details, site_links, summary_of
from .ledger import claiming_as_sent
from .sources import clock_sources

logger = logging.getLogger(__name__)


def in_send_window(now: datetime, config: ReminderSettings, calendar: WorkCalendar) -> bool:
    """Quiet hours: mail goes out on working days, from the send time (Asia/Shanghai) on."""
    local = now.astimezone(SHANGHAI)
    return calendar.is_working_day(local.date()) and local.time() >= config.send_time


def next_send_time(now: datetime, config: ReminderSettings, calendar: WorkCalendar) -> datetime:
    if in_send_window(now, config, calendar):
        return now
    local = now.astimezone(SHANGHAI)
    day = local.date()
    if not calendar.is_working_day(day) or local.time() >= config.send_time:
        day = calendar.next_working_day_from(day + timedelta(days=1))[0]
    return datetime.combine(day, config.send_time, tzinfo=SHANGHAI)


def build_digest_message(
    digest: Digest, *, today: date, calendar: WorkCalendar | None = None, details: Details | None = None
) -> EmailMultiAlternatives:
    """The digest as text and HTML, in the recipient's language (templates/rights/email/reminder_digest*).
    Only the DIGEST_ENTRIES most urgent requests are loaded, labelled and rendered; the rest are counted. `details`:
    what the lines show, loaded for all of a sweep's digests at once (rights.reminders.digest.load_details)."""
    shown, more_entries = digest.shown
    with translation.override(digest.language):
        fill_details(shown, today=today, calendar=calendar or work_calendar(), details=details, language=digest.language)
        # The entries are written in Python (rights/email/digest.py), the frame around them by the templates.
        entries = digest_entries(shown)
        links = details.links if details is not None else site_links()
        sources = {item.source for item in shown}
        count, summary = len(digest.items), summary_of(digest.items)
        context = {
            "digest": digest,
            "count": count,
            "entries_text": entries_text(entries),
            "entries_html": entries_html(entries),
            "more_entries": more_entries,
            "list_url": links.request_list,
            "today": today,
            "summary": summary,
            # What stops the repeats of another track's clocks (a complaint's), when the digest shows one.
            "source_notes": [str(source.note) for source in clock_sources() if source.note and source.name in sources],
            "settings_url": links.settings,
        }
        # The subject in Python (the msgids of the template it was): one template render fewer per digest.
        subject = ngettext(
            "[RightsDesk] %(counter)s deadline needs attention: %(summary)s",
            "[RightsDesk] %(counter)s deadlines need attention: %(summary)s",
            count,
        ) % {"counter": count, "summary": summary}
        subject = " ".join(subject.split())
        text = _template("rights/email/reminder_digest.txt").render(context)
        html = _template("rights/email/reminder_digest.html").render(context)
    message = EmailMultiAlternatives(
        subject,
        text,
        to=[digest.address],
        headers={
            "Message-ID": digest.message_id(),
            "Auto-Submitted": "auto-generated",  # RFC 3834: no vacation replies to the robot
            "Content-Language": digest.language,
            "X-RightsDesk-Reminders": ",".join(map(str, digest.reminder_ids)),
        },
    )
    message.attach_alternative(html, "text/html")
    return message


@lru_cache(maxsize=4)
def _template(name: str):
    """A digest template, compiled once per process (rather than looked up for each of 2,000 digests)."""
    return get_template(name)


class NoAddress(Exception):
    """Nobody to send to (no assignee address and an empty TEAM_EMAIL): recorded as a failure and retried."""


def _is_connection_failure(error: Exception) -> bool:
    """The server could not be reached at all (as opposed to refusing one recipient or one message)."""
    refused = (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused, smtplib.SMTPDataError)
    return isinstance(error, OSError) and not isinstance(error, refused)


def _close_quietly(mail_connection) -> None:
    with suppress(Exception):  # a broken connection is being thrown away anyway
        mail_connection.close()


@dataclass(slots=True)
class ReminderOutcome:
    request: int
    kind: str
    due: date
    repeat: int
    status: str
    recipient: str

    def as_dict(self) -> dict:
        return {
            "request": self.request,
            "kind": self.kind,
            "due": self.due.isoformat(),
            "repeat": self.repeat,
            "status": self.status,
            "recipient": self.recipient,
        }


@dataclass
class SweepResult:
    now: datetime
    dry_run: bool = False
    enabled: bool = True
    sending: bool = False  # inside the send window
    send_at: datetime | None = None  # when held reminders go out
    recorded: int = 0
    cancelled: int = 0
    held: int = 0
    digests: list[dict] = field(default_factory=list)  # {"to", "subject", "count", "status"}
    skipped: list[tuple[int, str]] = field(default_factory=list)  # (request id, why): bad rows, reported
    # Each digest's items with its status: the per-reminder outcomes are made only when asked for (the command's
    # --json, tests), not for the 80,000 reminders of every sweep (0.6 s of Python at a million requests).
    _noted: list[tuple[Digest, str]] = field(default_factory=list, repr=False)

    @property
    def reminders(self) -> list[ReminderOutcome]:
        return [
            ReminderOutcome(i.request_id, i.kind, i.due, i.repeat, status, digest.address)
            for digest, status in self._noted for i in digest.items
        ]  # fmt: skip

    @property
    def sent(self) -> int:
        return sum(len(digest.items) for digest, status in self._noted if status == ReminderStatus.SENT)

    @property
    def failed(self) -> int:
        return sum(len(digest.items) for digest, status in self._noted if status == ReminderStatus.FAILED)

    def note_digest(self, digest: Digest, subject: str, status: str) -> None:
        self.digests.append({"to": digest.address, "subject": subject, "count": len(digest.items), "status": status})
        self._noted.append((digest, status))

    def as_dict(self) -> dict:
        return {
            "sent": self.sent,
            "failed": self.failed,
            "reminders": [r.as_dict() for r in self.reminders],
            "recorded": self.recorded,
            "cancelled": self.cancelled,
            "held": self.held,
            "send_at": self.send_at.astimezone(SHANGHAI).isoformat() if self.send_at else None,
            "digests": self.digests,
            "dry_run": self.dry_run,
            "enabled": self.enabled,
            "now": self.now.astimezone(SHANGHAI).isoformat(),
            "skipped": [{"request": request_id, "why": why} for request_id, why in self.skipped],
        }

    def summary_line(self) -> str:
        if not self.enabled:
            return "reminders are switched off (Reminder settings)"
        if self.dry_run:
            would = sum(len(digest.items) for digest, status in self._noted if status == "would_send")
            line = f"dry run: would record {self.recorded}, send {would} in {len(self.digests)} digest(s), cancel {self.cancelled}"
        else:
            mails = sum(d["status"] == ReminderStatus.SENT for d in self.digests)
            line = (
                f"recorded {self.recorded}, sent {self.sent} in {mails} digest(s), failed {self.failed}, "
                f"cancelled {self.cancelled}"
            )
        if self.skipped:
            line += f", skipped {len(self.skipped)} unreadable (" + ", ".join(f"#{pk}" for pk, _why in self.skipped[:5]) + ")"
        if self.held:
            line += f", held {self.held} until {self.send_at.astimezone(SHANGHAI):%Y-%m-%d %H:%M}"
        return line


# Digests claimed, sent and committed together. The marks still commit only after the server accepted every digest
# of the batch; what a batch adds is the window of a crash between "accepted" and COMMIT: up to this many digests
# sent again (under the same Message-IDs), where it was one. One transaction per digest cost three round trips to
# the database each (BEGIN, the claim, COMMIT): 2,000 recipients, 10-20 ms a digest on a loaded machine.
DIGESTS_PER_TRANSACTION = 25


def deliver_digests(
    digests: list[Digest], *, now: datetime, result: SweepResult, calendar: WorkCalendar | None = None,
    unwritten: dict[int, tuple] | None = None,
) -> None:
    """One digest per recipient, DIGESTS_PER_TRANSACTION to a short transaction (claim, send, mark). `unwritten`:
    the reminders found due but not yet in the ledger (rights.reminders.ledger.Recorded), written there as sent
    in their digest's transaction."""
    today = today_in_shanghai(now)
    calendar = calendar or work_calendar()
    mail_connection = get_connection(fail_silently=False)  # one per sweep
    unreachable: Exception | None = None
    details = load_details(digests, unwritten)  # what every digest's lines show, in a few queries for all of them
    with _marks_not_waiting_for_the_disk():
        for start in range(0, len(digests), DIGESTS_PER_TRANSACTION):
            batch = digests[start : start + DIGESTS_PER_TRANSACTION]
            unreachable = _deliver_batch(batch, now=now, today=today, calendar=calendar, details=details,
                                         mail_connection=mail_connection, unreachable=unreachable, result=result,
                                         unwritten=unwritten)  # fmt: skip


@contextmanager
def _marks_not_waiting_for_the_disk():
    """PostgreSQL: the digests' transactions commit without waiting for the WAL flush (3 ms a digest on this machine).
    A mark lost to a database crash in the next moment is a digest sent again under the same Message-ID: the window
    at-least-once delivery already has (the server accepted, the process died before COMMIT)."""
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit = off")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET synchronous_commit")


def _deliver_batch(
    digests, *, now, today, calendar, details, mail_connection, unreachable, result, unwritten=None
) -> Exception | None:
    """Claim, send and mark a batch of digests in one transaction; returns the connection failure seen so far."""
    with transaction.atomic():
        # Marked sent in this transaction, which commits only once the server has accepted the batch's digests (a
        # failure below marks that digest's rows failed instead, in the same transaction). The messages are built
        # while the database writes the rows (rights.reminders.ledger.claiming_as_sent).
        with claiming_as_sent(digests, now=now, unwritten=unwritten) as claim:
            built = {} if unreachable else {id(digest): _build(digest, today, calendar, details) for digest in digests}
        for digest in digests:
            unreachable = _deliver_one(digest, claim.ids, built.get(id(digest)), today=today, calendar=calendar,
                                       details=details, mail_connection=mail_connection, unreachable=unreachable,
                                       result=result)  # fmt: skip
    return unreachable


def _build(digest: Digest, today: date, calendar: WorkCalendar, details: Details) -> EmailMultiAlternatives | Exception | None:
    """The digest's message, or what stopped it being built (reported as that digest's failure); None without an
    address."""
    if not digest.address:
        return None
    try:
        return build_digest_message(digest, today=today, calendar=calendar, details=details)
    except Exception as exc:  # noqa: BLE001 - the digest fails alone, as a refused send would
        return exc


def _deliver_one(digest, claimed, built, *, today, calendar, details, mail_connection, unreachable, result) -> Exception | None:
    """Send one digest of a batch whose rows `claimed` holds (marked sent), as `built` when all of its rows are;
    returns the connection failure seen so far, if any."""
    mine = [item for item in digest.items if item.reminder_id in claimed]
    if not mine:
        return unreachable  # another sweep holds or already sent them
    # Built only when a row must change after its mark (a partial claim, a failure): preparing a lookup of
    # thousands of ids costs 10 ms even when it never runs.
    rows = lambda: Reminder.objects.filter(pk__in=[item.reminder_id for item in mine])  # noqa: E731
    if len(mine) < len(digest.items):
        # Only what this sweep claimed goes in the mail (a concurrent sweep may have sent the rest), under
        # the Message-ID of exactly those rows.
        digest = Digest(digest.address, digest.language, mine)
        rows().update(message_id=digest.message_id())
        built = None
    # Once the server proved unreachable, the remaining digests are recorded as failed with the same error
    # instead of each waiting for a connection timeout; the next sweep retries them all.
    subject, error = "", unreachable
    if error is None and not digest.address:
        error = NoAddress("no address to send to: set TEAM_EMAIL")  # a log entry, like the SMTP errors
    if error is None:
        try:
            if isinstance(built, Exception):
                raise built
            message = built or build_digest_message(digest, today=today, calendar=calendar, details=details)
            subject = message.subject
            if mail_connection.send_messages([message]) != 1:
                raise smtplib.SMTPException(_("The mail backend did not accept the message."))
        except Exception as exc:
            logger.warning("reminder digest to %s failed: %s", digest.address, exc, exc_info=True)
            error = exc
            _close_quietly(mail_connection)
            if _is_connection_failure(exc):
                unreachable = exc  # do not wait for a dead server once per recipient
    if error is None:
        result.note_digest(digest, subject, ReminderStatus.SENT)
    else:
        rows().update(
            status=ReminderStatus.FAILED, sent_at=None, message_id="",
            last_error=f"{type(error).__name__}: {error}"[:2000],
        )  # fmt: skip
        result.note_digest(digest, subject, ReminderStatus.FAILED)
    return unreachable
