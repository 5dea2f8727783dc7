"""The import in the admin: upload or paste a policy, follow its import (in the background) on a progress page,
see each proposal beside its highlighted sentence, accept / edit / reject each, accept the version, compare it
with the previous one.

Here the import task runs in place (CELERY_TASK_ALWAYS_EAGER) when the request's transaction commits;
test_admin_import_background.py runs it as the embedded default (a thread) and on a real Celery worker."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from policies.models import PolicyImport, PolicyVersion, Procedure, ReviewStatus, Right

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


@pytest.fixture(autouse=True)
def tasks_run_in_place(settings, django_capture_on_commit_callbacks):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    global _on_commit
    _on_commit = django_capture_on_commit_callbacks


def url(view, *args):
    return reverse(f"admin:policies_policyversion_{view}", args=args)


def post_import(admin_client, data):
    """POST the import form as a person does; the import runs when the request's transaction commits. Returns
    the page the person ends on (following redirects)."""
    with _on_commit(execute=True):
        response = admin_client.post(url("import"), data)
    if response.status_code != 302:
        return response
    return admin_client.get(response.url, follow=True)


def paste(admin_client, text=TEXT, **extra):
    return post_import(admin_client, {"text": text, **extra})


def test_the_import_page_is_linked_from_the_version_list(admin_client):
    assert url("import") in admin_client.get(url("changelist")).content.decode()
    assert admin_client.get(url("import")).status_code == 200


def test_pasting_a_policy_stores_a_draft_and_opens_its_review(admin_client):
    response = paste(admin_client)
    version = PolicyVersion.objects.get(app__name="网页应用")
    assert response.redirect_chain[-1][0] == url("review", version.pk)
    assert version.status == ReviewStatus.DRAFT and version.procedures.count() == 2
    assert "a draft version with 2 proposed procedures awaiting your review" in response.content.decode()


def test_the_import_request_only_reads_the_text_and_queues_the_rest(admin_client, django_capture_on_commit_callbacks):
    # Issue 11: a 100k-character paste ran past gunicorn's 30 s while the request parsed it. The request now
    # reads (decodes, checks) and queues; the extraction runs after it, in the background.
    text = TEXT + "我们会采取合理措施保护您的个人信息安全。" * 5000
    with django_capture_on_commit_callbacks(execute=False) as queued:
        response = admin_client.post(url("import"), {"text": text})
    job = PolicyImport.objects.get()
    assert response.status_code == 302 and response.url == url("import_progress", job.pk)
    assert (job.state, job.text, PolicyVersion.objects.filter(app__name="网页应用").count()) == ("queued", text, 0)
    assert len(queued) == 1  # the hand-over to the task, once the job is committed
    page = admin_client.get(response.url).content.decode()
    assert "Waiting to start" in page and 'data-status-url="' + url("import_status", job.pk) in page
    queued[0]()
    job.refresh_from_db()
    assert job.state == "done" and job.policy_version.app.name == "网页应用"


def test_the_status_of_an_import_is_json_for_the_progress_page(admin_client):
    paste(admin_client)
    job = PolicyImport.objects.get()
    status = admin_client.get(url("import_status", job.pk)).json()
    assert status == {
        "state": "done",
        "progress": 100,
        "stalled": False,
        "label": "Done.",
        "review_url": url("review", job.policy_version_id),
    }


def test_uploading_a_gb18030_file_works(admin_client):
    upload = SimpleUploadedFile("policy.txt", TEXT.encode("gb18030"), content_type="text/plain")
    post_import(admin_client, {"file": upload, "new_app_name": "上传应用"})
    assert PolicyVersion.objects.get(app__name="上传应用").source_name == "policy.txt"


@pytest.mark.parametrize(
    "data, message",
    [
        ({}, "Upload a file or paste the text"),
        ({"text": "   "}, "Upload a file or paste the text"),
        ({"file": SimpleUploadedFile("x.bin", b"\x89PNG\r\n\x1a\n" + bytes(500))}, "binary"),
        ({"file": SimpleUploadedFile("x.txt", b"")}, "empty"),
        (
            {"file": SimpleUploadedFile("x.txt", "隐私政策\n".encode() * 10000 + b"\x00")},
            "x.txt contains a NUL character (line 10001)",
        ),
        ({"text": "隐私政策\x00"}, "Null characters are not allowed"),
    ],
)
def test_bad_input_is_shown_on_the_form_and_starts_nothing(admin_client, data, message):
    response = post_import(admin_client, data)
    assert response.status_code == 200 and message in response.content.decode()
    assert PolicyImport.objects.count() == 0 and not PolicyVersion.objects.filter(status=ReviewStatus.DRAFT).exists()


def test_a_file_over_the_size_limit_is_refused_on_the_form(admin_client, settings):
    settings.POLICY_IMPORT_MAX_BYTES = 1024 * 1024
    upload = SimpleUploadedFile("big.txt", b"a" * (1024 * 1024 + 1))
    response = post_import(admin_client, {"file": upload})
    assert "big.txt is larger than 1 MB, the most a policy may be." in response.content.decode()
    assert PolicyImport.objects.count() == 0


def test_a_policy_naming_no_app_fails_its_import_with_one_line_saying_so(admin_client):
    response = paste(admin_client, text="我们将在15天内回复您的请求。")
    job = PolicyImport.objects.get()
    assert (job.state, job.error) == ("failed", "The policy does not say which app it is for; give the app's name.")
    page = response.content.decode()
    assert response.status_code == 200 and job.error.replace("'", "&#x27;") in page
    assert url("import") in page  # a way back to the form


def test_the_same_text_twice_fails_the_second_import(admin_client):
    paste(admin_client)
    response = paste(admin_client)
    second = PolicyImport.objects.order_by("id").last()
    assert second.state == "failed" and "already imported" in second.error
    assert "already imported" in response.content.decode()
    assert PolicyVersion.objects.filter(app__name="网页应用").count() == 1


def test_an_import_that_stopped_moving_says_so(admin_client):
    from datetime import timedelta

    from django.utils import timezone

    job = PolicyImport.objects.create(text=TEXT, state="running", progress=10)
    PolicyImport.objects.filter(pk=job.pk).update(updated_at=timezone.now() - timedelta(minutes=11))
    status = admin_client.get(url("import_status", job.pk)).json()
    assert status["stalled"] and "has not moved for 10 minutes" in status["label"]


def test_an_unexpected_error_fails_the_import_with_one_line_and_logs_it(admin_client, caplog, monkeypatch):
    from policies.importer import jobs

    def a_bug(text):
        raise RuntimeError("a bug in the extractor\nwith a second line")

    monkeypatch.setattr(jobs, "extract", a_bug)  # stands for any bug: the person must not see a traceback
    job = PolicyImport.objects.create(text=TEXT)
    jobs.run_import(job_id=job.pk)
    job.refresh_from_db()
    assert job.state == "failed" and job.error.startswith("The import failed unexpectedly")
    assert "\n" not in job.error and "policy import #%d failed" % job.pk in caplog.text


def test_a_job_is_run_once_even_when_its_task_is_delivered_twice(admin_client):
    from policies.importer.jobs import run_import

    paste(admin_client)
    job = PolicyImport.objects.get()
    assert run_import(job_id=job.pk).state == "done"  # a second delivery finds it done and leaves it
    assert PolicyVersion.objects.filter(app__name="网页应用").count() == 1


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
