"""Evidence at rest: a random name with no extension on disk, whatever the upload was called; the original name is
kept in the database and used only as the download's file name (always an attachment)."""
from urllib.parse import quote

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from complaints.models import ComplaintEvidence
from rights.models import Evidence
from tests.rights.test_uploads import acknowledge_with, clerk, filed, media  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db

SVG = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(2)</script></svg>\n'
HTML = "<html><body onload=alert(1)>客服回复</body></html>\n".encode()


@pytest.mark.parametrize("name, content", [("回复.svg", SVG), ("回复.html", HTML), ("截图.png.exe.txt", b"text\n")])
def test_an_upload_is_stored_without_its_extension_and_downloaded_under_its_original_name(
    client, clerk, filed, media, name, content  # noqa: F811
):
    client.force_login(clerk)
    acknowledge_with(client, filed, SimpleUploadedFile(name, content, content_type="text/html"))
    evidence = Evidence.objects.get(request=filed)
    stored = media / evidence.file.name
    assert stored.read_bytes() == content
    assert "." not in stored.name and evidence.original_name == name
    assert [p.name for p in stored.parent.iterdir()] == [stored.name]  # no other copy under the original name

    response = client.get(reverse("admin:rights_rightsrequest_evidence", args=[filed.pk, evidence.pk]))
    assert response["Content-Disposition"] == f"attachment; filename*=utf-8''{quote(name)}"
    assert response["Content-Type"] == "text/plain; charset=utf-8"


def test_complaint_evidence_is_stored_the_same_way(media):  # noqa: F811
    upload = SimpleUploadedFile("函.html", HTML)
    row = ComplaintEvidence(description="函.html")
    assert ComplaintEvidence._meta.get_field("file").generate_filename(row, upload.name).rsplit("/", 1)[1].isalnum()
    assert row.original_name == "函.html"
