"""The import in the admin: upload or paste a policy, see each proposal beside its highlighted sentence,
accept / edit / reject each, accept the version, compare it with the previous one."""
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from policies.models import PolicyVersion, Procedure, ReviewStatus, Right

pytestmark = pytest.mark.django_db

TEXT = """网页应用隐私政策
生效日期：2030年1月1日
（二）注销账号
您可以通过“我的-设置-注销账号”申请注销。一般情况下，我们将在10个工作日内完成注销。
九、如何联系我们
您可以发送邮件至help@web-app.example与我们联系，我们将在15天内回复。
"""


@pytest.fixture(autouse=True)
def english_admin(admin_client, english):
    # Assert on the English source strings, whatever translations are added later.
    admin_client.cookies["django_language"] = "en"


def url(view, *args):
    return reverse(f"admin:policies_policyversion_{view}", args=args)


def paste(admin_client, text=TEXT, **extra):
    return admin_client.post(url("import"), {"text": text, **extra})


def test_the_import_page_is_linked_from_the_version_list(admin_client):
    assert url("import") in admin_client.get(url("changelist")).content.decode()
    assert admin_client.get(url("import")).status_code == 200


def test_pasting_a_policy_stores_a_draft_and_opens_its_review(admin_client):
    response = paste(admin_client)
    version = PolicyVersion.objects.get(app__name="网页应用")
    assert response.status_code == 302 and response.url == url("review", version.pk)
    assert version.status == ReviewStatus.DRAFT and version.procedures.count() == 2


def test_uploading_a_gb18030_file_works(admin_client):
    upload = SimpleUploadedFile("policy.txt", TEXT.encode("gb18030"), content_type="text/plain")
    response = admin_client.post(url("import"), {"file": upload, "new_app_name": "上传应用"})
    assert response.status_code == 302
    assert PolicyVersion.objects.get(app__name="上传应用").source_name == "policy.txt"


@pytest.mark.parametrize(
    "data, message",
    [
        ({}, "Upload a file or paste the text"),
        ({"text": "   "}, "Upload a file or paste the text"),
        ({"file": SimpleUploadedFile("x.bin", b"\x89PNG\r\n\x1a\n" + bytes(500))}, "binary"),
        ({"file": SimpleUploadedFile("x.txt", b"")}, "empty"),
        ({"text": "我们将在15天内回复您的请求。"}, "which app"),
    ],
)
def test_bad_input_is_shown_on_the_form_and_stores_nothing(admin_client, data, message):
    before = PolicyVersion.objects.count()
    response = admin_client.post(url("import"), data)
    assert response.status_code == 200 and message in response.content.decode()
    assert PolicyVersion.objects.count() == before


def test_the_same_text_twice_is_refused_on_the_form(admin_client):
    paste(admin_client)
    response = paste(admin_client)
    assert response.status_code == 200 and "already imported" in response.content.decode()


def test_the_review_shows_the_text_with_each_fact_highlighted_beside_its_proposal(admin_client):
    paste(admin_client)
    version = PolicyVersion.objects.get(app__name="网页应用")
    cancellation = version.procedures.get(right=Right.ACCOUNT_CANCELLATION)
    page = admin_client.get(url("review", version.pk)).content.decode()
    assert f'id="p-{cancellation.pk}"' in page and f'id="q-{cancellation.pk}"' in page
    assert 'fact-deadline" href="#p-' in page  # 10个工作日内, inside the highlighted quote
    assert "fact-hedge" in page and "fact-path" in page
    assert "quote quote-draft" in page


def test_accepting_rejecting_and_accepting_the_version(admin_client):
    paste(admin_client)
    version = PolicyVersion.objects.get(app__name="网页应用")
    cancellation, reply = version.procedures.order_by("id")
    for procedure, decision in ((cancellation, "accept"), (reply, "reject")):
        form = {f"p{procedure.pk}-{k}": v for k, v in _form_data(procedure).items()}
        response = admin_client.post(url("review", version.pk), {**form, "action": f"{decision}:{procedure.pk}"})
        assert response.status_code == 302
    assert list(version.procedures.order_by("id").values_list("review_status", flat=True)) == ["accepted", "rejected"]
    response = admin_client.post(url("review", version.pk), {"action": "accept_version"}, follow=True)
    version.refresh_from_db()
    assert version.status == ReviewStatus.ACCEPTED
    assert "accepted" in response.content.decode()


def test_the_version_cannot_be_accepted_while_proposals_await_review(admin_client):
    paste(admin_client)
    version = PolicyVersion.objects.get(app__name="网页应用")
    response = admin_client.post(url("review", version.pk), {"action": "accept_version"}, follow=True)
    assert "still await review" in response.content.decode()
    version.refresh_from_db()
    assert version.status == ReviewStatus.DRAFT


