"""The catalog in a real browser (issue 19, items 3 and 5), in Chinese (the default) and English at 1280 and 390 px,
under the Content-Security-Policy (any console error, failed resource or CSP violation fails the test):

- the App page: e-mails, phones and addresses are rows; a person adds a postal address as plain text with "Add a
  postal address", removes a row, saves and sees the address; a bad e-mail is refused with one line next to its
  field; the versions are shown read only; the page never scrolls sideways;
- the importer's review of a long policy: the first proposal is near the top (the policy's text after it), its
  edit fields fit the card, the page never scrolls sideways; once every proposal is reviewed no "accept all 0" is
  left; importing the same text again is titled as a duplicate.

Screenshots go to var/artifacts/catalog-*.png (CI keeps them).
"""

import re
from pathlib import Path

import pytest
from django.conf import settings

from policies.importer.store import import_policy_version
from policies.models import PolicyImport, ReviewStatus
from tests.browser import ARTIFACTS
from tests.e2e.test_csp_browser import Watched
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LANGUAGES = {"zh-hans": "zh-CN", "en": "en-US"}
WORDS = {
    "zh-hans": {"add": "添加通信地址", "saved": "成功", "bad_email": "不是有效的电子邮箱地址", "all_reviewed": "所有拟定内容均已审核",
                "duplicate": "已导入过"},
    "en": {"add": "Add a postal address", "saved": "successfully", "bad_email": "is not an e-mail address",
           "all_reviewed": "Every proposal is reviewed.", "duplicate": "Already imported"},
}  # fmt: skip

SHORT_POLICY = """浏览器审阅应用隐私政策
生效日期：2030年1月1日
（二）注销账号
收到您的注销申请后，我们将在10个工作日内完成注销。
（三）删除您的个人信息
在以下情形中，您可以向我们提出请求。
我们将在15个工作日内完成。
九、如何联系我们
您可以发送邮件至privacy@browser-review.example与我们联系。
"""


@pytest.fixture
def superuser(db):
    return UserFactory(username="chen", first_name="陈", last_name="静", is_superuser=True)


