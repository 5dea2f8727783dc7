"""The extractor on whole texts: which right each promise is for, what a path serves, what is left out, and
that every fact is quoted verbatim. The policies here are written for the tests."""

import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from policies.importer.confidence import REASONS, RULES
from policies.importer.extract import extract
from policies.models import Action, ChannelKind, ClockStart, Confidence, Hedge, Right, Unit

from .helpers import chinese_numeral, fullwidth, proposals_with_deadline

POLICY = """示例阅读隐私政策
发布日期：2023年3月1日
生效日期：2023年3月15日
杭州示例阅读科技有限公司（以下简称“我们”）是示例阅读APP的运营者。

六、您的权利
（一）查阅和更正您的个人信息
您可以通过“我的-设置-个人资料”查阅、更正您的个人信息。
（二）注销账号
您可以通过“我的>设置>账号与安全>注销账号”申请注销。收到您的注销申请并完成身份验证后，我们将在15个工作日内完成注销。
（三）响应您的请求
一般情况下，我们将在收到您的请求后十五天内答复；特殊情况下最长不超过30天。
七、如何联系我们
您可以发送邮件至privacy@example-reading.com或拨打客服电话400-800-1234与我们联系，我们将在7个工作日内回复。
八、信息安全
如发生个人信息安全事件，我们将在3日内通知您。
"""


@pytest.fixture(scope="module")
def policy():
    return extract(POLICY)


def promises(extraction):
    return [p for p in extraction.procedures if p.deadline]


def test_the_policy_s_own_facts(policy):
    assert (policy.app, policy.operator) == ("示例阅读", "杭州示例阅读科技有限公司")
    assert (str(policy.published_on), str(policy.effective_on)) == ("2023-03-01", "2023-03-15")
    assert policy.emails == ["privacy@example-reading.com"] and policy.phones == ["400-800-1234"]


def test_each_deadline_sentence_becomes_a_promise_for_its_right(policy):
    got = [(p.right, p.action, p.deadline, p.clock_start, p.hedge) for p in promises(policy)]
    assert got == [
        (
            Right.ACCOUNT_CANCELLATION,
            Action.COMPLETION,
            (15, 15, Unit.WORKING_DAY),
            ClockStart.IDENTITY_VERIFIED,
            Hedge.FIRM,
        ),
        (Right.ANY_REQUEST, Action.REPLY, (15, 15, Unit.CALENDAR_DAY), ClockStart.RECEIPT, Hedge.SOFT),
        (Right.ANY_REQUEST, Action.REPLY, (30, 30, Unit.CALENDAR_DAY), ClockStart.RECEIPT, Hedge.CAP),
        (Right.ANY_REQUEST, Action.REPLY, (7, 7, Unit.WORKING_DAY), ClockStart.RECEIPT, Hedge.FIRM),
    ]


def test_a_security_incident_notice_is_no_rights_promise(policy):
    assert not any("安全事件" in p.quote for p in policy.procedures)


def test_a_path_joins_the_promise_for_its_right_in_the_same_section(policy):
    cancellation = next(p for p in policy.procedures if p.right == Right.ACCOUNT_CANCELLATION)
    assert cancellation.paths == ["我的>设置>账号与安全>注销账号"] and cancellation.deadline


def test_a_path_without_a_promise_is_a_self_service_procedure_for_each_right_it_serves(policy):
    by_right = {p.right: p for p in policy.procedures if not p.deadline}
    assert set(by_right) == {Right.ACCESS, Right.CORRECTION}
    assert all(p.paths == ["我的-设置-个人资料"] and p.action == Action.COMPLETION for p in by_right.values())


def test_the_channels_of_a_section_go_with_its_promise(policy):
    contact = next(p for p in policy.procedures if p.deadline == (7, 7, Unit.WORKING_DAY))
    assert {"kind": ChannelKind.EMAIL, "value": "privacy@example-reading.com"} in contact.channels
    assert {"kind": ChannelKind.PHONE, "value": "400-800-1234"} in contact.channels


def test_every_quote_is_a_verbatim_sentence_of_the_text(policy):
    for p in policy.procedures:
        assert POLICY[p.start : p.end] == p.quote
        for fact in p.facts:
            assert 0 <= fact.start < fact.end <= len(POLICY)


def test_the_json_shape_of_the_issue(policy):
    d = policy.as_dict()
    assert set(d) >= {"app", "operator", "published_on", "effective_on", "contacts", "procedures"}
    assert set(d["contacts"]) >= {"emails", "phones"}
    for p in d["procedures"]:
        assert set(p) == {
            "right",
            "action",
            "deadline",
            "clock_start",
            "hedge",
            "channels",
            "paths",
            "quote",
            "rule",
            "confidence",
            "reasons",
        }
        assert p["confidence"] in Confidence.values and p["rule"] in RULES and set(p["reasons"]) <= set(REASONS)
        assert p["deadline"] is None or p["deadline"]["unit"] in Unit.values
        assert p["clock_start"] in ClockStart.values
        assert type(p["right"]) is str and type(p["clock_start"]) is str  # plain strings, not enum members


