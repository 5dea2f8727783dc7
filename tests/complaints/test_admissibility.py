"""Each channel's admissibility checks: one line each, with the day waiting will satisfy it."""
from datetime import date

import pytest

from complaints.admissibility import check_admissibility
from complaints.models import Channel
from complaints.services import lodge_complaint, record_complaint_event, update_requester_details
from policies.models import work_calendar
from rights.services import record_event
from tests.factories import file, shanghai

pytestmark = pytest.mark.django_db


@pytest.fixture
def lumiere(catalog):
    app = catalog["卢米埃影城"]
    app.addresses = ["北京市东城区测试路1号（测试地址）"]
    app.save()
    return app


@pytest.fixture
def overdue(lumiere):
    request = file(lumiere, at=shanghai(2026, 9, 28, 10), requester_contact="13812345678")
    update_requester_details(request=request, changes={"address": "上海市徐汇区测试路2号", "postcode": "200030"})
    return request


def admissible(request, code, on):
    return check_admissibility(request=request, channel=Channel.objects.get(code=code), on=on, calendar=work_calendar())


def failed(result):
    return {check.code: check for check in result.failed}


@pytest.mark.parametrize("code", ["app", "isc", "12377", "12315"])
def test_no_channel_takes_a_complaint_while_the_promise_still_runs_and_each_names_the_day_after_the_last_day(overdue, code, english):
    result = admissible(overdue, code, date(2026, 10, 13))
    assert not result.ok and result.from_day == date(2026, 10, 14)
    assert "2026-10-14" in result.refusal() and "\n" not in result.refusal()
    assert admissible(overdue, code, date(2026, 10, 14)).ok


def test_12300_needs_a_complaint_to_the_app_15_days_old_art_10_4(overdue, english):
    before = failed(admissible(overdue, "12300", date(2026, 10, 14)))
    assert "no complaint to the app yet" in before["app_complaint"].message and before["app_complaint"].from_day is None
    lodge_complaint(request=overdue, channel=Channel.objects.get(code="app"), at=shanghai(2026, 10, 14, 10))
    waiting = admissible(overdue, "12300", date(2026, 10, 29))
    assert waiting.from_day == date(2026, 10, 30) and "until 2026-10-29" in waiting.refusal()
    assert admissible(overdue, "12300", date(2026, 10, 30)).ok


def test_12300_takes_an_unsatisfying_answer_at_once_but_not_a_satisfying_one(overdue, english):
    app_complaint = lodge_complaint(request=overdue, channel=Channel.objects.get(code="app"), at=shanghai(2026, 10, 14, 10))
    record_complaint_event(complaint=app_complaint, event="answer", note="客服称已在处理", satisfied=False, at=shanghai(2026, 10, 16, 10))
    assert admissible(overdue, "12300", date(2026, 10, 16)).ok
    app_complaint.refresh_from_db()
    other = file(overdue.app, at=shanghai(2026, 9, 28, 10), requester_contact="13800000000")
    update_requester_details(request=other, changes={"address": "上海市", "postcode": "200030"})
    satisfied = lodge_complaint(request=other, channel=Channel.objects.get(code="app"), at=shanghai(2026, 10, 14, 10))
    record_complaint_event(complaint=satisfied, event="answer", note="已注销", satisfied=True, at=shanghai(2026, 10, 15, 10))
    check = failed(admissible(other, "12300", date(2026, 11, 20)))["app_complaint"]
    assert "satisfied the requester" in check.message and check.from_day is None


def test_12300_is_time_barred_two_years_after_the_missed_promise_art_11(overdue, english):
    lodge_complaint(request=overdue, channel=Channel.objects.get(code="app"), at=shanghai(2026, 10, 14, 10))
    # The matter arose 2026-10-14 (the day after the last day); two years on is Saturday 2028-10-14 -> next working day.
    assert "time_bar" not in failed(admissible(overdue, "12300", date(2028, 10, 14)))
    barred = failed(admissible(overdue, "12300", date(2028, 12, 1)))["time_bar"]
    assert "time-barred" in barred.message and "第十一条" in barred.message and barred.from_day is None


