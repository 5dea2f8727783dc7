"""The importer's review finishes cleanly (issue 19, items 3 and 5): the proposals come first in the page and the
policy's text after them, no "accept all 0 confident proposals" is offered once none is left, a proposal's channels
are edited as rows (not JSON), and an import refused as a duplicate is titled as one, with a way to the version
already there (not "Importing…", nor "start again", which would be refused again)."""

import pytest
from django.urls import reverse

from policies.importer.store import import_policy_version
from policies.models import Confidence, PolicyImport, ReviewStatus

pytestmark = pytest.mark.django_db

TEXT = """审阅应用隐私政策
生效日期：2030年1月1日
（二）注销账号
收到您的注销申请后，我们将在10个工作日内完成注销。
（三）删除您的个人信息
在以下情形中，您可以向我们提出请求。
我们将在15个工作日内完成。
九、如何联系我们
您可以发送邮件至privacy@review-app.example与我们联系。
"""


def url(view, *args):
    return reverse(f"admin:policies_policyversion_{view}", args=args)


@pytest.fixture
def version(db):
    return import_policy_version(text=TEXT)


def test_the_proposals_come_before_the_policy_text(admin_client, english, version):
    page = admin_client.get(url("review", version.pk)).content.decode()
    first_card = page.index(f'id="p-{version.procedures.order_by("pk").first().pk}"')
    assert page.index('data-region="proposals"') < first_card < page.index('data-region="policy-text"')
    assert page.index('data-region="policy-text"') < page.index('class="import-text"')
    assert "<details" in page and "The policy’s text" in page.replace("&#x27;", "’").replace("'", "’")


def test_no_accept_all_zero_once_the_confident_proposals_are_accepted(admin_client, english, version):
    assert version.procedures.filter(confidence=Confidence.HIGH).exists()
    page = admin_client.get(url("review", version.pk)).content.decode()
    assert 'value="accept_confident"' in page
    admin_client.post(url("review", version.pk), {"action": "accept_confident"})
    page = admin_client.get(url("review", version.pk)).content.decode()
    assert 'value="accept_confident"' not in page and "Accept all 0" not in page
    for procedure in version.procedures.filter(review_status=ReviewStatus.DRAFT):
        admin_client.post(url("review", version.pk), {"action": f"reject:{procedure.pk}", **fields_of(procedure)})
    page = admin_client.get(url("review", version.pk)).content.decode()
    assert "Every proposal is reviewed." in page and 'value="accept_confident"' not in page
    admin_client.cookies["django_language"] = "zh-hans"
    page = admin_client.get(url("review", version.pk), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "0 条" not in page


def fields_of(procedure, channels=None):
    """The review form of one proposal as posted, with the channel rows given (default: as they are)."""
    prefix = f"p{procedure.pk}"
    data = {
        f"{prefix}-{name}": "" if getattr(procedure, name) is None else getattr(procedure, name)
        for name in ("right", "action", "deadline_min", "deadline_max", "deadline_unit", "clock_start", "hedge",
                     "quote", "note")
    }  # fmt: skip
    rows = [(c["kind"], c["value"]) for c in procedure.channels] if channels is None else channels
    data[f"{prefix}-channels-rows"] = str(len(rows))
    for index, (kind, value) in enumerate(rows):
        data[f"{prefix}-channels-{index}-kind"] = kind
        data[f"{prefix}-channels-{index}-value"] = value
    return data


def test_a_proposals_channels_are_rows_and_a_bad_row_is_one_line(admin_client, english, version):
    procedure = version.procedures.order_by("pk").first()
    page = admin_client.get(url("review", version.pk)).content.decode()
    assert f'name="p{procedure.pk}-channels-rows"' in page and f'name="p{procedure.pk}-channels"' not in page
    assert "policies/channels.js" in page and "policies/channels.css" in page

    data = fields_of(procedure, channels=[("email", "privacy@review-app.example"), ("", ""), ("bogus", "x")])
    response = admin_client.post(url("review", version.pk), {"action": f"save:{procedure.pk}", **data})
    assert response.status_code == 200
    assert "Channel 3: choose its kind from the list." in response.content.decode()

    data = fields_of(procedure, channels=[("email", "privacy@review-app.example"), ("self_service", "我的-设置")])
    response = admin_client.post(url("review", version.pk), {"action": f"accept:{procedure.pk}", **data})
    assert response.status_code == 302
    procedure.refresh_from_db()
    assert procedure.review_status == ReviewStatus.ACCEPTED
    assert procedure.channels == [
        {"kind": "email", "value": "privacy@review-app.example"},
        {"kind": "self_service", "value": "我的-设置"},
    ]


def test_a_duplicate_import_is_titled_as_one(admin_client, english, version):
    job = PolicyImport.objects.create(
        text=TEXT, state=PolicyImport.State.FAILED, error="This text was already imported for 审阅应用 as version #1."
    )
    page = admin_client.get(url("import_progress", job.pk)).content.decode()
    assert "<title>Already imported: the pasted text" in page and "Importing" not in page
    assert url("review", version.pk) in page and "Start this import again" not in page


def test_a_duplicate_import_is_titled_as_one_in_chinese(admin_client, version):
    job = PolicyImport.objects.create(text=TEXT, app_name="审阅应用", state=PolicyImport.State.FAILED, error="…")
    page = admin_client.get(url("import_progress", job.pk), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "已导入过：审阅应用" in page and "正在导入" not in page


def test_an_import_failed_for_another_reason_is_titled_failed(admin_client, english):
    job = PolicyImport.objects.create(text="无名政策", state=PolicyImport.State.FAILED, error="No app named.")
    page = admin_client.get(url("import_progress", job.pk)).content.decode()
    assert "<title>Import failed: the pasted text" in page and "Start this import again" in page
