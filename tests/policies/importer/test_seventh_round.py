"""The rules of issue 20's seventh round, each from a kind of miss on the fifth held-out set (now tuning data),
the tuning set's scope errors or the hidden set's known miss kinds. Every phrasing here is written for these
tests; none is copied from a policy of the corpus."""

from policies.importer.confidence import confidence_of
from policies.importer.extract import extract
from policies.models import Action, ClockStart, Confidence, Right, Unit
from tests.policies.importer.helpers import means_of, promises, proposals_with_deadline

W, D = Unit.WORKING_DAY, Unit.CALENDAR_DAY


# --- Closing down: the notice before it and what happens after it answer no request ----------------------


def test_deleting_data_after_the_service_closes_down_is_no_promise():
    for closing in (
        "如本应用停止运营",
        "若我们终止服务或运营",
        "在我们停止提供产品或服务时",
        "一旦示例公司终止运营",
        "如我们关闭网站",
        "若本平台停运",
        "如因业务调整导致网站关闭",
    ):
        text = f"六、保存和删除\n{closing}，我们会以公告方式告知您，并于60日以内删除或匿名化处理您的个人信息。\n"
        assert promises(text) == [], closing


def test_the_sentence_after_the_closing_down_notice_is_no_promise_either():
    text = "（四）运营终止\n如果我们的产品停止运营，我们将通过站内信通知您。随后我们会在30天内删除您的个人信息。\n"
    assert promises(text) == []


def test_a_closing_down_heading_covers_its_passage():
    text = "（三）终止运营\n我们将提前通知您，并在一个月内完成对您个人信息的删除。\n"
    assert promises(text) == []


def test_stopping_the_service_after_the_account_is_cancelled_is_no_closing_down():
    text = "（五）注销\n您注销账号后，我们将停止提供产品或服务，并在15个工作日内删除您的个人信息。\n"
    assert promises(text) == [
        (Right.ACCOUNT_CANCELLATION, Action.COMPLETION, (15, 15, W), ClockStart.ACCOUNT_CANCELLED)
    ]


def test_a_promise_in_a_paragraph_that_spoke_of_closing_down_is_never_confident():
    text = (
        "二、删除\n若本服务停止运营，我们将依法处理您的数据。您也可以随时申请删除，我们会对申请进行审核并告知您结果，"
        "审核需要时间。对于您的删除请求，我们将在10个工作日内完成删除。\n"
    )
    found = proposals_with_deadline(text)
    assert [p.right for p in found] == [Right.DELETION]
    assert all(confidence_of(p.reasons) != Confidence.HIGH for p in found)


# --- Whom a general promise answers: the invitation before it --------------------------------------------


def test_a_contact_line_that_resolves_complaints_makes_the_promise_after_it_answer_complaints():
    text = (
        "九、联系我们\n客服热线：400-123-4567\n我们会安排专人为您解答咨询或协助处理您的投诉。\n"
        "收到您的反馈后，我们将在5个工作日内回复。\n"
    )
    assert {p[0] for p in promises(text)} == {Right.ANY_REQUEST, Right.COMPLAINT}


def test_complaints_and_feedback_listed_together_invite_complaints():
    text = "九、联系我们\n如您有任何投诉、反馈，可拨打400-123-4567。\n我们收到后将在7个工作日内答复您。\n"
    assert {p[0] for p in promises(text)} == {Right.ANY_REQUEST, Right.COMPLAINT}


def test_a_promise_with_its_own_invitation_is_not_reached_by_an_earlier_one():
    text = (
        "十、联系我们\n1.如您对我们有任何投诉或建议，请拨打400-123-4567；\n"
        "2.我们设有数据保护小组，如您对个人信息的处理有疑问，请写信至dpo@example.cn，我们会在十日内予以答复。\n"
    )
    assert {p[0] for p in promises(text)} == {Right.ANY_REQUEST}


# --- Under a heading that answers requests in general, a promise is for any request -----------------------


def test_a_promise_under_a_respond_to_requests_heading_is_any_request_whatever_list_it_repeats():
    text = (
        "八、如何响应您的请求\n若您需要查阅或更正您的信息，可与我们联系。"
        "在核实您的身份后，我们将在20个工作日内答复您的请求。\n"
    )
    assert promises(text) == [(Right.ANY_REQUEST, Action.REPLY, (20, 20, W), ClockStart.IDENTITY_VERIFIED)]


def test_a_complaint_named_under_a_respond_to_requests_heading_is_kept():
    text = "（十）响应您的上述请求\n对您的请求或投诉，我们将在15个工作日内作出答复。\n"
    assert {p[0] for p in promises(text)} == {Right.ANY_REQUEST, Right.COMPLAINT}


