"""Texts of hostile shapes for the importer's linear-time tests, its fuzz test and bench/fuzz_importer.py.

Each shape is a function of a length in characters; together they cover what the issue found (runs of spaces on
a title line, one sentence with thousands of promises) and what a regex or a per-sentence loop could choke on:
one huge line, one huge sentence, only spaces, only numerals, repeated CJK punctuation, paths, addresses, dates.
"""

from __future__ import annotations


def _fill(unit: str, chars: int, head: str = "", tail: str = "") -> str:
    body = chars - len(head) - len(tail)
    return head + (unit * (body // len(unit) + 1))[: max(body, 0)] + tail


SHAPES = {
    # The issue: 400 / 600 spaces under a title line took 10 s / 33 s; 32k spaces 44 s.
    "only spaces": lambda n: _fill(" ", n, tail="隐"),
    "only tabs and newlines": lambda n: _fill("\t \n", n),
    "spaces after a numeral": lambda n: _fill(" ", n, head="在15", tail="x"),
    "spaces after a date label": lambda n: _fill(" ", n, head="发布日期"),
    "spaces after an address label": lambda n: _fill(" \n", n, head="地址为", tail="!"),
    "spaces in a book title": lambda n: _fill(" ", n, head="《", tail="隐私政策》"),
    "one line of prose": lambda n: _fill("我们会采取合理措施保护您的个人信息安全并持续改进相关制度", n),
    "one sentence with commas": lambda n: _fill(
        "您可以通过我的-设置-注销账号申请注销，我们将在15个工作日内答复您的请求，", n, head="注销账号：", tail="。"
    ),
    # The issue: one 40,000-character sentence with 2,500 promises took 11.4 s.
    "many promises in one sentence": lambda n: _fill("我们将在15个工作日内完成注销", n, head="用户请求注销账号"),
    "many promises, verbs far away": lambda n: _fill("在15天内", n, head="注销账号", tail="完成。"),
    "many paths in one sentence": lambda n: _fill("通过我的-设置-账号与安全-注销账号申请注销 ", n, head="您可以"),
    "many places in one sentence": lambda n: _fill("在设置页面中删除", n, head="您可以"),
    "many channels and promises": lambda n: _fill("15天内回复客服", n, head="如何联系我们\n"),
    "only numerals": lambda n: _fill("1234567890", n),
    "only chinese numerals": lambda n: _fill("一二三四五六七八九十百千", n),
    "repeated cjk punctuation": lambda n: _fill("。，；、：！？“”《》（）【】", n),
    "repeated arrows": lambda n: _fill("》", n, head="我的"),
    "repeated dashes": lambda n: _fill("-", n, head="我的"),
    "many headings": lambda n: _fill("（一）注销账号\n", n),
    "many dates": lambda n: _fill("发布日期：2021年10月20日 ", n),
    "many e-mail like words": lambda n: _fill("a.", n, head="a@"),
    # The fourth round's normalisation and places: emphasis marks, bracketed periods, markdown headings, features.
    "markdown emphasis between words": lambda n: _fill("的 ** ", n),
    "bracketed periods": lambda n: _fill("【15工作日】内答复", n, head="九、联系我们\n"),
    "markdown headings": lambda n: _fill("## 八、联系我们\n", n),
    "features set up": lambda n: _fill("我们设置了注销功能并", n, head="删除、更正："),
    # The fifth round's items named by number, quoted menus and instructions.
    "items named by number": lambda n: _fill(
        "1、删除资料\n2、更正资料\n对于上述1至20项请求，我们将在10天内答复。\n", n
    ),
    "quoted menu items": lambda n: _fill("点击“我的”进入“设置”菜单下的“注销”，", n),
    "quoted accounts signed in to": lambda n: _fill("您可以登录“示例账户”，进入个人中心以删除资料。", n),
    "quoted items clicked": lambda n: _fill("1) 点击“个人中心”； 2) 点击“设置”；", n),
    "questions with needs": lambda n: _fill(
        "如有疑问、建议或需要投诉或需要删除记录时，请联系我们，我们将在15天内答复。", n
    ),
    # The eighth round's places, channels and pointers to the policy's contacts.
    "user names and passwords": lambda n: _fill("使用账号和密码，查询，", n, head="四、管理您的信息\n您可以"),
    "wechat ids": lambda n: _fill("微信：example01 ", n, head="八、联系我们\n"),
    "pointers after granted rights": lambda n: _fill(
        "您有权删除信息。您可以通过本政策公布的联系方式联系我们。", n, head="联系邮箱：help@example.cn\n"
    ),
}


def shape(name: str, chars: int) -> str:
    text = SHAPES[name](chars)
    assert len(text) == chars, (name, len(text))
    return text
