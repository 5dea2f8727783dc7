"""The rules of issue 20's fourth round, each from a kind of miss on the second held-out set (now tuning
data). Every phrasing here is written for these tests; none is copied from a policy of the corpus."""

from policies.models import Action, ClockStart, Right, Unit
from tests.policies.importer.helpers import means_of, promises, proposals_with_deadline

W, D = Unit.WORKING_DAY, Unit.CALENDAR_DAY


# --- Headings -----------------------------------------------------------------------------------------


def test_a_markdown_heading_with_an_escaped_point_closes_the_section_before_it():
    """A contact promise after "## 九、联系我们" is no longer under "#### 4\\. 注销账号" above it."""
    text = (
        "#### 4\\. 您可以注销账号\n注销后，您的资料会被清除。\n"
        "## 九、联系我们\n有疑问时，请写信至ask@example.cn。\n"
        "我们会在核实您的身份后的10日内回复您。\n"
    )
    assert promises(text) == [(Right.ANY_REQUEST, Action.REPLY, (10, 10, D), ClockStart.IDENTITY_VERIFIED)]


# --- Ways to act --------------------------------------------------------------------------------------


def test_the_policy_named_by_its_title_offers_its_contacts():
    text = (
        "（五）注销\n您可以通过本《示例用户条款》提供的方式联系我们注销账号。\n八、联系我们\n邮箱：close@example.cn\n"
    )
    assert "close@example.cn" in means_of(text)[Right.ACCOUNT_CANCELLATION]


def test_a_place_the_user_acts_in_by_themselves_is_self_service_whatever_its_name():
    text = "（二）更正\n资料有误时，您可以自行在示例云盘内进行修改，或写信告诉我们。\n"
    assert "示例云盘" in means_of(text)[Right.CORRECTION]


def test_a_section_quoted_a_little_differently_from_its_heading_offers_its_ways():
    text = (
        "（一）查阅、修改、补充您的个人资料\n您可以在“设置-我的资料”中查阅您的资料。\n"
        "（二）删除您的资料\n您可以通过上一款“查阅、修改和补充您的资料”中所述的方式删除部分资料。\n"
    )
    assert "设置-我的资料" in means_of(text)[Right.DELETION]


def test_the_website_registered_on_is_where_the_account_is_kept():
    text = "五、您的权利\n如您在示例天气网站上注册，您可以随时查看或编辑您的资料，也可以删除它们。\n"
    means = means_of(text)
    assert all("示例天气网站" in means[r] for r in (Right.ACCESS, Right.CORRECTION))


def test_the_sites_signed_in_to_are_a_place():
    text = "五、您的权利\n您可以登录您所注册的示例快递网站、APP等，新建、修改、删除您的常用地址。\n"
    assert any("示例快递网站" in v for v in means_of(text)[Right.DELETION])


def test_a_feature_set_up_for_the_rights_named_is_their_way():
    text = (
        "六、您的权利\n为了让您更方便地查看、删除、更正您的资料，我们开通了反馈渠道。"
        "我们同时提供了注销帐号功能，注销后资料会被删除。\n"
    )
    means = means_of(text)
    assert all("反馈渠道" in means[r] for r in (Right.ACCESS, Right.DELETION, Right.CORRECTION))
    assert "注销帐号功能" in means[Right.ACCOUNT_CANCELLATION]


def test_a_feature_that_names_no_right_is_no_way():
    text = "六、您的权利\n为了让您更方便地查看资料，我们提供了夜间模式功能。\n"
    assert not any("夜间模式功能" in v for v in means_of(text).values())


# --- The rights -----------------------------------------------------------------------------------------


def test_contacting_us_through_a_channel_named_for_complaints_is_any_request_and_complaint():
    text = "十、联系我们\n您可以经由示例隐私投诉平台与我们联系。通常，我们会在【20】天内答复。"
    assert promises(text) == [
        (Right.ANY_REQUEST, Action.REPLY, (20, 20, D), ClockStart.RECEIPT),
        (Right.COMPLAINT, Action.REPLY, (20, 20, D), ClockStart.RECEIPT),
    ]


def test_a_complaint_filed_without_contacting_us_stays_a_complaint():
    text = "十、投诉\n您可以把投诉写在投诉平台上。通常，我们会在20天内答复。"
    assert {p[0] for p in promises(text)} == {Right.COMPLAINT}


# --- The action ---------------------------------------------------------------------------------------


def test_a_reply_verb_written_straight_before_a_completion_verb_is_completion():
    joined = "（七）响应您的请求\n核对身份后，我们会在十二天内答复处理。"
    with_and = "（七）响应您的请求\n核对身份后，我们会在十二天内回复与处理。"
    assert [p[1] for p in promises(joined)] == [Action.COMPLETION]
    assert [p[1] for p in promises(with_and)] == [Action.COMPLETION]


def test_replying_with_the_result_of_the_handling_is_a_reply():
    text = "（七）响应您的请求\n我们会在十二天内回复处理结果。"
    assert [p[1] for p in promises(text)] == [Action.REPLY]


# --- The deadline phrase as written -------------------------------------------------------------------


def test_a_whole_period_in_template_brackets_is_read():
    for period in ("【12工作日】", "【十二个工作日】", "〔12个工作日〕"):
        text = f"九、联系我们\n通常情况下，我们将在{period}内答复。"
        assert promises(text) == [(Right.ANY_REQUEST, Action.REPLY, (12, 12, W), ClockStart.RECEIPT)], period


def test_a_date_in_template_brackets_is_no_period():
    text = "九、联系我们\n本政策于【2024年5月12日】起生效，我们将及时答复。"
    assert promises(text) == []


def test_markdown_emphasis_inside_a_deadline_phrase_is_read_and_quoted_as_written():
    text = "九、联系我们\n我们会在核对您的身份后的 ** **二十天内**** 给予答复。"
    found = proposals_with_deadline(text)
    assert [(p.right, p.deadline, p.clock_start) for p in found] == [
        (Right.ANY_REQUEST, (20, 20, D), ClockStart.IDENTITY_VERIFIED)
    ]
    assert found[0].quote in text and "**" in found[0].quote


def test_confirming_the_issue_raised_answers_the_request():
    text = (
        "八、联系我们\n如您认为我们违规使用了您的信息，可以写信要求我们删除。"
        "我们保证在十个工作日之内确认相关问题，再尽快处理。"
    )
    assert promises(text) == [(Right.DELETION, Action.REPLY, (10, 10, W), ClockStart.RECEIPT)]


def test_confirming_an_identity_is_no_answer():
    text = "八、安全\n登录后，我们会在10个工作日内确认您的身份信息是否真实。"
    assert promises(text) == []
