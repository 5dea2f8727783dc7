"""`complaints draft|lodge|move|show`: PDF and ZIP outputs, and one-line refusals with exit status 2."""
import hashlib
import io
import json
import zipfile

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command

from complaints.models import Channel
from complaints.services import lodge_complaint, record_complaint_event, update_requester_details
from tests.complaints.pdftext import embedded_fonts, pdf_text
from tests.factories import file, shanghai


@pytest.fixture
def overdue(catalog):
    app = catalog["卢米埃影城"]
    app.addresses = ["北京市东城区测试路1号（测试地址）"]
    app.save()
    request = file(app, at=shanghai(2026, 9, 28, 10), requester_contact="13812345678", app_ticket_number="LM-0928")
    update_requester_details(request=request, changes={"address": "上海市徐汇区测试路2号", "postcode": "200030"})
    return request


@pytest.mark.django_db
def test_draft_as_pdf_has_the_chinese_text_and_embeds_the_font(overdue, tmp_path):
    lodge_complaint(request=overdue, channel=Channel.objects.get(code="app"), at=shanghai(2026, 10, 14, 10))
    out = tmp_path / "12300.pdf"
    call_command("complaints", "draft", str(overdue.pk), "--channel", "12300", "--at", "2026-10-30T09:00", "--format", "pdf", "--out", str(out))
    data = out.read_bytes()
    assert data.startswith(b"%PDF")
    text = pdf_text(data)
    for fact in ("北京卢米埃时代电影院线有限公司", "在7个工作日内完成注销处理", "2026-10-13", "工信部令第35号", "申诉书"):
        assert fact in text, fact
    assert "Englishversion,forreading" in text  # the English reading copy follows on its own page
    assert embedded_fonts(data) and all("CJK" in name for name in embedded_fonts(data))


@pytest.mark.django_db
def test_case_file_zip_holds_every_evidence_file_with_a_sha256_manifest(overdue, tmp_path):
    complaint = lodge_complaint(request=overdue, channel=Channel.objects.get(code="app"), at=shanghai(2026, 10, 14, 10),
                                evidence=[ContentFile("截图：客服未回复".encode(), name="客服截图 1.txt")])
    record_complaint_event(complaint=complaint, event="answer", note="客服称处理中", at=shanghai(2026, 10, 20, 10),
                           evidence=[ContentFile(b"\x89PNG\r\n\x1a\n fake", name="../../etc/passwd.png")])
    out = tmp_path / "case.zip"
    call_command("complaints", "draft", str(overdue.pk), "--channel", "12300", "--at", "2026-10-30T09:00", "--format", "zip", "--out", str(out))
    archive = zipfile.ZipFile(out)
    names = archive.namelist()
    assert {"casefile.pdf", "draft.zh-hans.txt", "draft.en.txt", "MANIFEST-SHA256.txt"} <= set(names)
    evidence = [n for n in names if n.startswith("evidence/")]
    assert len(evidence) == 2 and all(".." not in n and "/etc/" not in n for n in evidence)
    manifest = dict(line.split("  ", 1)[::-1] for line in archive.read("MANIFEST-SHA256.txt").decode().splitlines())
    assert set(manifest) == set(names) - {"MANIFEST-SHA256.txt"}
    for name, digest in manifest.items():
        assert hashlib.sha256(archive.read(name)).hexdigest() == digest, name
    casefile = pdf_text(archive.read("casefile.pdf"))
    assert "在7个工作日内完成注销处理" in casefile and "北京卢米埃时代电影院线有限公司" in casefile and "客服称处理中" in casefile


@pytest.mark.django_db
def test_show_as_json(overdue):
    complaint = lodge_complaint(request=overdue, channel=Channel.objects.get(code="isc"), at=shanghai(2026, 10, 14, 10))
    out = io.StringIO()
    call_command("complaints", "show", str(complaint.pk), "--json", stdout=out)
    data = json.loads(out.getvalue())
    assert data["id"] == complaint.pk and data["request"] == overdue.pk and data["channel"] == "isc" and data["state"] == "lodged"
    assert data["clocks"][0]["final_due"] == "2026-10-28" and data["events"] == ["admit", "not_admit", "answer", "close", "withdraw"]


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("args, says", [
    (["draft", "{id}", "--channel", "99999"], "unknown channel '99999'"),
    (["draft", "424242", "--channel", "app"], "no request #424242"),
    (["draft", "{id}", "--channel", "app", "--at", "２０２６-10-30"], "--at must be an ISO date"),
    (["draft", "{id}", "--channel", "app", "--at", "0026-11-02T10:00"], "outside the working-day calendar"),
    (["draft", "{id}", "--channel", "app", "--at", "2026-10-30", "--format", "pdf"], "--out FILE is required"),
    (["lodge", "{id}", "--channel", "app", "--at", "2026-10-10T10:00"], "2026-10-14"),
    (["move", "424242", "answer"], "no complaint #424242"),
    (["lodge", "{id}", "--channel", "app", "--by", "nobody"], "unknown user 'nobody'"),
])
def test_refusals_are_one_line_on_stderr_with_status_2(command, overdue, args, says):
    result = command("complaints", *[a.format(id=overdue.pk) for a in args], language="en")
    assert result.returncode == 2, result.stdout
    assert says in result.stderr and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
