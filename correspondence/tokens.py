"""The reply address: one per request, `RIGHTSDESK_REPLY_ADDRESS` with `{token}` replaced by the request's number
and an HMAC of it under the secret key. A reply to that address threads itself; a token whose HMAC does not verify
(forged, altered, another desk's) threads nothing."""

from __future__ import annotations

import re

from django.conf import settings
from django.utils.crypto import constant_time_compare, salted_hmac

SALT = "correspondence.reply-token"
# "r" + the request's number + "-" + 20 hex digits of the HMAC (80 bits); lower case, as mail servers may fold
# the local part's case.
TOKEN = re.compile(r"r(\d{1,18})-([0-9a-f]{20})", re.IGNORECASE)


def _mac(request_id: int) -> str:
    return salted_hmac(SALT, f"request:{request_id}", algorithm="sha256").hexdigest()[:20]


def token_for(request_id: int) -> str:
    return f"r{request_id}-{_mac(request_id)}"


def reply_address(request_id: int) -> str:
    return settings.RIGHTSDESK_REPLY_ADDRESS.format(token=token_for(request_id))


def _pattern() -> re.Pattern:
    """The reply address with its token as a group, e.g. desk\\+(…)@example\\.org (case-insensitive)."""
    before, _, after = settings.RIGHTSDESK_REPLY_ADDRESS.partition("{token}")
    return re.compile(re.escape(before) + r"([^@\s]+)" + re.escape(after), re.IGNORECASE)


def request_id_from(addresses: list[str]) -> int | None:
    """The request whose verified token is in one of these addresses, or None."""
    pattern = _pattern()
    for address in addresses:
        found = pattern.fullmatch(address.strip())
        token = TOKEN.fullmatch(found.group(1)) if found else None
        if token and constant_time_compare(token.group(2).lower(), _mac(int(token.group(1)))):
            return int(token.group(1))
    return None
