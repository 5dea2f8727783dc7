"""The request page as one case view (issue 19) in a real browser, on a 1280x800 laptop and a 390x844 phone, in Chinese
and in English: its regions are there; on the phone the summary, the actions and the clocks come before the rest;
the page never scrolls sideways and every button is on the screen; the timeline shows a refusal's reason and its
note after the request was reopened, a complaint's events and a reminder sent; in Chinese the complaint panel's
可否受理 column does not wrap one character per line; the power-of-attorney button opens the document.

Screenshots go to var/artifacts/case-*.png; the Chinese ones are the README's docs/case-1280.png and docs/case-390.png.
"""

import pytest

from complaints.models import Channel
from complaints.services import draft_complaint, record_complaint_event
from policies.models import App
from rights.models import Reminder
from rights.services import file_request, record_event
from tests import browser as shared
from tests.factories import shanghai

from .test_admin_browser import case_worker  # noqa: F401 - a fixture

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENS = {"laptop": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}
LOCALES = {"zh": "zh-CN", "en": "en-US"}
REASON = "账号存在未完成的订单，暂不能注销"
NOTE = "客服电话 400-123 里说的，工单 KF-20261012"


@pytest.fixture
def channels(transactional_db):
    """The seeded channels and draft templates (the data migration loads them; transactional tests flush them)."""
    from complaints.models import DraftTemplate
    from complaints.seed import load_channels, load_templates

    load_channels(Channel)
    load_templates(DraftTemplate)


def seed(user):
    """A case with a history: refused with a reason and a note, reopened, a complaint to the app lodged, a
    reminder sent, and a long requester name."""
    app = App.objects.get(name="卢米埃影城")
    request = file_request(
        app=app, right="account_cancellation", requester_name="Alexandra Konstantinopoulou-Smithfield",
        requester_contact="alexandra.konstantinopoulou@example.com", at=shanghai(2026, 9, 28, 10), acting_user=user,
        assignee=user,
    )  # fmt: skip
    request = record_event(event="acknowledge", request=request, acting_user=user, note="已受理", at=shanghai(2026, 9, 29, 9))
    request = record_event(event="refuse", request=request, reason=REASON, note=NOTE, acting_user=user, at=shanghai(2026, 10, 12, 14))
    request = record_event(event="reopen", request=request, note="订单已完成，请继续处理", acting_user=user, at=shanghai(2026, 10, 14, 10))
    complaint = draft_complaint(request=request, channel=Channel.objects.get(code="app"), acting_user=user, at=shanghai(2026, 10, 20, 10))
    record_complaint_event(complaint=complaint, event="lodge", reference="TS-0042", acting_user=user, at=shanghai(2026, 10, 20, 11))
    Reminder.objects.create(
        request=request, clock=request.clocks.order_by("id").first(), kind="overdue", due=shanghai(2026, 10, 13).date(),
        recipient="wang@example.com", status="sent", sent_at=shanghai(2026, 10, 14, 9, 30),
    )  # fmt: skip
    return request


def assert_fits(page):
    width = page.evaluate("window.innerWidth")
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    wide = page.evaluate(
        """width => Array.from(document.querySelectorAll('#content *')).filter(n => n.getBoundingClientRect().right > width + 0.5)
            .slice(-5).map(n => `${n.tagName}.${n.className}#${n.id}: ${Math.round(n.getBoundingClientRect().right)}`)""",
        width,
    )
    assert scroll_width <= width, f"the page scrolls sideways: {scroll_width}px content in a {width}px window: {wide}"
    buttons = page.locator("#case a.button, #case summary, #case input[type=submit]:visible")
    for i in range(buttons.count()):
        box = buttons.nth(i).bounding_box()
        if box is None:  # inside a closed <details>
            continue
        assert box["x"] >= 0 and box["x"] + box["width"] <= width + 0.5, (i, buttons.nth(i).inner_text(), box, width)