@pytest.mark.parametrize(
    "text",
    [
        "我们非常重视您的隐私。我们会采取合理的安全措施保护您的个人信息。",
        "如发生个人信息安全事件，我们将在24小时内通知您。",
        "退款将在7个工作日内原路退回。",
        "本政策更新后，我们会提前7天通知您。",
        "我们提供7×24小时在线客服。",
        "日志信息保存不超过6个月。",
    ],
)
def test_a_text_without_rights_promises_is_a_valid_result_with_no_procedures(text):
    assert extract(text).procedures == []


@pytest.mark.parametrize(
    "text, right",
    [
        ("收到您的更正申请后，我们将于七日内完成更正。", Right.CORRECTION),
        (
            "您的账号注销后，我们将在30天内删除您的个人信息。",
            Right.ACCOUNT_CANCELLATION,
        ),  # cancellation implies deletion
        ("对于您的删除请求，我们将在15个工作日内完成删除。", Right.DELETION),
        ("您可以获取个人信息副本，我们将在30天内完成导出。", Right.COPY),
        ("对于您的撤回同意请求，我们将在15个工作日内完成处理。", Right.CONSENT_WITHDRAWAL),
        ("我们将在收到您的投诉之日起15日内给予答复。", Right.COMPLAINT),
        ("您提出的查阅请求，我们将在15个工作日内答复。", Right.ACCESS),
        ("如您对本政策有任何疑问，我们将在一个月内答复您。", Right.ANY_REQUEST),
        ("如您希望注销账号，请联系客服。我们将在15个工作日内完成。", Right.ACCOUNT_CANCELLATION),  # the sentence before
    ],
)
def test_a_promise_is_for_the_right_its_sentence_names(text, right):
    assert [p.right for p in extract(text).procedures if p.deadline] == [right]


def test_a_sentence_listing_three_rights_promises_each_of_them():
    """Issue 20: a list of rights is each of them, not requests in general (it was any_request)."""
    text = "您可以申请查阅、更正或删除您的信息，我们将在15个工作日内答复。"
    assert sorted(p.right for p in extract(text).procedures if p.deadline) == sorted(
        [Right.ACCESS, Right.CORRECTION, Right.DELETION]
    )


def test_a_heading_names_the_right_when_the_sentence_does_not():
    text = "（四）删除您的个人信息\n在以下情形中，您可以向我们提出删除请求。\n我们将在10个工作日内完成。"
    assert [p.right for p in extract(text).procedures] == [Right.DELETION]


def test_a_general_heading_makes_an_unnamed_promise_any_request():
    text = "九、如何联系我们\n您可以通过邮件与我们联系。\n一般情况下，我们将在15天内回复。"
    (p,) = extract(text).procedures
    assert (p.right, p.hedge) == (Right.ANY_REQUEST, Hedge.SOFT)


def test_a_complaint_route_in_a_section_with_a_general_promise_is_held_to_it():
    text = (
        "九、如何联系我们\n您可以通过以下方式与我们联系，我们将在7-15个工作日内回复您的请求：\n"
        "1、我们设立了投诉渠道，您可以通过客服电话400-800-1234与我们联系。"
    )
    complaint = next(p for p in extract(text).procedures if p.right == Right.COMPLAINT)
    assert complaint.deadline == (7, 15, Unit.WORKING_DAY)
    assert {"kind": ChannelKind.PHONE, "value": "400-800-1234"} in complaint.channels


def test_a_path_to_a_human_agent_is_a_channel_not_a_self_service_path():
    text = "6.账号注销\n注销途径为:个人中心 -》客服中心 -》 人工客服\n我们将在7个工作日内完成注销处理。"
    (p,) = extract(text).procedures
    assert p.paths == []
    assert {"kind": ChannelKind.IN_APP_AGENT, "value": "个人中心 -》客服中心 -》 人工客服"} in p.channels


def test_a_channel_offered_for_a_right_is_a_procedure_answered_by_a_reply():
    (p,) = extract("您可以联系与您对接的产品人员申请注销账户。").procedures
    assert (p.right, p.action, p.deadline) == (Right.ACCOUNT_CANCELLATION, Action.REPLY, None)
    assert p.channels[0]["kind"] == ChannelKind.CONTACT_PERSON


def test_switching_off_next_to_a_path_is_withdrawing_consent():
    (p,) = extract("您可以通过“我的-设置-隐私设置-个性化推荐”路径选择关闭。").procedures
    assert p.right == Right.CONSENT_WITHDRAWAL


def test_a_path_given_twice_for_one_right_is_one_procedure():
    text = "（三）撤回同意\n您也可以通过“我的-设置-注销账号”撤回全部授权。\n（四）注销账号\n具体方式：“我的-设置-注销账号”。"
    cancellations = [p for p in extract(text).procedures if p.right == Right.ACCOUNT_CANCELLATION]
    assert len(cancellations) == 1 and "（四）" not in cancellations[0].quote


