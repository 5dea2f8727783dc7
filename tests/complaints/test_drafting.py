"""Letters written from the facts (issue 18): each kind of sentence appears when the record supports it, a letter
speaks to its addressee, and a missing detail is a marked blank, never a refused draft."""
from datetime import date

import pytest

from complaints.drafting import render, render_complaint
from complaints.models import Channel
from complaints.services import update_requester_details
from deadlines.counting import local_day as local_date
from rights.services import record_event
from tests.factories import file, shanghai

pytestmark = pytest.mark.django_db

NOW = shanghai(2026, 12, 1, 9)


@pytest.fixture
def lumiere(catalog):
    app = catalog["卢米埃影城"]
    app.addresses = ["北京市东城区测试路1号（测试地址）"]
    app.save()
    return app


@pytest.fixture
def filed(lumiere):
    """卢米埃影城 cancellation filed 2026-09-28 10:00, promised within 7 working days: last day 2026-10-13."""
    request = file(lumiere, at=shanghai(2026, 9, 28, 10), requester_contact="13812345678", now=NOW)
    update_requester_details(request=request, changes={"address": "上海市徐汇区测试路2号", "postcode": "200030"})
    return request


def event(request, name, at, **inputs):
    return record_event(request=request, event=name, at=at, now=NOW, **inputs)


def drafts(request, code, on):
    channel = Channel.objects.get(code=code)
    return (render_complaint(request=request, channel=channel, on=on, language="zh-hans"),
            render_complaint(request=request, channel=channel, on=on, language="en"))


def test_lumiere_completed_late_is_drafted_as_late_not_as_ignored_and_the_app_is_asked_not_ordered(filed):
    # The reproduction of issue 18: completed on 10-20, a week after its last day, drafted on 10-21.
    completed = event(filed, "complete", shanghai(2026, 10, 20, 15))
    zh, en = drafts(completed, "app", date(2026, 10, 21))
    assert "2026-10-20 15:00　App称已处理完毕" in zh
    # 10-14, 15, 16, 19, 20: five working days past 10-13.
    assert "逾期5个工作日后于2026-10-20完成" in zh and "贵方承诺的最后期限为2026-10-13，贵方逾期5个工作日后于2026-10-20完成处理" in zh
    assert "未处理" not in zh and "未答复" not in zh and "既未" not in zh
    assert "责令" not in zh and "请贵方书面确认已依法注销本人的账号并删除本人的个人信息，并说明逾期处理的原因" in zh
    assert "5 working days late" in en and "neither" not in en and "order the respondent" not in en
    assert "Please confirm in writing that you did cancel my account" in en

    zh, en = drafts(completed, "12300", date(2026, 10, 21))
    assert "被申诉人承诺的最后期限为2026-10-13，被申诉人逾期5个工作日后于2026-10-20完成处理" in zh and "既未处理" not in zh
    assert "请求依法处理被申诉人逾期处理个人信息权利请求的行为，并责令被申诉人书面确认已依法注销申诉人的账号" in zh
    assert "贵方" not in zh
    assert "5 working days late" in en and "order it to confirm in writing" in en

    # The 12300 PDF is the same text.
    from complaints.casefile import draft_pdf
    from tests.complaints.pdftext import pdf_text

    pdf = pdf_text(draft_pdf(request=completed, channel=Channel.objects.get(code="12300"), on=date(2026, 10, 21)))
    assert "逾期5个工作日后于2026-10-20完成" in pdf and "既未处理" not in pdf and "5workingdayslate" in pdf


def test_an_app_that_did_nothing_neither_acted_nor_replied(filed):
    zh, en = drafts(filed, "app", date(2026, 10, 21))
    assert "截至2026-10-21，贵方既未处理，也未答复" in zh
    assert "已逾期6个工作日" in zh  # 10-14 .. 10-21
    assert "请贵方依法注销本人的账号并删除本人的个人信息，并书面告知处理结果" in zh and "责令" not in zh
    assert "you had neither acted on the request nor replied" in en and "Please cancel my account" in en

    zh, en = drafts(filed, "12315", date(2026, 10, 21))
    assert "请求责令被申诉人依法注销申诉人的账号并删除申诉人的个人信息，并书面告知处理结果" in zh
    assert "We ask you to order the respondent to cancel the complainant's account" in en


def test_an_identity_request_is_said_before_the_silence_that_followed(filed):
    asked = event(filed, "request_identity", shanghai(2026, 9, 30, 10))
    zh, en = drafts(asked, "app", date(2026, 10, 21))
    assert "贵方于2026-09-30要求提供身份证明；截至2026-10-21，贵方既未处理，也未答复" in zh
    assert "You asked for proof of identity on 2026-09-30; as of 2026-10-21, you had neither acted" in en


def test_a_reply_without_completion_is_stated_with_its_day(filed):
    replied = event(filed, "reply", shanghai(2026, 10, 9, 11), note="客服称处理中")
    zh, en = drafts(replied, "app", date(2026, 10, 21))
    assert "贵方于2026-10-09作出答复，但截至2026-10-21仍未完成处理" in zh
    assert "未答复" not in zh and "既未" not in zh
    assert "You answered on 2026-10-09 but, as of 2026-10-21, had not completed the request" in en


def test_a_refusal_is_quoted_with_its_reason(filed):
    refused = event(filed, "refuse", shanghai(2026, 10, 10, 9), reason="账号存在未完成订单")
    zh, en = drafts(refused, "12315", date(2026, 10, 21))
    assert "被申诉人于2026-10-10拒绝了该请求，理由为：“账号存在未完成订单”" in zh
    assert "未答复" not in zh and "既未" not in zh
    assert "The respondent refused the request on 2026-10-10, giving as its reason: “账号存在未完成订单”" in en


