"""Evidence uploads (rights/uploads.py): a size limit, an allow-list of types checked by content, random names on
disk, and files served with their real type, `nosniff` and a sandbox, only to staff who may see the request."""
import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from rights.models import Evidence, State
from rights.roles import AUDITOR, CASE_WORKER
from rights.uploads import EVIDENCE_CSP, BoundedUploadHandler, identify
from tests.factories import UserFactory, file, shanghai

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

SENT = shanghai(2026, 9, 28, 10)
MB = 1024 * 1024

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 64
GIF = b"GIF89a\x01\x00\x01\x00" + b"\x00" * 64
WEBP = b"RIFF\x24\x00\x00\x00WEBPVP8 " + b"\x00" * 64
PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\n%%EOF\n"
TEXT = "客服回复：已受理，工单号 LM-01。\r\nThe app replied.\n".encode()
EML = (
    "From: 客服 <kefu@lumiere.example>\r\nTo: user@example.com\r\nSubject: =?utf-8?b?5bey5Y+X55CG?=\r\n"
    "Date: Tue, 29 Sep 2026 09:30:00 +0800\r\n\r\n"
).encode() + "您的注销申请已受理。".encode("gbk")  # an 8-bit GBK body, as Chinese mail often has

ACCEPTED = [("截图.png", PNG, "image/png", True), ("照片.jpg", JPEG, "image/jpeg", True), ("动图.gif", GIF, "image/gif", True),
            ("图片.webp", WEBP, "image/webp", True), ("回函.pdf", PDF, "application/pdf", False),
            ("记录.txt", TEXT, "text/plain; charset=utf-8", True), ("邮件.eml", EML, "message/rfc822", False)]

REFUSED = [
    ("截图.png", b"MZ\x90\x00\x03" + b"\x00" * 64),  # a Windows program named like a screenshot
    ("邮件.msg", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64),  # Outlook / legacy Office compound file
    ("a.zip", b"PK\x03\x04" + b"\x00" * 64),
    ("记录.txt", "客服回复".encode("utf-16")),  # not UTF-8
    ("记录.txt", "客服回复".encode("gbk")),
    ("记录.txt", b"plain text\x00with a NUL"),
    ("记录.txt", b"text then \x1b[31m an escape"),
    ("a.txt", b"x" * 70_000 + b"\x00"),  # text on its first 64 KB, binary after
    ("empty.png", b""),
]


@pytest.fixture
def clerk(roles):
    return UserFactory(username="clerk", role=CASE_WORKER)


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    return tmp_path


@pytest.fixture
def filed(catalog, clerk):
    return file(catalog["卢米埃影城"], at=SENT, acting_user=clerk)


def acknowledge_with(client, request, *uploads):
    url = reverse("admin:rights_rightsrequest_transition", args=[request.pk, "acknowledge"])
    return client.post(
        url,
        {"acknowledge-expected_state": request.state, "acknowledge-note": "受理", "acknowledge-evidence": list(uploads)},
        follow=True,
    )


def errors_shown(response) -> str:
    return " ".join(str(m) for m in response.context["messages"])


