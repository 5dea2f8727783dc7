"""Rules that give the primary rights (cancellation, deletion, correction, access) a procedure where a policy
says how to exercise them (issue 20, item 1). Every phrasing is written for these tests; none is copied from a
policy of the corpus."""

import pytest

from policies.models import Right
from tests.policies.importer.helpers import means_of

# --- A list of ways introduced by the sentence before it ---------------------------------------------------


def test_the_items_of_a_list_of_ways_serve_the_rights_its_introduction_names():
    text = (
        "三、管理您的信息\n"
        "你可以用下列途径查看、修改你的资料：\n\n"
        "手机应用【我的 - 资料与账号 - 资料查看】；\n"
        "电脑端【头像 - 账号中心 - 资料查看】。\n"
    )
    means = means_of(text)
    assert "我的 - 资料与账号 - 资料查看" in means[Right.CORRECTION]
    assert "头像 - 账号中心 - 资料查看" in means[Right.ACCESS]


def test_a_list_item_that_names_its_own_right_still_gets_the_introduced_one():
    """A path ending in "删除账户" under "以下方式……注销您的账户：" is a way to cancel."""
    text = "五、注销\n您可按以下方式注销您的账户：\n\n手机应用【我的 - 安全 - 彻底删除账户】。\n"
    assert "我的 - 安全 - 彻底删除账户" in means_of(text)[Right.ACCOUNT_CANCELLATION]


def test_a_list_is_introduced_only_by_a_sentence_that_ends_in_a_colon():
    text = "五、您的账户\n我们提供以下方式帮助您注销您的账户。\n\n手机应用【我的 - 安全 - 账户管理】。\n"
    assert Right.ACCOUNT_CANCELLATION not in means_of(text)


# --- The account, the client or the app as the place ------------------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "place", "rights"),
    [
        ("您可以在个人帐户中查看、修改或删除您的资料。", "个人帐户", {Right.ACCESS, Right.CORRECTION, Right.DELETION}),
        ("您可以通过账号设置来查询、更新您的资料。", "账号设置", {Right.ACCESS, Right.CORRECTION}),
        ("您可以通过本应用的官方客户端注销账号。", "本应用的官方客户端", {Right.ACCOUNT_CANCELLATION}),
        ("点击头像进入资料页面，以访问您的个人资料。", "资料页面", {Right.ACCESS}),
    ],
)
def test_the_account_client_or_a_page_is_a_self_service_place(sentence, place, rights):
    means = means_of(f"六、您的权利\n{sentence}")
    assert {right for right, values in means.items() if place in values} == rights


def test_access_permissions_are_no_place_to_exercise_access():
    text = "六、设备权限\n您可以在系统设置中访问权限管理。"
    assert Right.ACCESS not in means_of(text)


# --- A pointer to the policy's contacts, a sign-in centre, a quoted page, a clause going on with 并 ----------


def test_a_pointer_to_the_policys_contacts_offers_its_e_mail_and_phone_for_the_right():
    text = (
        "五、更正您的信息\n如果资料有误，您可以通过本政策第八条列出的联系方式要求我们更正。\n"
        "八、联系我们\n邮箱：help@example.cn，电话：400-123-4567。\n"
    )
    assert {"help@example.cn", "400-123-4567"} <= means_of(text)[Right.CORRECTION]


def test_a_pointer_to_contacts_the_policy_does_not_list_offers_nothing():
    text = "五、更正您的信息\n如果资料有误，您可以通过本政策列出的联系方式要求我们更正。"
    assert Right.CORRECTION not in means_of(text)


def test_signing_in_to_an_account_centre_is_a_place_for_the_rights_of_the_sentence():
    text = "三、管理您的信息\n如需查阅、修改或删除部分资料，请登录示例账号中心（www.example.cn）办理。"
    means = means_of(text)
    assert all("示例账号中心" in means[r] for r in (Right.ACCESS, Right.CORRECTION, Right.DELETION))


def test_a_quoted_menu_item_before_its_page_is_a_place():
    text = "三、管理您的信息\n您可以在“我的”的页面中查阅您填写过的个人资料。"
    assert "我的" in means_of(text)[Right.ACCESS]


def test_a_clause_going_on_with_bing_adds_its_rights_to_the_place():
    text = "三、管理您的信息\n例如在示例App“我的-设置-资料管理”中查询资料，并对部分资料进行修改、删除。"
    means = means_of(text)
    assert all("我的-设置-资料管理" in means[r] for r in (Right.ACCESS, Right.CORRECTION, Right.DELETION))


def test_a_channel_listed_under_an_introduction_serves_its_rights():
    text = "四、注销\n您可以通过以下途径注销已注册的帐号：\n发送邮件至：close@example.cn\n"
    assert "close@example.cn" in means_of(text)[Right.ACCOUNT_CANCELLATION]


# --- Third round: the service in use, a website visited, pointers to the policy's ways and sections --------


def test_the_service_while_it_is_used_is_a_place_for_the_rights_after_it():
    text = "六、管理您的信息\n您能在使用本应用服务的过程中，查看、修改和删除自己填写的资料。"
    means = means_of(text)
    assert all(any("过程中" in v for v in means[r]) for r in (Right.ACCESS, Right.CORRECTION, Right.DELETION))


def test_visiting_the_official_website_is_a_place_for_the_rights_of_the_sentence():
    text = "三、您的信息\n若想查看或删除您的资料，您可以访问示例游戏官方网站并登录账户。"
    means = means_of(text)
    assert "示例游戏官方网站" in means[Right.ACCESS] and "示例游戏官方网站" in means[Right.DELETION]


@pytest.mark.parametrize(
    "pointer",
    ["通过本指引中提及的方式", "通过本规则所列途径", "通过隐私条款下方的邮箱", "通过联系我们"],
)
def test_a_pointer_to_the_policys_ways_offers_its_contacts(pointer):
    text = (
        f"五、更正您的信息\n资料有误时，您可以{pointer}要求我们更正。\n"
        "九、联系我们\n邮箱：fix@example.cn，电话：400-765-4321。\n"
    )
    assert "fix@example.cn" in means_of(text)[Right.CORRECTION]


def test_a_pointer_to_a_section_by_its_title_offers_that_sections_ways():
    text = (
        "（一）查看您的资料\n您可以在“账户-我的资料”中查看您的资料，也可以发邮件到see@example.cn。\n"
        "（二）更正您的资料\n发现错误时，您可以通过“（一）查看您的资料”中列明的方式申请更正。\n"
    )
    means = means_of(text)
    assert {"账户-我的资料", "see@example.cn"} <= means[Right.CORRECTION]


def test_a_quoted_title_that_no_heading_bears_offers_nothing():
    text = "（二）更正您的资料\n发现错误时，您可以通过“资料中心使用说明”中列明的方式申请更正。\n"
    assert Right.CORRECTION not in means_of(text)


def test_updating_part_of_ones_information_is_correction():
    text = "三、您的信息\n您可以通过帐户设置来查阅、更新您的部分个人资料。"
    means = means_of(text)
    assert "帐户设置" in means[Right.CORRECTION] and "帐户设置" in means[Right.ACCESS]


@pytest.mark.parametrize(
    ("sentence", "place"),
    [
        ("您可以在您使用的示例游戏产品中查阅您的帐号资料。", "示例游戏产品"),
        ("您可以在示例App内查看您的资料。", "示例App"),
    ],
)
def test_the_product_or_app_in_use_is_a_place(sentence, place):
    assert any(place in v for v in means_of(f"六、您的权利\n{sentence}")[Right.ACCESS])
