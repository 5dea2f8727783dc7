"""The one-click confirm in a real browser (Debian's chromium through Playwright): a case worker opens the request
page, sees the reply's proposed event in the Correspondence panel and clicks it; the completion is recorded at the
reply's arrival time. Screenshot in var/artifacts/."""

import pytest

from correspondence.ingest import ingest_message
from correspondence.sending import send_letter
from correspondence.tokens import reply_address
from rights.models import RightsRequest
from rights.roles import CASE_WORKER, ensure_roles
from tests import browser as shared
from tests.browser import PASSWORD
from tests.factories import UserFactory, file, shanghai

from .conftest import FILED, SENT, message

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
ARRIVED = shanghai(2026, 11, 12, 15, 5)


def test_a_case_worker_confirms_the_proposed_completion_in_one_click(browser, live_server, catalog):
    worker = UserFactory(username="zhao", first_name="赵", last_name="敏", is_staff=True)
    worker.set_password(PASSWORD)
    worker.save()
    worker.groups.add(ensure_roles()[CASE_WORKER])
    request = file(catalog["卢米埃影城"], at=FILED, now=FILED, submit=False, requester_contact="13800000000")
    send_letter(request=request, now=SENT)
    ingest_message(message(to=reply_address(request.pk), body="您的账号已注销完成。").as_bytes(), now=ARRIVED)

    page = shared.new_page(browser, "zh-CN", width=1280)
    shared.sign_in(page, live_server.url, worker)
    page.goto(f"{live_server.url}/admin/rights/rightsrequest/{request.pk}/change/")
    button = page.locator("#correspondence form.rd-mail-confirm input[type=submit]")
    assert button.count() == 1 and "确认" in button.get_attribute("value")
    shared.shot(page, "correspondence-confirm-before")
    button.click()
    page.wait_for_load_state()
    page.wait_for_selector("#correspondence")
    assert page.locator("#correspondence form.rd-mail-confirm").count() == 0  # confirmed: not offered again
    shared.shot(page, "correspondence-confirm-after")
    request = RightsRequest.objects.get(pk=request.pk)
    assert request.state == "completed" and request.log.get(transition="complete").at == ARRIVED
