"""The language rules of issue 13, one group per kind of error the importer made on whole policies:
surface forms, phrases that are no promise, request contexts it missed, and the scope of a sentence.
Every phrasing here is written for these tests (none is copied from a policy of the corpus); each test
says what a reviewer would otherwise have been shown."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from policies.importer.extract import extract
from policies.importer.normalise import normalised
from policies.models import Action, ClockStart, Right, Unit
from tests.policies.importer.helpers import promises

W, D, H, M = Unit.WORKING_DAY, Unit.CALENDAR_DAY, Unit.HOUR, Unit.MONTH


def promise_of(text):
    found = promises(text)
    assert len(found) == 1, found
    return found[0]


# --- Surface forms: normalised before the grammar reads them ---------------------------------------------


@pytest.mark.parametrize(
    "text, deadline",
    [
        ("（二）更正您的信息\n收到您的更正申请后，我们将在【10】个工作日内完成更正。", (10, 10, W)),
        ("（二）更正您的信息\n我们将在【 十五 】天内完成更正。", (15, 15, D)),
        ("（二）更正您的信息\n我们将在[7]-[15]个工作日内完成更正。", (7, 15, W)),
        ("（二）更正您的信息\n我们将在〔３〕个工作日内完成更正。", (3, 3, W)),
    ],
)
def test_a_number_in_template_brackets_is_read_as_the_number(text, deadline):
    """A template's 【15】天 filled in: the reviewer is shown the 15 days, not nothing."""
    assert promise_of(text) == (Right.CORRECTION, Action.COMPLETION, deadline, ClockStart.RECEIPT)


def test_a_unit_typed_twice_is_one_unit():
    text = "（三）删除您的信息\n我们会在8个工作日天内完成删除。"
    assert promise_of(text) == (Right.DELETION, Action.COMPLETION, (8, 8, W), ClockStart.RECEIPT)


@pytest.mark.parametrize(
    "text, clock",
    [
        ("（三）删除您的信息\n在您提交删除申请 后，我们将于12个工作日内完成删除。", ClockStart.APPLICATION),
        ("（三）删除您的信息\n在核实 您的身份 后，我们将于12个工作日内完成删除。", ClockStart.IDENTITY_VERIFIED),
        ("（三）删除您的信息\n我们将在收到 您的 删除请求 后12个 工作 日内完成删除。", ClockStart.RECEIPT),
    ],
)
def test_spaces_left_inside_a_phrase_by_conversion_do_not_break_it(text, clock):
    """PDF conversion writes 申请 后; the clock still starts at the application."""
    assert promise_of(text) == (Right.DELETION, Action.COMPLETION, (12, 12, W), clock)


def test_the_aspect_particle_le_after_a_verb_does_not_hide_the_event():
    text = "（四）注销账号\n在您注销了账号之后，我们将在20天内删除您的个人信息。"
    assert promise_of(text) == (
        Right.ACCOUNT_CANCELLATION,
        Action.COMPLETION,
        (20, 20, D),
        ClockStart.ACCOUNT_CANCELLED,
    )


def test_le_jie_understand_is_not_an_aspect_particle():
    assert normalised("请您了解本政策").text == "请您了解本政策"


@pytest.mark.parametrize("verb", ["发送至您的邮箱", "寄送给您", "通过邮件发给您"])
def test_sending_the_copy_is_completing_the_request(verb):
    text = f"（五）获取个人信息副本\n我们将在25个工作日内将副本{verb}。"
    assert promise_of(text) == (Right.COPY, Action.COMPLETION, (25, 25, W), ClockStart.RECEIPT)


def test_every_quote_stays_verbatim_when_the_phrase_was_normalised():
    text = "（三）删除您的信息\n在您提交删除申请 后，我们将在【12】个工作日天内完成删除。"
    procedures = extract(text).procedures
    assert [p.deadline for p in procedures] == [(12, 12, W)]
    for p in procedures:
        assert text[p.start : p.end] == p.quote and "【12】" in p.quote and "申请 后" in p.quote


