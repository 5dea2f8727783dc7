"""The desk in a real browser (issue 10), on a 1280x800 laptop and a 390x844 phone, in Chinese and in English: a case
worker files a request, filters the list, acknowledges several requests at once and opens one. On every list page
every deadline cell is inside the viewport and the page does not scroll sideways; on the phone the request page
shows the summary and the allowed actions before anything else.

Screenshots of each page at both widths go to var/artifacts/desk-*.png.
"""
import pytest

from policies.models import App
from rights.models import RightsRequest, State
from tests import browser as shared
from tests.browser import PASSWORD
from tests.factories import shanghai

from .test_admin_browser import case_worker  # noqa: F401 - a fixture

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENS = {"laptop": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}
LOCALES = {"zh": "zh-CN", "en": "en-US"}


def seed(user):
    """A desk's worth of requests: long names, both languages, overdue and fresh, assigned and not."""
    from rights.services import file_request, record_event

    apps = list(App.objects.order_by("name"))
    filed = []
    for index, (name, at) in enumerate([
        ("欧阳娜娜娜娜", shanghai(2026, 9, 28, 10)),
        ("Alexandra Konstantinopoulou-Smithfield", shanghai(2026, 11, 18, 9)),
        ("司马相如", shanghai(2026, 11, 27, 15)),
        ("Li Lei", shanghai(2026, 11, 30, 11)),
    ]):  # fmt: skip
        app = apps[index % len(apps)]
        right = "account_cancellation" if index % 2 == 0 else "deletion"
        filed.append(file_request(
            app=app, right=right, requester_name=name, requester_contact=f"user{index}@example.com", at=at,
            acting_user=user, assignee=user if index % 2 == 0 else None,
        ))  # fmt: skip
    record_event(event="acknowledge", request=filed[0], acting_user=user, note="已受理")
    return filed


def open_page(browser, live_server, locale, screen):
    return shared.new_page(browser, locale, **SCREENS[screen], timeout=60_000)


def shot(page, name):
    shared.shot(page, f"desk-{name}")


def assert_no_sideways_scroll_and_deadlines_in_view(page):
    """What the person sees: the page is as wide as the screen and every deadline is on it."""
    width = page.evaluate("window.innerWidth")
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= width, f"the page scrolls sideways: {scroll_width}px content in a {width}px window"
    cells = page.locator("#result_list td.field-deadlines")
    assert cells.count() > 0
    for i in range(cells.count()):
        box = cells.nth(i).bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width + 0.5, (i, box, width)
        assert cells.nth(i).evaluate("n => n.scrollWidth <= n.clientWidth + 1"), f"deadline cell {i} is cut off"


def assert_cells_readable(page, cells, screen, separator=""):
    """Every cell on the screen and not cut off; on a laptop under its column headings, on a phone (cards) each
    value preceded by its label (and the separator the stylesheet puts after it)."""
    width = page.evaluate("window.innerWidth")
    for i in range(cells.count()):
        cell = cells.nth(i)
        box = cell.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width + 0.5, (page.url, i, box, width)
        assert cell.evaluate("n => n.scrollWidth <= n.clientWidth + 1"), f"{page.url}: cell {i} is cut off"
        label = cell.get_attribute("data-label")
        shown = cell.evaluate("n => getComputedStyle(n, '::before').content")
        if screen == "phone":
            assert label and shown == f'"{label}{separator}"', (page.url, i, label, shown)
        else:
            assert shown in ("none", "normal"), (page.url, i, shown)


def assert_preview_readable(page, screen):
    """The filing preview's clocks, readable at both widths (assert_cells_readable)."""
    cells = page.locator("#filing-preview td")
    assert cells.count() >= 5
    assert_cells_readable(page, cells, screen)
    headings = page.locator("#filing-preview thead th")
    assert headings.first.is_visible() == (screen == "laptop")


