"""Login throttling and lockout (django-axes), keyed on the pair of username and network address.

Within `AXES_COOLOFF_TIME`, failed sign-ins lock:
- the pair (username, address) after `AXES_FAILURE_LIMIT` (10): one person's typos lock that person at that
  address only, never the colleagues behind the same office address;
- the username alone, from any address, after `RIGHTSDESK_USERNAME_FAILURE_LIMIT` (30): guesses at one password
  spread over many addresses;
- the address alone, for any username, after `RIGHTSDESK_ADDRESS_FAILURE_LIMIT` (100): many usernames tried from
  one place, far beyond what an office's typos reach.
(`LockoutHandler` makes axes apply these three limits.) A lock ends by itself one
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

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_cool_off, get_failure_limit
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.db.models import Max, Q, Sum
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

USERNAME, ADDRESS, PAIR = "username", "ip_address", "pair"
# The setting that holds each lock's limit of failures.
LIMIT_SETTINGS = {
    PAIR: "AXES_FAILURE_LIMIT",
    USERNAME: "RIGHTSDESK_USERNAME_FAILURE_LIMIT",
    ADDRESS: "RIGHTSDESK_ADDRESS_FAILURE_LIMIT",
}


def failure_limit(by: str) -> int:
    return getattr(settings, LIMIT_SETTINGS[by])


@dataclass(frozen=True)
class Lock:
    by: str  # USERNAME or ADDRESS
    value: str
    until: datetime

    def seconds_left(self, now: datetime) -> int:
        return max(0, math.ceil((self.until - now).total_seconds()))


def lock_on(by: str, filters: dict, *, now: datetime | None = None) -> Lock | None:
    """The lock on one pair, username or address, as axes counts it: the failures of the attempts within one
    cool-off of `now`, summed; locked from that lock's limit on, until one cool-off after the last of them."""
    now = now or timezone.now()
    cool_off = get_cool_off()
    recent = AccessAttempt.objects.filter(**filters, attempt_time__gte=now - cool_off)
    found = recent.aggregate(failures=Sum("failures_since_start"), last=Max("attempt_time"))
    if (found["failures"] or 0) < failure_limit(by):
        return None
    return Lock(by, " @ ".join(str(v) for v in filters.values()), found["last"] + cool_off)


def locks_for(username: str | None, address: str | None, *, now: datetime | None = None) -> list[Lock]:
    keys = []
    if username and address:
        keys.append((PAIR, {"username": username, "ip_address": address}))
    if username:
        keys.append((USERNAME, {"username": username}))
    if address:
        keys.append((ADDRESS, {"ip_address": address}))
    return [lock for by, filters in keys if (lock := lock_on(by, filters, now=now))]


def locked_now(*, now: datetime | None = None) -> Q:
    """The attempts of every pair, username and address locked now: for the admin's "locked now" filter."""
    now = now or timezone.now()
    recent = AccessAttempt.objects.filter(attempt_time__gte=now - get_cool_off())
    found = Q(pk__in=[])
    for by, fields in ((PAIR, ["username", "ip_address"]), (USERNAME, ["username"]), (ADDRESS, ["ip_address"])):
        rows = (
            recent.exclude(**{f"{field}__isnull": True for field in fields})
            .values(*fields)
            .annotate(failures=Sum("failures_since_start"))
            .filter(failures__gte=failure_limit(by))
        )
        for row in rows:
            found |= Q(**{field: row[field] for field in fields})
    return found


class LockoutHandler(AxesDatabaseHandler):
    """AXES_HANDLER: axes compares one count of failures with one limit; here "the count" reaches the limit
    exactly when one of the three locks above holds, each with its own limit."""

    def get_failures(self, request, credentials: dict | None = None) -> int:
        username = get_client_username(request, credentials)
        address = getattr(request, "axes_ip_address", None) or client_ip(request)
        return settings.AXES_FAILURE_LIMIT if locks_for(username, address) else 0


def lockout_message(lock: Lock, *, now: datetime) -> str:
    minutes = max(1, math.ceil(lock.seconds_left(now) / 60))
    values = {
        "limit": failure_limit(lock.by),
        "until": f"{timezone.localtime(lock.until):%H:%M}",
        "minutes": minutes,
    }
    if lock.by in (USERNAME, PAIR):
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
