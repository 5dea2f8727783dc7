"""The admin in a real browser (Debian's chromium through Playwright): a case worker files a request, moves it
through two transitions and sees the deadline and the history, in Chinese and in English.

Screenshots go to var/artifacts/ (CI keeps them).
"""
import pytest

from policies.models import App
from rights.models import RightsRequest, State
from rights.roles import CASE_WORKER, ensure_roles
from tests.browser import PASSWORD, new_page, shot, sign_in
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def case_worker(catalog):
    user = UserFactory(username="wang", first_name="王", last_name="芳")
    user.set_password(PASSWORD)
    user.save()
    user.groups.add(ensure_roles()[CASE_WORKER])
    return user


def take(page, transition, note):
    page.click(f"details[data-transition={transition}] summary")
    form = page.locator(f"details[data-transition={transition}] form")
    form.locator("textarea[name$=note]").fill(note)
    form.locator("input[type=submit]").click()
    page.wait_for_selector("ul.messagelist li.success")


def test_case_worker_files_a_lumiere_cancellation_and_moves_it_twice(browser, live_server, case_worker):
    page = new_page(browser, "zh-CN")
    sign_in(page, live_server.url, case_worker)

    # File: 卢米埃影城 account cancellation sent 2026-09-28 10:00, 7 working days -> due 2026-10-13
    # (National Day 10-01..10-07 off, Saturday 10-10 a make-up working day).
    page.goto(f"{live_server.url}/admin/rights/rightsrequest/add/")
    page.select_option("#id_app", label="卢米埃影城")
    page.select_option("#id_right", "account_cancellation")
    # Only 卢米埃影城's procedures for the right stay selectable.
    lumiere = str(App.objects.get(name="卢米埃影城").pk)
    selectable = page.locator("#id_procedure option[data-app]:not([disabled])")
    assert selectable.count() >= 1
    assert set(selectable.evaluate_all("nodes => nodes.map(n => n.dataset.app)")) == {lumiere}
    page.fill("#id_requester_name", "张三")
    page.fill("#id_requester_contact", "13812345678")
    page.fill("#id_channel_used", "个人中心 -》客服中心 -》 人工客服")
    page.fill("#id_app_ticket_number", "LM-20260928-01")
    page.fill("#id_sent_at", "2026-09-28T10:00")
    shot(page, "01-file-request-zh")
    page.click("input[name=_save]")

    page.wait_for_selector("#case")
    request = RightsRequest.objects.get()
    assert request.state == State.SUBMITTED
    assert page.locator("#deadlines .rd-clock[data-last-day='2026-10-13']").count() == 1
    assert "2026-10-13" in page.locator("#deadlines").inner_text()
    assert "在7个工作日内完成注销处理" in page.locator("#promise").inner_text()
    shot(page, "02-case-filed-zh")

    take(page, "acknowledge", "人工客服已受理,工单号 LM-20260928-01")
    take(page, "complete", "客服称账号已注销")

    request.refresh_from_db()
    assert request.state == State.COMPLETED
    history = page.locator("#history [data-kind=request]")
    assert [history.nth(i).get_attribute("data-log") for i in range(history.count())] == [
        "file", "submit", "acknowledge", "complete",
    ]
    assert "客服称账号已注销" in page.locator("#history").inner_text()
    assert page.locator("#case").get_attribute("data-state") == "completed"
    # Only the transitions allowed from "completed" are offered.
    offered = page.locator("#actions details").evaluate_all("nodes => nodes.map(n => n.dataset.transition)")
    assert offered == ["confirm", "amend", "snooze", "reopen", "escalate", "withdraw"]  # assign: its own panel
    shot(page, "03-case-completed-zh")

    page.goto(f"{live_server.url}/admin/rights/rightsrequest/")
    row = page.locator("#result_list tbody tr").first
    assert "2026-10-13" in row.inner_text()
    assert "138****5678" in row.inner_text() and "13812345678" not in row.inner_text()
    shot(page, "04-list-zh")
    page.goto(f"{live_server.url}/admin/rights/rightsrequest/dashboard/")
    shot(page, "05-dashboard-zh")
    page.context.close()


def test_the_pages_read_in_english_too(browser, live_server, case_worker):
    from rights.services import file_request, record_event
    from tests.factories import shanghai

    for name, right, at in [
        ("卢米埃影城", "account_cancellation", shanghai(2026, 9, 28, 10)),
        ("E票电影", "account_cancellation", shanghai(2026, 11, 18, 9)),
        ("咪咕云书店", "deletion", shanghai(2026, 11, 20, 15)),
    ]:
        app = App.objects.filter(name=name).first() or App.objects.first()
        filed = file_request(app=app, right=right, requester_name="Li Lei", requester_contact="lilei@example.com",
                             at=at, acting_user=case_worker, assignee=case_worker)
    record_event(event="acknowledge", request=filed, acting_user=case_worker, note="Ticket 42 opened")
    # Two closed cases for the dashboard's share of kept promises: one on time, one late.
    lumiere = App.objects.get(name="卢米埃影城")
    for done_on in (shanghai(2026, 10, 9, 10), shanghai(2026, 10, 20, 10)):
        closed = file_request(app=lumiere, right="account_cancellation", requester_name="Han Meimei",
                              at=shanghai(2026, 9, 28, 10), acting_user=case_worker)
        closed = record_event(event="complete", request=closed, acting_user=case_worker, at=done_on)
        record_event(event="confirm", request=closed, acting_user=case_worker, at=done_on)

    page = new_page(browser, "en-US")
    sign_in(page, live_server.url, case_worker)
    page.goto(f"{live_server.url}/admin/rights/rightsrequest/")
    assert "l***@example.com" in page.locator("#result_list").inner_text()
    shot(page, "06-list-en")
    page.goto(f"{live_server.url}/admin/rights/rightsrequest/{filed.pk}/change/")
    page.click("details[data-transition=refuse] summary")
    shot(page, "07-case-en")
    page.goto(f"{live_server.url}/admin/rights/rightsrequest/dashboard/")
    # kept on time, kept late, and the first request still open past its last day: one of three kept
    assert page.locator("tr[data-app='卢米埃影城'] [data-share]").inner_text() == "33%"
    shot(page, "08-dashboard-en")
    page.goto(f"{live_server.url}/admin/rights/rightsrequest/add/")
    shot(page, "09-file-request-en")
    page.context.close()