def test_cookie_settings_are_not_a_procedure_for_a_right():
    assert extract("您可以修改浏览器的设置以拒绝Cookies，或删除已保存的Cookies。").procedures == []


# --- Generated phrasings ----------------------------------------------------------------------------------

UNITS = [
    ("个工作日", Unit.WORKING_DAY),
    ("工作日", Unit.WORKING_DAY),
    ("天", Unit.CALENDAR_DAY),
    ("日", Unit.CALENDAR_DAY),
    ("个自然日", Unit.CALENDAR_DAY),
    ("自然日", Unit.CALENDAR_DAY),
    ("小时", Unit.HOUR),
    ("个小时", Unit.HOUR),
    ("周", Unit.WEEK),
    ("个星期", Unit.WEEK),
    ("个月", Unit.MONTH),
]
CLOCKS = [
    ("", ClockStart.RECEIPT),
    ("收到您的请求后", ClockStart.RECEIPT),
    ("自收到您的书面请求之日起", ClockStart.RECEIPT),
    ("验证您的身份后", ClockStart.IDENTITY_VERIFIED),
    ("收到您的申请并核实您的身份后的", ClockStart.IDENTITY_VERIFIED),
    ("您提出申请之日起", ClockStart.APPLICATION),
    ("您提交申请后", ClockStart.APPLICATION),
    ("您注销账号之后", ClockStart.ACCOUNT_CANCELLED),
]
HEDGES = [
    ("", Hedge.FIRM),
    ("一般情况下，", Hedge.SOFT),
    ("原则上，", Hedge.SOFT),
    ("通常情况下，", Hedge.SOFT),
    ("正常情况下，", Hedge.SOFT),
    ("特殊情况下，", Hedge.CAP),
    ("如情况复杂，", Hedge.CAP),
]
VERBS = [
    ("答复您的请求", Action.REPLY),
    ("回复您", Action.REPLY),
    ("给予答复", Action.REPLY),
    ("作出答复", Action.REPLY),
    ("予以回复", Action.REPLY),
    ("完成处理", Action.COMPLETION),
    ("处理完毕", Action.COMPLETION),
    ("完成删除", Action.COMPLETION),
]
RANGE_SEPARATORS = ["-", "–", "—", "~", "～", "至", "到"]


def numeral(n, style):
    return {
        "arabic": str(n),
        "fullwidth": fullwidth(n),
        "chinese": chinese_numeral(n),
        "explicit": chinese_numeral(n, explicit_ten=True),
    }[style]


@st.composite
def promises_in_words(draw):
    low = draw(st.integers(min_value=1, max_value=60))
    high = draw(st.one_of(st.just(low), st.integers(min_value=low + 1, max_value=90)))
    style = draw(st.sampled_from(["arabic", "fullwidth", "chinese", "explicit"]))
    unit_word, unit = draw(st.sampled_from(UNITS))
    if high == low:
        amount = numeral(low, style)
    else:
        amount = numeral(low, style) + draw(st.sampled_from(RANGE_SEPARATORS)) + numeral(high, style)
    clock_words, clock = draw(st.sampled_from(CLOCKS))
    hedge_words, hedge = draw(st.sampled_from(HEDGES))
    verb, action = draw(st.sampled_from(VERBS))
    within = draw(st.sampled_from(["内", "之内", "以内"]))
    text = f"对于您提出的请求，{hedge_words}我们将在{clock_words}{amount}{unit_word}{within}{verb}。"
    return text, (low, high, unit), clock, hedge, action


@settings(max_examples=400, deadline=None)
@given(promises_in_words())
def test_any_promise_built_from_the_grammar_is_read_back(case):
    text, deadline, clock, hedge, action = case
    found = proposals_with_deadline(text)
    assert len(found) == 1, text
    (p,) = found
    assert (p.deadline, p.clock_start, p.hedge, p.action) == (deadline, clock, hedge, action), text
    assert text[p.start : p.end] == p.quote


@settings(max_examples=300, deadline=None)
@given(
    st.text(
        alphabet=st.sampled_from(
            list("我们将在收到您的请求后15个工作日内答复注销删除-》>“”（）。，\n一二三十天日小时周月内最长一般")
        ),
        max_size=300,
    )
)
def test_any_text_is_extracted_without_error_and_every_quote_is_verbatim(text):
    extraction = extract(text)
    for p in extraction.procedures:
        assert text[p.start : p.end] == p.quote and p.quote
        if p.deadline:
            assert 0 < p.deadline[0] <= p.deadline[1]


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=500))
def test_any_unicode_text_is_extracted_without_error(text):
    for p in extract(text).procedures:
        assert p.quote in text


def test_a_forty_thousand_character_policy_is_read_well_under_a_second():
    text = (POLICY * (40000 // len(POLICY) + 1))[:40000]
    # CPU time, not wall time: on a shared CI machine the neighbours decide the wall time.
    started = time.process_time()
    extract(text)
    assert time.process_time() - started < 1.0
