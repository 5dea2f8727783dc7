"""The complaints admin in a real browser (Debian's chromium through Playwright): a case worker drafts and lodges
a complaint with the app, then with 12300, copies the text, and reads the pages in Chinese and English at
1280 and 390 px. Screenshots go to var/artifacts/."""
import pytest
from playwright.sync_api import expect

from complaints.models import Complaint
from complaints.services import update_requester_details
from rights.models import RightsRequest
from rights.roles import CASE_WORKER, ensure_roles
from tests import browser as shared
from tests.browser import PASSWORD
from tests.factories import UserFactory, file, shanghai

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def case(catalog):
    worker = UserFactory(username="zhao", first_name="赵", last_name="敏")
    worker.set_password(PASSWORD)
    worker.save()
    worker.groups.add(ensure_roles()[CASE_WORKER])
    app = catalog["卢米埃影城"]
    app.addresses = ["北京市东城区测试路1号（测试地址）"]
    app.save()
    request = file(app, at=shanghai(2026, 9, 28, 10), requester_contact="13812345678", acting_user=worker,
                   channel_used="个人中心 -》客服中心 -》 人工客服", app_ticket_number="LM-0928")
    update_requester_details(request=request, changes={"address": "上海市徐汇区测试路2号", "postcode": "200030"})
    return worker, request


def open_page(browser, live_server, locale, width, worker):
    # Clipboard granted so that the copy button's write settles the same way on every machine.
    page = shared.new_page(browser, locale, width=width, height=900, context_options={"permissions": ["clipboard-read", "clipboard-write"]})
    shared.sign_in(page, live_server.url, worker)
    return page


def shot(page, name):
    shared.shot(page, f"complaints-{name}")


def draft_and_lodge(page, live_server, request, channel, drafted_at, lodged_at, reference=""):
    page.goto(f"{live_server.url}/admin/complaints/complaint/new/?request={request.pk}&channel={channel}")
    assert page.locator(f"#cp-channels tr[data-channel='{channel}']").get_attribute("data-admissible") == "true"
    page.fill("#id_at", drafted_at)
    page.click("#cp-draft-form input[type=submit]")
    page.wait_for_selector("#cp-complaint[data-state=drafted]")
    page.click("details[data-event=lodge] summary")
    form = page.locator("details[data-event=lodge] form")
    form.locator("input[name=lodge-at]").fill(lodged_at)
    if reference:
        form.locator("input[name=lodge-reference]").fill(reference)
    form.locator("input[type=submit]").click()
    page.wait_for_selector("#cp-complaint[data-state=lodged]")


def test_case_worker_drafts_and_lodges_with_the_app_then_12300(browser, live_server, case):
    worker, request = case
    page = open_page(browser, live_server, "zh-CN", 1280, worker)

    page.goto(f"{live_server.url}/admin/complaints/complaint/new/?request={request.pk}&channel=12300")
    row = page.locator("#cp-channels tr[data-channel='12300']")
    assert row.get_attribute("data-admissible") == "false" and "第十条(四)" in row.inner_text()
    assert page.locator("#cp-refusal").count() == 1
    shot(page, "01-channels-zh-1280")

    draft_and_lodge(page, live_server, request, "app", "2026-10-14T09:00", "2026-10-14T10:00")
    assert "2026-11-04" in page.locator("#cp-clocks").inner_text()  # 15 working days (认定方法 六、5)
    # The text is copied with the button (a static script; the page has no inline script).
    page.click("button[data-copy='#cp-text']")
    # The clipboard write settles asynchronously: wait for the button to say so, then read what was copied.
    expect(page.locator("button[data-copy='#cp-text']")).to_have_attribute("data-copied", "true")
    assert "卢米埃" in page.evaluate("navigator.clipboard.readText()")
    shot(page, "02-app-complaint-zh-1280")

    draft_and_lodge(page, live_server, request, "12300", "2026-10-30T09:00", "2026-10-30T10:00", reference="GX-2026-001")
    text = page.locator("#cp-text").input_value()
    for fact in ("北京卢米埃时代电影院线有限公司", "在7个工作日内完成注销处理", "2026-10-13", "工信部令第35号"):
        assert fact in text
    history = page.locator("#cp-history tbody tr").evaluate_all("rows => rows.map(r => r.dataset.event)")
    assert history == ["draft", "lodge", "request_escalated"]
    assert page.locator("#cp-clocks tr[data-action=admission]").get_attribute("data-last-day") == "2026-11-06"
    shot(page, "03-12300-lodged-zh-1280")
    assert RightsRequest.objects.get(pk=request.pk).state == "escalated"
    assert [c.state for c in Complaint.objects.order_by("pk")] == ["lodged", "lodged"]

    page.set_viewport_size({"width": 390, "height": 844})
    shot(page, "04-12300-lodged-zh-390")
    page.goto(f"{live_server.url}/admin/complaints/complaint/new/?request={request.pk}&channel=isc")
    shot(page, "05-channels-zh-390")
    page.goto(f"{live_server.url}/admin/complaints/complaint/casefile/{request.pk}/")
    assert "在7个工作日内完成注销处理" in page.locator("#cp-casefile").inner_text()
    shot(page, "06-casefile-zh-390")
    page.context.close()

    page = open_page(browser, live_server, "en-US", 1280, worker)
    complaint = Complaint.objects.get(channel__code="12300")
    page.goto(f"{live_server.url}/admin/complaints/complaint/{complaint.pk}/change/")
    assert page.locator("#cp-complaint").get_attribute("data-state") == "lodged"
    page.click("details[data-event=admit] summary")
    shot(page, "07-12300-en-1280")
    page.goto(f"{live_server.url}/admin/complaints/complaint/new/?request={request.pk}&channel=court")
    shot(page, "08-channels-en-1280")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/admin/complaints/complaint/{complaint.pk}/change/")
    shot(page, "09-12300-en-390")
    page.goto(f"{live_server.url}/admin/complaints/complaint/")
    shot(page, "10-list-en-390")
    page.context.close()
