"""Contacts, dates, names and self-service paths, on phrasings written for these tests."""

from datetime import date

import pytest

from policies.importer.contacts import (
    find_addresses,
    find_app_name,
    find_dates,
    find_emails,
    find_operator,
    find_phones,
)
from policies.importer.paths import find_paths, find_self_service_places, normalise_path, path_kind
from policies.models import ChannelKind


def values(found):
    return [f.value for f in found]


# --- E-mail, phone, address -------------------------------------------------------------------------------


def test_emails_are_found_and_a_full_width_at_is_normalised():
    text = (
        "请发送邮件至privacy@example.com或dpo＠example.cn。个人信息保护负责人邮箱 ll-customer-service@mail.example.top"
    )
    assert values(find_emails(text)) == [
        "privacy@example.com",
        "dpo@example.cn",
        "ll-customer-service@mail.example.top",
    ]


@pytest.mark.parametrize(
    "text, phones",
    [
        ("客服电话400-113-9001", ["400-113-9001"]),
        ("拨打4001139001", ["4001139001"]),
        ("热线 800 820 8820", ["800-820-8820"]),
        ("联系电话:010-12345678", ["010-12345678"]),
        ("手机13812345678", ["13812345678"]),
        ("联系电话：（010）12345678", ["（010）12345678"]),
        ("请拨打客服电话10086", ["10086"]),  # a short service number after a phone word
        ("客服热线：95188", ["95188"]),
        ("房间10086号", []),  # a short number without a phone word is not a phone
        ("版本2021-11-01", []),
        ("订单号202111010001234", []),
    ],
)
def test_phone_numbers(text, phones):
    assert values(find_phones(text)) == phones


def test_a_list_of_short_numbers_under_a_hotline_heading_are_phones():
    text = "附一:客户服务热线电话\n产品甲:10086;\n产品乙:10010;"

    def heading(pos):
        return "客户服务热线电话"

    assert values(find_phones(text, headings=heading)) == ["10086", "10010"]


@pytest.mark.parametrize(
    "text, addresses",
    [
        ("我们的收件地址为:北京市朝阳区朝阳路67号院7号楼10层1004。", ["北京市朝阳区朝阳路67号院7号楼10层1004"]),
        ("联系地址: 四川省成都市高新区吉泰路 20 号", ["四川省成都市高新区吉泰路 20 号"]),
        ("办公地址：上海市浦东新区世纪大道100号，邮编200120", ["上海市浦东新区世纪大道100号"]),
        ("您可以写信至北京市海淀区知春路甲48号（邮编100098）与我们联系", ["北京市海淀区知春路甲48号"]),
        ("注册地址:浙江省杭州市西湖区某路1号", []),  # a registered address is not where users write
        ("我们会收集您的IP 地址、设备信息", []),
        ("收货人姓名、地址、手机号", []),
    ],
)
def test_postal_addresses_users_can_write_to(text, addresses):
    assert values(find_addresses(text)) == addresses


# --- Dates ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, published, effective",
    [
        ("发布日期:2021年10月20日\n生效日期:2021年11月1日", date(2021, 10, 20), date(2021, 11, 1)),
        ("本版发布日期:【2022-06-29】\n生效日期:【2022-06-29】", date(2022, 6, 29), date(2022, 6, 29)),
        ("版本生效日期: 2021 11 1", None, date(2021, 11, 1)),
        ("更新日期：2023/05/17", date(2023, 5, 17), None),
        ("本政策自2024年1月5日起生效。", None, date(2024, 1, 5)),
        ("最近更新日期：二〇二二年六月二十九日", date(2022, 6, 29), None),
        ("- 2024年09月25日\n- 2024年09月10日", None, None),  # a list of versions says nothing of this one
        ("发布日期:2021年13月40日", None, None),  # not a date
    ],
)
def test_publication_and_effective_dates_are_read_from_their_labels(text, published, effective):
    dates = find_dates(text)
    assert (dates.published_on, dates.effective_on) == (published, effective)


# --- Names ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, name",
    [
        ("好看视频隐私政策\n正文", "好看视频"),
        ("“好看视频”隐私权政策\n正文", "好看视频"),
        ("好看视频APP用户隐私政策\n", "好看视频"),
        ("好看视频个人信息保护政策\n", "好看视频"),
        ("引言\n欢迎阅读《好看视频隐私政策》。我们……", "好看视频"),
        ("小鹿隐私政策\n小鹿健身APP由……。小鹿健身APP会……", "小鹿健身"),  # a title that abbreviates
    ],
)
def test_the_app_is_named_by_the_title_or_the_policy_s_name_for_itself(text, name):
    assert find_app_name(text)[0] == name


