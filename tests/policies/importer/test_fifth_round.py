"""The rules of issue 20's fifth round, each from a kind of miss on the third held-out set (now tuning data).
Every phrasing here is written for these tests; none is copied from a policy of the corpus."""

from policies.importer.extract import extract
from policies.models import Action, ClockStart, Right, Unit
from tests.policies.importer.helpers import means_of, promises

W, D = Unit.WORKING_DAY, Unit.CALENDAR_DAY


def rights_promised(text):
    return {p.right for p in extract(text).procedures if p.deadline}


# --- The promised action and its clock ----------------------------------------------------------------


def test_providing_a_reply_is_a_reply_not_completion():
    text = "九、联系我们\n如有疑问，请写信至help@example.cn，我们会在收到来信后10个工作日内提供回复。\n"
    assert promises(text) == [(Right.ANY_REQUEST, Action.REPLY, (10, 10, W), ClockStart.RECEIPT)]


def test_providing_the_data_is_still_completion():
    text = "（三）获取副本\n您可以写信至copy@example.cn申请副本，我们将在20天内提供您的资料副本。\n"
    assert promises(text) == [(Right.COPY, Action.COMPLETION, (20, 20, D), ClockStart.RECEIPT)]


def test_the_clock_after_checking_the_request_starts_at_identity_verification():
    text = "（三）删除\n您可以致电客服提出删除资料的请求，我们查证并核实后会在10个工作日内办理完毕。\n"
    assert promises(text) == [(Right.DELETION, Action.COMPLETION, (10, 10, W), ClockStart.IDENTITY_VERIFIED)]


def test_the_clock_after_checking_the_identity_starts_at_identity_verification():
    text = "（二）更正\n请联系客服更正您的资料，我们核实身份后将于7天内完成更正。\n"
    assert promises(text) == [(Right.CORRECTION, Action.COMPLETION, (7, 7, D), ClockStart.IDENTITY_VERIFIED)]


# --- Which requests a contact promise answers ---------------------------------------------------------


def test_questions_listed_before_a_need_to_complain_are_any_request_and_a_complaint():
    text = (
        "八、联系我们\n若您对本政策有任何问题、意见或需要投诉，可拨打客服热线与我们联系，"
        "我们核实后会在15个工作日内给予答复。\n"
    )
    assert rights_promised(text) == {Right.ANY_REQUEST, Right.COMPLAINT}


def test_a_need_to_delete_named_among_questions_and_complaints_is_asked_too():
    text = (
        "十、联系我们\n当您有投诉、建议、其他疑问或需要删除全部浏览记录时，请写信至help@example.cn与我们联系。\n"
        "我们会尽快审核，并在验证您的身份后的二十天内回复。\n"
    )
    assert rights_promised(text) == {Right.ANY_REQUEST, Right.COMPLAINT, Right.DELETION}


def test_an_invitation_without_a_need_adds_no_right():
    text = (
        "十、联系我们\n当您有投诉、建议或其他疑问时，请写信至help@example.cn与我们联系。\n"
        "我们会尽快审核，并在验证您的身份后的二十天内回复。\n"
    )
    assert rights_promised(text) == {Right.ANY_REQUEST, Right.COMPLAINT}


# --- Items named by number --------------------------------------------------------------------------------


def test_items_named_by_number_give_the_promise_their_rights():
    text = (
        "四、管理您的资料\n"
        "1、您可以在设置中查看您的资料。\n"
        "2、如您的账号被盗，请立即告诉我们。\n"
        "3、如您认为我们违规收集了资料，可以联系客服要求删除这些资料。\n"
        "4、如您的资料有误，可以联系客服要求更正。\n"
        "5、处理您以上3、4项请求前，我们会先核验您的身份，验证通过后8个工作日内办结。\n"
    )
    assert set(promises(text)) == {
        (Right.DELETION, Action.COMPLETION, (8, 8, W), ClockStart.IDENTITY_VERIFIED),
        (Right.CORRECTION, Action.COMPLETION, (8, 8, W), ClockStart.IDENTITY_VERIFIED),
    }


