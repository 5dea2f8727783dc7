"""The embedded default mail backend: one .eml file per message under EMAIL_FILE_PATH.

Django's file backend appends every message of a connection to one .log file, separated by dashes: nothing a
mail program opens. Here each message is its own RFC 5322 file (open it in any mail client), named by time and
a random part so two sweeps never write the same file; written to a temporary name and renamed, so a reader
never sees half a message.
"""
from __future__ import annotations

import os
import secrets
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings
from django.core.mail.backends.base import BaseEmailBackend


class EmlFileBackend(BaseEmailBackend):
    def __init__(self, *args, file_path: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.directory = Path(file_path or getattr(settings, "EMAIL_FILE_PATH", None) or "var/mail")

    def send_messages(self, email_messages) -> int:
        if not email_messages:
            return 0
        self.directory.mkdir(parents=True, exist_ok=True)
        sent = 0
        for message in email_messages:
            if not message.recipients():
                continue
            stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
            name = f"{stamp}-{secrets.token_hex(6)}.eml"
            temporary = self.directory / f".{name}.tmp"
            temporary.write_bytes(message.message().as_bytes(linesep="\r\n"))
            os.replace(temporary, self.directory / name)
            sent += 1
        return sent
