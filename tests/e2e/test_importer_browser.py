"""The policy importer in a real browser under the Content-Security-Policy (issue 11): Debian's chromium through
Playwright signs in as staff allowed to import (not a superuser), pastes a policy, follows the background job
on its progress page (the import runs in a thread of the test server, the in-process runner of the tests) until
the review opens, accepts all confident proposals, accepts the remaining one by hand and accepts the version.
At 1280 and 390 px wide, in Chinese (the default) and English. Any console error, uncaught exception, failed
resource or CSP violation fails the test (fixtures and listeners of test_csp_browser.py).

Screenshots go to var/artifacts/importer-*.png (CI keeps them).
"""
import re

import pytest
from django.contrib.auth.models import Permission

from policies.models import PolicyImport, PolicyVersion, ReviewStatus
from tests.browser import ARTIFACTS
from tests.e2e.test_csp_browser import Watched
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# One confident proposal (right, deadline, verb and clock start in its own sentence) and one that is not (its
# right comes from the heading): "accept all confident" takes the first, the second is accepted by hand.
POLICY = """浏览器导入应用隐私政策
生效日期：2030年1月1日
（二）注销账号
收到您的注销申请后，我们将在10个工作日内完成注销。
（三）删除您的个人信息
在以下情形中，您可以向我们提出请求。
我们将在15个工作日内完成。
九、如何联系我们
您可以发送邮件至privacy@browser-import.example与我们联系。
"""

IMPORT_PERMISSIONS = ("add_policyversion", "change_policyversion", "view_policyversion", "view_procedure",
                      "change_procedure", "view_app")

LANGUAGES = {"zh-hans": ("zh-CN", "zh-hans", "采纳"), "en": ("en-US", "en", "Accept")}


@pytest.fixture
def importer(db):
    user = UserFactory(username="li", first_name="李", last_name="雷")
    user.user_permissions.add(*Permission.objects.filter(content_type__app_label="policies", codename__in=IMPORT_PERMISSIONS))
    assert not user.is_superuser
    return user


@pytest.mark.parametrize("width", [1280, 390])
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_staff_import_a_pasted_policy_and_review_it_under_the_csp(browser, live_server, importer, language, width):
    locale, html_lang, accept_word = LANGUAGES[language]
    watched = Watched(browser, live_server, locale=locale)
    page = watched.page
    page.set_viewport_size({"width": width, "height": 900})
    requested: list[str] = []
    page.on("request", lambda request: request.is_navigation_request() and requested.append(request.url))

    def shot(step):
        page.screenshot(path=str(ARTIFACTS / f"importer-{language}-{width}-{step}.png"), full_page=True)

    watched.sign_in(importer)
    response = watched.goto("/admin/policies/policyversion/import/")
    assert response.status == 200
    assert "script-src 'self'" in response.headers["content-security-policy"]
    assert page.locator("html").get_attribute("lang") == html_lang
    page.fill("#id_text", POLICY)
    shot("1-paste")
    page.click("#content-main form input[type=submit]")

    # The progress page follows the job (import-progress.js) and opens the review when it is done.
    page.wait_for_url(re.compile(r".*/admin/policies/policyversion/\d+/review/$"))
    job = PolicyImport.objects.get()
    assert job.state == PolicyImport.State.DONE and job.started_by == importer
    assert any(url.endswith(f"/import/{job.pk}/") for url in requested), requested  # through the progress page
    version = PolicyVersion.objects.get(app__name="浏览器导入应用")
    assert version.procedures.count() == 2
    page.wait_for_selector("ul.messagelist li.success")
    assert page.locator(".import-text a.quote").count() >= 2  # each quote highlighted in the text
    shot("2-review")

    # Accept all confident proposals, then the one left by hand, then the version.
    page.click("button[name=action][value=accept_confident]")
    page.wait_for_selector("ul.messagelist li.success")
    left = version.procedures.filter(review_status=ReviewStatus.DRAFT)
    assert left.count() == 1
    (remaining,) = left
    card = page.locator(f"#p-{remaining.pk}")
    card.locator(f"button[value='accept:{remaining.pk}']").click()
    page.wait_for_selector(f"#p-{remaining.pk}.card.accepted")
    assert accept_word in card.locator(".buttons button").first.inner_text()
    assert not version.procedures.exclude(review_status=ReviewStatus.ACCEPTED).exists()
    page.click("button[name=action][value=accept_version]")
    page.wait_for_selector("ul.messagelist li.success")
    version.refresh_from_db()
    assert version.status == ReviewStatus.ACCEPTED
    shot("3-accepted")

    # The progress page's script, deterministically: a job that is still queued when the page opens (the
    # paste above may finish before its progress page is asked for) is followed until its review opens.
    from policies.importer.jobs import dispatch

    queued = PolicyImport.objects.create(text=POLICY, app_name="浏览器导入应用二", started_by=importer)
    watched.goto(f"/admin/policies/policyversion/import/{queued.pk}/")
    page.wait_for_selector("#import-progress[data-state=queued] progress")
    shot("4-progress")
    assert dispatch(queued.pk)  # the runner of the tests: a thread of this process
    page.wait_for_url(re.compile(r".*/admin/policies/policyversion/\d+/review/$"))
    queued.refresh_from_db()
    assert queued.state == PolicyImport.State.DONE and page.url.endswith(f"/{queued.policy_version_id}/review/")

    # The review page scrolls up and down, not sideways, also at 390 px (its two columns hold text and cards).
    watched.goto(f"/admin/policies/policyversion/{version.pk}/review/")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    watched.assert_clean()
    watched.context.close()
