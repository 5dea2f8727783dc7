"""Generated policy texts for the importer's fuzz test (test_fuzz.py) and bench/fuzz_importer.py.

A text is a list of pieces, each drawn from one kind: promise sentences assembled from the grammar's words
(subjects, hedges, clock starts, numbers in every notation, units, verbs), fixed phrases of real policies,
numbers alone (full-width, Chinese, bracketed, superscript ², circled ①, Arabic-Indic ٣, mathematical 𝟓, 40
nines), control characters (NUL, C0, C1, lone surrogates, BOM, line separators), long runs of one character
(spaces, numerals, punctuation, arrows, brackets), title-like lines, HTML fragments, contacts, and random
Unicode. The same kinds are drawn through hypothesis (`texts()`, which shrinks a failure to its pieces) and
through a seeded random.Random (`random_text(rng)`, for the 10,000-text run), so both explore one space.
"""

from __future__ import annotations

import random

from .helpers import chinese_numeral, fullwidth

SUBJECTS = ["", "我们将", "我们会", "本公司将", "我行将", "您可以", "平台将", "对于您的请求，我们将"]
HEDGES = ["", "一般情况下，", "原则上", "最长", "不超过", "最迟"]
CLOCKS = ["", "在", "在收到您的请求后", "自收到申请之日起", "在验证您的身份后", "注销了账号后", "在您提交申请后"]
UNITS = [
    "个工作日",
    "工作日",
    "天",
    "日",
    "自然日",
    "日历日",
    "小时",
    "周",
    "个月",
    "月",
    "个工作日天",
    "工作 日",
    "年",
    "",
]
WITHIN = ["内", "之内", "以内", "", "内（节假日顺延）"]
VERBS = ["回复", "答复", "完成注销", "删除", "处理", "反馈", "完成核查", "发送", "予以更正", ""]
ENDS = ["。", "，", "；", "\n", "", "！", "…"]
RIGHTS = ["注销", "删除", "更正", "查阅", "复制", "撤回同意", "投诉", "申诉", "转移", "注销账号"]
PHRASES = [
    "我们将在15个工作日内回复",
    "注销",
    "删除",
    "【7】个工作日",
    "十五日内",
    "１５个工作日内",
    "7-15个工作日",
    "7至15个工作日内完成",
    "3～5天",
    "〔十五〕日",
    "[７]天",
    "除上述情形外",
    "保存不超过30天",
    "72小时内自动删除",
    "在6个月内保留",
    "如您不满意我们的答复",
    "您可以通过“我的-设置-账号与安全-注销账号”申请注销",
    "我的》设置》隐私》删除",
    "了解",
    "收到了您的请求",
    "*个工作日",
    "X个工作日",
    "0个工作日",
    "零日内",
]
TITLES = [
    "隐私政策",
    "示例应用隐私政策",
    "《示例应用隐私政策》",
    "（一）注销账号",
    "一、如何联系我们",
    "第三条 个人信息的删除",
    "3.2 更正您的个人信息",
    "【查阅】",
    "更正：",
    "撤回同意——",
    "生效日期：2030年1月1日",
    "发布日期：2021年10月20日",
    "更新日期：2026年13月45日",
    "Privacy Policy",
]
CONTACTS = [
    "help@example.com",
    "邮箱：a@b",
    "400-123-4567",
    "客服电话：010-12345678转8",
    "地址：北京市海淀区某某路1号",
    "在线客服",
    "https://example.com/privacy",
]
CONTROLS = [
    "\x00",
    "\x01",
    "\x08",
    "\x0b",
    "\x0c",
    "\x1b",
    "\x7f",
    "\x85",
    "\x9f",
    "\r",
    "\r\n",
    "\t",
    "\u200b",
    "\ufeff",
    "\u2028",
    "\u2029",
    "\u3000",
    "\xa0",
    "\ud800",
    "\udfff",
    "\ue000",
    "\ufffd",
]
RUN_UNITS = [
    " ",
    "\u3000",
    "\n",
    "\t ",
    "1",
    "0",
    "9",
    "１",
    "十",
    "一二",
    "。",
    "，",
    "、",
    "-",
    "》",
    ">",
    "【",
    "】",
    "（",
    "“",
    "内",
    "日",
    "个工作日",
    "15天内",
    "在",
    "<",
    "&",
    "#",
]
HTML = [
    "<p>",
    "</p>",
    "<br/>",
    "<div>",
    "<!--",
    "-->",
    "<script>",
    "</script>",
    "<style>",
    "&#0;",
    "&#x85;",
    "&nbsp;",
    "&amp;",
    "<a href='",
    "<![CDATA[",
    "<!DOCTYPE html>",
    "<td>",
    "<li>",
]
NUMBER_STYLES = ["arabic", "fullwidth", "chinese", "bracketed", "padded", "huge", "odd digits", "negative", "range"]
ODD_DIGITS = ["²", "³", "¹", "①", "⑮", "٣", "۵", "५", "𝟓", "Ⅻ", "⁵", "₅", "〡", "５"]
# Drawn with these weights: promises most; a control character now and then (several make a text binary).
PIECE_KINDS = (
    ["promise"] * 6
    + ["phrase"] * 3
    + ["number"] * 2
    + ["right"] * 2
    + ["run", "title", "html", "contact", "random", "control"]
)


