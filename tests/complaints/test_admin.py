"""The complaints admin on its own URLs (the lead wires the request page's panel): what a case worker and an
auditor see and can do, through the services only."""
import io
import zipfile

import pytest
from django.urls import reverse

from complaints.models import Channel, Complaint, ComplaintLog, DraftTemplate
from complaints.panels import dashboard_figures, request_panel_context
from complaints.services import lodge_complaint, update_requester_details
from records.models import AuditEntry
from rights.roles import AUDITOR, CASE_WORKER
from tests.factories import UserFactory, file, shanghai

pytestmark = pytest.mark.django_db


@pytest.fixture
def worker(roles):
    return UserFactory(username="worker", role=CASE_WORKER)


@pytest.fixture
def auditor(roles):
    return UserFactory(username="auditor", role=AUDITOR)


@pytest.fixture
def overdue(catalog):
    """卢米埃影城 cancellation filed 2026-09-28 10:00, due 2026-10-13, never done (today is long after)."""
    app = catalog["卢米埃影城"]
    app.addresses = ["北京市东城区测试路1号（测试地址）"]
    app.save()
    request = file(app, at=shanghai(2026, 9, 28, 10), requester_contact="13812345678", app_ticket_number="LM-0928")
    update_requester_details(request=request, changes={"address": "上海市徐汇区测试路2号", "postcode": "200030"})
    return request


def test_the_new_page_lists_every_channel_with_its_admissibility_and_previews_the_app_complaint(client, worker, overdue, english):
    client.force_login(worker)
    page = client.get(reverse("admin:complaints_complaint_new") + f"?request={overdue.pk}&channel=app")
    assert page.status_code == 200
    html = page.content.decode()
    for code in ("app", "12300", "isc", "12377", "12315", "court"):
        assert f'data-channel="{code}"' in html
    # 12300 is not admissible: no complaint to the app yet; the court needs a refusal.
    assert 'data-channel="12300" data-admissible="false"' in html and "no complaint to the app yet" in html
    assert 'data-channel="app" data-admissible="true"' in html
    assert "在7个工作日内完成注销处理" in html and 'data-copy="#cp-preview"' in html
    assert "<script>" not in html and "onclick" not in html  # strict CSP: scripts only from static files


def test_the_new_page_shows_a_draft_that_is_not_admissible_yet_with_the_reason_and_no_draft_button(client, worker, overdue, english):
    client.force_login(worker)
    html = client.get(reverse("admin:complaints_complaint_new") + f"?request={overdue.pk}&channel=12300").content.decode()
    assert 'id="cp-refusal"' in html and "no complaint to the app yet" in html
    assert 'id="cp-preview"' in html and "北京卢米埃时代电影院线有限公司" in html
    assert 'id="cp-draft-form"' not in html


def test_a_case_worker_drafts_then_lodges_with_12300_from_the_admin_and_the_request_is_escalated(client, worker, overdue, english):
    client.force_login(worker)
    lodge_complaint(request=overdue, channel=Channel.objects.get(code="app"), at=shanghai(2026, 10, 14, 10), acting_user=worker)
    response = client.post(reverse("admin:complaints_complaint_new"), {"request": overdue.pk, "channel": "12300", "at": "2026-10-30T09:00"})
    complaint = Complaint.objects.get(channel__code="12300")
    assert response.status_code == 302 and response["Location"].endswith(f"/{complaint.pk}/change/")
    assert "工信部令第35号" in complaint.text and "北京卢米埃时代电影院线有限公司" in complaint.text
    page = client.get(response["Location"]).content.decode()
    assert 'data-event="lodge"' in page and 'data-event="close"' not in page
    lodged = client.post(reverse("admin:complaints_complaint_event", args=[complaint.pk, "lodge"]),
                         {"lodge-expected_state": "drafted", "lodge-at": "2026-10-30T10:00", "lodge-reference": "GX-1"})
    assert lodged.status_code == 302
    complaint.refresh_from_db()
    overdue.refresh_from_db()
    assert complaint.state == "lodged" and complaint.reference == "GX-1"
    assert overdue.state == "escalated" and overdue.regulator == complaint.channel.name
    # A stale page (it still shows "drafted") gets "changed by someone else", never a 500.
    again = client.post(reverse("admin:complaints_complaint_event", args=[complaint.pk, "admit"]),
                        {"admit-expected_state": "drafted"}, follow=True)
    assert "changed by someone else" in again.content.decode()
    assert complaint.log.count() == 3


def test_an_auditor_sees_the_complaint_but_can_record_nothing(client, auditor, worker, overdue, english):
    complaint = lodge_complaint(request=overdue, channel=Channel.objects.get(code="app"), at=shanghai(2026, 10, 14, 10), acting_user=worker)
    client.force_login(auditor)
    page = client.get(reverse("admin:complaints_complaint_change", args=[complaint.pk]))
    assert page.status_code == 200 and 'id="cp-actions"' not in page.content.decode()
    response = client.post(reverse("admin:complaints_complaint_event", args=[complaint.pk, "answer"]),
                           {"answer-expected_state": "lodged", "answer-note": "已注销"}, follow=True)
    assert response.status_code == 403  # a read-only role writes nothing (accounts/middleware.py)
    complaint.refresh_from_db()
    assert complaint.state == "lodged" and not ComplaintLog.objects.filter(event="answer").exists()
    assert client.post(reverse("admin:complaints_complaint_new"), {"request": overdue.pk, "channel": "app"}).status_code == 403


