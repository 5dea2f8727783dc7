"""Audit entries in the reader's language. A row stores facts (its action code, its subject, the changes as JSON);
the words are chosen when the row is read. The actions are the strings the apps pass to `audit(action=...)`."""
from __future__ import annotations

import json
import re

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

ACTIONS = {
    "calendar override": _("calendar day entered"),
    "calendar override removed": _("calendar day removed"),
    "calendar year published": _("calendar year published"),
    "calendar year removed": _("calendar year removed"),
    "catalog review": _("catalog review"),
    "catalog acceptance": _("policy version accepted"),
    "complaints catalog": _("complaints catalog"),
    "redact": _("redaction"),
    "reminder settings": _("reminder settings"),
}

# Subjects written as English phrases around an id or a code; matched whole, each pattern linear.
SUBJECTS = [
    (re.compile(r"complainant details of request #(\d+)"), _("complainant details of request #%(x)s")),
    (re.compile(r"request #(\d+)"), _("request #%(x)s")),
    (re.compile(r"channel (\S+)"), _("complaint channel %(x)s")),
    (re.compile(r"template (\S+ \S+)"), _("draft template %(x)s")),
]

KEYS = {
    "old": _("before"), "new": _("after"), "status": _("status"), "edits": _("edits"), "version": _("version"),
    "working": _("working day"), "name": _("name"), "source": _("source"), "published_on": _("published on"),
    "created": _("created"), "reason": _("reason"), "fields": _("fields"), "files": _("files"),
    "values": _("values"),
    # complainant details and complaint channels (complaints.services)
    "phone": _("phone"), "address": _("postal address"), "postcode": _("postcode"), "email": _("e-mail"),
    "agent_name": _("agent"), "agent_phone": _("agent's phone"), "agent_address": _("agent's address"),
    "power_of_attorney": _("power of attorney (授权委托书)"), "agent_identity_document": _("agent's identity document"),
    "body": _("template"), "position": _("position"), "how_to_lodge": _("how to lodge"),
    "how_to_lodge_en": _("how to lodge, in English"), "name_en": _("name in English"),
}  # fmt: skip


def action_label(action: str) -> str:
    return str(ACTIONS.get(action, action))


def subject_label(subject: str) -> str:
    for pattern, label in SUBJECTS:
        match = pattern.fullmatch(subject)
        if match:
            return label % {"x": match.group(1)}
    return subject


def _value(value) -> str:
    if value is None or value == "":
        return "—"
    if value is True:
        return gettext("yes")
    if value is False:
        return gettext("no")
    if isinstance(value, list) and len(value) == 2 and not any(isinstance(v, dict | list) for v in value):
        return f"{_value(value[0])} → {_value(value[1])}"
    if isinstance(value, dict):
        return "; ".join(f"{KEYS.get(k, k)}: {_value(v)}" for k, v in value.items())
    if isinstance(value, list):
        return ", ".join(_value(v) for v in value)
    return str(value) if not isinstance(value, str) else value


def changes_text(changes) -> str:
    """The changes as "field: before → after" phrases, never raw JSON."""
    if not changes:
        return "—"
    if not isinstance(changes, dict):
        return json.dumps(changes, ensure_ascii=False)
    return "; ".join(f"{KEYS.get(k, k)}: {_value(v)}" for k, v in changes.items())