# --- Not a promise: periods that answer nobody's request -------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        # a storage cap: how long data is kept, then removed
        "（三）删除您的信息\n您删除的动态会在备份系统中保存不超过30天，之后彻底清除。",
        "（三）删除您的信息\n已删除的相册在回收站中最多保留30天，到期后永久删除。",
        # a retention period
        "（六）投诉举报\n投诉处理记录最多保存3个月。",
        # automatic deletion
        "（三）删除您的信息\n阅后即焚消息将在72小时内自动删除。",
        "（三）删除您的信息\n未读的临时消息在48小时内由系统自动清除。",
        # evidence kept after cancellation
        "（四）注销账号\n注销账号后，我们将在6个月内保留您的交易记录，以备监管查验。",
        "（四）注销账号\n账号注销后，相关订单信息将于3年内留存备查。",
    ],
)
def test_a_keeping_or_automatic_deletion_period_is_not_a_request_deadline(text):
    """The reviewer is not asked to accept "30 days" as a deletion deadline when it is how long data is kept."""
    assert promises(text) == []


@pytest.mark.parametrize(
    "clause, kind",
    [
        ("日志在服务器上保存不超过30天", "storage_cap"),
        ("投诉记录保存期限为3个月", "retention"),
        ("我们会在90天内保留操作记录", "retention"),
        ("临时文件将在24小时内自动清除", "auto_deletion"),
        ("注销后我们将在6个月内保留交易记录", "evidence_keeping"),
        ("我们将在10天内删除您保存的照片", None),
        ("我们将在15个工作日内答复", None),
    ],
)
def test_the_kind_of_period_that_is_no_promise(clause, kind):
    from policies.importer import grammar

    (phrase,) = grammar.find_deadlines(clause)
    assert grammar.period_kept(clause, phrase, 0, len(clause)) == kind


def test_a_real_deletion_promise_next_to_a_retention_period_is_still_read():
    text = (
        "（三）删除您的信息\n收到您的删除请求后，我们将在15个工作日内完成删除。备份数据最多保留30天，到期后自动清除。"
    )
    assert promises(text) == [(Right.DELETION, Action.COMPLETION, (15, 15, W), ClockStart.RECEIPT)]


def test_deleting_data_the_user_keeps_is_still_a_promise():
    text = "（三）删除您的信息\n收到您的请求后，我们将在10个工作日内删除您保存在云端的照片。"
    assert promise_of(text) == (Right.DELETION, Action.COMPLETION, (10, 10, W), ClockStart.RECEIPT)


# --- Request context: a bank or a company speaking of itself ---------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "八、如何联系我行\n您可以通过营业网点或客服热线联系我行，我行将在十五个工作日内予以回复。",
        "八、联系方式\n您可以致电本行客服热线与本行联系，本行将在15个工作日内回复。",
        "八、联系方式\n您可以写信联系本公司，本公司将在15个工作日内回复。",
    ],
)
def test_a_bank_or_company_naming_itself_is_the_request_context(text):
    """联系我行 is a bank's 联系我们: the promise is proposed for any request, not missed."""
    assert promise_of(text) == (Right.ANY_REQUEST, Action.REPLY, (15, 15, W), ClockStart.RECEIPT)


def test_the_verb_in_the_next_clause_counts_when_the_bank_is_its_subject():
    text = "八、如何联系我行\n您可以联系我行客服。十五个工作日内，本行将予以答复。"
    assert promise_of(text) == (Right.ANY_REQUEST, Action.REPLY, (15, 15, W), ClockStart.RECEIPT)


# --- Scope of a sentence ---------------------------------------------------------------------------------


def test_a_catch_all_sentence_excluding_the_heading_s_right_is_any_request():
    text = (
        "（四）注销账号\n您提交注销申请后，我们将在15个工作日内完成注销。"
        "除上述注销事项外，您对个人信息的处理有任何其他主张、要求的，我们将在7个工作日内答复。"
    )
    assert promises(text) == [
        (Right.ACCOUNT_CANCELLATION, Action.COMPLETION, (15, 15, W), ClockStart.APPLICATION),
        (Right.ANY_REQUEST, Action.REPLY, (7, 7, W), ClockStart.RECEIPT),
    ]


