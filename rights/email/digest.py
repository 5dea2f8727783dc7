"""The HTML and text of a reminder digest's entries (rights.reminders.digest builds the entries, the templates under
templates/rights/email/ the frame). Read in mail clients, not under the site's Content-Security-Policy: the HTML
carries its styles inline, as mail needs (which is why it lives under email/: tests/test_deploy.py exempts it)."""

from __future__ import annotations

from functools import lru_cache
from html import escape as _escape
from typing import TYPE_CHECKING

from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, pgettext
from django.utils.translation import gettext as _

from rights.models import ReminderKind

if TYPE_CHECKING:
    from rights.reminders.digest import DigestEntry

# The entries are the part of a digest that grows with it (up to DIGEST_ENTRIES requests of several lines each):
# they are written here, the frame around them by the templates. Through the template engine each digest took
# ~3,000 node renders (about 20 ms; at a million requests, 46 digests were half the sweep with 10,000 due).
# Every value is one line already (`one_line`); the HTML escapes each of them.
# The same names, labels, days and dates recur on every line of a sweep's 2,000 digests: escaped once each (613,000
# calls of html.escape were a fifth of rendering them).
escape = lru_cache(maxsize=8192)(_escape)

_ROW_BACKGROUND = {ReminderKind.STATUTORY_BREACH: " background: #ffebe9;", ReminderKind.ESCALATE: " background: #fff8c5;",
                   ReminderKind.OVERDUE: " background: #fff8c5;"}  # fmt: skip


def entries_text(entries: list[DigestEntry]) -> str:
    """The entries of the text mail, in the active language."""
    words = _words(get_language())
    promise, last_day, state, provisional = (
        words["promise"],
        words["last day"],
        words["state"],
        words["provisional text"],
    )
    out = []
    for number, entry in enumerate(entries, 1):
        out.append(
            f"\n{number}. #{entry.request_id} {entry.app} · {entry.right} · {entry.requester} · {state}: {entry.state}"
        )
        for line in entry.lines:
            out.append(
                f"\n   {line.kind_label}: {line.status_text}\n      {promise}: {line.action} · {last_day} {line.due}"
                f"{provisional if line.provisional else ''}"
            )
        out.append(f"\n   {entry.url}\n")
    return "".join(out)


def entries_html(entries: list[DigestEntry]) -> SafeString:
    """The entries as the rows of the HTML mail's table, in the active language. Each cell has a class the
    template's phone styles address (`rd-*`): under 480 px the rows stack into one card per request
    (templates/rights/email/reminder_digest.html), and the labels a phone shows in place of the column heads are
    in the cells, hidden on a wide screen."""
    words = _words(get_language())
    provisional, promise, last_day = words["provisional html"], words["promise label"], words["last day label"]
    out = []
    # One line of HTML per table row (the mail's line-length check reads the body line by line): a row is well under
    # the 998 characters RFC 5322 allows, and a longer one (a very long name) is quoted-printable, still correct.
    for entry in entries:
        rows = len(entry.lines)
        for n, line in enumerate(entry.lines):
            first = n == 0
            border = "border-top: 1px solid #d0d7de;" if first else ""
            classes = ("rd-first" if first else "rd-more") + (" rd-last" if n == rows - 1 else "")
            out.append(f'<tr class="{classes}" style="{border}{_ROW_BACKGROUND.get(line.kind, "")}">')
            if first:
                out.append(
                    f'<td class="rd-request" rowspan="{rows}"><a href="{escape(entry.url)}">#{entry.request_id}</a></td>'
                    f'<td class="rd-app" rowspan="{rows}">{escape(entry.app)}</td>'
                    f'<td class="rd-right" rowspan="{rows}">{escape(entry.right)}<br><small>{escape(entry.requester)} · '
                    f"{escape(entry.state)}</small></td>"
                )
            out.append(
                f'<td class="rd-action">{promise}{escape(line.action)}</td>'
                f'<td class="rd-due" style="white-space: nowrap;">{last_day}{escape(line.due)}'
                f"{provisional if line.provisional else ''}</td>"
                f'<td class="rd-days" style="text-align: right;">{escape(line.days_overdue_text or "—")}</td>'
                f'<td class="rd-kind"><strong>{escape(line.kind_label)}</strong><br>{escape(line.status_text)}</td></tr>\n'
            )
    return mark_safe("".join(out))


@lru_cache(maxsize=16)
def _words(language: str) -> dict[str, str]:
    """The entries' fixed words in one language (the active one, which keys the cache), looked up once per process
    rather than per digest."""
    provisional = _("provisional: next year's calendar is not published yet")
    return {
        "promise": _("Promise"), "last day": _("last day"), "state": _("state"),
        "provisional text": f" ({provisional})",
        "provisional html": f"<br><small>{escape(_('provisional'))}</small>",
        "promise label": _label(_("Promise")), "last day label": _label(_("Last day")),
    }  # fmt: skip


def _label(text: str) -> str:
    """A column head repeated in its cell for the phone layout, hidden on a wide screen (and where a client drops
    the <style> block, which leaves the table)."""
    separator = pgettext("between a label and its value", ": ")  # "：" in Chinese
    return f'<span class="rd-label" style="display: none;">{escape(text)}{escape(separator)}</span>'