def test_an_edit_is_saved_with_the_decision(admin_client):
    paste(admin_client)
    version = PolicyVersion.objects.get(app__name="网页应用")
    procedure = version.procedures.get(right=Right.ACCOUNT_CANCELLATION)
    data = _form_data(procedure) | {"deadline_max": "15", "hedge": ""}
    form = {f"p{procedure.pk}-{k}": v for k, v in data.items()}
    admin_client.post(url("review", version.pk), {**form, "action": f"accept:{procedure.pk}"})
    procedure.refresh_from_db()
    assert (procedure.deadline_max, procedure.hedge, procedure.review_status) == (15, "", "accepted")


def test_an_invalid_edit_is_shown_beside_its_proposal_and_not_saved(admin_client):
    paste(admin_client)
    version = PolicyVersion.objects.get(app__name="网页应用")
    procedure = version.procedures.get(right=Right.ACCOUNT_CANCELLATION)
    form = {f"p{procedure.pk}-{k}": v for k, v in (_form_data(procedure) | {"quote": "不在政策里的话"}).items()}
    response = admin_client.post(url("review", version.pk), {**form, "action": f"accept:{procedure.pk}"})
    assert response.status_code == 200 and "verbatim" in response.content.decode()
    procedure.refresh_from_db()
    assert procedure.review_status == ReviewStatus.DRAFT


def test_the_compare_page_lists_what_changed(admin_client, catalog):
    text = catalog["E票电影"].policy_versions.get().source_text.replace("7-15个工作日内停止", "30个工作日内停止")
    paste(admin_client, text=text)
    version = PolicyVersion.objects.filter(app__name="E票电影", status=ReviewStatus.DRAFT).get()
    page = admin_client.get(url("compare", version.pk)).content.decode()
    assert "longer deadline" in page and "Account cancellation" in page
    assert url("compare", version.pk) in admin_client.get(url("change", version.pk)).content.decode()


def test_staff_without_permissions_cannot_import(client, django_user_model):
    clerk = django_user_model.objects.create_user("clerk", password="pw", is_staff=True)
    client.force_login(clerk)
    assert client.get(url("import")).status_code == 403


def _form_data(procedure: Procedure) -> dict:
    import json

    return {
        "right": procedure.right,
        "action": procedure.action,
        "channels": json.dumps(procedure.channels, ensure_ascii=False),
        "deadline_min": procedure.deadline_min or "",
        "deadline_max": procedure.deadline_max or "",
        "deadline_unit": procedure.deadline_unit,
        "clock_start": procedure.clock_start,
        "hedge": procedure.hedge,
        "quote": procedure.quote,
        "note": procedure.note,
    }


MIXED = """置信网页应用隐私政策
（二）注销账号
收到您的注销申请后，我们将在10个工作日内完成注销。
（三）删除您的个人信息
在以下情形中，您可以向我们提出请求。
我们将在15个工作日内完成。
"""


def test_the_review_lists_uncertain_proposals_first_with_their_reasons(admin_client):
    paste(admin_client, text=MIXED)
    version = PolicyVersion.objects.get(app__name="置信网页应用")
    cancellation = version.procedures.get(right=Right.ACCOUNT_CANCELLATION)
    deletion = version.procedures.get(right=Right.DELETION)
    assert cancellation.pk < deletion.pk  # in text order, the confident one comes first
    page = admin_client.get(url("review", version.pk)).content.decode()
    assert page.index(f'id="p-{deletion.pk}"') < page.index(f'id="p-{cancellation.pk}"')
    assert "the right comes from the section heading" in page and "confidence-medium" in page
    assert "Accept the 1 confident proposal" in page


def test_accept_all_confident_accepts_only_the_confident_proposals(admin_client):
    paste(admin_client, text=MIXED)
    version = PolicyVersion.objects.get(app__name="置信网页应用")
    response = admin_client.post(url("review", version.pk), {"action": "accept_confident"}, follow=True)
    assert "1 confident proposal was accepted as proposed." in response.content.decode()
    statuses = dict(version.procedures.values_list("right", "review_status"))
    assert statuses == {Right.ACCOUNT_CANCELLATION: ReviewStatus.ACCEPTED, Right.DELETION: ReviewStatus.DRAFT}


def test_the_review_page_has_no_inline_script_for_a_strict_content_security_policy(admin_client):
    """A strict CSP (script-src without 'unsafe-inline') must not break the page: no <script> with a body,
    no on* event handler attributes, no javascript: links."""
    import re

    paste(admin_client, text=MIXED)
    version = PolicyVersion.objects.get(app__name="置信网页应用")
    page = admin_client.get(url("review", version.pk)).content.decode()
    inline_scripts = [m for m in re.finditer(r"<script\b[^>]*>(.*?)</script>", page, re.S | re.I) if m.group(1).strip()]
    assert inline_scripts == []
    assert not re.search(r"<[^>]+\son[a-z]+\s*=", page, re.I)
    assert "javascript:" not in page.lower()