def test_a_completion_in_time_is_not_called_late(filed):
    completed = event(filed, "complete", shanghai(2026, 10, 12, 9))
    zh, en = drafts(completed, "app", date(2026, 10, 21))
    assert "贵方已于2026-10-12完成处理" in zh and "已于2026-10-12完成处理，未逾期" in zh
    assert "逾期后" not in zh and "已逾期" not in zh and "逾期处理的原因" not in zh
    assert "You completed the request on 2026-10-12" in en and "late" not in en


def test_missing_details_are_marked_blanks_listed_at_the_end_and_lodging_still_needs_them(lumiere):
    lumiere.addresses = []
    lumiere.save()
    request = file(lumiere, at=shanghai(2026, 9, 28, 10), now=NOW)
    zh, en = drafts(request, "12300", date(2026, 10, 30))
    assert "地址：【待补：申诉人通讯地址】" in zh and "【待补：被申诉人通讯地址】" in zh
    listed = zh.split("待补充事项（补齐后方可提交）：")[1]
    assert "1. 申诉人电话" in listed and "申诉人通讯地址" in listed and "申诉人邮政编码" in listed and "被申诉人通讯地址" in listed
    assert "[to fill in: complainant's postal address]" in en
    assert "To fill in before lodging:" in en and "respondent's postal address" in en.split("To fill in before lodging:")[1]

    from complaints.admissibility import check_admissibility
    from policies.models import work_calendar

    result = check_admissibility(request=request, channel=Channel.objects.get(code="12300"), on=date(2026, 10, 30), calendar=work_calendar())
    assert {check.code for check in result.failed} >= {"respondent", "complainant"}


def test_a_complete_record_has_no_blanks_and_no_list(filed):
    zh, en = drafts(filed, "12300", date(2026, 10, 30))
    assert "待补" not in zh and "to fill in" not in en


def test_the_reminder_and_power_of_attorney_draft_without_an_agent(filed):
    text = render("power_of_attorney", request=filed, channel=None, on=date(2026, 10, 21), language="zh-hans")
    assert "受托人：【待补：受托人】" in text and text.rstrip().endswith("1. 受托人")
    reminder = render("reminder", request=filed, channel=None, on=date(2026, 10, 21), language="zh-hans")
    assert "该期限的最后一日为2026-10-13。截至2026-10-21，已逾期6个工作日。" in reminder


def test_waiting_is_the_only_obstacle_and_the_refusal_names_the_first_admissible_day(filed, settings):
    from complaints.admissibility import check_admissibility
    from policies.models import work_calendar

    settings.LANGUAGE_CODE = "zh-hans"
    from django.utils import translation

    with translation.override("zh-hans"):
        result = check_admissibility(request=filed, channel=Channel.objects.get(code="app"), on=date(2026, 10, 10), calendar=work_calendar())
        assert result.from_day == date(2026, 10, 14)
        assert "自2026-10-14起可以受理" in result.refusal()
    with translation.override("en"):
        assert "admissible from 2026-10-14" in result.refusal()


def test_the_case_file_reads_the_same_verdict_as_the_letters(filed, english):
    from complaints.casefile import case_file_context

    completed = event(filed, "complete", shanghai(2026, 10, 20, 15))
    (clock,) = case_file_context(completed, date(2026, 10, 21))["clocks"]
    assert clock["status"] == "kept late, on 2026-10-20 (5 working days late)"
    (clock,) = case_file_context(file(filed.app, at=shanghai(2026, 9, 28, 10), now=NOW), date(2026, 10, 21))["clocks"]
    assert clock["status"] == "overdue by 6 working days"


def test_the_data_migration_renews_a_stored_default_and_keeps_an_edited_template(monkeypatch):
    import hashlib
    import importlib

    from django.apps import apps

    from complaints.models import DraftTemplate
    from complaints.seed import TEMPLATE_DIR

    migration = importlib.import_module("complaints.migrations.0005_letters_from_the_facts")
    DraftTemplate.objects.filter(key="app", language="zh-hans").update(body="旧的默认文本 {{ refusal }}")
    DraftTemplate.objects.filter(key="app", language="en").update(body="An edit of mine {{ refusal }}")
    monkeypatch.setitem(migration.PREVIOUS, ("app", "zh-hans"), hashlib.sha256("旧的默认文本 {{ refusal }}".encode()).hexdigest())
    migration.renew(apps, None)
    assert DraftTemplate.objects.get(key="app", language="zh-hans").body == (TEMPLATE_DIR / "app.zh-hans.txt").read_text(encoding="utf-8")
    assert DraftTemplate.objects.get(key="app", language="en").body == "An edit of mine {{ refusal }}"


def test_a_paused_promise_kept_after_the_statutory_limit_is_drafted_as_kept_and_past_the_statute(filed):
    # The requester's pause moves the promised last day past the statutory one (a pause never moves the statute):
    # the app kept its promise and breached the statute, and the letter says both, not "late" and not "not yet due".
    paused = event(filed, "pause", shanghai(2026, 9, 29, 10))
    resumed = event(paused, "resume", shanghai(2026, 10, 20, 10))
    clock = resumed.clocks.get(action="completion")
    assert clock.statutory_deadline_at < clock.deadline_at
    completed = event(resumed, "complete", clock.statutory_deadline_at + (clock.deadline_at - clock.statutory_deadline_at) / 2)
    day = local_date(completed.clocks.get(action="completion").met_at).isoformat()
    zh, en = drafts(completed, "12300", date(2026, 11, 30))
    assert f"已于{day}完成处理，未超过承诺期限，但已超过法定期限" in zh
    assert "逾期" not in zh.split("已于")[1][:20] and "期限未届满" not in zh
    assert f"completed on {day}, within the promise but past the statutory limit" in en