def test_no_name_is_made_up_for_a_text_that_gives_none():
    assert find_app_name("我们非常重视您的隐私。")[0] == ""


@pytest.mark.parametrize(
    "text, operator",
    [
        ("杭州示例网络科技有限公司是“示例”APP的运营者。北京另一家有限公司提供支付。", "杭州示例网络科技有限公司"),
        ("示例APP由所属上海示例信息技术有限公司开发。", "上海示例信息技术有限公司"),
        ("示例服务提供者:指示例的技术服务提供者北京示例文化传媒有限公司", "北京示例文化传媒有限公司"),
        ("本政策仅适用于示例科技 (成都) 有限公司及其关联公司(以下或称“我们”)提供的产品", "示例科技 (成都) 有限公司"),
    ],
)
def test_the_operator_is_the_company_that_runs_the_app(text, operator):
    assert find_operator(text, "示例") == operator


# --- Self-service paths -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, path",
    [
        ("您可以通过“我的-设置-账号与安全-注销账号”申请注销", "我的-设置-账号与安全-注销账号"),
        ("路径为：我的>设置>隐私>撤回同意", "我的>设置>隐私>撤回同意"),
        ("依次点击 个人中心 -> 设置 -> 注销账号 完成注销", "个人中心 -> 设置 -> 注销账号"),
        ("进入“我→设置→个人信息”查看", "我→设置→个人信息"),
        ("在「我的」》「设置」》「注销」中操作", "我的》设置》注销"),
        ("通过【我】-【设置】-【账号与安全】-【注销账号】提交申请", "我-设置-账号与安全-注销账号"),
        ("通过“我的-订单”查阅", "我的-订单"),  # two steps, quoted
        ("路径：首页-消息", "首页-消息"),  # two steps after a cue
        ("通过个人中心->帮助与客服或其他方式联系我们", "个人中心->帮助与客服"),  # unquoted, cut at 或
    ],
)
def test_menu_paths_are_steps_joined_by_arrows_or_dashes(text, path):
    assert values(find_paths(text)) == [path]


@pytest.mark.parametrize(
    "text",
    [
        "请拨打400-113-9001",
        "支持Wi-Fi和蓝牙",
        "邮箱ll-customer-service@mail.example.top",
        "2021-11-01起生效",
        "请参阅《用户服务协议》相关指引",  # a book title's 》 is no arrow
        "中-英双语版本",  # two dash-joined words without quotes or a cue
        "7-15个工作日",
    ],
)
def test_dashes_and_brackets_that_are_not_menu_paths(text):
    assert find_paths(text) == []


def test_a_path_that_ends_at_a_person_is_an_in_app_agent_not_self_service():
    (agent,) = find_paths("注销途径为:个人中心 -》客服中心 -》 人工客服")
    (alone,) = find_paths("通过“我的-设置-注销账号”注销")
    assert (path_kind(agent), path_kind(alone)) == (ChannelKind.IN_APP_AGENT, ChannelKind.SELF_SERVICE)


def test_paths_written_differently_compare_equal_once_normalised():
    assert normalise_path("个人中心 -》客服中心 -》 人工客服") == normalise_path("个人中心->客服中心->人工客服")


@pytest.mark.parametrize(
    "text, place",
    [
        ("您可以在 我的 页面的 设置 菜单中查阅您的信息", "我的 页面的 设置 菜单"),
        ("您可以在设备系统权限中取消上述授权", "设备系统权限"),
        ("您在我们的产品页面中可以直接删除浏览记录", "产品页面"),
        ("您可以改变您的手机的设置来撤回授权", "手机的设置"),
        ("您可以在应用中进行隐私设置", "隐私设置"),
        ("您可以通过删除信息、关闭定位功能等方式撤回授权", "关闭定位功能"),
        ("您可通过短信提示回复退订", "短信提示回复退订"),
        ("您可以通过“个人中心”完成上述操作", "个人中心"),
    ],
)
def test_self_service_places_that_are_not_arrow_paths(text, place):
    assert values(find_self_service_places(text)) == [place]
