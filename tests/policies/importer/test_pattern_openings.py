"""The patterns rewritten to open with their first character (a literal or a class) instead of a lookaround, so
that the regex engine skips to them at C speed (issue 20, the 50 ms goal): each still reads what it read before,
at the edges where the rewrite looks behind from its first character. Paraphrases, not corpus sentences."""

import pytest

from policies.importer.contacts import find_addresses, find_channel_words, find_emails, has_at_sign
from policies.importer.document import Document
from policies.importer.grammar import find_deadlines
from policies.importer.normalise import normalised
from policies.importer.paths import find_paths, find_self_service_places


def amounts(text):
    return [(d.min, d.max, str(d.unit)) for d in find_deadlines(text)]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("我们将在15个工作日内回复", [(15, 15, "working_day")]),
        ("我们将在十五（15）个工作日内回复", [(15, 15, "working_day")]),
        ("我们将在7-15个工作日内回复", [(7, 15, "working_day")]),
        ("15天内处理", [(15, 15, "calendar_day")]),  # a number at the very start of the text
        # a number that continues a word or a date is no deadline: every 15 days, the 3rd working day, 11月1日
        ("每15天内清理一次", []),
        ("第3个工作日内", []),
        ("于11月1日内", []),
        # digits and Chinese numerals are not one number: 1 then 五 is no amount
        ("1五个工作日内", []),
    ],
)
def test_a_deadline_is_read_from_the_first_character_of_its_number(text, expected):
    assert amounts(text) == expected


def test_sentences_end_at_a_run_of_stops_or_at_a_line_break():
    text = "第一句。第二句！！\n第三句\n\n第四句？"
    doc = Document(text)
    assert [text[s.start : s.end] for s in doc.sentences] == ["第一句。", "第二句！！", "第三句", "第四句？"]


@pytest.mark.parametrize(
    "text, value",
    [
        ("请进入我的 -> 设置 -> 注销账号", "我的 -> 设置 -> 注销账号"),
        ("路径为：我的-设置-账号与安全-注销账号", "我的-设置-账号与安全-注销账号"),
        ("通过 我的 => 设置 => 注销 完成", "我的 => 设置 => 注销"),
        ("点击我的》设置》账号注销", "我的》设置》账号注销"),
    ],
)
def test_a_menu_path_is_read_whatever_its_arrows_and_spaces(text, value):
    assert [p.value for p in find_paths(text)] == [value]


def test_a_long_run_of_spaces_before_an_arrow_is_one_separator():
    text = "我的" + " " * 5000 + "> 设置 > 注销账号"
    assert [p.steps for p in find_paths(text)] == [("我的", "设置", "注销账号")]


@pytest.mark.parametrize(
    "text, found",
    [
        ("地址：北京市海淀区示例路1号", ["北京市海淀区示例路1号"]),
        ("联系方式如下，地址：上海市示例区示例路2号", ["上海市示例区示例路2号"]),
        ("联系地址为：广州市示例区示例大道3号", ["广州市示例区示例大道3号"]),
        ("来信寄至深圳市示例区示例街4号", ["深圳市示例区示例街4号"]),
        # 地址 inside a word (网页地址) is no postal address; nor is the registered one
        ("网页地址：示例市示例路5号", []),
        ("注册地址：杭州市示例区示例路6号", []),
    ],
)
def test_a_postal_address_is_read_from_its_first_word(text, found):
    assert [f.value for f in find_addresses(text)] == found


@pytest.mark.parametrize(
    "text, words",
    [
        ("您可以联系与您对接的产品人员申请注销", "与您对接的产品人员"),
        ("请与您的专属客户经理联系", "专属客户经理"),
        ("您可以联系我们的个人信息保护专员", "个人信息保护专员"),
        ("也可以联系数据保护官", "数据保护官"),
    ],
)
def test_a_contact_person_is_read_from_its_first_word(text, words):
    assert any(f.value.endswith(words) for f in find_channel_words(text))


@pytest.mark.parametrize(
    "text, place",
    [
        ("您也可以关闭设备功能、通过关闭定位权限撤回授权", "关闭定位权限"),
        ("您可以登录示例账号中心查询您的信息", "示例账号中心"),
        ("您可以通过手机短信回复退订", "手机短信回复退订"),
        ("您可以通过短信提示回复退订", "短信提示回复退订"),
    ],
)
def test_a_self_service_place_is_read_from_its_first_word(text, place):
    assert place in [p.value for p in find_self_service_places(text)]


def test_a_switch_is_a_place_only_after_a_list_or_a_verb_that_offers_it():
    assert find_self_service_places("我们会关闭设备功能") == []


@pytest.mark.parametrize(
    "text, expected",
    [
        ("在 十五 天 内回复", "在十五天内回复"),
        ("在\u3000十五天内回复", "在十五天内回复"),
        ("收到了您的申请", "收到您的申请"),
        ("我们了解您的需求", "我们了解您的需求"),  # 了解 is a word, not an aspect particle
        ("注销了解除绑定", "注销了解除绑定"),
        ("a 十五 b", "a 十五 b"),  # spaces between Latin and Chinese stay
    ],
)
def test_normalising_drops_spaces_inside_a_phrase_and_the_aspect_particle(text, expected):
    assert normalised(text).text == expected


def test_e_mail_addresses_are_looked_for_only_where_an_at_sign_is():
    assert not has_at_sign("请发送邮件至示例邮箱")
    assert find_emails("请发送邮件至示例邮箱") == []
    assert [f.value for f in find_emails("请发送邮件至 privacy＠example.com 联系我们")] == ["privacy@example.com"]
    text = "前文 x@a.cn 后文"
    assert has_at_sign(text, 0, len(text)) and not has_at_sign(text, 5, len(text))
