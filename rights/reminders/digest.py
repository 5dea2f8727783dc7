"""What a digest says: its items (codes), its lines and entries (words, in the recipient's language). The entries
are written as text and HTML by rights/email/digest.py, the frame around them by the templates
(templates/rights/email/reminder_digest*).

The wording of a deadline is the request list's (rights.presenters): "N working days left", "overdue by N working
days", counted in working days the same way.
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property, lru_cache
from typing import NamedTuple
from urllib.parse import urlsplit

from django.conf import settings as django_settings
from django.db import connection
from django.db.models.expressions import RawSQL
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from deadlines.workdays import WorkCalendar
from policies.models import Action, App, Right

from ..models import Clock, Reminder, ReminderKind, RightsRequest, State
from ..presenters import overdue_by_text, working_days_left_text
from .ledger import BATCH, int_array, int_or_null_array
from .sources import REQUEST, ClockDetails, clock_source

# Most urgent first, in every digest.
URGENCY = {
    ReminderKind.STATUTORY_BREACH: 0,
    ReminderKind.ESCALATE: 1,
    ReminderKind.OVERDUE: 2,
    ReminderKind.DUE_SOON: 3,
}
# A digest shows at most this many requests, most urgent first; the rest are counted and linked to the list.
DIGEST_ENTRIES = 50


@dataclass(slots=True)
class DigestItem:
    """One line of a digest. The plan fills the ledger key (codes, not labels: the labels depend on the recipient's
    language); what a line shows is loaded by `fill_details` for the lines a digest shows, in that language."""

    reminder_id: int
    request_id: int
    kind: str
    due: date
    repeat: int
    source: str = REQUEST
    app: str = ""
    right: str = ""
    action: str = ""  # what is due, as the line shows it: "Reply", "12300 受理决定"
    requester: str = ""
    state: str = ""
    provisional: bool = False
    url: str = ""
    days_overdue: int = 0
    working_days_left: int | None = None

    @property
    def urgency(self):
        return (URGENCY[self.kind], self.due, self.request_id, self.reminder_id)


@dataclass
class Digest:
    """Everything one recipient gets from one sweep."""

    address: str
    language: str
    items: list[DigestItem] = field(default_factory=list)

    @property
    def reminder_ids(self) -> list[int]:
        return sorted(item.reminder_id for item in self.items)

    def message_id(self) -> str:
        """Stable for the same reminders, so a digest sent twice is recognisable as one: made of what each reminder
        is (request, kind, last day, repeat, track), not of its ledger id, because a sweep that died after the
        server accepted a digest but before its commit leaves those reminders unwritten (rights.reminders.ledger),
        and the next sweep sends them again under new ids."""
        return self._message_id

    # A digest's items are final once the plan has sorted them (a partial claim makes a new Digest), so what is
    # derived from them is computed once: the ledger's mark and the header both ask for the Message-ID, the
    # details' loading and the rendering both for the shown items.
    @cached_property
    def _message_id(self) -> str:
        keys = sorted((i.request_id, i.kind, i.due.toordinal(), i.repeat, i.source) for i in self.items)
        digest = hashlib.sha256(repr(keys).encode()).hexdigest()[:24]
        domain = urlsplit(django_settings.SITE_URL).hostname or "rightsdesk.invalid"
        return f"<reminders.{digest}@{domain}>"

    @cached_property
    def shown(self) -> tuple[list[DigestItem], int]:
        """`shown_items` of this digest."""
        return shown_items(self.items)


def shown_items(items: list[DigestItem]) -> tuple[list[DigestItem], int]:
    """The items of the DIGEST_ENTRIES most urgent requests (items come sorted by urgency), and how many
    requests are left out."""
    chosen: set[int] = set()
    requests: set[int] = set()
    for item in items:
        requests.add(item.request_id)
        if len(chosen) < DIGEST_ENTRIES:
            chosen.add(item.request_id)
    return [item for item in items if item.request_id in chosen], len(requests) - len(chosen)


def _admin_link_pattern() -> str:
    try:
        path = reverse("admin:rights_rightsrequest_change", args=[987654321])
    except NoReverseMatch:  # the request admin is not registered (e.g. a trimmed URLconf): Django's usual path
        path = "/admin/rights/rightsrequest/987654321/change/"
    return django_settings.SITE_URL.rstrip("/") + path.replace("987654321", "{id}")


@dataclass(frozen=True)
class Links:
    """Where a digest links to, all under SITE_URL: a request (`request.format(id=...)`), the list of open
    requests, the reader's reminder settings. Resolved once per sweep, not three `reverse` calls per digest."""

    request: str
    request_list: str
    settings: str


