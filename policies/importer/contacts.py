"""Who and how to reach: e-mails, phones, addresses, channels, dates and names (self-service paths: paths.py).

Like the grammar (grammar/), these are rules about how Chinese policies write such things, not about any one policy.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from policies.models import ChannelKind

from .grammar import parse_numeral

# --- E-mail and phone -------------------------------------------------------------------------------------

# Each pattern below that is searched through the whole text starts with the class of its first character and
# only then looks behind (the lookbehind spans that character too): a pattern that starts with a lookbehind or a
# lookahead is tried at every position, one with a class is skipped along by the search's first-character scan
# (three to ten times faster on a policy).
EMAIL = re.compile(
    r"[A-Za-z0-9](?<![A-Za-z0-9._%+-][A-Za-z0-9])[A-Za-z0-9._%+-]*[@＠][A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}"
)


def has_at_sign(text: str, start: int = 0, end: int | None = None) -> bool:
    """Whether text[start:end] holds an @ (or a full-width ＠), which every e-mail address does: two string
    searches, far cheaper than the address pattern over a policy that gives none."""
    end = len(text) if end is None else end
    return text.find("@", start, end) >= 0 or text.find("＠", start, end) >= 0


# 400 / 800 service numbers and landlines (with area code) are phone numbers wherever they are written; so are
# mobile numbers. (Each alternative looks back at its first character: 400/800, 0 of an area code, （, 1.)
_PHONE_ANYWHERE = re.compile(
    r"[0148（(](?:(?<=[48])(?<![\d\-][48])00[-\s－]?\d{3}[-\s－]?\d{4}(?![\d])"
    r"|(?<=0)(?<![\d\-]0)(?:\d{2,3}[-－]\d{7,8}(?:[-转]\d{1,6})?|\d{2,3}\s\d{7,8})(?![\d])"
    r"|(?<=[（(])0\d{2,3}[)）]\s*\d{7,8}(?![\d])"
    r"|(?<=1)(?<![\d\-.]1)[3-9]\d{9}(?![\d]))"
)
# Short service numbers (10086, 95188, 12315) are phone numbers only where the text says so.
_SHORT_NUMBER = re.compile(r"[19](?<![\d\-.][19])(?:(?<=9)(?:5\d{3,4}|6\d{3})|(?<=1)[0-2]\d{3})(?![\d\-.])")
_PHONE_CUE = re.compile(r"电话|热线|拨打|致电|手机|tel|phone", re.IGNORECASE)


@dataclass(frozen=True)
class Found:
    """A value found at text[start:end] (the value may be normalised, the span is verbatim)."""

    start: int
    end: int
    value: str


def find_emails(text: str, start: int = 0, end: int | None = None) -> list[Found]:
    end = len(text) if end is None else end
    if not has_at_sign(text, start, end):
        return []
    return [
        Found(m.start(), m.end(), m.group().replace("＠", "@").rstrip(".")) for m in EMAIL.finditer(text, start, end)
    ]


def find_phones(text: str, start: int = 0, end: int | None = None, *, headings=None) -> list[Found]:
    """Phone numbers in text[start:end]. `headings(pos)` may give the heading a position is under, so that a
    list of short numbers under "客户服务热线电话" is read as phones."""
    end = len(text) if end is None else end
    found = [
        Found(m.start(), m.end(), re.sub(r"\s+", "-", m.group().replace("－", "-")))
        for m in _PHONE_ANYWHERE.finditer(text, start, end)
    ]
    for m in _SHORT_NUMBER.finditer(text, start, end):
        cue_window = text[max(0, m.start() - 24) : m.start()]
        heading = headings(m.start()) if headings else ""
        if _PHONE_CUE.search(cue_window) or _PHONE_CUE.search(heading or ""):
            found.append(Found(m.start(), m.end(), m.group()))
    return sorted(found, key=lambda f: f.start)


# --- Postal addresses -------------------------------------------------------------------------------------

_ADDRESS = re.compile(
    # It opens with the first characters it can start with, as a class, and reads on by what that character was
    # (the regex engine skips to a class at C speed; opened with a lookahead it was entered at every position).
    # 联系地址 / 收件地址 / … / 注册地址; 地址 where a line or list item starts; 写信至 / 邮寄至 / 寄至 / 来信寄至 / 信函寄至.
    r"[联收通邮办公注地写寄来信]"
    r"(?:(?:(?:(?<=联)[系络]|(?<=收)件|(?<=通)[信讯]|(?<=邮)寄|(?<=办)公|(?<=公)司|(?<=注)册)地址"
    r"|(?<=地)(?<![^\s、,，;；]地)址)"
    r"\s*(?:(?:为|是)(?:\s*[:：])?|[:：])|(?<=写)信至|(?<=邮)寄至|(?<=寄)至|(?<=来)信寄至|(?<=信)函寄至)"
    r"\s*(?P<address>[^。；;\n:：（(]{4,80})",
    re.MULTILINE,
)
_ADDRESS_WORDS = re.compile(r"[省市区县镇乡路街道巷号楼层室座]|大厦|园区|大道")


def find_addresses(text: str, start: int = 0, end: int | None = None) -> list[Found]:
    """Postal addresses a user can write to. A registered address (注册地址) is not one: it is skipped."""
    end = len(text) if end is None else end
    found = []
    for m in _ADDRESS.finditer(text, start, end):
        if m.group().startswith("注册"):
            continue
        address = re.split(r"[，,](?:邮编|邮政编码|电话|联系电话|邮箱)", m["address"])[0].strip(" ，,、")
        if _ADDRESS_WORDS.search(address) and not EMAIL.search(address):
            found.append(Found(m.start("address"), m.start("address") + len(address), address))
    return found


# --- Channels that are not paths --------------------------------------------------------------------------

_CHANNEL_WORDS = [
    # A WeChat account given by its ID ("官方微信账号：example_team", "通过微信联系我们：example01"); 微信 alone is
    # a login, a payment or an SDK, and "微信：头像、昵称" lists what it shares.
    (
        ChannelKind.CUSTOMER_SERVICE,
        re.compile(
            r"微信(?:公众号|账号|帐号|号|客服号?)?(?:联系我们)?[：:]\s*(?P<wechat>[A-Za-z][A-Za-z0-9_-]{5,19})(?![A-Za-z0-9_.@-])"
        ),
    ),
    (ChannelKind.IN_APP_AGENT, re.compile(r"(?:在线|智能|人工|APP内|应用内)客服(?:系统)?")),
    (ChannelKind.WEB, re.compile(r"登录(?:我们的)?(?:官方)?网站|官方网站|官网")),
    (
        ChannelKind.CONTACT_PERSON,
        re.compile(
            # (its first character as a class, then read on by what it was: skipped to at C speed)
            r"[个数联与对专负](?:(?<=个)人信息保护(?:专员|负责人|专职部门|部门)|(?<=数)据保护官"
            r"|(?:(?<=联)系(?:与您)?(?:对接|专属|负责)|(?<=与)您(?:对接|专属|负责)|(?<=对)接|(?<=专)属|(?<=负)责)"
            r"的?[\u4e00-\u9fff]{0,6}?(?:人员|专员|经理|负责人))"
        ),
    ),
    (ChannelKind.CUSTOMER_SERVICE, re.compile(r"意见反馈|客户服务(?:热线|电话)?")),
    # a service counter visited in person ("需前往实体营业厅办理"; not an app named 营业厅). (Its literal first,
    # the words before it a lookbehind: the search skips along to a 营业.)
    (
        ChannelKind.CUSTOMER_SERVICE,
        re.compile(
            r"营业(?:厅(?:(?<=实体营业厅|线下营业厅|附近营业厅|就近营业厅)|(?<=附近的营业厅|就近的营业厅))|网点)"
        ),
    ),
    (ChannelKind.CUSTOMER_SERVICE, re.compile(r"(?P<brand>[A-Za-z0-9\u4e00-\u9fff]{0,8}?)客服(?:电话|热线)?")),
]


def find_channel_words(text: str, start: int = 0, end: int | None = None, *, app_name: str = "") -> list[Found]:
    """Named contact routes (在线客服, E票电影客服, 客服电话, 个人信息保护专员, 与您对接的产品人员).
    The value is "kind:words"."""
    end = len(text) if end is None else end
    found, taken = [], set()  # the positions already named by an earlier (more specific) pattern
    for kind, pattern in _CHANNEL_WORDS:
        for m in (
            _brand_matches(pattern, text, start, end)
            if "brand" in pattern.groupindex
            else pattern.finditer(text, start, end)
        ):
            m_start, m_end = m.span()
            if m.groupdict().get("brand") is not None:
                # Keep the app's own name before 客服 ("E票电影客服", "影城客服"), nothing else ("通过…客服").
                brand = m["brand"]
                kept = next(
                    (brand[i:] for i in range(len(brand) - 1) if app_name and brand[i:] and brand[i:] in app_name),
                    "",
                )
                m_start = m.start("brand") + len(brand) - len(kept)
            if any(i in taken for i in range(m_start, m_end)):
                continue
            taken.update(range(m_start, m_end))
            words = f"微信：{m['wechat']}" if "wechat" in pattern.groupindex else text[m_start:m_end]
            found.append(Found(m_start, m_end, f"{kind}:{words}"))
    return sorted(found, key=lambda f: f.start)


_BRANDED = "客服"
_BRAND_LENGTH = 8  # the {0,8} of the brand before 客服


def _brand_matches(pattern: re.Pattern, text: str, start: int, end: int):
    """pattern.finditer(text, start, end) for the branded 客服 pattern, searched only around each 客服: every
    match ends in one, so the scan skips the text between them (the same matches, a fraction of the time)."""
    pos = start
    q = text.find(_BRANDED, start, end)
    while q >= 0:
        m = pattern.search(text, max(pos, q - _BRAND_LENGTH), min(end, q + 2 * len(_BRANDED)))
        if m:
            yield m
            pos = m.end()
        q = text.find(_BRANDED, max(q + 1, pos), end)


# --- Dates ------------------------------------------------------------------------------------------------

_CN_DATE_NUMERAL = "零〇○一二三四五六七八九十"
# Year, month and day are separated by 年 / 月, a dash, slash or dot (with spaces around), or by spaces alone.
# Each run of spaces is read by one \s: an optional word carries its own trailing \s* ("\s*(?:为)?\s*" split a
# run between two; "发布日期" and 100,000 spaces never finished).
_DATE_SEPARATOR = r"(?:\s*(?:{}|[-/.．])\s*|\s+)"
_DATE_DAY = (
    rf"(?P<y>\d{{4}}|[{_CN_DATE_NUMERAL}]{{4}}){_DATE_SEPARATOR.format('年')}"
    rf"(?P<m>\d{{1,2}}|[{_CN_DATE_NUMERAL}]{{1,3}}){_DATE_SEPARATOR.format('月')}"
    rf"(?P<d>\d{{1,2}}|[{_CN_DATE_NUMERAL}]{{1,3}})(?!\d)"
)
_LABELLED_DATE = re.compile(
    r"(?P<label>(?:发布|更新|修订|公布|生效|施行|实施|版本生效|版本更新|最近更新|最新更新)(?:日期|时间|日))"
    rf"\s*(?:(?:为|是)\s*)?(?:[:：]\s*)?(?:[【\[（(]\s*)?{_DATE_DAY}\s*(?:日|号)?"
)
_EFFECTIVE_FROM = re.compile(rf"(?:自|于){_DATE_DAY}\s*(?:(?:日|号)\s*)?(?:起\s*)?(?P<verb>生效|施行|实施|发布|更新)")


def _to_date(m: re.Match) -> date | None:
    try:
        return date(parse_numeral(m["y"]), parse_numeral(m["m"]), parse_numeral(m["d"]))
    except ValueError:
        return None


@dataclass(frozen=True)
class PolicyDates:
    published_on: date | None
    effective_on: date | None
    spans: tuple[tuple[int, int], ...]


def find_dates(text: str) -> PolicyDates:
    """The publication and effective dates the policy states ("发布日期:2021年10月20日",
    "本版发布日期:【2022-06-29】", "版本生效日期: 2021 11 1", "自2021年11月1日起生效"). The first of each wins."""
    published = effective = None
    spans = []
    candidates = [(m.start(), m, m["label"]) for m in _LABELLED_DATE.finditer(text)]
    candidates += [(m.start(), m, m["verb"]) for m in _EFFECTIVE_FROM.finditer(text)]
    for _, m, label in sorted(candidates, key=lambda c: c[0]):
        when = _to_date(m)
        if when is None:
            continue
        if re.search(r"生效|施行|实施", label):
            if effective is None:
                effective = when
                spans.append(m.span())
        elif published is None:
            published = when
            spans.append(m.span())
    return PolicyDates(published, effective, tuple(spans))


# --- App and operator names -------------------------------------------------------------------------------

_POLICY_WORDS = (
    r"(?:用户)?(?:隐私(?:权)?(?:保护)?(?:政策|声明|条款|协议|指引|权限声明)|个人信息(?:保护)?(?:政策|规则|指引|声明))"
)
# Each run of spaces is read once: the leading one possessively (\s*+), the one before the policy words as one
# \s* (two \s* around an optional word, with a name that may hold spaces, took cubic time: 400 spaces, 10 s).
# The (?<=\s) branch is what backtracking into the leading spaces found before: an indented title without a
# name ("  隐私政策"), whose name is then empty.
_TITLE = re.compile(
    rf"^\s*+(?:[《“\"]?(?P<name>[^\n《》]{{1,30}}?)|(?<=\s))[”\"]?\s*(?:(?:APP|App|app|软件|平台|客户端)\s*)?{_POLICY_WORDS}"
)
_BOOK_POLICY = re.compile(
    rf"《\s*+(?:[“\"]?(?P<name>[^《》“”\"\n]{{1,30}}?)|(?<=\s))[”\"]?\s*(?:(?:APP|App|app)\s*)?{_POLICY_WORDS}\s*》"
)
_APP_MENTION = re.compile(
    r"[“\"「](?P<q>[^”\"」\n]{1,20})[”\"」]\s*(?:APP|App|app|应用)|(?P<n>[\w\u4e00-\u9fff]{2,12}?)\s?(?:APP|App)(?![A-Za-z])"
)
_GENERIC_NAMES = re.compile(r"^(?:本|该|我们|我司|本公司|此|您的?|用户)")
# Every mention ends in one of these: the scan looks only just before each (see _app_mentions).
_APP_WORD = re.compile(r"APP|App|app|应用")
_MENTION_REACH = 22  # the longest mention before its spaces and app word: a quoted name of 20 and its quotes


def _app_mentions(text: str):
    """_APP_MENTION.finditer(text), searched only in a window before each app word: the same matches, without
    trying the pattern at every position of the text."""
    pos = 0
    for word in _APP_WORD.finditer(text):
        spaces = word.start()
        while spaces > pos and text[spaces - 1].isspace():
            spaces -= 1
        # one character past the word, for the pattern's (?![A-Za-z])
        m = _APP_MENTION.search(text, max(pos, spaces - _MENTION_REACH), min(len(text), word.end() + 1))
        if m:
            yield m
            pos = m.end()


def find_app_name(text: str) -> tuple[str, str]:
    """(app name, policy title) as the policy states them; empty strings when it does not say.

    The title line ("E票电影隐私权政策") names the app; without one, the policy's name for itself
    ("《联联营商宝隐私政策》") or the app it most often calls "…APP". A fuller name that starts with the
    title's (卢米埃 -> 卢米埃影城APP) is preferred: titles abbreviate.
    """
    head = text[:3000]
    title = name = ""
    for line in head.split("\n")[:8]:
        m = _TITLE.match(line)
        if m and not _GENERIC_NAMES.match(m["name"] or ""):
            title, name = line.strip(), _clean_name(m["name"])
            break
    mentions: dict[str, int] = {}
    for m in _app_mentions(text[:20000]):
        mention = _clean_name(m["q"] or m["n"])
        if mention and not _GENERIC_NAMES.match(mention):
            mentions[mention] = mentions.get(mention, 0) + 1
    if not name:
        book = _BOOK_POLICY.search(text[:20000])
        if book and not _GENERIC_NAMES.match(book["name"] or ""):
            name = _clean_name(book["name"])
            title = title or book.group().strip("《》 ")
    if not name and mentions:
        name = max(mentions, key=mentions.get)
    if name:
        fuller = [m for m in mentions if m.startswith(name) and m != name and mentions[m] >= 2]
        if fuller:
            name = max(fuller, key=mentions.get)
    return name, title


def _clean_name(name: str | None) -> str:
    name = (name or "").strip(' “”"「」《》:：')
    name = re.sub(r"\s*(?:APP|App|app|客户端|软件)$", "", name).strip()
    return name


_COMPANY_END = re.compile(r"(?:股份有限公司|有限责任公司|有限公司)")
_COMPANY_CHAR = re.compile(r"[\u4e00-\u9fffA-Za-z0-9()（） ]")
_COMPANY_LEAD = re.compile(
    r"^.*(?:由所属|所属|由|提供者|运营者|经营者|开发者|运营方|是指|指|即|系|：|:|为|适用于|本政策|使用)"
)


def find_operator(text: str, app_name: str = "") -> str:
    """The company that runs the app: the one the policy says operates, develops or provides it, or that it
    calls "我们"; else the first company it names."""
    best, best_score = "", -1
    for m in _COMPANY_END.finditer(text[:30000]):
        start = m.start()
        while start > 0 and m.start() - start < 40 and _COMPANY_CHAR.match(text[start - 1]):
            start -= 1
        stem = text[start : m.start()]
        lead = _COMPANY_LEAD.match(stem)
        if lead:
            start += lead.end()
        name = text[start : m.end()].strip()
        if len(name) < 6 or name.startswith(("关联", "合作", "第三方", "其他", "该", "本", "母")):
            continue
        before, after = text[max(0, start - 12) : start], text[m.end() : m.end() + 60]
        score = 0
        if re.match(r"\s*(?:运营|开发|提供|负责运营)", after) and (not app_name or app_name in after):
            score = 3
        elif (
            re.match(rf"\s*(?:是|为|系)[“\"]?{re.escape(app_name) if app_name else ''}", after) and "运营" in after[:30]
        ):
            score = 3
        elif re.search(r"(?:运营者|提供者|开发者|经营者|所属|由)\s*$", before):
            score = 3
        elif re.match(r"\s*(?:及其关联(?:公司|方))?\s*[（(]\s*(?:以下|下称|简称)", after):
            score = 2
        elif app_name and app_name in text[max(0, start - 40) : m.end() + 40]:
            score = 1
        else:
            score = 0
        if score > best_score:
            best, best_score = name, score
    return re.sub(r"\s+", " ", best)
