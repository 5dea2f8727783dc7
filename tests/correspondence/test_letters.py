"""The letters are drafted from the record: each fact stated is the record's, and nothing is said it contradicts."""

from datetime import date

import pytest

from complaints.models import RequesterDetails
from correspondence.letters import LetterError, draft_letter
from correspondence.tokens import reply_address
from tests.factories import file

from .conftest import SENT

pytestmark = pytest.mark.django_db


def test_the_request_letter_states_who_asks_which_right_its_basis_the_promise_the_proof_and_where_to_reply(draft):
    letter = draft_letter(draft, on=date(2026, 11, 10))
    assert letter.to == "min.jiang@cmgplex.com"  # the app's privacy address in the catalog
    assert "本人张三向贵方提出注销账号请求" in letter.body
    assert "《中华人民共和国个人信息保护法》第四十七条、第五十条" in letter.body
    # The promise, quoted verbatim with the policy version it comes from.
    assert "贵方在《卢米埃隐私政策（2020-06-03）》中承诺：“" in letter.body
    assert "在7个工作日内完成注销处理" in letter.body
    assert "注册的联系方式（13800000000）核验" in letter.body
    assert reply_address(draft.pk) in letter.body
    assert f"[RightsDesk #{draft.pk}]" in letter.subject
    assert (
        "PIPL) art. 47, art. 50" in letter.reading_copy
        and "I, 张三, ask you for account cancellation" in letter.reading_copy
    )


def test_an_agent_writes_for_the_requester_and_encloses_only_what_the_record_holds(draft):
    RequesterDetails.objects.create(request=draft, agent_name="李律师")
    letter = draft_letter(draft, on=date(2026, 11, 10))
    assert "本人李律师受张三委托" in letter.body
    assert "注销委托人的账号" in letter.body and "注销本人的账号" not in letter.body
    # No power of attorney is on file, so the letter does not claim one is enclosed.
    assert "附授权委托书" not in letter.body


def test_a_right_with_only_in_app_and_phone_channels_is_refused_naming_the_channel_and_its_path(catalog):
    request = file(catalog["E票电影"], at=SENT, now=SENT, submit=False)
    with pytest.raises(LetterError, match="no e-mail address for Account cancellation.*Phone: 400-113-9001"):
        draft_letter(request, on=date(2026, 11, 10))


def test_no_follow_up_while_no_promise_is_overdue(catalog):
    sent = file(catalog["卢米埃影城"], at=SENT, now=SENT)
    with pytest.raises(LetterError, match="nothing to follow up"):
        draft_letter(sent, on=date(2026, 11, 19), follow_up=True)  # the last day itself


def test_the_follow_up_cites_the_promise_the_last_day_and_the_working_days_overdue(catalog):
    sent = file(catalog["卢米埃影城"], at=SENT, now=SENT)
    letter = draft_letter(sent, on=date(2026, 11, 24), follow_up=True)
    assert letter.kind == "follow_up" and letter.subject.startswith("催办：")
    assert "在7个工作日内完成注销处理" in letter.body
    assert "该期限的最后一日为2026-11-19" in letter.body
    assert "已逾期3个工作日" in letter.body  # 11-20 (Fri), 11-23, 11-24
    assert "overdue by 3 working days" in letter.reading_copy


def test_a_reply_token_is_the_requests_own(draft):
    assert reply_address(draft.pk) != reply_address(draft.pk + 1)
    assert reply_address(draft.pk).startswith(f"desk+r{draft.pk}-")