def site_links() -> Links:
    site = django_settings.SITE_URL.rstrip("/")
    try:
        request_list = site + reverse("admin:rights_rightsrequest_changelist") + "?open=open"
    except NoReverseMatch:
        request_list = site
    try:
        settings = reverse("admin:rights_reminderpreference_changelist")
    except NoReverseMatch:
        settings = "/admin/rights/reminderpreference/"
    return Links(_admin_link_pattern(), request_list, site + settings)


_DETAIL_FIELDS = (
    "id", "source", "source_clock_id", "request__app__name", "request__right", "request__requester_name",
    "request__state", "clock__action", "clock__provisional",
)  # fmt: skip


def detail_rows(ids: list[int], unwritten: dict[int, tuple] | None = None) -> dict[int, tuple]:
    """The _DETAIL_FIELDS of these ledger rows, by id: one query on PostgreSQL (the ids as one array), batches of
    BATCH on SQLite. `unwritten`: reminders found due that the delivery has yet to write (rights.reminders.ledger),
    read from their request and clock instead."""
    rows = Reminder.objects.order_by().values_list(*_DETAIL_FIELDS)
    if connection.vendor == "postgresql":
        fresh = [pk for pk in ids if pk in unwritten] if unwritten else []
        ids = [pk for pk in ids if not unwritten or pk not in unwritten]
        found = (
            {row[0]: row for row in rows.filter(pk__in=RawSQL("SELECT unnest(%s::bigint[])", [int_array(sorted(ids))]))}
            if ids
            else {}
        )
        return found | _unwritten_detail_rows(fresh, unwritten) if fresh else found
    found = {}
    for start in range(0, len(ids), BATCH):
        found.update((row[0], row) for row in rows.filter(pk__in=ids[start : start + BATCH]))
    return found


def _unwritten_detail_rows(ids: list[int], unwritten: dict[int, tuple]) -> dict[int, tuple]:
    """detail_rows' fields for reminders not yet in the ledger: from their request, its app and its clock."""
    q = connection.ops.quote_name
    # (request id, clock column, clock id, kind, due, repeat, source) of each, as columns
    requests, clock_columns, clocks, _kinds, _dues, _repeats, row_sources = zip(*map(unwritten.__getitem__, ids), strict=True)
    column = lambda model, name: q(model._meta.get_field(name).column)  # noqa: E731
    sources = sorted(set(row_sources))
    number = {source: n for n, source in enumerate(sources, 1)}
    on_request = [name == "clock_id" for name in clock_columns]
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT u.id, u.source, u.source_clock, a.{column(App, 'name')}, r.{column(RightsRequest, 'right')}, "
            f"r.{column(RightsRequest, 'requester_name')}, r.{column(RightsRequest, 'state')}, "
            f"c.{column(Clock, 'action')}, c.{column(Clock, 'provisional')} "
            f"FROM (SELECT u.id, u.request, u.clock, (%s::text[])[u.source] AS source, u.source_clock "
            f"FROM unnest(%s::bigint[], %s::bigint[], %s::bigint[], %s::int[], %s::bigint[]) "
            f"AS u(id, request, clock, source, source_clock)) u "
            f"JOIN {q(RightsRequest._meta.db_table)} r ON r.id = u.request "
            f"JOIN {q(App._meta.db_table)} a ON a.id = r.{column(RightsRequest, 'app')} "
            f"LEFT JOIN {q(Clock._meta.db_table)} c ON c.id = u.clock",
            # Array literals (psycopg dumps a list element by element: 0.2 s for 80,000 lines), sources by number.
            [sources, int_array(ids), int_array(requests),
             int_or_null_array(clock if own else None for clock, own in zip(clocks, on_request, strict=True)),
             int_array(map(number.__getitem__, row_sources)),
             int_or_null_array(None if own else clock for clock, own in zip(clocks, on_request, strict=True))],
        )  # fmt: skip
        return {row[0]: row for row in cursor.fetchall()}


