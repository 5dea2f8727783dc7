"""The home desk and the dashboard in a real browser (issue 19, items 1 and 4), on a 1280x800 laptop and a 390x844
phone, in Chinese and in English; and the filing preview asking once per change (item 8).

The home lists the items that need someone today with their dates, mine first, then unassigned, then the team's;
its filters narrow it; one click opens the case; the stock index is one header link away. The dashboard draws
kept / missed / refused and the days to completion as SVG, under the CSP, and its table becomes cards on a phone.
Screenshots go to var/artifacts/home-*.png; the Chinese ones are copied to docs/ (README "The web admin").
"""

import pytest

from policies.models import App
from rights.roles import CASE_WORKER, ensure_roles
from tests import browser as shared
from tests.browser import PASSWORD
from tests.factories import UserFactory, shanghai

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENS = {"laptop": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}
LOCALES = {"zh": "zh-CN", "en": "en-US"}
WHOSE_ORDER = ["mine", "unassigned", "team"]


@pytest.fixture
def team(catalog):
    groups = ensure_roles()
    people = {}
    for username, first, last in (("wang", "王", "芳"), ("li", "李", "雷")):
        user = UserFactory(username=username, first_name=first, last_name=last)
        user.set_password(PASSWORD)
        user.save()
        user.groups.add(groups[CASE_WORKER])
        people[username] = user
    return people


def seed(wang, li):
    """Open requests long past their last days (mine, nobody's, a colleague's) and closed ones for the dashboard:
    kept, kept late (missed) and refused, across apps."""
    from rights.services import file_request, record_event

    apps = {app.name: app for app in App.objects.all()}
    lumiere, epiao, migu = apps["卢米埃影城"], apps["E票电影"], apps["咪咕云书店"]

    def filed(app, right, at, assignee=None, name="张三"):
        return file_request(app=app, right=right, requester_name=name, requester_contact="13812345678", at=at,
                            acting_user=wang, assignee=assignee)  # fmt: skip

    filed(lumiere, "account_cancellation", shanghai(2026, 9, 28, 10), assignee=wang, name="欧阳娜娜")
    filed(migu, "deletion", shanghai(2026, 10, 12, 9), assignee=wang, name="Li Lei")
    filed(epiao, "deletion", shanghai(2026, 10, 14, 9), name="司马相如")
    filed(lumiere, "access", shanghai(2026, 10, 19, 15), name="Alexandra Konstantinopoulou-Smithfield")
    filed(epiao, "account_cancellation", shanghai(2026, 10, 9, 11), assignee=li, name="韩梅梅")
    filed(lumiere, "account_cancellation", shanghai(2026, 11, 25, 9), assignee=li, name="Han Meimei")
    for app, done in ((lumiere, (9, 10, 20)), (epiao, (9, 30, 30)), (migu, (9, 9, 12))):
        for n, day in enumerate(done):
            closed = filed(app, "account_cancellation", shanghai(2026, 9, 1 + n, 10), name=f"已办 {n}")
            record_event(event="complete", request=closed, acting_user=wang, at=shanghai(2026, 9 if day >= 9 else 10, day, 10))
        refused = filed(app, "deletion", shanghai(2026, 10, 8, 10), name="拒绝")
        record_event(event="refuse", request=refused, acting_user=wang, at=shanghai(2026, 10, 12, 10),
                     reason="用户身份无法核验" if app != epiao else "账户仍有未完成订单")  # fmt: skip


