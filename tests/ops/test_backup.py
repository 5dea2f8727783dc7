"""Backups that restore: `backup FILE` then `restore FILE` into an emptied database gives the same rows, the same
evidence files (by SHA-256) and clocks that agree with a replay; a database with work in it is refused."""
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from rights.backup import file_digests, row_counts
from rights.services import record_event
from tests.conftest import append_only_lifted_for_a_flush
from tests.factories import UserFactory, file, shanghai


@pytest.fixture
def media(tmp_path, monkeypatch, settings):
    media = tmp_path / "media"
    media.mkdir()
    settings.MEDIA_ROOT = str(media)
    monkeypatch.setenv("MEDIA_ROOT", str(media))  # before `manage` copies the environment for its subprocesses
    return media


def round_trip(manage, catalog, media, tmp_path):

    clerk = UserFactory(username="wang", email="wang@example.com")
    filed = file(catalog["卢米埃影城"], at=shanghai(2026, 9, 28, 10), assignee=clerk)
    record_event(
        request=filed, event="acknowledge", at=shanghai(2026, 9, 29, 10), now=shanghai(2026, 9, 29, 11),
        evidence=[SimpleUploadedFile("回复.txt", "已受理\n".encode())],
    )  # fmt: skip
    file(catalog["E票电影"], at=shanghai(2026, 9, 30, 15), requester="李四")
    rows, files = row_counts(), file_digests(media)
    assert rows["rights.RightsRequest"] == 2 and len(files) == 1

    archive = tmp_path / "rightsdesk.backup"
    done = manage("backup", str(archive))
    assert done.returncode == 0, done.stderr
    refused = manage("restore", str(archive))  # the database still holds the work
    assert refused.returncode == 2 and "not empty" in refused.stderr and len(refused.stderr.splitlines()) == 1

    with append_only_lifted_for_a_flush():  # an empty database, as a fresh install gives
        call_command("flush", "--no-input")
    for path in media.rglob("*"):
        if path.is_file():
            path.unlink()
    assert row_counts()["rights.RightsRequest"] == 0, row_counts()

    done = manage("restore", str(archive))
    assert done.returncode == 0, done.stderr
    assert row_counts() == rows
    assert file_digests(media) == files
    check = manage("clocks", "rebuild", "--check")
    assert check.returncode == 0, check.stdout + check.stderr


def test_a_backup_restores_into_an_emptied_database(media, manage, catalog, tmp_path):
    round_trip(manage, catalog, media, tmp_path)


@pytest.mark.postgres
def test_a_backup_restores_on_postgresql_with_the_tally_rebuilt(media, manage, catalog, tmp_path):
    from django.db import connection

    from rights import tally

    round_trip(manage, catalog, media, tmp_path)
    with connection.cursor() as cursor:
        assert tally.differences(cursor) == []
        cursor.execute("SELECT count(*) FROM rights_requesttally WHERE n <> 0")
        assert cursor.fetchone()[0] > 0