def test_a_channel_under_a_respond_to_requests_heading_is_not_held_to_its_promise_per_right():
    text = (
        "七、响应您的请求\n如您无法自行更正或删除您的信息，您可以通过本政策第九条的联系方式与我们联系。"
        "我们将在收到您的请求后的15个工作日内予以答复。\n"
        "九、联系我们\n电子邮箱：help@example.cn\n"
    )
    found = extract(text).procedures
    assert {p.right for p in found if p.deadline} == {Right.ANY_REQUEST}
    assert {Right.CORRECTION, Right.DELETION} <= {p.right for p in found if not p.deadline}


# --- Primary-rights coverage: where and how a right is exercised ------------------------------------------


def test_an_account_centre_signed_in_to_is_the_place_for_the_rights_named():
    text = "四、管理您的信息\n用户可以在个人中心登录后查阅或修改自己的资料。\n"
    found = means_of(text)
    assert "个人中心" in found[Right.ACCESS] and "个人中心" in found[Right.CORRECTION]


def test_a_web_page_given_by_its_address_is_the_way_to_the_right_after_it():
    text = "四、管理您的信息\n您可以在设置中查看资料，用户可通过https://help.example.com/faq.html?qid=42注销账号。\n"
    found = means_of(text)
    assert "https://help.example.com/faq.html?qid=42" in found[Right.ACCOUNT_CANCELLATION]
    assert "https://help.example.com/faq.html?qid=42" not in found.get(Right.ACCESS, set())


def test_a_menu_path_broken_by_markdown_emphasis_is_one_path():
    for written in ("**设置**>**账号与安全**>**注销账号**", "“**我** **\\--设置--账号与安全** **”"):
        text = f"（五）注销\n您可以通过{written}申请注销账号。\n"
        paths = {p for p in means_of(text).get(Right.ACCOUNT_CANCELLATION, set()) if "设置" in p}
        assert paths and all("*" not in p and "\\" not in p for p in paths), written


def test_contact_us_naming_only_a_department_offers_that_department():
    text = (
        "示例游戏隐私政策\n如您对本政策有任何问题，请与【示例客户服务部门】联系。\n"
        "三、您的权利\n如要求删除您的相关信息，请通过联系我们来确认操作的方式。\n"
    )
    assert means_of(text).get(Right.DELETION)


def test_a_screen_named_alone_is_a_place_but_a_setting_verb_is_not_one():
    assert "设置" in means_of("（三）删除\n您可以在设置中删除您保存的指纹信息。\n")[Right.DELETION]
    assert "账号设置" in means_of("（一）查询\n您可以通过账号设置来查询您的资料。\n")[Right.ACCESS]


def test_a_path_followed_to_look_at_ones_account_is_access():
    text = "（一）您的权利\n您可通过【我的→账户中心→绑定管理】访问、登录您的帐号。\n"
    assert Right.ACCESS in means_of(text)


def test_a_service_counter_to_go_to_is_a_channel_for_the_changes_named():
    text = "（二）更正与删除\n如您需要办理入网资料的信息变更、删除，需前往示例通信实体营业厅办理。\n"
    found = means_of(text)
    assert "营业厅" in found[Right.CORRECTION] and "营业厅" in found[Right.DELETION]
    app = "（二）注销\n您可以登录示例营业厅APP，在“设置”中注销账号。\n"
    assert all("营业厅" not in value for value in means_of(app)[Right.ACCOUNT_CANCELLATION])


def test_a_change_of_the_policy_is_no_correction():
    text = "十、本政策的变更\n本政策变更后，我们将在7日内通过公告告知您。\n"
    assert Right.CORRECTION not in means_of(text)
    assert promises(text) == []


def test_a_platform_named_as_a_title_and_signed_in_to_is_the_place_for_the_rights_named():
    text = "（一）查阅与删除\n如果您有其他查阅或删除需求，您可以登录示例《示例个人信息服务平台》，我们提供了相关操作指引。\n"
    found = means_of(text)
    assert "示例个人信息服务平台" in found[Right.ACCESS] and "示例个人信息服务平台" in found[Right.DELETION]


def test_a_setting_clicked_is_the_place_for_what_is_done_after_it():
    text = "1．查询和更正您的信息\n登录示例，进入“我的”示例首页，点击个人账户设置后查询、更正个人资料；\n"
    found = means_of(text)
    assert found.get(Right.ACCESS) and found.get(Right.CORRECTION)


def test_contact_us_at_any_time_is_the_way_to_the_right_of_its_sentence():
    text = (
        "（二）更正您的信息\n当你无法自行更正时，你可以随时联系我们，我们将尽快回复你的更正请求。\n"
        "八、联系我们\n电子邮箱：privacy@example.cn\n"
    )
    assert "privacy@example.cn" in means_of(text)[Right.CORRECTION]


# --- The hidden set's known miss kinds ----------------------------------------------------------------------