def open_page(browser, lang, screen):
    page = shared.new_page(browser, LOCALES[lang], **SCREENS[screen], timeout=60_000)
    page.errors = []
    page.on("console", lambda message: page.errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    return page


def assert_fits(page):
    width = page.evaluate("window.innerWidth")
    scroll = page.evaluate("document.documentElement.scrollWidth")
    assert scroll <= width, f"{page.url} scrolls sideways: {scroll}px in a {width}px window"


def assert_in_view(page, locator):
    width = page.evaluate("window.innerWidth")
    for i in range(locator.count()):
        box = locator.nth(i).bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width + 0.5, (page.url, i, box, width)
        assert locator.nth(i).evaluate("n => n.scrollWidth <= n.clientWidth + 1"), f"{page.url}: {i} is cut off"


def save(page, name, lang, screen):
    shared.shot(page, f"home-{name}-{screen}-{lang}")
    if lang == "zh":
        shared.to_docs(f"home-{name}-{screen}-{lang}", f"{name}-{SCREENS[screen]['width']}")


@pytest.mark.parametrize("lang", list(LOCALES))
@pytest.mark.parametrize("screen", list(SCREENS))
def test_the_home_is_a_desk_of_dated_items_mine_first(browser, live_server, team, lang, screen):
    seed(team["wang"], team["li"])
    page = open_page(browser, lang, screen)
    shared.sign_in(page, live_server.url, team["wang"])
    page.goto(f"{live_server.url}/admin/")
    items = page.locator("#desk tr[data-desk-item]")
    assert items.count() >= 5
    whose = [items.nth(i).get_attribute("data-whose") for i in range(items.count())]
    assert whose == sorted(whose, key=WHOSE_ORDER.index) and set(whose) == set(WHOSE_ORDER), whose
    for i in range(items.count()):
        item = items.nth(i)
        last_day = item.get_attribute("data-last-day")
        assert item.locator("time").inner_text() == last_day and last_day.startswith("2026-")
        assert item.locator(".rd-desk__status").inner_text().strip()
        assert item.locator("td").nth(1).inner_text().strip() in App.objects.values_list("name", flat=True)
    assert_in_view(page, page.locator("#desk td"))
    assert_fits(page)
    assert not page.locator("#recent-actions-module").count() and not page.locator(".app-rights.module").count()
    save(page, "home", lang, screen)

    # The filters: unassigned, then mine; "all" again from its tab.
    page.click("#desk [data-show=unassigned]")
    page.wait_for_url("**show=unassigned")
    assert {items.nth(i).get_attribute("data-whose") for i in range(items.count())} == {"unassigned"}
    page.click("#desk [data-show=mine]")
    page.wait_for_url("**show=mine")
    assert {items.nth(i).get_attribute("data-whose") for i in range(items.count())} == {"mine"}
    assert_fits(page)

    # One click to the case.
    first = items.first.get_attribute("data-request")
    items.first.locator("a[data-open-case]").click()
    page.wait_for_url(f"**/rightsrequest/{first}/change/**")

    # The stock index: its own page, linked from the header.
    page.click("#user-tools a[data-nav=administration]")
    page.wait_for_selector("#recent-actions-module")
    assert page.locator(".app-rights").count()
    assert_fits(page)
    assert page.errors == [], page.errors
    page.context.close()


@pytest.mark.parametrize("lang", list(LOCALES))
def test_a_fresh_superuser_sees_the_unassigned_overdue_requests_with_their_dates(browser, live_server, team, lang):
    seed(team["wang"], team["li"])
    boss = UserFactory(username="boss", is_superuser=True)
    boss.set_password(PASSWORD)
    boss.save()
    page = open_page(browser, lang, "laptop")
    shared.sign_in(page, live_server.url, boss)
    page.goto(f"{live_server.url}/admin/")
    unassigned = page.locator("#desk tr[data-whose=unassigned]")
    # 司马相如's deletion: one case, its completion on top and its reply under it (a case is one item).
    assert unassigned.count() >= 1 and unassigned.locator("[data-desk-also]").count() >= 1
    assert all(unassigned.nth(i).locator("time").inner_text().startswith("2026-1") for i in range(unassigned.count()))
    assert page.locator("[data-queue=overdue] strong").inner_text() != "0"
    page.context.close()


@pytest.mark.parametrize("lang", list(LOCALES))
@pytest.mark.parametrize("screen", list(SCREENS))
def test_the_dashboard_draws_its_pictures_and_its_table_fits(browser, live_server, team, lang, screen):
    seed(team["wang"], team["li"])
    page = open_page(browser, lang, screen)
    shared.sign_in(page, live_server.url, team["wang"])
    page.goto(f"{live_server.url}/admin/rights/rightsrequest/dashboard/")
    verdicts = page.locator("[data-chart=verdicts] li[data-app]")
    assert verdicts.count() == 3
    lumiere = page.locator("[data-chart=verdicts] li[data-app='卢米埃影城']")
    # 卢米埃影城: completed 9-9 and 9-10 (kept), 9-20 (late: missed), one refused, and the open cancellations
    # filed 9-28 and 11-25 are past their last days (missed): 2 of 6.
    assert lumiere.locator("svg rect[data-part=kept]").count() == 1
    assert lumiere.locator("svg rect[data-part=missed]").count() == 1
    assert lumiere.locator("svg rect[data-part=refused]").count() == 1
    assert lumiere.locator("[data-share]").inner_text() == "33%"
    # The bars are coloured by the static sheet, never by style attributes (the CSP forbids them).
    assert lumiere.locator("svg rect[data-part=kept]").evaluate("n => getComputedStyle(n).fill") not in ("", "none", "rgb(0, 0, 0)")
    assert page.locator("svg [style]").count() == 0
    days = page.locator("[data-chart=days] li[data-app]")
    assert days.count() == 3 and days.first.locator("svg line[data-part=promise]").count() == 1
    assert page.locator("[data-chart=days] li[data-late]").count() >= 1  # E票电影 took longer than it promised
    assert_in_view(page, page.locator("[data-chart] svg"))

    table = page.locator("table[data-table=by-app]")
    cells = table.locator("tbody td")
    assert_in_view(page, cells)
    for i in range(table.locator("tbody tr").count()):
        row = table.locator("tbody tr").nth(i)
        share = row.locator("[data-share]")
        if share.count():
            assert share.is_visible()
            assert_in_view(page, share)
    refused = table.locator("tbody tr[data-app='卢米埃影城'] td[data-refused]")
    reason = refused.locator("ul.rd-reasons li").first
    if screen == "laptop":
        # The reason sits under the "refused" heading, not the next column's.
        heading = table.locator("thead th").nth(6).bounding_box()
        box = reason.bounding_box()
        assert heading["x"] - 1 <= box["x"] and box["x"] + box["width"] <= heading["x"] + heading["width"] + 1, (heading, box)
        assert table.locator("thead th").first.is_visible()
    else:
        assert not table.locator("thead th").first.is_visible()  # cards: each value carries its label
        label = cells.nth(1).evaluate("n => getComputedStyle(n, '::before').content")
        assert label not in ("none", "normal", "")
    assert_fits(page)
    assert page.errors == [], page.errors
    save(page, "dashboard", lang, screen)
    page.context.close()


def edit(page, selector, value):
    """What one edit of a date-time field does in the browser: the value changes, then "input" and "change" fire
    (the picker and the keyboard fire both; Playwright's fill fires only "input")."""
    page.locator(selector).evaluate(
        """(field, value) => { field.value = value;
             field.dispatchEvent(new Event("input", {bubbles: true}));
             field.dispatchEvent(new Event("change", {bubbles: true})); }""",
        value,
    )


@pytest.mark.parametrize("lang", list(LOCALES))
def test_the_filing_preview_asks_once_per_change_and_shows_a_bad_year_once(browser, live_server, team, lang):
    page = open_page(browser, lang, "laptop")
    shared.sign_in(page, live_server.url, team["wang"])
    asked = []
    page.on("request", lambda request: asked.append(request.url) if "/add/preview/" in request.url else None)
    page.goto(f"{live_server.url}/admin/rights/rightsrequest/add/")
    page.select_option("#id_app", label="卢米埃影城")
    page.select_option("#id_right", "account_cancellation")
    page.fill("#id_sent_at", "2026-11-30T10:00")
    page.wait_for_selector("#filing-preview [data-last-day='2026-12-09']")
    page.wait_for_timeout(800)  # let any late duplicate arrive before counting
    asked.clear()

    for bad in ("1900-01-01T10:00", "2099-01-01T10:00"):
        with page.expect_response(lambda response: "/add/preview/" in response.url):
            edit(page, "#id_sent_at", bad)
        page.wait_for_timeout(800)
        assert len(asked) == 1 and bad.replace(":", "%3A") in asked[0], asked
        error = page.locator("#filing-preview [data-preview=error]")
        assert error.is_visible() and error.inner_text().strip()
        message = error.inner_text().strip()
        assert page.locator("body").inner_text().count(message) == 1, "the message is shown once"
        asked.clear()
    # The same value again asks nothing; a good one asks once and shows the clocks.
    page.locator("#id_sent_at").dispatch_event("change")
    page.wait_for_timeout(800)
    assert asked == []
    edit(page, "#id_sent_at", "2026-11-30T10:00")
    page.wait_for_selector("#filing-preview [data-last-day='2026-12-09']")
    page.wait_for_timeout(800)
    assert len(asked) == 1
    assert page.locator("#filing-preview [data-preview=error]").is_hidden()
    assert page.errors == [], page.errors
    page.context.close()
