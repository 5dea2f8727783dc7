"""The HTML digest on a phone (issue 19, item 6), in chromium: at 390 px it fits the screen (no sideways scrolling)
and reads as one card per request, its clocks stacked; at 1280 px it is the table. Both languages, with the long
names a real desk has. Screenshots go to var/artifacts/."""
import pytest
from django.core import mail
from django.test import override_settings

from rights.models import ReminderPreference
from rights.reminders import sweep_reminders
from tests.browser import new_page, shot
from tests.factories import UserFactory, file, shanghai

pytestmark = [pytest.mark.browser, pytest.mark.django_db]

NO_SIDEWAYS_SCROLL = "document.documentElement.scrollWidth"


@pytest.fixture
def digests(catalog):
    """A Chinese and an English digest of 60 requests (more than a digest shows: its link to the list too), with a
    long requester name and a due-soon, an overdue and an escalated request."""
    english = UserFactory(username="wang", email="wang@example.com")
    ReminderPreference.objects.create(user=english, language="en")
    chinese = UserFactory(username="li", email="li@example.com")
    app = catalog["卢米埃影城"]
    for clerk in (english, chinese):
        for n in range(58):
            file(app, at=shanghai(2026, 11, 10, 10), assignee=clerk, requester=f"请求人{n}")
        file(app, at=shanghai(2026, 11, 16, 10), assignee=clerk, requester="Maximilian Alexander Wolfeschlegelsteinhausen")
        file(app, at=shanghai(2026, 11, 16, 10), assignee=clerk, requester="欧阳" + "长" * 40)
    with override_settings(SITE_URL="https://rightsdesk.example-organisation.org:8443"):
        sweep_reminders(now=shanghai(2026, 11, 24, 9, 30))
    return {message.extra_headers["Content-Language"]: message.alternatives[0][0] for message in mail.outbox}


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_html_digest_fits_a_phone_as_cards_and_a_desktop_as_a_table(browser, digests, language):
    html = digests[language]
    phone = new_page(browser, width=390, height=844)
    phone.set_content(html)
    assert phone.evaluate(NO_SIDEWAYS_SCROLL) <= 390
    # One card per request: the cells of a row stacked, each as wide as the screen allows, the column heads hidden
    # and the labels in the cells shown.
    first = phone.locator("tr.rd-first").first
    request, kind = first.locator("td.rd-request").bounding_box(), first.locator("td.rd-kind").bounding_box()
    assert kind["y"] > request["y"] and abs(kind["x"] - request["x"]) < 1 and kind["width"] > 300
    assert not phone.locator("thead").is_visible() and phone.locator(".rd-label").first.is_visible()
    assert not first.locator("td.rd-days").is_visible()  # the status says how late, in words
    shot(phone, f"reminder-digest-390-{language}")
    phone.context.close()

    desktop = new_page(browser, width=1280, height=900)
    desktop.set_content(html)
    first = desktop.locator("tr.rd-first").first
    request, kind = first.locator("td.rd-request").bounding_box(), first.locator("td.rd-kind").bounding_box()
    assert abs(kind["y"] - request["y"]) < 1 and kind["x"] > request["x"]  # side by side: the table
    assert desktop.locator("thead").is_visible() and not desktop.locator(".rd-label").first.is_visible()
    assert desktop.evaluate(NO_SIDEWAYS_SCROLL) <= 1280
    shot(desktop, f"reminder-digest-1280-{language}")
    desktop.context.close()