def overflow(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


@pytest.mark.parametrize("width", [1280, 390])
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_an_address_is_added_as_plain_text_on_the_app_page(browser, live_server, catalog, superuser, language, width):
    words = WORDS[language]
    app = catalog["卢米埃影城"]
    watched = Watched(browser, live_server, locale=LANGUAGES[language])
    page = watched.page
    page.set_viewport_size({"width": width, "height": 900})
    watched.sign_in(superuser)
    watched.goto(f"/admin/policies/app/{app.pk}/change/")
    assert page.locator("textarea[name=addresses], textarea[name=emails], textarea[name=phones]").count() == 0
    assert page.locator("input[name^='policy_versions-0-title']").count() == 0  # versions read only
    assert overflow(page) <= width

    # Add a row with the button (the static script), type a plain address, remove the spare e-mail row's text.
    rows = page.locator("table[data-channels=addresses] tbody tr")
    before = rows.count()
    page.get_by_role("button", name=words["add"]).click()
    assert rows.count() == before + 1
    new_input = rows.nth(before).locator("input")
    assert new_input.evaluate("el => el === document.activeElement")
    new_input.fill("北京市朝阳区酒仙桥路 10 号 A 座")
    page.fill("input[name='emails-1-value']", "dpo@lumiere.example")
    page.locator("table[data-channels=emails] tbody tr").nth(1).get_by_role("button").click()  # remove it again
    assert page.locator("table[data-channels=emails] tbody tr").nth(1).is_hidden()
    page.screenshot(path=str(ARTIFACTS / f"catalog-app-{language}-{width}-1-rows.png"), full_page=True)
    page.click("input[name=_continue]")
    page.wait_for_selector("ul.messagelist li.success")
    assert words["saved"] in page.locator("ul.messagelist li.success").inner_text()
    app.refresh_from_db()
    assert app.addresses == ["北京市朝阳区酒仙桥路 10 号 A 座"] and app.emails == ["min.jiang@cmgplex.com"]
    assert page.locator("input[name='addresses-0-value']").input_value() == "北京市朝阳区酒仙桥路 10 号 A 座"

    # A bad e-mail: one line next to the field, nothing saved.
    page.fill("input[name='emails-1-value']", "privacy at lumiere")
    page.click("input[name=_continue]")
    error = page.locator(".field-emails ul.errorlist li")
    error.wait_for()
    assert error.count() == 1 and words["bad_email"] in error.inner_text() and "\n" not in error.inner_text()
    assert overflow(page) <= width
    page.screenshot(path=str(ARTIFACTS / f"catalog-app-{language}-{width}-2-error.png"), full_page=True)
    app.refresh_from_db()
    assert app.emails == ["min.jiang@cmgplex.com"]
    watched.assert_clean()
    watched.context.close()


@pytest.mark.parametrize("width", [1280, 390])
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_importer_review_reads_on_a_phone_and_finishes_cleanly(browser, live_server, superuser, language, width):
    words = WORDS[language]
    text = (Path(settings.BASE_DIR) / "policies/data/policies/migu-bookstore.txt").read_text(encoding="utf-8")
    long_version = import_policy_version(text=text, app_name="咪咕书店（审阅）")
    watched = Watched(browser, live_server, locale=LANGUAGES[language])
    page = watched.page
    page.set_viewport_size({"width": width, "height": 900})
    watched.sign_in(superuser)

    # A long policy: the first proposal is within the first screens, the text after it (beside it when wide).
    watched.goto(f"/admin/policies/policyversion/{long_version.pk}/review/")
    first = page.locator(".import-cards .card").first
    first_top = first.bounding_box()["y"]
    text_box = page.locator(".import-text").bounding_box()
    height = page.evaluate("document.documentElement.scrollHeight")
    assert first_top < 900, (first_top, height)
    if width < 768:
        assert first_top < text_box["y"]
    assert overflow(page) <= width
    first.locator("details summary").click()  # the edit fields fit the card
    assert first.locator("details select").first.is_visible()
    assert overflow(page) <= width, "the edit fields widen the page"
    page.screenshot(path=str(ARTIFACTS / f"catalog-review-{language}-{width}-1-long.png"), full_page=True)

    # A short policy, reviewed to the end: no "accept all 0" is left.
    short = import_policy_version(text=SHORT_POLICY)
    watched.goto(f"/admin/policies/policyversion/{short.pk}/review/")
    page.click("button[name=action][value=accept_confident]")
    page.wait_for_selector("ul.messagelist li.success")
    assert page.locator("button[value=accept_confident]").count() == 0
    for procedure in short.procedures.filter(review_status=ReviewStatus.DRAFT):
        page.locator(f"#p-{procedure.pk} button[value='reject:{procedure.pk}']").click()
        page.wait_for_selector(f"#p-{procedure.pk}.card.rejected")
    assert words["all_reviewed"] in page.locator("#content-main").inner_text()
    assert not re.search(r"(接受全部|Accept all) 0", page.locator("#content-main").inner_text())
    assert overflow(page) <= width
    page.screenshot(path=str(ARTIFACTS / f"catalog-review-{language}-{width}-2-reviewed.png"), full_page=True)

    # The same text pasted again: its page says it is a duplicate and leads to the version.
    watched.goto("/admin/policies/policyversion/import/")
    page.fill("#id_text", SHORT_POLICY)
    page.click("#content-main form input[type=submit]")
    page.wait_for_selector("#import-progress[data-state=failed]")
    assert PolicyImport.objects.order_by("id").last().state == PolicyImport.State.FAILED
    assert words["duplicate"] in page.title() and words["duplicate"] in page.locator("h1").inner_text()
    assert page.locator(f"a[href$='/{short.pk}/review/']").count() >= 1
    assert overflow(page) <= width
    page.screenshot(path=str(ARTIFACTS / f"catalog-review-{language}-{width}-3-duplicate.png"), full_page=True)
    watched.assert_clean()
    watched.context.close()
