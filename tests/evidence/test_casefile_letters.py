"""The case file ZIP (issue 19): the complaint letters as drafted for the case, and the evidence under its original
names, kept inside their folders and told apart when two share a name; the manifest covers every file."""

import hashlib
import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from complaints.casefile import case_file_zip
from rights.services import record_event
from tests.factories import shanghai

from .conftest import PNG

pytestmark = pytest.mark.django_db


def test_the_zip_holds_the_letters_and_the_evidence_under_safe_original_names(case, clerk):
    request, complaint = case
    request = record_event(
        request=request, event="reply", acting_user=clerk, at=shanghai(2026, 9, 30, 10), note="回复",
        evidence=[SimpleUploadedFile("../../回执.png", PNG + b"2", content_type="image/png"),
                  SimpleUploadedFile("回执.png", PNG + b"3", content_type="image/png"),
                  SimpleUploadedFile("..\\..\\.hidden.png", PNG + b"4", content_type="image/png")],
    )  # fmt: skip
    archive = zipfile.ZipFile(io.BytesIO(case_file_zip(request=request)))
    names = archive.namelist()

    # The letters: the complaint's text as drafted (complaints.drafting), in both languages.
    zh, en = f"letters/complaint-{complaint.pk}-app.zh-hans.txt", f"letters/complaint-{complaint.pk}-app.en.txt"
    assert [n for n in names if n.startswith("letters/")] == [zh, en]
    assert archive.read(zh).decode() == complaint.text and "卢米埃" in complaint.text
    assert archive.read(en).decode() == complaint.text_en and "English version" in complaint.text_en

    # The evidence under its original names, numbered, none leaving its folder, none hidden, none stored name.
    evidence = [n for n in names if n.startswith("evidence/request/")]
    assert evidence == [
        "evidence/request/001-回执.png", "evidence/request/002-回执.png", "evidence/request/003-回执.png",
        "evidence/request/004-hidden.png",
    ]  # fmt: skip
    assert len(set(names)) == len(names)
    assert all(".." not in n.split("/") and not n.startswith("/") for n in names)
    assert [n for n in names if n.startswith("evidence/complaint-")] == [f"evidence/complaint-{complaint.pk}/001-截图.png"]

    # The manifest covers every other file, with its digest.
    manifest = dict(reversed(line.split("  ", 1)) for line in archive.read("MANIFEST-SHA256.txt").decode().splitlines())
    assert set(manifest) == set(names) - {"MANIFEST-SHA256.txt"}
    for name, digest in manifest.items():
        assert hashlib.sha256(archive.read(name)).hexdigest() == digest, name