def test_one_deadline_sentence_repeated_under_several_headings_is_each_headings_right():
    promise = "如您无法自行操作，可联系客服，我们将在十个工作日内处理。"
    text = f"（一）查询您的信息\n您可在“我的”页面查看资料。{promise}\n（二）更正您的信息\n您可在“资料”页面修改。{promise}\n（三）获取副本\n您可以申请导出您的数据。{promise}\n"
    assert [p[0] for p in promises(text)] == [Right.ACCESS, Right.CORRECTION, Right.COPY]


def test_a_deadline_sentence_listing_several_rights_is_for_each_of_them():
    text = "四、您的权利\n对于您查阅、更正、删除或复制个人信息的请求，我们将在20日内答复。\n"
    assert {p[0] for p in promises(text)} == {Right.ACCESS, Right.CORRECTION, Right.DELETION, Right.COPY}


def test_deletion_within_working_days_after_the_account_is_cancelled_counts_from_the_cancellation():
    for event in ("账号注销成功后", "在您的账户被注销之后", "注销完成后"):
        text = f"（六）注销账号\n您可在设置中申请注销。{event}，我们将在10个工作日内删除您的个人信息。\n"
        assert promises(text) == [
            (Right.ACCOUNT_CANCELLATION, Action.COMPLETION, (10, 10, W), ClockStart.ACCOUNT_CANCELLED)
        ], event


def test_an_extension_clause_is_no_deadline_of_its_own():
    for extension in (
        "情况复杂的，可以再延长一个月",
        "如有特殊情况，我们可延长15日",
        "必要时可延长至30天",
        "如需延长，延长期限不超过20日",
        "对于复杂的请求，完成期限可以延长至30日以内",
        "必要时我们会告知您延长的理由，并在延长后的10日内完成",
    ):
        text = f"（二）更正\n我们将在15日内完成更正；{extension}。\n"
        assert promises(text) == [(Right.CORRECTION, Action.COMPLETION, (15, 15, D), ClockStart.RECEIPT)], extension


def test_retention_counted_from_the_cancellation_is_no_deletion_promise():
    for kept in (
        "您的交易记录将保存至注销之日后的3个月",
        "账号注销后，相关日志保留至注销之日起6个月",
        "注销后我们将在6个月内保存您的聊天记录备查",
    ):
        text = f"（五）注销账号\n{kept}，期满后删除。\n"
        assert promises(text) == [], kept


# --- Calibration: shapes that were wrong while confident ----------------------------------------------------


def test_a_complaint_about_an_automated_decision_is_a_request_in_general_and_not_confident():
    text = (
        "（八）自动化决策\n如果算法作出的自动决策影响您的权益，您可以联系我们要求说明理由，或对自动决策结果提出投诉，"
        "我们将在收到请求后的10个工作日内处理。\n"
    )
    found = proposals_with_deadline(text)
    assert [p.right for p in found] == [Right.ANY_REQUEST]
    assert all(confidence_of(p.reasons) != Confidence.HIGH for p in found)


def test_unsubscribing_alone_is_read_as_consent_withdrawal_but_never_confidently():
    text = "（七）退订\n如您不想再收到推广短信，可回复退订指令，也可致电客服办理，我们将在5个工作日内回复您的请求。\n"
    found = proposals_with_deadline(text)
    assert [p.right for p in found] == [Right.CONSENT_WITHDRAWAL]
    assert all(confidence_of(p.reasons) != Confidence.HIGH for p in found)


def test_withdrawing_consent_in_words_stays_confident():
    text = "（七）撤回同意\n您可以联系客服撤回您的授权同意，我们将在5个工作日内处理。\n"
    found = proposals_with_deadline(text)
    assert [(p.right, confidence_of(p.reasons)) for p in found] == [(Right.CONSENT_WITHDRAWAL, Confidence.HIGH)]


def test_a_service_no_longer_offered_after_consent_is_withdrawn_is_no_closing_down():
    text = "（四）撤回同意\n您撤回授权后，我们将不再提供个性化推荐服务，并在7个工作日内删除相关数据。\n"
    assert Right.CONSENT_WITHDRAWAL in {p[0] for p in promises(text)}


# --- After the sixth held-out set was scored: an appeal listed with questions ----------------------------


def test_questions_listed_with_an_appeal_are_answered_as_well_as_the_appeal():
    # "…有任何疑问、意见或进行申诉…我们将…回复": 申诉 is a complaint, and 进行 before the last item does not break
    # the list, so the reply answers any request and the complaint (not the complaint alone).
    text = (
        "九、联系我们\n如您对本政策有任何疑问、建议或进行申诉，可以通过客服邮箱与我们联系。"
        "我们将在10个工作日内回复您。\n"
    )
    found = {p[0] for p in promises(text)}
    assert found == {Right.ANY_REQUEST, Right.COMPLAINT}


def test_an_appeal_alone_is_a_complaint_only():
    text = "九、联系我们\n如您需要申诉，可以通过客服邮箱与我们联系。我们将在10个工作日内回复您。\n"
    assert {p[0] for p in promises(text)} == {Right.COMPLAINT}