def describe_clocks(rows) -> dict[tuple[str, int], ClockDetails]:
    """How the other sources' clocks among `rows` are named, in the active language: one query per source."""
    elsewhere = defaultdict(set)
    for row in rows:
        if row[1] != REQUEST:
            elsewhere[row[1]].add(row[2])
    described = {}
    for name, clock_ids in elsewhere.items():
        source = clock_source(name)
        if source is not None and source.describe is not None:
            described.update(((name, pk), found) for pk, found in source.describe(sorted(clock_ids)).items())
    return described


@dataclass
class Details:
    """What the shown lines of a sweep's digests show, loaded for all of them at once (`load_details`): the ledger
    rows with their requests, and the other sources' clock names per language."""

    rows: dict[int, tuple]
    described: dict[str, dict[tuple[str, int], ClockDetails]]
    links: Links = field(default_factory=site_links)


def load_details(digests: list[Digest], unwritten: dict[int, tuple] | None = None) -> Details:
    """One query for every digest's shown lines (rather than one per digest: 6 of the 11 ms a digest took to build
    with 530 recipients), and one per other clock source and language."""
    shown = {digest.language: [] for digest in digests}
    for digest in digests:
        shown[digest.language] += (item.reminder_id for item in digest.shown[0])
    rows = detail_rows([pk for ids in shown.values() for pk in ids], unwritten)
    described = {}
    for language, ids in shown.items():
        with translation.override(language):
            described[language] = describe_clocks(rows[pk] for pk in ids if pk in rows)
    return Details(rows, described)


def fill_details(
    items: list[DigestItem], *, today: date, calendar: WorkCalendar, details: Details | None = None, language: str = ""
) -> None:
    """What the lines show, in the active language, from `details` (loaded for a whole sweep, `load_details`) or
    loaded here (one query, and one per other clock source present); and their working days, counted as the list
    counts them."""
    link = details.links.request if details is not None else _admin_link_pattern()
    actions = _actions(translation.get_language())
    if details is None:
        rows = detail_rows([item.reminder_id for item in items])
        described = describe_clocks(rows.values())
    else:
        rows, described = details.rows, details.described.get(language, {})
    for item in items:
        row = rows.get(item.reminder_id)
        if row is not None:
            (_id, item.source, source_clock_id, item.app, item.right, item.requester, item.state, action,
             item.provisional) = row  # fmt: skip
            if item.source == REQUEST:
                item.action = actions.get(action, action or "")
            else:
                clock = described.get((item.source, source_clock_id))
                item.action, item.provisional = (one_line(clock.label), clock.provisional) if clock else ("", False)
            item.provisional = bool(item.provisional)
        item.url = link.format(id=item.request_id)
        # Working days, as the request list counts them ("overdue by 6 working days" in both places); the sweep's
        # calendar counts each last day once for all its digests (rights.presenters.PageCalendar).
        days = calendar.working_days_between(today, item.due)
        if item.due < today:
            item.days_overdue = -days
        else:
            item.working_days_left = days


def status_text(item: DigestItem) -> str:
    """How the deadline stands, in the active language, in the request list's words."""
    if item.kind == ReminderKind.DUE_SOON:
        return working_days_left_text(max(item.working_days_left or 0, 0))
    days = item.days_overdue
    if item.kind == ReminderKind.STATUTORY_BREACH:
        return ngettext(
            "%(n)d working day past the statutory last day", "%(n)d working days past the statutory last day", days
        ) % {"n": days}
    overdue = overdue_by_text(-days)  # "overdue" alone when no working day has passed since (a weekend)
    if item.kind == ReminderKind.ESCALATE:
        return _("%(overdue)s and not escalated: consider a complaint to a regulator") % {"overdue": overdue}
    return overdue