class HypothesisDraws:
    """The draws of a hypothesis @composite strategy."""

    def __init__(self, draw):
        from hypothesis import strategies as st

        self._draw, self._st = draw, st

    def choice(self, seq):
        return self._draw(self._st.sampled_from(seq))

    def integer(self, lo, hi):
        return self._draw(self._st.integers(lo, hi))

    def text(self, max_size):
        return self._draw(self._st.text(max_size=max_size))


class RandomDraws:
    """The same draws from a seeded random.Random: every character of Unicode, astral planes and surrogates too."""

    # Mostly printable text, as a policy is; now and then any character at all (controls, astral planes and
    # the private use area make the reader refuse the text as binary once they are more than a few).
    _RANGES = (
        [(0x20, 0x7E)] * 4
        + [(0x4E00, 0x9FFF)] * 4
        + [(0x3000, 0x303F), (0xFF00, 0xFFEF), (0x80, 0x2FFF), (0x0, 0xFFFF), (0x0, 0x10FFFF)]
    )

    def __init__(self, rng: random.Random):
        self.rng = rng

    def choice(self, seq):
        return self.rng.choice(seq)

    def integer(self, lo, hi):
        return self.rng.randint(lo, hi)

    def text(self, max_size):
        chars = []
        for _ in range(self.rng.randint(0, max_size)):
            lo, hi = self.rng.choice(self._RANGES)
            chars.append(chr(self.rng.randint(lo, hi)))
        return "".join(chars)


def number(d) -> str:
    style = d.choice(NUMBER_STYLES)
    n = d.integer(1, 120)
    if style == "arabic":
        return str(n)
    if style == "fullwidth":
        return fullwidth(n)
    if style == "chinese":
        return chinese_numeral(d.integer(1, 9999))
    if style == "bracketed":
        return (
            d.choice(["【", "[", "［", "〔", "「", "『"])
            + d.choice([str(n), fullwidth(n), chinese_numeral(n)])
            + d.choice(["】", "]", "］", "〕", "」", "』"])
        )
    if style == "padded":
        return "0" * d.integer(1, 30) + str(n)
    if style == "huge":
        return "9" * d.integer(5, 60)
    if style == "odd digits":
        return "".join(d.choice(ODD_DIGITS) for _ in range(d.integer(1, 3)))
    if style == "negative":
        return "-" + str(n)
    return str(n) + d.choice(["-", "–", "—", "－", "~", "～", "至", "到"]) + str(d.integer(0, 200))


def promise(d) -> str:
    return "".join(
        [
            d.choice(SUBJECTS),
            d.choice(HEDGES),
            d.choice(CLOCKS),
            number(d),
            d.choice(UNITS),
            d.choice(WITHIN),
            d.choice(VERBS),
            d.choice(ENDS),
        ]
    )


def piece(d, max_run: int) -> str:
    kind = d.choice(PIECE_KINDS)
    if kind == "promise":
        return promise(d)
    if kind == "phrase":
        return d.choice(PHRASES)
    if kind == "number":
        return number(d)
    if kind == "control":
        return d.choice(CONTROLS)
    if kind == "run":
        return d.choice(RUN_UNITS) * d.integer(1, max_run)
    if kind == "title":
        return d.choice(["", "\n"]) + d.choice(TITLES) + "\n"
    if kind == "html":
        return d.choice(HTML)
    if kind == "contact":
        return d.choice(CONTACTS)
    if kind == "right":
        return d.choice(RIGHTS) + d.choice(["", "账号", "：", "请求", "申请"])
    return d.text(40)


def build_text(d, *, max_pieces: int = 30, max_run: int = 2000) -> str:
    return "".join(piece(d, max_run) for _ in range(d.integer(0, max_pieces)))


def texts(*, max_pieces: int = 30, max_run: int = 2000):
    """A hypothesis strategy of generated texts."""
    from hypothesis import strategies as st

    @st.composite
    def strategy(draw):
        return build_text(HypothesisDraws(draw), max_pieces=max_pieces, max_run=max_run)

    return strategy()


def random_text(rng: random.Random, *, max_pieces: int = 30, max_run: int = 2000) -> str:
    return build_text(RandomDraws(rng), max_pieces=max_pieces, max_run=max_run)


# How a text reaches the importer: pasted (a str) or as a file's bytes in some encoding.
FORMS = ["pasted", "pasted", "utf-8", "utf-8 with a byte-order mark", "gb18030", "utf-16"]


def as_input(text: str, form: str) -> str | bytes:
    if form == "pasted":
        return text
    if form == "utf-8":
        return text.encode("utf-8", "surrogatepass")  # a lone surrogate gives bytes that are not UTF-8
    if form == "utf-8 with a byte-order mark":
        return b"\xef\xbb\xbf" + text.encode("utf-8", "surrogatepass")
    if form == "gb18030":
        return text.encode("gb18030", "replace")
    return text.encode("utf-16", "surrogatepass")
