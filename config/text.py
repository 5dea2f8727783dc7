"""Text people type, at the boundary: the one rule for control characters and lengths, and its one-line
messages (the services' clean_text, the admin's channel rows). Each returns the message, or "" when the text is
fine; the caller raises it as its own error (RequestError, ValidationError)."""

import unicodedata

from django.utils.translation import gettext as _


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