def summary_of(items: list[DigestItem]) -> str:
    counts = defaultdict(int)
    for item in items:
        counts[item.kind] += 1
    parts = {
        ReminderKind.STATUTORY_BREACH: lambda n: ngettext(
            "%(n)d past the statutory limit", "%(n)d past the statutory limit", n
        ),
        ReminderKind.ESCALATE: lambda n: ngettext("%(n)d to escalate", "%(n)d to escalate", n),
        ReminderKind.OVERDUE: lambda n: ngettext("%(n)d overdue", "%(n)d overdue", n),
        ReminderKind.DUE_SOON: lambda n: ngettext("%(n)d due soon", "%(n)d due soon", n),
    }
    separator = pgettext("list separator", ", ")  # 、 in Chinese
    return separator.join(parts[kind](counts[kind]) % {"n": counts[kind]} for kind in URGENCY if counts[kind])


# Line breaks, other control characters and the Unicode line and paragraph separators in a name or note would
# start a new line in the text mail (a forged "Overdue: ..." line); in a digest every value is one line. The class
# is exactly Unicode's Cc (C0, DEL, C1), Zl and Zp (tested against unicodedata over every code point), as one
# regex: a character class, linear, and 40x faster than asking unicodedata per character.
_LINE_BREAKERS = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def one_line(value: str) -> str:
    return _LINE_BREAKERS.sub(" ", value or "")


class DigestLine(NamedTuple):
    """A digest line as it is written: plain strings in the recipient's language. Numbers as text: a number would
    go through Django's localisation, the larger part of rendering a long digest. (A named tuple: made 80,000
    times in a sweep, where a frozen dataclass's __init__ cost 1 µs each.)"""

    request_id: int
    kind: str
    kind_label: str
    status_text: str
    due: str
    action: str
    provisional: bool
    days_overdue_text: str = ""


class DigestEntry(NamedTuple):
    """One request in a digest, with the lines of its clocks inside (most urgent first)."""

    request_id: int
    app: str
    right: str
    requester: str
    state: str
    url: str
    lines: list[DigestLine]


@lru_cache(maxsize=16)
def _actions(language: str) -> dict[str, str]:
    """The actions' labels in one language (the active one), resolved once per process, as `_labels`."""
    return {value: str(label) for value, label in Action.choices}


@lru_cache(maxsize=16)
def _labels(language: str) -> dict:
    """The labels a digest's entries use, in one language, resolved once per process (translations do not change
    while it runs; a digest of 20 lines spent a third of its 2 ms resolving them)."""
    return {
        "language": language,
        "right": {value: str(label) for value, label in Right.choices},
        "state": {value: str(label) for value, label in State.choices},
        "kind": {value: str(label) for value, label in ReminderKind.choices},
        "repeat": _("(reminder %(n)d)"),
    }


@lru_cache(maxsize=4096)
def _status_text(language: str, kind: str, days_overdue: int, working_days_left: int | None) -> str:
    """`status_text`, once per language, kind and count (`language` keys the cache: it is the active one)."""
    return status_text(
        DigestItem(0, 0, kind, date.min, 0, days_overdue=days_overdue, working_days_left=working_days_left)
    )


def digest_entries(items: list[DigestItem]) -> list[DigestEntry]:
    """One entry per request, in the order of its most urgent line (the items come sorted by urgency), with the
    labels resolved once per digest in the active language."""
    labels = _labels(translation.get_language())
    repeat_label = labels["repeat"]
    grouped: dict[int, list[DigestItem]] = {}
    for item in items:
        grouped.setdefault(item.request_id, []).append(item)
    entries = []
    for group in grouped.values():
        lines = []
        for item in group:
            kind_label = labels["kind"][item.kind]
            if item.repeat:
                kind_label += " " + repeat_label % {"n": item.repeat + 1}
            if item.source != REQUEST:
                kind_label = f"{item.action} {kind_label}"  # "12300 受理决定 已逾期": which clock, on its own line
            days = str(item.days_overdue) if item.days_overdue else ""
            due = item.due.isoformat()  # (strftime costs a microsecond a line)
            status = _status_text(labels["language"], item.kind, item.days_overdue, item.working_days_left)
            lines.append(
                DigestLine(item.request_id, item.kind, kind_label, status, due, item.action, item.provisional, days)
            )
        first = group[0]
        right, state = labels["right"].get(first.right, first.right), labels["state"].get(first.state, first.state)
        entries.append(
            DigestEntry(
                first.request_id, one_line(first.app), right, one_line(first.requester), state, first.url, lines
            )
        )
    return entries
