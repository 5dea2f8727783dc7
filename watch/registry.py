"""What the watch needs from the layers above it, which they register in their AppConfig.ready().

The watch sits below the request track (policies <- watch <- rights), so it never imports rights. A promise
change is mailed to the team and to the people handling that app's open requests: rights registers a function
that names them.

    # rights/apps.py
    def ready(self):
        from watch.registry import register_recipients
        register_recipients(open_request_assignee_emails)   # (app) -> iterable of e-mail addresses
"""
from __future__ import annotations

from collections.abc import Callable, Iterable

from policies.models import App

RecipientsFor = Callable[[App], Iterable[str]]

_recipients: list[RecipientsFor] = []


def register_recipients(function: RecipientsFor) -> None:
    if function not in _recipients:
        _recipients.append(function)


def unregister_recipients(function: RecipientsFor) -> None:
    if function in _recipients:
        _recipients.remove(function)


def recipients_for(app: App) -> list[str]:
    """Every registered layer's addresses for `app`'s promise changes, each once, in the order found."""
    found: dict[str, None] = {}
    for function in _recipients:
        for address in function(app):
            if address:
                found.setdefault(address.strip(), None)
    return list(found)