def test_the_pdf_and_zip_download_and_the_case_file_page_print(client, worker, overdue):
    from tests.complaints.pdftext import embedded_fonts, pdf_text

    client.force_login(worker)
    complaint = lodge_complaint(request=overdue, channel=Channel.objects.get(code="app"), at=shanghai(2026, 10, 14, 10), acting_user=worker)
    pdf = client.get(reverse("admin:complaints_complaint_pdf", args=[complaint.pk]))
    assert pdf["Content-Type"] == "application/pdf"
    text = pdf_text(pdf.content)
    assert "北京卢米埃时代电影院线有限公司" in text and "在7个工作日内完成注销处理" in text
    assert any("CJK" in name for name in embedded_fonts(pdf.content))  # the Chinese font travels with the file
    archive = zipfile.ZipFile(io.BytesIO(client.get(reverse("admin:complaints_casefile_zip", args=[overdue.pk])).content))
    assert "casefile.pdf" in archive.namelist() and "MANIFEST-SHA256.txt" in archive.namelist()
    page = client.get(reverse("admin:complaints_casefile", args=[overdue.pk])).content.decode()
    assert "在7个工作日内完成注销处理" in page and "@media print" not in page  # print rules live in the static sheet


def test_documents_reminder_and_power_of_attorney(client, worker, overdue, english):
    client.force_login(worker)
    reminder = client.get(reverse("admin:complaints_document", args=[overdue.pk, "reminder"])).content.decode()
    assert "催办函" in reminder and "2026-10-13" in reminder
    # No agent on file: the power of attorney is shown, the agent a marked blank listed at the end.
    poa = client.get(reverse("admin:complaints_document", args=[overdue.pk, "power_of_attorney"])).content.decode()
    assert 'id="cp-refusal"' not in poa and "受托人：【待补：受托人】" in poa and "待补充事项" in poa
    update_requester_details(request=overdue, changes={"agent_name": "李律师", "agent_phone": "13900000000"})
    poa = client.get(reverse("admin:complaints_document", args=[overdue.pk, "power_of_attorney"])).content.decode()
    assert "授权委托书" in poa and "李律师" in poa


def test_editing_a_channel_leaves_an_audit_row(admin_client, english):
    channel = Channel.objects.get(code="isc")
    url = reverse("admin:complaints_channel_change", args=[channel.pk])
    form = admin_client.get(url).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and k in form.fields}
    data.update(answer_amount=12, answer_unit="working_day")
    for key in ("drafting", "escalates_request", "needs_complainant_address", "needs_respondent_address", "agent_needs_identity_document"):
        if not data.get(key):
            data.pop(key, None)
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    channel.refresh_from_db()
    assert channel.answer_amount == 12
    entry = AuditEntry.objects.get(subject="channel isc")
    assert entry.changes["answer_amount"] == [10, 12]


def test_a_template_edit_is_previewed_audited_and_a_blank_is_refused_in_the_preview(admin_client, overdue, english):
    template = DraftTemplate.objects.get(key="reminder", language="zh-hans")
    url = reverse("admin:complaints_drafttemplate_change", args=[template.pk])
    assert 'data-preview="ok"' in admin_client.get(url).content.decode()
    response = admin_client.post(url, {"body": "致{{ respondent.name }}：【待填写：请求事项】"})
    assert response.status_code == 302
    assert AuditEntry.objects.filter(subject="template reminder zh-hans").exists()
    page = admin_client.get(url).content.decode()
    assert 'data-preview="refused"' in page and "unfilled placeholder" in page
    broken = admin_client.post(url, {"body": "{% if %}"})
    assert broken.status_code == 200 and "does not compile" in broken.content.decode()


def test_the_panel_and_dashboard_functions_the_lead_wires_in(rf, worker, overdue):
    lodge_complaint(request=overdue, channel=Channel.objects.get(code="app"), at=shanghai(2026, 10, 14, 10), acting_user=worker)
    http_request = rf.get("/")
    http_request.user = worker
    panel = request_panel_context(http_request, overdue)["complaints_panel"]
    states = {row["channel"].code: row for row in panel["channels"]}
    assert states["app"]["ok"] and not states["court"]["ok"] and len(panel["complaints"]) == 1
    figures = dashboard_figures()
    assert figures["per_app"] == [{"app": "卢米埃影城", "lodged": 1, "answered": 0}]
    assert figures["per_channel"][0]["code"] == "app"


def test_the_dashboard_include_links_each_channel_to_its_filtered_list(client, worker, overdue):
    from django.template.loader import render_to_string

    lodge_complaint(request=overdue, channel=Channel.objects.get(code="app"), at=shanghai(2026, 10, 14, 10), acting_user=worker)
    html = render_to_string("admin/complaints/_dashboard.html", {"complaint_figures": dashboard_figures()})
    assert 'data-app="卢米埃影城"' in html and 'data-channel="app"' in html
    client.force_login(worker)
    link = f"{reverse('admin:complaints_complaint_changelist')}?channel__id__exact={Channel.objects.get(code='app').pk}"
    page = client.get(link)
    assert page.status_code == 200 and page.context["cl"].result_count == 1


def test_a_calendar_edit_recomputes_provisional_complaint_clocks(worker, overdue, django_capture_on_commit_callbacks):
    from datetime import date

    from complaints.models import ComplaintClock
    from policies.services import set_calendar_day

    complaint = lodge_complaint(request=overdue, channel=Channel.objects.get(code="isc"), at=shanghai(2026, 10, 14, 10), acting_user=worker)
    clock = complaint.clocks.get()
    assert clock.final_due == date(2026, 10, 28)
    ComplaintClock.objects.filter(pk=clock.pk).update(provisional=True)
    with django_capture_on_commit_callbacks(execute=True):
        set_calendar_day(day=date(2026, 10, 20), working=False, name="test day off")
    clock.refresh_from_db()
    assert clock.final_due == date(2026, 10, 29) and not clock.provisional