def test_a_catch_all_sentence_naming_no_right_is_not_given_the_heading_s_right():
    text = "（四）注销账号\n注销后账号无法恢复。除前述情形外，您如有其他要求，我们将在10天内答复。"
    assert promise_of(text) == (Right.ANY_REQUEST, Action.REPLY, (10, 10, D), ClockStart.RECEIPT)


def test_an_exception_for_the_law_does_not_make_a_sentence_a_catch_all():
    text = "（三）删除您的信息\n除法律法规另有规定外，我们将在10个工作日内完成删除。"
    assert promise_of(text) == (Right.DELETION, Action.COMPLETION, (10, 10, W), ClockStart.RECEIPT)


INLINE_TITLES = """六、您的权利
【查阅】您可以致电客服提出申请。我们会在11个工作日内处理您的请求。
【副本】如需获取个人信息副本，请发送邮件提出申请。我们会在12个工作日内处理您的请求。
更正：发现信息有误时，您可以联系客服。我们会在13个工作日内处理您的请求。
撤回同意——您可以写信给我们。我们会在14个工作日内处理您的请求。
"""


def test_a_sub_title_at_the_start_of_a_paragraph_names_the_right_of_its_promises():
    """Each paragraph's own sub-title (【查阅】, 更正：, 撤回同意——) is its right, not "any request"."""
    assert [(p[0], p[2][0]) for p in promises(INLINE_TITLES)] == [
        (Right.ACCESS, 11),
        (Right.COPY, 12),
        (Right.CORRECTION, 13),
        (Right.CONSENT_WITHDRAWAL, 14),
    ]


def test_an_appeal_is_a_complaint_even_under_another_right_s_heading():
    text = "（四）注销账号\n注销完成后账号无法恢复。您可以提出申诉，我们将在5个工作日内反馈处理结果。"
    assert promise_of(text) == (Right.COMPLAINT, Action.REPLY, (5, 5, W), ClockStart.RECEIPT)


def test_the_complaint_filed_wins_over_the_topic_it_is_about():
    text = "（四）注销账号\n如您对注销结果有异议，可以提出申诉，我们将在5个工作日内反馈处理结果。"
    assert promise_of(text) == (Right.COMPLAINT, Action.REPLY, (5, 5, W), ClockStart.RECEIPT)


def test_a_request_about_cancellation_stays_a_cancellation_promise():
    text = "（四）注销账号\n您可以提交注销申请，我们将在15个工作日内完成注销。"
    assert promise_of(text) == (Right.ACCOUNT_CANCELLATION, Action.COMPLETION, (15, 15, W), ClockStart.RECEIPT)


def test_a_complaint_route_offered_to_the_dissatisfied_is_not_held_to_the_first_promise():
    """The reply promise answers the request; a complaint after an unsatisfying reply gets no deadline from it."""
    text = "（五）响应您的请求\n我们将在10个工作日内答复您的请求。如您对答复不满意，还可以通过在线客服发起投诉。"
    procedures = extract(text).procedures
    assert promises(text) == [(Right.ANY_REQUEST, Action.REPLY, (10, 10, W), ClockStart.RECEIPT)]
    complaint = next(p for p in procedures if p.right == Right.COMPLAINT)
    assert complaint.deadline is None and complaint.rule == "channel"


# --- Linear time -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "申" * 100_000,
        " " * 100_000,
        "【" + " " * 100_000,
        "申 " * 50_000,
        "工作日天" * 25_000,
        "注销了" * 33_000,
        "【1】" * 33_000 + "天",
    ],
    ids=["one-word", "spaces", "open-bracket", "spaced-words", "doubled-units", "particles", "brackets"],
)
def test_normalising_a_hundred_thousand_characters_is_linear(text):
    view = normalised(text)
    assert len(view.text) <= len(text)


# --- The rule and confidence of each proposal ------------------------------------------------------------

