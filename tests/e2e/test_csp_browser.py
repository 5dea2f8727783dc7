"""The admin works under the Content-Security-Policy (config/settings/base.py) in a real browser: Debian's chromium
through Playwright signs in, uses the request list (filter, search, select-all and an action), files a request
(the procedure filter is a static script now), records a transition with an evidence image and opens it, assigns,
switches language, reads the dashboard and, as an auditor, lists without actions; a locked-out sign-in shows
its page. Every CSP violation is a console error in chromium, and a listener records them too: the test fails on
any of either.

Screenshots go to var/artifacts/ (CI keeps them).
"""
import struct
import zlib

import pytest

from policies.models import App
from rights.models import Evidence, RightsRequest, State
from rights.roles import AUDITOR, CASE_WORKER, ensure_roles
from tests.browser import ARTIFACTS, PASSWORD
from tests.factories import UserFactory, shanghai

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Runs before any page script, outside the page's CSP (Playwright injects it): records every violation.
RECORD_VIOLATIONS = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__csp.push(`${event.violatedDirective} blocked ${event.blockedURI || "inline"} at ${event.sourceFile}:${event.lineNumber}`);
});
"""


def png(width=8, height=8) -> bytes:
    """A real PNG (red squares), so the browser decodes and shows it."""
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    rows = b"".join(b"\x00" + b"\xff\x00\x00" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


class Watched:
    """A page whose console errors, uncaught exceptions and CSP violations are collected."""

    def __init__(self, browser, live_server, locale="zh-CN"):
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        self.base = live_server.url
        self.context = browser.new_context(locale=locale, viewport={"width": 1400, "height": 1000}, timezone_id="Asia/Shanghai")
        # A guard against a hang, not a speed target: the machine is shared and may be slow.
        self.context.set_default_timeout(60_000)
        self.context.add_init_script(RECORD_VIOLATIONS)
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.page.on("console", lambda message: message.type == "error" and self.errors.append(f"{self.page.url}: {message.text}"))
        self.page.on("pageerror", lambda error: self.errors.append(f"{self.page.url}: uncaught {error}"))
        # Console errors about failed loads do not name the resource: these do.
        self.page.on("response", lambda response: response.status >= 400 and self.errors.append(
            f"{response.status} {response.url}"))
        self.violations: list[str] = []

    def goto(self, path):
        self.collect()
        response = self.page.goto(self.base + path)
        return response

    def collect(self):
        try:
            found = self.page.evaluate("window.__csp || []")
        except Exception:  # noqa: BLE001 - a page mid-navigation; the next call collects
            return
        for item in found:
            if item not in self.violations:
                self.violations.append(item)

    def shot(self, name):
        self.page.screenshot(path=str(ARTIFACTS / f"csp-{name}.png"), full_page=True)

    def assert_clean(self):
        self.collect()
        assert self.violations == [], self.violations
        assert self.errors == [], self.errors

    def sign_in(self, user):
        self.goto("/admin/login/")
        self.page.fill("#id_username", user.username)
        self.page.fill("#id_password", PASSWORD)
        self.page.click("input[type=submit]")
        self.page.wait_for_selector("#user-tools")


@pytest.fixture
def people(catalog):
    groups = ensure_roles()
    wang = UserFactory(username="wang", first_name="王", last_name="芳")
    wang.groups.add(groups[CASE_WORKER])
    zhao = UserFactory(username="zhao", first_name="赵", last_name="敏")
    zhao.groups.add(groups[AUDITOR])
    return {"wang": wang, "zhao": zhao}


def test_a_case_worker_uses_the_admin_under_the_csp_without_a_console_error(browser, live_server, people):
    from rights.services import file_request

    lumiere = App.objects.get(name="卢米埃影城")
    for name in ("张三", "李四"):
        file_request(app=lumiere, right="account_cancellation", requester_name=name, requester_contact="13812345678",
                     at=shanghai(2026, 9, 28, 10), acting_user=people["wang"])
    watched = Watched(browser, live_server)
    page = watched.page

    watched.sign_in(people["wang"])
    response = watched.goto("/admin/rights/rightsrequest/")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    # The sheet is a static file now: the deadline column is styled (tabular figures from rightsdesk.css).
    assert page.locator("#result_list time").first.evaluate("n => getComputedStyle(n).fontWeight") == "600"

    # Filter and search.
    page.click("#changelist-filter a:has-text('已提交')")
    page.wait_for_url("**state__exact=submitted**")
    page.fill("#searchbar", "张三")
    page.press("#searchbar", "Enter")
    page.wait_for_url("**q=**")
    assert page.locator("#result_list tbody tr").count() == 1
    # Select all (admin's actions.js) and run an action.
    watched.goto("/admin/rights/rightsrequest/")
    page.check("#action-toggle")
    assert page.locator("#result_list input.action-select:checked").count() == 2
    page.select_option("select[name=action]", "assign_to_me")
    page.click("button[name=index]")
    page.wait_for_selector("ul.messagelist li.success")
    assert RightsRequest.objects.filter(assignee=people["wang"]).count() == 2
    watched.shot("01-list")

    # The request page: a transition with an evidence image, then the image itself.
    filed = RightsRequest.objects.get(requester_name="张三")
    watched.goto(f"/admin/rights/rightsrequest/{filed.pk}/change/")
    page.click("details[data-transition=acknowledge] summary")
    form = page.locator("details[data-transition=acknowledge] form")
    form.locator("textarea[name$=note]").fill("人工客服已受理")
    form.locator("input[type=file]").set_input_files(
        files=[{"name": "客服截图.png", "mimeType": "image/png", "buffer": png()}]
    )
    form.locator("input[type=submit]").click()
    page.wait_for_selector("ul.messagelist li.success")
    filed.refresh_from_db()
    assert filed.state == State.IN_PROGRESS
    evidence = Evidence.objects.get(request=filed)
    link = page.locator("#history .rd-evidence a")
    assert link.inner_text() == "客服截图.png"

    # Assign through the side form.
    page.select_option("#id_assign-assignee", str(people["wang"].pk))
    page.click("#assign input[type=submit]")
    page.wait_for_selector("ul.messagelist li")
    watched.shot("02-request")

    # File a request: the procedure filter (static/rights/file_request.js) still narrows the choices.
    watched.goto("/admin/rights/rightsrequest/add/")
    page.select_option("#id_app", label="卢米埃影城")
    page.select_option("#id_right", "account_cancellation")
    apps = page.locator("#id_procedure option[data-app]:not([disabled])").evaluate_all("ns => ns.map(n => n.dataset.app)")
    assert apps and set(apps) == {str(lumiere.pk)}

    # The dashboard's bars get their widths from classes, not style attributes.
    watched.goto("/admin/rights/rightsrequest/dashboard/")
    bar = page.locator("[data-chart=by-state] .rd-bar span").first
    assert bar.evaluate("n => n.getBoundingClientRect().width") > 0
    watched.shot("03-dashboard")

    # The language switch posts a form (form-action 'self').
    page.click("button[data-language=en]")
    page.wait_for_selector("html[lang=en]")
    watched.assert_clean()

    # The evidence is a download under its original name, with its real type and sandboxed (rights.uploads).
    image = watched.context.request.get(f"{watched.base}/admin/rights/rightsrequest/{filed.pk}/evidence/{evidence.pk}/")
    assert image.headers["content-type"] == "image/png"
    assert image.headers["content-disposition"].startswith("attachment")
    assert image.headers["x-content-type-options"] == "nosniff"
    watched.context.close()


def test_an_auditor_reads_lists_without_actions_under_the_csp(browser, live_server, people):
    from rights.services import file_request

    file_request(app=App.objects.get(name="卢米埃影城"), right="deletion", requester_name="王五",
                 at=shanghai(2026, 9, 28, 10), acting_user=people["wang"])
    watched = Watched(browser, live_server, locale="en-US")
    watched.sign_in(people["zhao"])
    for path in ("/admin/rights/transitionlog/", "/admin/rights/rightsrequest/", "/admin/"):
        watched.goto(path)
    # The audit trail offers the auditor no action (no checkbox column) and still renders cleanly.
    watched.goto("/admin/rights/transitionlog/")
    assert watched.page.locator("#result_list tbody tr").count() >= 2
    assert watched.page.locator("#action-toggle").count() == 0
    watched.shot("04-auditor-log")
    watched.assert_clean()
    watched.context.close()


def test_a_locked_out_sign_in_shows_its_page_under_the_csp(browser, live_server, people):
    watched = Watched(browser, live_server, locale="en-US")
    page = watched.page
    statuses = []
    for attempt in range(10):
        watched.goto("/admin/login/")
        page.fill("#id_username", "wang")
        page.fill("#id_password", f"wrong-{attempt}")
        with page.expect_navigation() as navigation:
            page.click("input[type=submit]")
        statuses.append(navigation.value.status)
    assert statuses[-1] == 429 and set(statuses[:-1]) == {200}
    text = page.locator("#lockout").inner_text()
    assert "This account is locked after 10 failed sign-ins" in text and "Try again after" in text
    watched.shot("05-locked")
    # chromium reports a document answered with 429 as a failed resource; that one is the point of the page.
    watched.errors = [e for e in watched.errors if "status of 429" not in e and not e.startswith("429 ")]
    watched.assert_clean()
    watched.context.close()
