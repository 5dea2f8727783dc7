"""Login throttling and lockout (django-axes), by username and by network address.

`settings.AXES_FAILURE_LIMIT` failed sign-ins within `AXES_COOLOFF_TIME` lock the username (whatever address
they came from) and, separately, the address (whatever usernames it tried): 30 wrong passwords for one person
and 30 different usernames from one address are both stopped after the limit. A lock ends by itself one
cool-off after the last failure that counted (failures while locked are not counted, so the time the page names
holds), or at once with `manage.py axes_reset_username NAME` / `axes_reset_ip ADDRESS`, or the admin's
"Unlock" action on *Sign-in lockouts → Access attempts*.

This module says who is locked and until when (the admin and the login page use the same rule), answers a
locked sign-in with the login page saying so (status 429, Retry-After), and finds the client's address behind
the reverse proxy.
"""

from __future__ import annotations

import ipaddress
import math
from dataclasses import dataclass
from datetime import datetime

from axes.helpers import get_client_username, get_cool_off, get_failure_limit
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.db.models import Max, Sum
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

USERNAME, ADDRESS = "username", "ip_address"


@dataclass(frozen=True)
class Lock:
    by: str  # USERNAME or ADDRESS
    value: str
    until: datetime

    def seconds_left(self, now: datetime) -> int:
        return max(0, math.ceil((self.until - now).total_seconds()))


def lock_on(by: str, value: str | None, *, now: datetime | None = None) -> Lock | None:
    """The lock on one username or one address, as axes counts it: the failures of the attempts within one
    cool-off of `now`, summed; locked from the limit on, until one cool-off after the last of them."""
    if not value:
        return None
    now = now or timezone.now()
    cool_off = get_cool_off()
    recent = AccessAttempt.objects.filter(**{by: value, "attempt_time__gte": now - cool_off})
    found = recent.aggregate(failures=Sum("failures_since_start"), last=Max("attempt_time"))
    if (found["failures"] or 0) < settings.AXES_FAILURE_LIMIT:
        return None
    return Lock(by, value, found["last"] + cool_off)


def locks_for(username: str | None, address: str | None, *, now: datetime | None = None) -> list[Lock]:
    return [lock for lock in (lock_on(USERNAME, username, now=now), lock_on(ADDRESS, address, now=now)) if lock]


def locked_values(by: str, *, now: datetime | None = None) -> list[str]:
    """Every username (or address) locked now: for the admin's "locked now" filter."""
    now = now or timezone.now()
    rows = (
        AccessAttempt.objects.filter(attempt_time__gte=now - get_cool_off())
        .exclude(**{f"{by}__isnull": True})
        .values(by)
        .annotate(failures=Sum("failures_since_start"))
        .filter(failures__gte=settings.AXES_FAILURE_LIMIT)
    )
    return [row[by] for row in rows]


def lockout_message(lock: Lock, *, now: datetime) -> str:
    minutes = max(1, math.ceil(lock.seconds_left(now) / 60))
    values = {
        "limit": settings.AXES_FAILURE_LIMIT,
        "until": f"{timezone.localtime(lock.until):%H:%M}",
        "minutes": minutes,
    }
    if lock.by == USERNAME:
        text = ngettext(
            "This account is locked after %(limit)d failed sign-ins. Try again after %(until)s (Asia/Shanghai), "
            "in about %(minutes)d minute, or ask an administrator to unlock it.",
            "This account is locked after %(limit)d failed sign-ins. Try again after %(until)s (Asia/Shanghai), "
            "in about %(minutes)d minutes, or ask an administrator to unlock it.",
            minutes,
        )
    else:
        text = ngettext(
            "Sign-ins from your network address are locked after %(limit)d failed attempts. Try again after "
            "%(until)s (Asia/Shanghai), in about %(minutes)d minute, or ask an administrator to unlock it.",
            "Sign-ins from your network address are locked after %(limit)d failed attempts. Try again after "
            "%(until)s (Asia/Shanghai), in about %(minutes)d minutes, or ask an administrator to unlock it.",
            minutes,
        )
    return text % values


def lockout_response(request, original_response=None, credentials=None):
    """AXES_LOCKOUT_CALLABLE: the admin's login page again, saying the sign-in is locked and until when."""
    now = timezone.now()
    username = get_client_username(request, credentials) or ""
    locks = locks_for(username, getattr(request, "axes_ip_address", None) or client_ip(request), now=now)
    # The lock that ends last is the one that stops this sign-in. (Axes decided it is locked; if the rows were
    # reset in between, say so without a time.)
    lock = max(locks, key=lambda found: found.until) if locks else None
    message = (
        lockout_message(lock, now=now)
        if lock
        else _("Too many failed sign-ins. Try again later or ask an administrator to unlock it.")
    )
    context = {
        **admin.site.each_context(request),
        "title": _("Log in"),
        "subtitle": None,
        "app_path": reverse("admin:login"),
        "next": request.POST.get("next") or reverse("admin:index"),
        "form": AdminAuthenticationForm(request, initial={"username": username}),
        "lockout_message": message,
        "failure_limit": get_failure_limit(request, credentials),
    }
    response = render(request, "accounts/lockout.html", context, status=429)
    response["Retry-After"] = str(lock.seconds_left(now) if lock else int(get_cool_off().total_seconds()))
    return response


def client_ip(request) -> str | None:
    """AXES_CLIENT_IP_CALLABLE: the address the request came from.

    Behind RIGHTSDESK_TRUSTED_PROXIES reverse proxies (each appending the address it saw to X-Forwarded-For),
    the client is the entry that many places from the right; anything further left was written by the client
    and is not trusted. Without proxies (or a malformed header), REMOTE_ADDR.
    """
    trusted = settings.RIGHTSDESK_TRUSTED_PROXIES
    if trusted:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        if len(forwarded) >= trusted:
            candidate = forwarded[-trusted]
            try:
                return str(ipaddress.ip_address(candidate))
            except ValueError:
                pass
    return request.META.get("REMOTE_ADDR")