@pytest.mark.parametrize("lang", list(LOCALES))
@pytest.mark.parametrize("screen", list(SCREENS))
def test_file_filter_bulk_acknowledge_and_open(browser, live_server, case_worker, lang, screen):  # noqa: F811 (fixture)
    seed(case_worker)
    page = open_page(browser, live_server, LOCALES[lang], screen)
    tag = f"{screen}-{lang}"
    shared.sign_in(page, live_server.url, case_worker)
    page.wait_for_selector("#queue")
    assert page.locator("[data-queue=overdue] strong").inner_text().isdigit()
    shot(page, f"01-home-{tag}")

    # File: 卢米埃影城 account cancellation, sent 2026-11-30 10:00.
    page.goto(f"{live_server.url}/admin/rights/rightsrequest/add/")
    page.select_option("#id_app", label="卢米埃影城")
    page.select_option("#id_right", "account_cancellation")
    page.fill("#id_requester_name", "张小凡")
    page.fill("#id_sent_at", "2026-11-30 10:00")
    # The preview shows the clocks this filing starts before anything is saved: 7 working days -> 12-09.
    page.wait_for_selector("#filing-preview [data-last-day='2026-12-09']")
    assert "2026-11-30 10:00" in page.locator("#filing-preview").inner_text()
    assert not RightsRequest.objects.filter(requester_name="张小凡").exists()
    assert page.evaluate("document.documentElement.scrollWidth") <= page.evaluate("window.innerWidth")
    assert_preview_readable(page, screen)
    shot(page, f"02-file-{tag}")
    page.locator("#filing-preview").screenshot(path=str(shared.ARTIFACTS / f"desk-02-preview-{tag}.png"))
    page.click("input[name=_save]")
    page.wait_for_selector("#case")
    filed = RightsRequest.objects.get(requester_name="张小凡")
    assert filed.state == State.SUBMITTED

    # The list, then filtered to unassigned open requests.
    page.goto(f"{live_server.url}/admin/rights/rightsrequest/")
    assert_no_sideways_scroll_and_deadlines_in_view(page)
    shot(page, f"03-list-{tag}")
    page.goto(f"{live_server.url}/admin/rights/rightsrequest/?assignee=none&open=open")
    assert_no_sideways_scroll_and_deadlines_in_view(page)
    rows = page.locator("#result_list tbody tr")
    assert rows.count() == RightsRequest.objects.open().filter(assignee__isnull=True).count()
    shot(page, f"04-filtered-{tag}")

    # Bulk: acknowledge every submitted request on the list.
    page.goto(f"{live_server.url}/admin/rights/rightsrequest/?state__exact=submitted")
    submitted = page.locator("#result_list tbody tr")
    count = submitted.count()
    assert count >= 2
    for i in range(count):
        submitted.nth(i).locator("input.action-select").check()
    page.select_option("select[name=action]", "record_event_for_selected")
    page.click("button[name=index]")
    page.wait_for_selector("form [data-action=bulk-record]")
    shot(page, f"05-bulk-form-{tag}")
    page.select_option("#id_event", "acknowledge")
    page.click("[data-action=bulk-record]")
    page.wait_for_selector("#bulk-results")
    assert page.locator("#bulk-results tr[data-result=done]").count() == count
    assert page.evaluate("document.documentElement.scrollWidth") <= page.evaluate("window.innerWidth")
    shot(page, f"06-bulk-results-{tag}")
    assert not RightsRequest.objects.filter(state=State.SUBMITTED).exists()

    # Open the filed request: on a phone the summary and the allowed actions come first.
    page.goto(f"{live_server.url}/admin/rights/rightsrequest/{filed.pk}/change/")
    page.wait_for_selector("#case")
    summary = page.locator("#summary").bounding_box()
    actions = page.locator("#actions").bounding_box()
    deadlines = page.locator("#deadlines").bounding_box()
    assert page.evaluate("document.documentElement.scrollWidth") <= page.evaluate("window.innerWidth")
    if screen == "phone":
        assert summary["y"] < actions["y"] < deadlines["y"]
        assert actions["y"] < 844 * 2, "the actions are more than two screens down"
    shot(page, f"07-request-{tag}")
    page.context.close()


