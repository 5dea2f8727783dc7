"""The rules of issue 20's sixth round, each from a kind of miss on the fourth held-out set (now tuning data).
Every phrasing here is written for these tests; none is copied from a policy of the corpus."""

from policies.importer.grammar import find_deadlines
from policies.models import Action, ClockStart, Right, Unit
from tests.policies.importer.helpers import means_of, promises

W, D = Unit.WORKING_DAY, Unit.CALENDAR_DAY


# --- When the clock starts: checks of the requester or the request --------------------------------------


def test_the_clock_after_the_proof_is_checked_starts_at_identity_verification():
    text = "（二）更正\n请将更正申请及证明材料寄给我们，材料通过核验后，我们将在10个工作日内完成更正。\n"
    assert promises(text) == [(Right.CORRECTION, Action.COMPLETION, (10, 10, W), ClockStart.IDENTITY_VERIFIED)]


def test_the_clock_after_the_request_is_approved_starts_at_identity_verification():
    text = "（三）删除\n您可以致电客服申请删除，您的申请审核通过后，我们会在7天内删除相关资料。\n"
    assert promises(text) == [(Right.DELETION, Action.COMPLETION, (7, 7, D), ClockStart.IDENTITY_VERIFIED)]


def test_investigating_a_complaint_is_its_handling_and_the_clock_starts_at_receipt():
    text = "（五）投诉\n如您认为您的权利受到侵害，可发邮件至report@example.cn，我们核查后将在20日内反馈处理意见。\n"
    assert promises(text) == [(Right.COMPLAINT, Action.REPLY, (20, 20, D), ClockStart.RECEIPT)]


# --- What is promised -------------------------------------------------------------------------------------


def test_reviewing_the_issue_raised_answers_the_request():
    text = "十、联系我们\n如您对本政策有疑问，可写信至ask@example.cn，我们会在10日内审核相关问题。\n"
    assert promises(text) == [(Right.ANY_REQUEST, Action.REPLY, (10, 10, D), ClockStart.RECEIPT)]


def test_reviewing_alone_is_still_handling():
    text = "（四）注销\n您可以在设置中申请注销，我们会在5个工作日内审核并注销您的账号。\n"
    assert [p[1] for p in promises(text)] == [Action.COMPLETION]


# --- A count of events in a period is no deadline ---------------------------------------------------------


def test_a_count_of_events_within_a_period_is_no_deadline():
    for phrase in ("服务在2个月内累计中断超过4次的", "账号在7天内连续3次登录失败的", "一周内超过10次"):
        assert find_deadlines(phrase) == [], phrase


def test_a_deadline_followed_by_its_verb_is_still_read():
    assert [(d.min, d.unit) for d in find_deadlines("我们会在15个工作日内回复")] == [(15, W)]


# --- Primary-rights coverage: where and how a right is exercised ------------------------------------------


def test_an_account_centre_visited_is_the_place_for_the_rights_named():
    text = (
        "（一）访问您的个人信息\n如果您希望查看或编辑您账户中的个人资料，可以通过访问示例学堂个人中心执行此类操作。\n"
    )
    means = means_of(text)
    assert means[Right.ACCESS] == {"示例学堂个人中心"} and means[Right.CORRECTION] == {"示例学堂个人中心"}


def test_rights_after_signing_in_to_the_account_are_exercised_in_the_account():
    text = "（四）管理您的信息\n在您完成示例社区的账号注册、登录以后，您可以查阅、修改、删除您提交的个人资料。\n"
    means = means_of(text)
    assert {Right.ACCESS, Right.CORRECTION, Right.DELETION} <= set(means)
    assert means[Right.DELETION] == {"账号"}


def test_viewing_listed_with_changing_names_access_too():
    text = "（二）您的资料\n与账号相关的资料，您可以通过您的设备登入帐号来访问和更改。\n"
    assert {Right.ACCESS, Right.CORRECTION} <= set(means_of(text))


def test_contacting_us_to_report_a_problem_offers_the_contact_sections_channels():
    text = (
        "一、访问\n如果您无法访问您的个人信息，您可以联系我们反馈问题。\n"
        "二、更正\n如需更正您的资料，您可以与我们联系反馈。\n"
        "八、如何联系我们\n如有疑问，您可以在应用内填写意见反馈，我们会尽快回复。\n"
    )
    means = means_of(text)
    assert means[Right.ACCESS] == {"意见反馈"} and means[Right.CORRECTION] == {"意见反馈"}


def test_a_policy_with_an_e_mail_still_offers_its_e_mail_for_contacting_us():
    text = "一、访问\n如果您无法访问您的个人信息，您可以联系我们反馈问题。\n八、联系我们\n邮箱：help@example.cn\n"
    assert means_of(text)[Right.ACCESS] == {"help@example.cn"}
