"""Issue 9's scenario, through the command line: 卢米埃影城 cancellation filed 2026-09-28 10:00 (due 2026-10-13);
12300 refuses until the complaint to the app has had 15 days; then the draft names the operator, quotes the
promise and cites 工信部令第35号."""
import json

import pytest

from complaints.models import Complaint, ComplaintLog
from complaints.services import update_requester_details
from rights.models import RightsRequest, TransitionLog

pytestmark = pytest.mark.django_db(transaction=True)


def one_line(result):
    assert result.returncode == 2, result.stdout + result.stderr
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1
    return result.stderr.strip()


def test_lumiere_cancellation_goes_from_the_app_to_12300_on_the_right_day(command, lumiere_with_address):
    filed = command("requests", "file", "--app", "卢米埃影城", "--right", "account_cancellation", "--requester", "张三",
                    "--contact", "13812345678", "--channel", "个人中心 -》客服中心 -》 人工客服", "--ticket", "LM-0928",
                    "--at", "2026-09-28T10:00", "--json")
    assert filed.returncode == 0, filed.stderr
    request_id = json.loads(filed.stdout)["id"]
    assert json.loads(filed.stdout)["clocks"][0]["final_due"] == "2026-10-13"
    update_requester_details(request=RightsRequest.objects.get(pk=request_id),
                             changes={"address": "上海市徐汇区测试路2号", "postcode": "200030"})

    # 2026-10-14: the app is one day late, but nobody has complained to it yet.
    refused = one_line(command("complaints", "draft", str(request_id), "--channel", "12300", "--at", "2026-10-14T09:00",
                               language="en"))
    assert "no complaint to the app yet" in refused and "第十条(四)" in refused
    assert "2026-10-30" in refused  # lodged with the app today, 12300 would take it from 10-30

    lodged = command("complaints", "lodge", str(request_id), "--channel", "app", "--at", "2026-10-14T10:00", "--json")
    assert lodged.returncode == 0, lodged.stderr
    app_complaint = json.loads(lodged.stdout)
    assert app_complaint["state"] == "lodged" and app_complaint["channel"] == "app"
    # The app's policy promises nothing for complaints: 15 working days (认定方法 六、5) from 10-14.
    (clock,) = app_complaint["clocks"]
    assert clock["action"] == "answer" and clock["final_due"] == "2026-11-04" and "六、5" in clock["citation"]
    # A complaint to the app itself is not an escalation to a regulator.
    assert RightsRequest.objects.get(pk=request_id).state == "submitted"

    # 2026-10-29: the app still has all of that day (15 days from 10-14, Civil Code art. 201).
    refused = one_line(command("complaints", "draft", str(request_id), "--channel", "12300", "--at", "2026-10-29T18:00",
                               language="en"))
    assert "2026-10-30" in refused and "Not admissible" in refused
    # And in the default language, Chinese around the same facts.
    assert "2026-10-30" in one_line(command("complaints", "draft", str(request_id), "--channel", "12300", "--at", "2026-10-29"))

    drafted = command("complaints", "draft", str(request_id), "--channel", "12300", "--at", "2026-10-30T09:00")
    assert drafted.returncode == 0, drafted.stderr
    text = drafted.stdout
    for fact in ("北京卢米埃时代电影院线有限公司", "在7个工作日内完成注销处理", "卢米埃隐私政策", "2026-10-13",
                 "工信部令第35号", "张三", "13812345678", "200030", "LM-0928", "第五十条", "2026-10-14"):
        assert fact in text, fact
    assert "已逾期13个工作日" in text  # 10-14 .. 10-30 on the working-day calendar
    assert "English (for reading)" in text and "at the latest" not in text.split("English")[0]
    assert "&#" not in text and "&quot;" not in text  # plain text, not HTML-escaped

    lodged = command("complaints", "lodge", str(request_id), "--channel", "12300", "--at", "2026-10-30T10:00",
                     "--reference", "GX-2026-001", "--json")
    assert lodged.returncode == 0, lodged.stderr
    regulator = json.loads(lodged.stdout)
    # Admission within 5 working days (art. 14), answer within 30 days of complete materials.
    assert {c["action"]: c["final_due"] for c in regulator["clocks"]} == {"admission": "2026-11-06", "answer": "2026-11-30"}
    request = RightsRequest.objects.get(pk=request_id)
    assert request.state == "escalated" and request.regulator.startswith("工信部") and request.regulator_reference == "GX-2026-001"
    assert TransitionLog.objects.filter(request=request, transition="escalate").count() == 1
    assert [e["event"] for e in regulator["history"]] == ["draft", "lodge", "request_escalated"]

    moved = command("complaints", "move", str(regulator["id"]), "admit", "--at", "2026-11-03T10:00", "--json")
    assert json.loads(moved.stdout)["state"] == "admitted"
    shown = json.loads(command("complaints", "show", str(regulator["id"]), "--json").stdout)
    assert set(shown) >= {"id", "request", "channel", "state", "clocks"}
    assert shown["channel"] == "12300" and shown["request"] == request_id
    assert [c["kept"] for c in shown["clocks"] if c["action"] == "admission"] == [True]


def test_a_second_regulator_complaint_is_lodged_even_though_the_request_is_already_escalated(command, lumiere_with_address):
    from complaints.models import Channel
    from complaints.services import lodge_complaint
    from tests.factories import file, shanghai

    request = file(lumiere_with_address, at=shanghai(2026, 9, 28, 10), requester_contact="13812345678")
    update_requester_details(request=request, changes={"address": "上海市徐汇区测试路2号", "postcode": "200030"})
    isc = lodge_complaint(request=request, channel=Channel.objects.get(code="isc"), at=shanghai(2026, 10, 20, 10))
    assert RightsRequest.objects.get(pk=request.pk).state == "escalated"
    result = command("complaints", "lodge", str(request.pk), "--channel", "12377", "--at", "2026-10-21T10:00", "--json")
    # Lodged (exit 0); the request's state refused a second escalation, which is said and recorded.
    assert result.returncode == 0, result.stderr
    assert "escalation was not recorded" in result.stderr
    complaint = Complaint.objects.get(pk=json.loads(result.stdout)["id"])
    assert complaint.state == "lodged" and isc.state == "lodged"
    entry = ComplaintLog.objects.get(complaint=complaint, event="request_not_escalated")
    assert entry.note and TransitionLog.objects.filter(request=request, transition="escalate").count() == 1
