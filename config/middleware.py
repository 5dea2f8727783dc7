"""Refuse a query string that carries a NUL character, before any view sees it.

PostgreSQL text cannot hold NUL (0x00): `?q=%00` or `?status=%00` on an admin list reached the database and
answered 500 ("PostgreSQL text fields cannot contain NUL"). No address anyone types holds one, so every view
gets the same one-line answer instead of each guarding its parameters. (Forms already refuse NUL in posted
fields: Django's CharField validates against it.)
"""

from django.http import HttpResponseBadRequest
from django.utils.translation import gettext as _


class RejectNulInQueryString:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.META.get("QUERY_STRING", "") or any(
            "\x00" in key or any("\x00" in value for value in values) for key, values in request.GET.lists()
        ):
            return HttpResponseBadRequest(
                _("The address contains a NUL character (%00); remove it and try again."),
                content_type="text/plain; charset=utf-8",
            )
        return self.get_response(request)
