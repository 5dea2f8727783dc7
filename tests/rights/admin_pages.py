"""Helpers of the rights admin's page tests: the case page's URLs, posting a transition, reading messages, and
moments relative to the (frozen) today."""

import re
from datetime import datetime, time, timedelta

from django.contrib.messages import get_messages
from django.urls import reverse

from deadlines.counting import SHANGHAI
from policies.models import work_calendar
from rights.querysets import today_in_shanghai

CHANGELIST = reverse("admin:rights_rightsrequest_changelist")
ADD = reverse("admin:rights_rightsrequest_add")
EXPORT = reverse("admin:rights_rightsrequest_export")
DASHBOARD = reverse("admin:rights_rightsrequest_dashboard")


def change_url(request):
    return reverse("admin:rights_rightsrequest_change", args=[request.pk])


def transition_url(request, name):
    return reverse("admin:rights_rightsrequest_transition", args=[request.pk, name])



def messages_of(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


def post_transition(client, request, name, *, expected_state=None, **fields):
    data = {f"{name}-expected_state": expected_state or request.state}
    data.update({f"{name}-{key}": value for key, value in fields.items()})
    return client.post(transition_url(request, name), data, follow=True)


def offered_transitions(response) -> list[str]:
    return re.findall(r'<details data-transition="([a-z_]+)"', response.content.decode())


def days_ago(days: int) -> datetime:
    """10:00 in Shanghai, `days` calendar days before today: data that is overdue whatever today is."""
    return datetime.combine(today_in_shanghai() - timedelta(days=days), time(10), tzinfo=SHANGHAI)


def working_days_ago(days: int) -> datetime:
    """10:00 in Shanghai on the `days`-th working day before today: two such filings never share a last day
    (filings on a Saturday and a Sunday do: both count from Monday)."""
    calendar, day = work_calendar(), today_in_shanghai()
    while days:
        day -= timedelta(days=1)
        days -= calendar.is_working_day(day)
    return datetime.combine(day, time(10), tzinfo=SHANGHAI)


def start_overdue_within_statute(calendar, today):
    """A day to file a 卢米埃 cancellation on so that its 7 working days are past but the statutory 15 are not."""
    day = today - timedelta(days=1)
    while not (calendar.nth_working_day_after(day, 7)[0] < today <= calendar.nth_working_day_after(day, 15)[0]):
        day -= timedelta(days=1)
    return datetime.combine(day, time(10), tzinfo=SHANGHAI)


# ------------------------------------------------------------------------------------------------ access
