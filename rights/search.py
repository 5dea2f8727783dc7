"""Finding requests by what a person remembers of them: the requester, any part of the contact ("qq.com", the
last digits of a phone), the app, the right as its label reads (注销, "cancellation"), the app's ticket number or
`#id`.

Every word of the search must match one of those (words are ANDed, as in Django's admin). On PostgreSQL the name
and contact conditions are served by trigram indexes on exactly Django's `icontains` expression (migration
0005) for words with three letters or digits in a row, and by prefix b-tree indexes (`text_pattern_ops`,
migration 0009) for shorter ones, which match the start of the name or contact; the ticket number and `#id` by
b-tree lookups; the app and the right are resolved to ids and choices in
Python first (a few rows), so no join is needed. Whatever is typed — "²", "①", control characters, NUL, a
20-digit number — the search never errors: a number is only an id when it is ASCII digits that fit the column.
"""
from __future__ import annotations

import re

from django.db.models import Q
from django.utils import translation

from policies.models import App, Right

# Control characters (NUL included: PostgreSQL refuses it in a literal) are not something anyone searches for.
# Tabs and line breaks separate words; any other control character is dropped ("张\x07三" is 张三).
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f]")
MAX_TERM_LENGTH = 200
MAX_WORDS = 6
# Below 2**63: a longer number cannot be an id (PostgreSQL bigint) and is searched as text only.
_MAX_ID_DIGITS = 18


def clean_term(term: str) -> str:
    return " ".join(_CONTROL.sub("", term or "")[:MAX_TERM_LENGTH].split())


def _as_id(word: str) -> int | None:
    digits = word.removeprefix("#")
    # "0002" is the end of a phone number, not request 2: ids are written without leading zeros.
    if digits.isascii() and digits.isdigit() and len(digits) <= _MAX_ID_DIGITS and not digits.startswith("0"):
        return int(digits)
    return None


def rights_labelled(word: str) -> list[str]:
    """The rights whose label contains `word`, in Chinese or English (账号注销 for 注销)."""
    folded = word.casefold()
    found = set()
    for language in ("zh-hans", "en"):
        with translation.override(language):
            found.update(value for value, label in Right.choices if folded in str(label).casefold())
    return sorted(found)


def has_trigram(word: str) -> bool:
    """Whether `word` has three letters or digits in a row: what a trigram index needs to find it anywhere in a
    name or contact (pg_trgm reads nothing in "王五", "①²" or "%", and would scan every request)."""
    run = 0
    for char in word:
        run = run + 1 if char.isalpha() or char.isdecimal() else 0
        if run == 3:
            return True
    return False


def text_q(word: str) -> Q:
    """A word in the requester's name or contact: anywhere in it when the word has three letters or digits in a
    row (trigram indexes), else at its start ("王" for a surname, "王五", "13"; a b-tree range on PostgreSQL), so
    no word makes a search read every request."""
    lookup = "icontains" if has_trigram(word) else "istartswith"
    return Q(**{f"requester_name__{lookup}": word}) | Q(**{f"requester_contact__{lookup}": word})


def word_q(word: str) -> Q:
    """The requests one word of a search finds."""
    number = _as_id(word)
    if word.startswith("#") and number is not None:
        return Q(pk=number)  # "#12" means request 12, nothing else
    condition = text_q(word) | Q(app_ticket_number=word)
    if number is not None:
        condition |= Q(pk=number)
    app_ids = list(App.objects.filter(name__icontains=word).values_list("pk", flat=True)[:50])
    if app_ids:
        condition |= Q(app_id__in=app_ids)
    rights = rights_labelled(word)
    if rights:
        condition |= Q(right__in=rights)
    return condition


def search_requests(queryset, term: str):
    """`queryset` narrowed to the requests every word of `term` finds (unchanged for an empty search)."""
    words = clean_term(term).split()[:MAX_WORDS]
    for word in words:
        queryset = queryset.filter(word_q(word))
    return queryset