def test_a_range_of_items_names_each_item():
    text = (
        "五、您的权利\n（1）您可以查阅您的资料。\n（2）您可以更正您的资料。\n（3）您可以删除您的资料。\n"
        "对于上述1至3项请求，我们将在10天内答复。\n"
    )
    assert rights_promised(text) == {Right.ACCESS, Right.CORRECTION, Right.DELETION}


def test_a_number_without_items_above_leaves_the_heading_its_right():
    text = "（二）更正您的资料\n请联系客服，对于上述第3项要求，我们将在10天内答复。\n"
    assert rights_promised(text) == {Right.CORRECTION}


# --- Ways to act: menu wording, hotlines, customer service by name ---------------------------------------


def test_quoted_menu_items_joined_by_a_step_verb_are_a_path():
    text = "（五）注销账号\n您可以点击“我”进入“账户设置”，再选择注销即可。\n"
    assert "我>账户设置" in means_of(text)[Right.ACCOUNT_CANCELLATION]


def test_quoted_menu_items_under_one_another_are_a_path_naming_its_right():
    text = "三、管理您的信息\n如不再使用本应用，可通过“首页”栏目“更多”菜单下的“注销”功能停用您的账号。\n"
    assert "首页>更多>注销" in means_of(text)[Right.ACCOUNT_CANCELLATION]


def test_a_quoted_centre_entered_for_another_quoted_screen_is_a_path():
    text = "（四）注销\n您可以通过“我的主页”进入“账号管理”，在线申请注销账号。\n"
    assert "我的主页>账号管理" in means_of(text)[Right.ACCOUNT_CANCELLATION]


def test_quoted_names_without_a_step_between_are_no_path():
    text = "（四）注销\n注销前请阅读“注销须知”和“服务协议”，然后写信至close@example.cn。\n"
    assert not any(">" in v for v in means_of(text).get(Right.ACCOUNT_CANCELLATION, ()))


def test_the_quoted_account_signed_in_to_is_where_its_data_is_changed():
    text = "五、您的权利\n您可以随时登录“示例出行账户”，进入个人中心、常用旅客等页面以查阅、更正或删除您的资料。\n"
    means = means_of(text)
    assert all("示例出行账户" in means[r] for r in (Right.ACCESS, Right.CORRECTION, Right.DELETION))


def test_deleting_the_accounts_data_is_not_cancelling_the_account():
    text = "五、您的权利\n您可以随时登录“示例出行账户”，进入个人中心以删除您的账户信息。\n"
    means = means_of(text)
    assert "示例出行账户" in means[Right.DELETION] and Right.ACCOUNT_CANCELLATION not in means


def test_a_quoted_screen_the_user_acts_in_is_a_place():
    text = "二、账号\n用户可以利用以下入口：“个人”页面里来查看、修改您的资料。\n"
    means = means_of(text)
    assert "个人" in means[Right.ACCESS] and "个人" in means[Right.CORRECTION]


def test_a_quoted_item_clicked_before_the_next_step_is_a_place():
    text = "6.3 更正个人信息\n* 更改昵称： 1) 打开示例视频后，点击“我的主页”； 2) 点击昵称栏； 3) 输入新昵称并保存。\n"
    assert "我的主页" in means_of(text)[Right.CORRECTION]


def test_a_right_the_reader_has_by_calling_a_hotline_is_offered_through_it():
    text = "（一）查询和更正\n您有权通过拨打示例客服热线或者到营业网点查询和更正您的资料。\n"
    means = means_of(text)
    assert "客服热线" in means[Right.ACCESS] and "客服热线" in means[Right.CORRECTION]


def test_customer_service_named_as_what_the_reader_needs_is_the_way():
    text = "（四）注销账号\n注销账号需联系客服人员操作。\n"
    assert "客服" in means_of(text)[Right.ACCOUNT_CANCELLATION]


def test_a_right_to_ask_through_the_policys_contacts_is_not_an_instruction_of_its_own():
    # the complaint is what the answer offers, not a route the sentence gives for it
    text = (
        "（八）自动化决策\n如您认为决定影响您的权益，您有权通过本政策披露的联系方式要求我们做出解释，"
        "我们将在十五个工作日内回复您的请求，并告知您申诉方法。\n十、联系我们\n邮箱：ask@example.cn\n"
    )
    assert Right.COMPLAINT not in means_of(text)
