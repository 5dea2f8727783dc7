"""The rules of issue 20's eighth round: the primary rights the sixth held-out set (and the third's WeChat-only
policy) described a way to exercise and the importer proposed none for. Every phrasing here is written for these
tests; none is copied from a policy of the corpus."""

from policies.importer.extract import extract
from policies.models import Action, ChannelKind, Right
from tests.policies.importer.helpers import means_of

CONTACTS = "九、联系我们\n如您有任何请求，可发送邮件至privacy@example.cn。\n"


# --- A pointer to the policy's contacts, after the sentence that grants the rights ------------------------


def test_a_pointer_to_the_contacts_after_a_sentence_granting_rights_offers_them_for_those_rights():
    text = (
        "六、您的权利\n本公司尊重您查阅、更正和删除个人信息的权利。您可以通过本政策载明的联系方式联系本公司。\n"
        + CONTACTS
    )
    means = means_of(text)
    for right in (Right.ACCESS, Right.CORRECTION, Right.DELETION):
        assert means.get(right) == {"privacy@example.cn"}, right


def test_the_rights_must_be_granted_in_the_sentence_before_not_merely_named():
    # "we delete expired data" is what the company does, not a right the reader is told they have
    text = "六、数据保存\n我们会定期删除过期的日志。您可以通过本政策载明的联系方式联系我们。\n" + CONTACTS
    assert Right.DELETION not in means_of(text)


def test_a_pointer_in_the_next_paragraph_is_not_read_with_the_rights_before_it():
    text = "六、您的权利\n您有权更正不准确的个人信息。\n您可以通过本政策载明的联系方式联系我们。\n" + CONTACTS
    assert Right.CORRECTION not in means_of(text)


def test_a_pointer_after_a_sentence_granting_many_rights_names_none_of_them():
    # four rights and more are a summary of the chapter, not the rights this contact is offered for
    text = (
        "六、您的权利\n您有权查阅、更正、删除、复制您的个人信息。您可以通过本政策载明的联系方式联系我们。\n" + CONTACTS
    )
    means = means_of(text)
    assert all(r not in means for r in (Right.ACCESS, Right.CORRECTION, Right.DELETION, Right.COPY))


# --- Signing in with one's user name and password ----------------------------------------------------------


def test_signing_in_with_a_user_name_and_password_is_the_place_for_the_verbs_listed_after_it():
    text = "四、管理您的信息\n您可以随时使用您的注册账号和密码，查阅，修改或补充您在本站保存的资料。\n"
    means = means_of(text)
    assert means[Right.ACCESS] == means[Right.CORRECTION] == {"注册账号和密码"}
    assert all(p.action == Action.COMPLETION for p in extract(text).procedures)


def test_a_user_name_and_password_the_policy_asks_to_keep_safe_is_no_place():
    text = "四、账号安全\n请您妥善保管用户名和密码，使用用户名和密码登录后的行为由您负责。\n"
    assert means_of(text) == {}


def test_a_clause_of_one_verb_is_an_item_of_the_list_only_when_it_is_one_verb():
    # the clause after the place says more than a verb: the list stops there
    text = "四、管理您的信息\n您可以使用用户名和密码，查阅订单记录，您也可以向客服申请删除。\n"
    assert means_of(text).get(Right.ACCESS) == {"用户名和密码"}
    assert "用户名和密码" not in means_of(text).get(Right.DELETION, set())


# --- A WeChat account given by its ID -----------------------------------------------------------------------


def test_a_wechat_account_given_by_its_id_is_a_channel_of_the_contact_section():
    text = (
        "五、更正您的信息\n当您无法自行更正时，您可以随时联系我们，我们会尽快回复。\n"
        "八、如何联系我们\n如您有任何疑问，可以通过微信联系我们：example_team01。\n"
    )
    assert means_of(text)[Right.CORRECTION] == {"微信：example_team01"}
    channels = [c for p in extract(text).procedures for c in p.channels]
    assert {"kind": ChannelKind.CUSTOMER_SERVICE, "value": "微信：example_team01"} in channels


def test_wechat_as_a_login_a_payment_or_shared_fields_is_no_channel():
    for sentence in (
        "您可以使用微信：登录后我们获取您的昵称。",
        "第三方账号（微信：头像、昵称、性别）。",
        "微信支付：财付通支付科技有限公司。",
        "如您使用微信登录，我们将收到您的微信号。",
    ):
        text = f"五、更正您的信息\n{sentence}当您无法自行更正时，您可以随时联系我们，我们会尽快回复。\n"
        assert not any("微信" in value for values in means_of(text).values() for value in values), sentence
