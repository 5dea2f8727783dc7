"""The reply address: one per request (and one per complaint to the app, `c` instead of `r`), `RIGHTSDESK_REPLY_ADDRESS` with `{token}` replaced by the request's number
and an HMAC of it under the secret key. A reply to that address threads itself; a token whose HMAC does not verify
(forged, altered, another desk's) threads nothing."""

from __future__ import annotations

import re

from django.conf import settings
from django.utils.crypto import constant_time_compare, salted_hmac

SALT = "correspondence.reply-token"
# "r" (a request) or "c" (a complaint) + its number + "-" + 20 hex digits of the HMAC (80 bits); lower case, as mail
# servers may fold the local part's case.
TOKEN = re.compile(r"([rc])(\d{1,18})-([0-9a-f]{20})", re.IGNORECASE)
CASES = {"r": "request", "c": "complaint"}


def _mac(request_id: int, case: str = "request") -> str:
    return salted_hmac(SALT, f"{case}:{request_id}", algorithm="sha256").hexdigest()[:20]


def token_for(request_id: int, case: str = "request") -> str:
    return f"{case[0]}{request_id}-{_mac(request_id, case)}"


def reply_address(request_id: int, case: str = "request") -> str:
    """The reply address of request `request_id`, or of complaint `request_id` when `case` is "complaint"."""
    return settings.RIGHTSDESK_REPLY_ADDRESS.format(token=token_for(request_id, case))


def _pattern() -> re.Pattern:
    """The reply address with its token as a group, e.g. desk\\+(…)@example\\.org (case-insensitive)."""
    before, _, after = settings.RIGHTSDESK_REPLY_ADDRESS.partition("{token}")
    return re.compile(re.escape(before) + r"([^@\s]+)" + re.escape(after), re.IGNORECASE)


def case_from(addresses: list[str]) -> tuple[str, int] | None:
    """("request" | "complaint", its id) of the verified token in one of these addresses, or None."""
    pattern = _pattern()
    for address in addresses:
        found = pattern.fullmatch(address.strip())
        token = TOKEN.fullmatch(found.group(1)) if found else None
        if token is None:
            continue
        case, number = CASES[token.group(1).lower()], int(token.group(2))
        if constant_time_compare(token.group(3).lower(), _mac(number, case)):
            return case, number
    return None


def request_id_from(addresses: list[str]) -> int | None:
    """The request whose verified token is in one of these addresses, or None."""
    found = case_from(addresses)
    return found[1] if found and found[0] == "request" else None
