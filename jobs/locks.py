"""One holder at a time across processes, for work that must not overlap (the reminder sweep): on PostgreSQL a
session advisory lock (released by the server if the process dies), on SQLite an exclusive lock on a file beside
the database (only processes on this machine can open that database anyway)."""

from __future__ import annotations

import fcntl
import functools
import zlib
from contextlib import contextmanager
from pathlib import Path

from django.db import connection


def lock_key(name: str) -> int:
    return zlib.crc32(name.encode())  # a stable 32-bit key for pg_try_advisory_lock


@contextmanager
def exclusive(name: str):
    """Yield True while holding the lock `name`, or False at once when another process holds it."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s)", [lock_key(name)])
            held = cursor.fetchone()[0]
        try:
            yield held
        finally:
            if held:
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_advisory_unlock(%s)", [lock_key(name)])
        return
    path = Path(str(connection.settings_dict["NAME"]) + f".{name}.lock")
    with open(path, "a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def one_at_a_time(name: str, *, busy: type[Exception], unless=lambda **kwargs: False):
    """Run the decorated function under `exclusive(name)`; raise `busy` when another process holds it. Calls for
    which `unless(**kwargs)` is true (a dry run that rolls back) need no lock."""

    def decorate(function):
        @functools.wraps(function)
        def run(*args, **kwargs):
            if unless(**kwargs):
                return function(*args, **kwargs)
            with exclusive(name) as held:
                if not held:
                    raise busy(name)
                return function(*args, **kwargs)

        return run

    return decorate