@pytest.fixture
def superuser(catalog):
    from tests.factories import UserFactory

    user = UserFactory(username="root", is_superuser=True)
    user.set_password(PASSWORD)
    user.save()
    return user


@pytest.mark.parametrize("lang", list(LOCALES))
@pytest.mark.parametrize("screen", list(SCREENS))
def test_channel_rows_and_roles_fit_the_screen(browser, live_server, superuser, lang, screen):
    """The procedure's channel rows are edited in the browser and stored as the list; the channel editor and the
    role list fit a laptop and a phone without sideways scrolling."""
    from policies.models import Procedure
    from rights.roles import ensure_roles

    ensure_roles()
    procedure = Procedure.objects.filter(policy_version__app__name="卢米埃影城", right="consent_withdrawal").order_by("pk").last()
    page = open_page(browser, live_server, LOCALES[lang], screen)
    tag = f"{screen}-{lang}"
    shared.sign_in(page, live_server.url, superuser)
    page.wait_for_selector("#queue")

    page.goto(f"{live_server.url}/admin/policies/procedure/{procedure.pk}/change/")
    table = page.locator("table.rd-channels")
    assert page.evaluate("document.documentElement.scrollWidth") <= page.evaluate("window.innerWidth")
    width = page.evaluate("window.innerWidth")
    for control in table.locator("select, input").all():
        box = control.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width + 0.5, box
    table.scroll_into_view_if_needed()
    shot(page, f"08-procedure-channels-{tag}")
    spare = len(procedure.channels)  # the first empty row
    page.select_option(f"select[name=channels-{spare}-kind]", "email")
    page.fill(f"input[name=channels-{spare}-value]", "privacy@example.com")
    # Past the three spare rows, "Add a channel" (static script) adds a row under the next index.
    rows = table.locator("tbody tr").count()
    page.click("button[data-add-channel=channels]")
    assert table.locator("tbody tr").count() == rows + 1
    page.select_option(f"select[name=channels-{rows}-kind]", "phone")
    page.fill(f"input[name=channels-{rows}-value]", "400-000-0000")
    page.click("input[name=_continue]")
    page.wait_for_selector(".messagelist .success")
    procedure.refresh_from_db()
    assert procedure.channels[-2:] == [
        {"kind": "email", "value": "privacy@example.com"}, {"kind": "phone", "value": "400-000-0000"}
    ]

    page.goto(f"{live_server.url}/admin/accounts/role/")
    assert page.evaluate("document.documentElement.scrollWidth") <= page.evaluate("window.innerWidth")
    shot(page, f"09-roles-{tag}")
    page.context.close()


@pytest.mark.parametrize("lang", list(LOCALES))
@pytest.mark.parametrize("screen", list(SCREENS))
def test_history_and_reminder_ledger_fit_the_screen_as_labelled_cards_on_a_phone(browser, live_server, superuser, lang, screen):
    """The history across requests and the reminder ledger: no sideways scrolling and no cell cut off; on a phone
    each value of a card is preceded by its column's name (a bare "0" or a date means nothing on its own)."""
    from rights.reminders import sweep_reminders

    seed(superuser)
    sweep_reminders(now=shanghai(2026, 11, 30, 9, 30))
    page = open_page(browser, live_server, LOCALES[lang], screen)
    shared.sign_in(page, live_server.url, superuser)
    page.wait_for_selector("#queue")
    separator = "：" if lang == "zh" else ": "
    for name, path in (("10-history", "/admin/rights/transitionlog/"), ("11-reminders", "/admin/rights/reminder/")):
        page.goto(live_server.url + path)
        assert page.evaluate("document.documentElement.scrollWidth") <= page.evaluate("window.innerWidth"), path
        cells = page.locator("#result_list tbody td:not(.action-checkbox)")
        assert cells.count() >= 6, path
        assert_cells_readable(page, cells, screen, separator)
        shot(page, f"{name}-{screen}-{lang}")
    page.context.close()