@pytest.mark.parametrize("lang", list(LOCALES))
@pytest.mark.parametrize("screen", list(SCREENS))
def test_the_case_view_in_both_languages_on_a_laptop_and_a_phone(browser, live_server, channels, case_worker, lang, screen):  # noqa: F811
    request = seed(case_worker)
    page = shared.new_page(browser, LOCALES[lang], **SCREENS[screen], timeout=60_000)
    shared.sign_in(page, live_server.url, case_worker)
    page.goto(f"{live_server.url}/admin/rights/rightsrequest/{request.pk}/change/")
    page.wait_for_selector("#case")

    # The title says what the page is; no stock fieldsets, inlines or history button.
    title = page.locator("#content > h1").inner_text()
    assert f"#{request.pk}" in title and "卢米埃影城" in title
    assert ("注销" in title) if lang == "zh" else ("Account cancellation" in title)
    assert page.locator(".historylink, #rightsrequest_form, .inline-group").count() == 0

    boxes = {}
    for region in ("summary", "clocks", "actions", "timeline", "complaints", "correspondence"):
        locator = page.locator(f'[data-region="{region}"]')
        assert locator.count() == 1, region
        boxes[region] = locator.bounding_box()
    if screen == "phone":
        # The summary, the actions and the clocks first, then the timeline and the panels.
        assert boxes["summary"]["y"] < boxes["actions"]["y"] < boxes["clocks"]["y"] < boxes["timeline"]["y"]
        assert boxes["timeline"]["y"] < boxes["complaints"]["y"] and boxes["timeline"]["y"] < boxes["correspondence"]["y"]
        assert all(boxes[region]["width"] > 330 for region in ("summary", "actions", "clocks", "timeline"))  # full width
    else:
        # Two columns: the actions beside the summary.
        assert boxes["actions"]["x"] > boxes["summary"]["x"] + boxes["summary"]["width"] - 1
        assert abs(boxes["actions"]["y"] - boxes["summary"]["y"]) < 5
    assert_fits(page)

    # One timeline: the refusal's reason and note both, after the reopening; the complaint; the reminder.
    timeline = page.locator('[data-region="timeline"]')
    refusal = timeline.locator('[data-log="refuse"]')
    assert REASON in refusal.inner_text() and NOTE in refusal.inner_text()
    assert timeline.locator('[data-log="reopen"]').count() == 1
    assert timeline.locator('[data-kind="complaint"][data-log="lodge"]').count() == 1
    assert "TS-0042" in timeline.inner_text()
    assert timeline.locator('[data-kind="reminder"]').count() == 1
    times = timeline.locator("time").evaluate_all("nodes => nodes.map(n => n.getAttribute('datetime'))")
    assert times == sorted(times) and len(times) >= 7

    if screen == "laptop":
        # The admissibility column keeps its words on one line (it wrapped one character per line in Chinese).
        lines = page.locator('[data-region="complaints"] .cp-admissible').evaluate_all(
            """cells => cells.map(cell => {
                const range = document.createRange();
                range.selectNodeContents(cell);
                return [cell.innerText, new Set(Array.from(range.getClientRects()).map(r => Math.round(r.top))).size];
            })"""
        )
        assert len(lines) >= 2 and all(count == 1 for _text, count in lines), lines

    width = SCREENS[screen]["width"]
    shared.shot(page, f"case-{lang}-{width}")
    if lang == "zh":
        shared.to_docs(f"case-{lang}-{width}", f"case-{width}")

    # The power of attorney opens the document, in the page's language beside the Chinese one.
    page.locator('[data-region="complaints"] a[href*="power_of_attorney"]').click()
    page.wait_for_selector("#cp-document")
    assert page.locator("#cp-refusal").count() == 0
    assert "授权委托书" in page.locator("#cp-doc").input_value()
    assert "Alexandra Konstantinopoulou-Smithfield" in page.locator("#cp-doc").input_value()
    assert page.evaluate("document.documentElement.scrollWidth") <= page.evaluate("window.innerWidth")
    page.context.close()