CONFIDENCE_POLICY = """置信应用隐私政策
（二）注销账号
收到您的注销申请后，我们将在10个工作日内完成注销。
（三）删除您的个人信息
在以下情形中，您可以向我们提出请求。
我们将在15个工作日内完成。
（四）更正您的信息
在您提交更正申请 后，我们将于【5】个工作日内完成更正。
（五）撤回同意
您可以随时提出请求。
我们将在【20】天内完成。
"""


def _by_deadline(text):
    return {p.deadline[0]: p for p in extract(text).procedures if p.deadline}


def test_a_promise_written_whole_in_its_sentence_is_confident():
    p = _by_deadline(CONFIDENCE_POLICY)[10]
    assert (p.rule, p.confidence) == ("deadline_sentence", "high")
    assert p.reasons == ["right_in_sentence", "verb_after_deadline", "clock_stated"]


def test_a_right_read_from_the_heading_is_a_doubt():
    p = _by_deadline(CONFIDENCE_POLICY)[15]
    assert p.right == Right.DELETION and p.confidence == "medium" and "right_from_heading" in p.reasons


def test_a_promise_read_after_normalising_its_surface_is_a_doubt():
    p = _by_deadline(CONFIDENCE_POLICY)[5]
    assert p.right == Right.CORRECTION and p.confidence == "medium" and "normalised" in p.reasons


def test_two_doubts_make_a_proposal_uncertain():
    p = _by_deadline(CONFIDENCE_POLICY)[20]
    assert p.right == Right.CONSENT_WITHDRAWAL and p.confidence == "low"
    assert {"right_from_heading", "normalised"} <= set(p.reasons)


def test_a_verb_before_the_deadline_is_a_doubt():
    (p,) = [p for p in extract("（三）删除您的信息\n删除请求的处理时限为15个工作日。").procedures if p.deadline] or [
        None
    ]
    assert p is not None and "verb_before_deadline" in p.reasons and p.confidence != "high"


def test_a_channel_held_to_its_section_s_general_promise_says_so():
    text = (
        "九、如何联系我们\n您可以通过以下方式与我们联系，我们将在7-15个工作日内回复您的请求：\n"
        "1、我们设立了投诉渠道，您可以通过客服电话400-800-1234与我们联系。"
    )
    complaint = next(p for p in extract(text).procedures if p.right == Right.COMPLAINT)
    assert complaint.rule == "general_promise" and "general_promise" in complaint.reasons
    assert complaint.confidence != "high"


@pytest.mark.parametrize(
    "text",
    [
        "（" + " " * 100_000 + "我们将在15天内完成",
        "除" * 100_000 + "外",
        "保存" * 50_000 + "不超过15天内",
        "【" * 100_000,
    ],
    ids=["spaces-after-a-bracket", "exclusions", "keeping-verbs", "brackets"],
)
def test_the_scope_and_keeping_rules_read_a_hundred_thousand_characters_in_linear_time(text):
    from policies.importer import grammar

    assert grammar.inline_title(text, 0, len(text)) is None
    grammar.catch_all(text, 0, len(text))
    for phrase in grammar.find_deadlines(text):
        grammar.period_kept(text, phrase, 0, len(text))


@settings(max_examples=300, deadline=None)
@given(
    st.text(alphabet=st.sampled_from(list("申请后了解注销工作日天内【】[]〔〕 　1５十五个我们，。\n")), max_size=200)
)
def test_every_normalised_character_comes_from_the_same_character_of_the_original(text):
    """Quotes are cut from the original by this map: it must be exact and in order."""
    view = normalised(text)
    positions = [view.to_original(i) for i in range(len(view.text))]
    assert positions == sorted(set(positions))
    for i, o in enumerate(positions):
        assert view.text[i] == text[o].translate(str.maketrans("０１２３４５６７８９", "0123456789"))
        assert view.to_normalised(o) == i
    assert view.to_normalised_sorted(positions) == list(range(len(view.text)))
    assert "\n".join(view.text.split("\n")).count("\n") == text.count("\n")  # line breaks are never removed
