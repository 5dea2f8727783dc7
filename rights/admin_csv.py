"""The request list as CSV: the list's filters, search and order, streamed; each chunk of rows reads its
complaints' clocks in one query per registered track.
"""
from __future__ import annotations

import csv

from django.http import StreamingHttpResponse
from django.utils.translation import gettext as _

from .admin_html import PageClock
from .csvsafe import safe_row
from .models import RightsRequest, local_minute, mask_contact


class _Echo:
    """csv.writer target that hands each line back, for streaming."""

    def write(self, value):
        return value


def csv_response(queryset, *, page: PageClock) -> StreamingHttpResponse:
    writer = csv.writer(_Echo())
    rows = csv_rows(queryset, page=page)
    response = StreamingHttpResponse((writer.writerow(safe_row(row)) for row in rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="rights-requests-{page.today:%Y-%m-%d}.csv"'
    return response


def csv_rows(queryset, *, page: PageClock, chunk_size: int = 500):
    # A UTF-8 byte-order mark, so Excel opens the Chinese names as UTF-8.
    yield ["\ufeff#", _("app"), _("right"), _("state"), _("requester"), _("requester contact (masked)"),
           _("channel used"), _("app's ticket number"), _("assignee"), _("filed at"), _("closed at"),
           _("next last day"), _("working days left"), _("overdue"), _("statutory limit breached"),
           _("provisional"), _("deadlines"), _("complaint deadlines")]  # fmt: skip
    chunk = []
    for obj in queryset.iterator(chunk_size=chunk_size):
        chunk.append(obj)
        if len(chunk) == chunk_size:
            yield from _csv_chunk(chunk, page)
            chunk = []
    yield from _csv_chunk(chunk, page)


def _csv_chunk(chunk: list[RightsRequest], page: PageClock):
    """Rows of a chunk of requests, with their complaints' clocks (one query per track for the chunk)."""
    tracked = page.track_statuses(obj.pk for obj in chunk)
    for obj in chunk:
        statuses = page.statuses(obj)
        running = [s for s in statuses if s.days_left is not None]
        nearest = running[0] if running else None
        others = [row.status for row in tracked.get(obj.pk, [])]
        yield [
            obj.pk,
            obj.app.name,
            obj.get_right_display(),
            obj.get_state_display(),
            obj.requester_name,
            mask_contact(obj.requester_contact),
            obj.channel_used,
            obj.app_ticket_number,
            (obj.assignee.get_username() if obj.assignee else ""),
            local_minute(obj.filed_at),
            local_minute(obj.closed_at),
            f"{nearest.last_day:%Y-%m-%d}" if nearest else "",
            nearest.days_left if nearest else "",
            # Overdue and past the statute as the list's filters say: by the request's clocks or its complaints'.
            _("yes") if any(s.overdue for s in (*statuses, *others)) else "",
            _("yes") if any(s.breach for s in (*statuses, *others)) else "",
            _("yes") if any(s.provisional for s in statuses) else "",
            "; ".join(f"{s.clock.get_action_display()} {s.last_day:%Y-%m-%d} ({s.text})" for s in statuses),
            "; ".join(f"{row.label} {row.status.last_day:%Y-%m-%d} ({row.status.text})" for row in tracked.get(obj.pk, [])),
        ]