@pytest.mark.parametrize("name, content, content_type, inline", ACCEPTED, ids=[a[0] for a in ACCEPTED])
def test_each_allowed_type_is_kept_under_a_random_name_and_served_as_what_it_is(
    client, clerk, filed, media, name, content, content_type, inline
):
    client.force_login(clerk)
    # The browser's declared type is not trusted: everything claims to be octet-stream here.
    acknowledge_with(client, filed, SimpleUploadedFile(name, content, content_type="application/octet-stream"))
    filed.refresh_from_db()
    assert filed.state == State.IN_PROGRESS
    evidence = Evidence.objects.get(request=filed)
    assert evidence.description == name  # the original name, for people
    assert evidence.original_name == name  # kept for the download only
    assert re.fullmatch(rf"evidence/{filed.pk}/[0-9a-f]{{32}}", evidence.file.name)  # random on disk, no extension
    assert name.rsplit(".", 1)[0] not in evidence.file.name

    response = client.get(reverse("admin:rights_rightsrequest_evidence", args=[filed.pk, evidence.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == content
    assert response["Content-Type"] == content_type
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == EVIDENCE_CSP
    assert response["Content-Disposition"].startswith("attachment")  # a download under the original name
    assert "filename*=utf-8''" in response["Content-Disposition"]


@pytest.mark.parametrize("name, content", REFUSED, ids=[f"{n}-{i}" for i, (n, _) in enumerate(REFUSED)])
def test_a_file_of_another_type_is_refused_whatever_its_name_and_nothing_is_recorded(client, clerk, filed, media, name, content):
    client.force_login(clerk)
    response = acknowledge_with(client, filed, SimpleUploadedFile(name, content, content_type="image/png"))
    assert response.status_code == 200
    filed.refresh_from_db()
    assert filed.state == State.SUBMITTED  # the transition was not recorded either
    assert not Evidence.objects.exists()
    shown = errors_shown(response)
    assert "was not recorded" in shown
    if content:
        assert f"“{name}” is not a kind of file RightsDesk keeps as evidence" in shown
    else:
        assert "is empty" in shown


def test_a_file_over_the_limit_is_refused_with_its_size(client, clerk, filed, media):
    # The probe's 60 MB file, scaled down: 21 MiB against the default limit of 20, a real PNG signature first.
    client.force_login(clerk)
    too_big = SimpleUploadedFile("大截图.png", PNG + b"\x00" * (21 * MB - len(PNG)), content_type="image/png")
    response = acknowledge_with(client, filed, too_big)
    filed.refresh_from_db()
    assert filed.state == State.SUBMITTED and not Evidence.objects.exists()
    shown = errors_shown(response).replace("\xa0", " ")
    assert "“大截图.png” is 21.0 MB; an evidence file may be at most 20.0 MB." in shown


def test_the_limit_is_a_setting(client, clerk, filed, media, settings):
    settings.RIGHTSDESK_MAX_UPLOAD_BYTES = 1000
    client.force_login(clerk)
    response = acknowledge_with(client, filed, SimpleUploadedFile("a.png", PNG + b"\x00" * 1000))
    assert "may be at most 1000 bytes" in errors_shown(response).replace("\xa0", " ")
    assert not Evidence.objects.exists()


def test_the_upload_handler_stops_writing_past_the_limit_but_keeps_the_true_size(settings):
    settings.RIGHTSDESK_MAX_UPLOAD_BYTES = 100_000
    handler = BoundedUploadHandler()
    handler.new_file("evidence", "big.png", "image/png", 5 * MB)
    chunk = b"\x00" * (64 * 1024)
    for index in range(80):  # 5 MiB arrive
        handler.receive_data_chunk(chunk, index * len(chunk))
    uploaded = handler.file_complete(80 * len(chunk))
    try:
        assert uploaded.size == 5 * MB  # what the form reports
        uploaded.file.seek(0, io.SEEK_END)
        assert uploaded.file.tell() == 100_001  # what the disk holds
    finally:
        uploaded.close()


def test_evidence_is_served_only_to_staff_who_may_see_the_request(client, clerk, filed, media, roles):
    client.force_login(clerk)
    acknowledge_with(client, filed, SimpleUploadedFile("截图.png", PNG))
    evidence = Evidence.objects.get()
    url = reverse("admin:rights_rightsrequest_evidence", args=[filed.pk, evidence.pk])

    assert client.get(url).status_code == 200
    client.force_login(UserFactory(username="auditor", role=AUDITOR))  # reads everything
    assert client.get(url).status_code == 200
    client.force_login(UserFactory(username="outsider"))  # staff, but no permission on requests
    assert client.get(url).status_code == 403
    client.logout()
    assert client.get(url).status_code == 302  # to the login page
    assert "/admin/login/" in client.get(url)["Location"]
    # Not under MEDIA_URL either: nothing serves var/media publicly.
    assert client.get(f"/media/{evidence.file.name}").status_code == 404


def test_a_file_kept_before_these_checks_downloads_as_bytes_and_never_renders(client, clerk, filed, media):
    client.force_login(clerk)
    acknowledge_with(client, filed, SimpleUploadedFile("截图.png", PNG))
    evidence = Evidence.objects.get()
    (media / evidence.file.name).write_bytes(b"<html><script>alert(1)</script>\x00")
    response = client.get(reverse("admin:rights_rightsrequest_evidence", args=[filed.pk, evidence.pk]))
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("content", [b" " * 100_000 * 3, ("一句话" * 100_000).encode(), b"\n" * 300_000])
def test_identifying_a_large_text_is_linear(content):
    import time

    started = time.perf_counter()
    assert identify(io.BytesIO(content)) is not None
    assert time.perf_counter() - started < 1.0
