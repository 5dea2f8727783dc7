"""The request page shows the letter before it is sent, and its button sends it through the same service."""

import pytest
import time_machine
from django.urls import reverse

from tests.factories import file

from .conftest import SENT

pytestmark = pytest.mark.django_db


def test_the_case_page_shows_the_letter_and_its_button_sends_it(draft, inbox, admin_client):
    page = reverse("admin:rights_rightsrequest_change", args=[draft.pk])
    with time_machine.travel(SENT, tick=False):
        shown = admin_client.get(page, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
        assert "本人张三向贵方提出注销账号请求" in shown and "min.jiang@cmgplex.com" in shown
        response = admin_client.post(reverse("admin:correspondence_letter_send", args=[draft.pk]))
    assert response.status_code == 302 and response["Location"] == page
    draft.refresh_from_db()
    assert draft.state == "submitted" and len(inbox.messages) == 1
    with time_machine.travel(SENT, tick=False):
        shown = admin_client.get(page, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "<td>Request letter" in shown  # the letter on the timeline, its kind in words (the code is "request")


def test_the_case_page_names_the_channel_when_there_is_no_address(catalog, admin_client):
    request = file(catalog["艾米聊"], at=SENT, now=SENT, submit=False)
    with time_machine.travel(SENT, tick=False):
        shown = admin_client.get(
            reverse("admin:rights_rightsrequest_change", args=[request.pk]), HTTP_ACCEPT_LANGUAGE="zh-hans"
        ).content.decode()
    assert "艾米聊-我的-点击头像-账号注销" in shown and 'action="/admin/correspondence/letter/send/' not in shown
    # In the reader's language (Chinese here), with the checklist of the evidence to keep instead of a letter.
    script = shown[shown.index('data-region="mail-script"'):]
    assert "自助操作路径：艾米聊-我的-点击头像-账号注销" in script and "截图" in script and "工单" in script
    assert "in-app self-service" not in shown and "account_cancellation" not in shown