def test_12315_is_time_barred_after_three_years(overdue, english):
    assert "time_bar" not in failed(admissible(overdue, "12315", date(2029, 10, 1)))
    assert "time_bar" in failed(admissible(overdue, "12315", date(2029, 12, 1)))


def test_a_regulator_needs_the_operators_address_and_the_complainants_address_phone_and_postcode(catalog, english):
    aimiliao = catalog["艾米聊"]  # the catalog has its operator's name but no address
    request = file(aimiliao, at=shanghai(2026, 9, 28, 10), requester_contact="someone@example.com")
    problems = failed(admissible(request, "12315", date(2026, 12, 1)))
    assert "浙江鑫信软件技术有限公司" in problems["respondent"].message and "address" in problems["respondent"].message
    # The contact is an e-mail address, so the phone is missing too (art. 9 asks for one).
    assert all(word in problems["complainant"].message for word in ("phone", "postal address", "postcode"))
    assert "第九条" in problems["complainant"].message
    # The app itself needs neither: its own name and a way to reach the requester are enough.
    assert admissible(request, "app", date(2026, 12, 1)).ok


def test_a_postcode_with_unicode_digits_is_not_a_postcode(overdue, english):
    from complaints.services import ComplaintError

    with pytest.raises(ComplaintError, match="six digits"):
        update_requester_details(request=overdue, changes={"postcode": "２０００３０"})  # full-width digits
    with pytest.raises(ComplaintError, match=r"control character \(U\+0000\)"):
        update_requester_details(request=overdue, changes={"address": "上海\x00市"})


def test_an_agent_needs_a_power_of_attorney_and_for_12315_an_identity_document_art_10(overdue, english):
    from django.core.files.base import ContentFile

    update_requester_details(request=overdue, changes={"agent_name": "李律师"})
    app_check = failed(admissible(overdue, "app", date(2026, 10, 20)))["agent"]
    assert "power of attorney" in app_check.message and "identity" not in app_check.message
    update_requester_details(request=overdue, changes={"power_of_attorney": ContentFile(b"%PDF signed", name="poa.pdf")})
    assert admissible(overdue, "app", date(2026, 10, 20)).ok
    market = failed(admissible(overdue, "12315", date(2026, 10, 20)))["agent"]
    assert "identity document" in market.message and "第十条" in market.message


def test_a_court_case_file_needs_the_apps_refusal_pipl_50(overdue, english):
    assert "refusal" in failed(admissible(overdue, "court", date(2026, 10, 20)))
    record_event(event="refuse", request=overdue, reason="账号存在未完成订单", at=shanghai(2026, 10, 9, 10))
    assert admissible(overdue, "court", date(2026, 10, 20)).ok


def test_seeded_channels_keep_the_issues_citations():
    channels = {c.code: c for c in Channel.objects.all()}
    assert channels["12300"].prerequisite_citation == "《电信用户申诉处理办法》(工信部令第35号)第十条(四)"
    assert channels["12300"].admission_amount == 5 and channels["12300"].admission_unit == "working_day"
    assert channels["12300"].answer_amount == 30 and channels["12300"].answer_unit == "calendar_day"
    assert channels["12300"].time_bar_years == 2 and "第十一条" in channels["12300"].time_bar_citation
    assert "第十二条" in channels["12300"].contents_citation
    assert channels["12315"].admission_amount == 7 and "第十四条" in channels["12315"].admission_citation
    assert channels["12315"].answer_amount == 45 and "第二十一条" in channels["12315"].answer_citation
    assert "第十条" in channels["12315"].agent_citation and channels["12315"].time_bar_years == 3
    assert channels["isc"].answer_amount == 10 and channels["isc"].prerequisite == ""
    assert channels["12377"].answer_amount is None and "第六十五条" in channels["12377"].regulation
    assert "第五十条第二款" in channels["court"].prerequisite_citation and not channels["court"].drafting
    assert channels["app"].answer_amount == 15 and channels["app"].answer_citation.endswith("六、5")
