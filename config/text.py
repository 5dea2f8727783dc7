"""Text people type, at the boundary: the one rule for control characters and lengths, and its one-line
messages. `clean_text` is what both tracks call (rights.services, complaints.services, their forms); the two checks
under it also serve the admin's channel rows. A refusal is raised as the caller's own error (`error=`: RequestError,
ComplaintError, a form's ValidationError), so the same text is refused with the same words wherever it is typed."""

import unicodedata
from typing import Any

from django.utils.translation import gettext as _

# Line breaks and tabs are text; every other control character (NUL included) is a paste accident or an attack.
MULTILINE_CONTROLS = frozenset({"\n", "\t"})


def control_character_error(text: str, label: str, allowed=frozenset()) -> str:
    """The first control character of `text` (NUL included) that is not `allowed`: a paste accident or an attack."""
    for char in text:
        if unicodedata.category(char) == "Cc" and char not in allowed:
            return _("%(field)s contains a control character (U+%(code)04X); remove it and try again.") % {
                "field": label,
                "code": ord(char),
            }
    return ""


def length_error(text: str, label: str, max_length: int | None) -> str:
    if max_length is not None and len(text) > max_length:
        return _("%(field)s is too long: %(n)d characters, at most %(max)d.") % {
            "field": label,
            "n": len(text),
            "max": max_length,
        }
    return ""


def clean_text(
    value: Any,
    *,
    label: str,
    max_length: int | None = None,
    multiline: bool = False,
    error: type[Exception] = ValueError,
) -> str:
    """`value` as text, stripped, Windows line ends made plain; refused (raised as `error`, one line) when it holds
    a control character (line breaks and tabs are allowed in `multiline` text) or is longer than `max_length`."""
    text = "" if value is None else str(value)
    text = text.replace("\r\n", "\n").strip()
    problem = control_character_error(text, label, MULTILINE_CONTROLS if multiline else ()) or length_error(
        text, label, max_length
    )
    if problem:
        raise error(problem)
    return text
