"""Who and how to reach: e-mails, phones, addresses, self-service paths, channels, dates and names.

Like the grammar (grammar/), these are rules about how Chinese policies write such things, not about any one policy.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from policies.models import ChannelKind

from .grammar import parse_numeral

# --- E-mail and phone -------------------------------------------------------------------------------------

_EMAIL = re.compile(
    r"(?<![A-Za-z0-9._%+-])[A-Za-z0-9][A-Za-z0-9._%+-]*[@＠][A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}"
)
# 400 / 800 service numbers and landlines (with area code) are phone numbers wherever they are written.
_PHONE_ANYWHERE = re.compile(
    r"(?<![\d\-])(?:(?:400|800)[-\s－]?\d{3}[-\s－]?\d{4}|0\d{2,3}[-－]\d{7,8}(?:[-转]\d{1,6})?|0\d{2,3}\s\d{7,8})(?![\d])"
    r"|[（(]0\d{2,3}[)）]\s*\d{7,8}(?![\d])"
    r"|(?<![\d\-.])1[3-9]\d{9}(?![\d])"
)
# Short service numbers (10086, 95188, 12315) are phone numbers only where the text says so.
_SHORT_NUMBER = re.compile(r"(?<![\d\-.])(?:95\d{3,4}|96\d{3}|1[0-2]\d{3})(?![\d\-.])")
_PHONE_CUE = re.compile(r"电话|热线|拨打|致电|手机|tel|phone", re.IGNORECASE)


@dataclass(frozen=True)
class Found:
    """A value found at text[start:end] (the value may be normalised, the span is verbatim)."""

    start: int
    end: int
    value: str


def find_emails(text: str, start: int = 0, end: int | None = None) -> list[Found]:
    end = len(text) if end is None else end
    return [
        Found(m.start(), m.end(), m.group().replace("＠", "@").rstrip(".")) for m in _EMAIL.finditer(text, start, end)
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
    r"(?:(?:(?:联系|收件|通信|通讯|邮寄|办公|联络|公司|注册)地址|(?:^|(?<=[\s、,，;；]))地址)"
    r"\s*(?:(?:为|是)(?:\s*[:：])?|[:：])|(?:写信至|邮寄至|寄至|来信寄至|信函寄至))"
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
        if _ADDRESS_WORDS.search(address) and not _EMAIL.search(address):
            found.append(Found(m.start("address"), m.start("address") + len(address), address))
    return found


# --- Self-service paths -----------------------------------------------------------------------------------

# Menu steps are joined by arrows (->, -》, >, 》, →) or dashes (我的-设置-账户安全-注销账户).
# A separator's spaces are part of it. Leading spaces are taken only from where their run starts ((?<!\s)), so a
# long run of spaces is read once, not once from each of its positions (32k spaces took 44 s).
_PATH_SEPARATOR = re.compile(r"(?:(?<!\s)\s+)?(?:-{1,2}\s*>|[-—－–]{1,2}\s*》|=>|⇒|[>＞》→»›]|[-－—–]{1,2})\s*")
_ARROW = re.compile(r">|》|→|⇒|»|›")
_BOOK_TITLE = re.compile(r"《[^《》\n]{0,60}》")
_URL = re.compile(r"(?:https?://|www\.)[^\s，。；、“”()（）]+", re.IGNORECASE)
_STEP_CHAR = re.compile(r"[\w/&·+（）() ]")
_CJK = re.compile(r"[\u4e00-\u9fff]")
_QUOTES = "“”\"「」『』‘’'【】〔〕"
_MAX_STEP = 20
# Words that introduce a path ("通过", "路径为", "进入") or end it ("页面", "进行", "或") but are not a step.
_LEAD_IN = re.compile(r"^.*?(?:通过|进入|点击|依次|打开|前往|访问|路径[为是]?|途径[为是]?|入口[为是]?|登录后|在(?!线))")
_TRAIL = re.compile(r"(?:页面|界面|或者|或|以及|并|进行|即可|完成|提交|中(?:查看|进行|设置|选择)).*$")
_PATH_CUE = re.compile(r"(?:路径|途径|入口|通过|进入|点击|依次|在)[为是]?\s*[:：]?\s*$")


@dataclass(frozen=True)
class Path:
    start: int
    end: int
    value: str
    steps: tuple[str, ...]


def find_paths(text: str, start: int = 0, end: int | None = None) -> list[Path]:
    """Menu paths a user follows in the app ("我的-设置-账户安全-注销账户")."""
    end = len(text) if end is None else end
    # 《…》 is a book title, not a menu arrow; e-mail addresses and URLs have dashes and dots of their own.
    # Hide them (keeping offsets) so that they are not read as paths.
    masked = text[start:end]
    for pattern in (_BOOK_TITLE, _EMAIL, _URL):
        masked = pattern.sub(lambda m: "\x00" * len(m.group()), masked)
    separators = list(_PATH_SEPARATOR.finditer(masked))
    paths, i = [], 0
    while i < len(separators):
        chain = [separators[i]]
        while i + 1 < len(separators) and _is_step(masked[separators[i].end() : separators[i + 1].start()]):
            i += 1
            chain.append(separators[i])
        i += 1
        path = _path_from_chain(masked, chain)
        if path:
            paths.append(Path(path.start + start, path.end + start, path.value, path.steps))
    return paths


def _is_step(gap: str) -> bool:
    gap = gap.strip(" " + _QUOTES)
    return 0 < len(gap) <= _MAX_STEP and all(_STEP_CHAR.match(ch) for ch in gap) and not gap.isdigit()


def _path_from_chain(masked: str, chain: list[re.Match]) -> Path | None:
    # The first step runs back from the first separator, the last one forward from the last separator.
    first_end = chain[0].start()
    while first_end > 0 and masked[first_end - 1] in _QUOTES + " ":
        first_end -= 1  # 「我的」》「设置」: the step ends before its closing quote
    first_start = first_end
    while first_start > 0 and first_end - first_start < 40 and _STEP_CHAR.match(masked[first_start - 1]):
        first_start -= 1
    first = masked[first_start:first_end]
    if " " in first.strip():
        cut = first.rstrip().rfind(" ") + 1
        first_start += cut
        first = masked[first_start:first_end]
    lead = _LEAD_IN.match(first)
    if lead and lead.end() < len(first.rstrip()):
        first_start += lead.end()
    first_start += len(masked[first_start:first_end]) - len(masked[first_start:first_end].lstrip())

    last_start = chain[-1].end()
    while last_start < len(masked) and masked[last_start] in _QUOTES + " ":
        last_start += 1
    last_end = last_start
    while last_end < len(masked) and last_end - last_start < 40 and _STEP_CHAR.match(masked[last_end]):
        last_end += 1
    last = masked[last_start:last_end]
    if " " in last.strip():
        last_end = last_start + len(last.strip().split(" ")[0]) + (len(last) - len(last.lstrip()))
        last = masked[last_start:last_end]
    trail = _TRAIL.search(last, 1)
    if trail:
        last_end = last_start + trail.start()
    last_end -= len(masked[last_start:last_end]) - len(masked[last_start:last_end].rstrip())
    if first_start >= first_end or last_start >= last_end:
        return None

    bounds = [first_start] + [m for sep in chain for m in (sep.start(), sep.end())] + [last_end]
    steps = tuple(masked[bounds[k] : bounds[k + 1]].strip(" " + _QUOTES) for k in range(0, len(bounds), 2))
    if not all(0 < len(s) <= _MAX_STEP for s in steps):
        return None
    if not all(_CJK.search(s) or s.isascii() and s.isalpha() for s in steps) or not any(_CJK.search(s) for s in steps):
        return None
    if any(s[0].isdigit() for s in steps):
        return None
    arrows = any(_ARROW.search(sep.group()) for sep in chain)
    if not arrows:
        # Dashes also join words (Wi-Fi, 中-英); a dash path needs short steps and, with only two steps,
        # quotes or a cue such as "路径为" / "通过" in front of it.
        if any(len(s) > 12 for s in steps):
            return None
        quoted = first_start > 0 and masked[first_start - 1] in _QUOTES
        cued = bool(_PATH_CUE.search(masked[max(0, first_start - 6) : first_start]))
        if len(steps) < 3 and not (quoted or cued):
            return None
    value = "".join(ch for ch in masked[first_start:last_end] if ch not in _QUOTES)
    value = re.sub(r"\s{2,}", " ", value).strip()
    return Path(first_start, last_end, value, steps)


def normalise_path(path: str) -> str:
    """A path without spaces, quotes and arrow styles: to compare paths written differently."""
    steps = _PATH_SEPARATOR.split(path)
    return ">".join(s.strip(" " + _QUOTES).replace(" ", "") for s in steps if s.strip(" " + _QUOTES))


# A path that ends at a person (人工客服, 帮助与客服) reaches an agent in the app: it is not self-service.
_AGENT_STEP = re.compile(r"客服|人工|反馈|帮助|咨询")


def path_kind(path: Path) -> str:
    return ChannelKind.IN_APP_AGENT if _AGENT_STEP.search(path.steps[-1]) else ChannelKind.SELF_SERVICE


# --- Self-service places that are not menu paths ----------------------------------------------------------

_UI_NOUN = r"(?:页面|菜单|界面|设置|权限|选项|栏目)"
_SELF_VERB = r"(?:查阅|查询|查看|删除|清除|取消|关闭|更正|修改|更新|编辑|撤回|注销|管理|进行|完成|提交|退订|设置)"
_SELF_SERVICE_PLACES = [
    # "在 我的 页面的 设置 菜单中查阅", "在设备系统权限中取消上述授权", "在我们的产品与/或服务页面中可以直接清除"
    re.compile(
        # Possessive spaces (\s*+) after the place: only optional words lie between them, so no run is split
        # between two. (The spaces before it may be given back to it: "进入 菜单" has the place " 菜单".)
        rf"(?:在|于|进入)\s*(?P<place>[^，。；;,!?！？\n“”\"《》()（）]{{1,24}}?{_UI_NOUN})\s*+(?:中|里|内|上)?\s*+"
        rf"(?:您)?(?:也)?(?:可以|可)?(?:直接|自行|随时)?\s*+(?={_SELF_VERB})"
    ),
    # "改变您的智能移动设备的设置"
    re.compile(r"(?:改变|修改|更改|调整)(?:您的)?(?P<place>[^，。；;,、\s“”]{1,12}?的设置)"),
    # "进行隐私设置"
    re.compile(r"进行(?P<place>[^，。；;,、\s“”的]{1,6}设置)"),
    # "删除信息、关闭设备功能、…等方式": switching a function or permission off
    re.compile(r"(?:(?<=[、])|(?<=通过)|(?<=可以)|(?<=选择))(?P<place>关闭[^，。；;,、\s“”]{0,8}?(?:功能|权限|授权))"),
    # "通过短信提示回复退订": answering an SMS to opt out
    re.compile(r"(?P<place>(?:手机)?短[信息](?:中的)?(?:提示)?回复(?:退订|TD|“退订”))"),
    # "通过“个人中心”完成上述操作": one quoted menu item
    re.compile(
        r"(?:通过|在|进入|打开)\s*[“\"「](?P<place>[^”\"」\n\-—>》→、，,。]{1,10})[”\"」]\s*"
        r"(?=完成|查看|查询|查阅|删除|修改|更正|进行|中|页面|里|管理|撤回|注销|关闭)"
    ),
]
_POSSESSIVE = re.compile(r"^(?:我们|您|你)的\s*")


def find_self_service_places(text: str, start: int = 0, end: int | None = None) -> list[Found]:
    """Where in the app or the device a user does it alone, when that is not an arrow path: a page or menu
    (在 我的 页面的 设置 菜单中查阅), a settings screen (智能移动设备的设置, 隐私设置), switching something off
    (关闭设备功能), answering an SMS (短信提示回复退订) or one quoted menu item (通过“个人中心”完成)."""
    end = len(text) if end is None else end
    found = []
    taken = bytearray(max(end - start, 0))  # 1 where an earlier place lies: a place starting there is not new
    for pattern in _SELF_SERVICE_PLACES:
        for m in pattern.finditer(text, start, end):
            place_start, place_end = m.span("place")
            place = text[place_start:place_end]
            possessive = _POSSESSIVE.match(place)
            if possessive:
                place_start += possessive.end()
            place_start += len(text[place_start:place_end]) - len(text[place_start:place_end].lstrip())
            value = text[place_start:place_end].strip()
            if len(value) >= 2 and not taken[place_start - start]:
                found.append(Found(place_start, place_end, value))
                taken[place_start - start : place_end - start] = b"\x01" * (place_end - place_start)
    return sorted(found, key=lambda f: f.start)


# --- Channels that are not paths --------------------------------------------------------------------------

_CHANNEL_WORDS = [
    (ChannelKind.IN_APP_AGENT, re.compile(r"(?:在线|智能|人工|APP内|应用内)客服(?:系统)?")),
    (ChannelKind.WEB, re.compile(r"登录(?:我们的)?(?:官方)?网站|官方网站|官网")),
    (
        ChannelKind.CONTACT_PERSON,
        re.compile(
            r"个人信息保护(?:专员|负责人|专职部门|部门)|数据保护官|(?:联系)?(?:与您)?(?:对接|专属|负责)的?[\u4e00-\u9fff]{0,6}?(?:人员|专员|经理|负责人)"
        ),
    ),
    (ChannelKind.CUSTOMER_SERVICE, re.compile(r"意见反馈|客户服务(?:热线|电话)?")),
    (ChannelKind.CUSTOMER_SERVICE, re.compile(r"(?P<brand>[A-Za-z0-9\u4e00-\u9fff]{0,8}?)客服(?:电话|热线)?")),
]


def find_channel_words(text: str, start: int = 0, end: int | None = None, *, app_name: str = "") -> list[Found]:
    """Named contact routes (在线客服, E票电影客服, 客服电话, 个人信息保护专员, 与您对接的产品人员).
    The value is "kind:words"."""
    end = len(text) if end is None else end
    found, taken = [], set()  # the positions already named by an earlier (more specific) pattern
    for kind, pattern in _CHANNEL_WORDS:
        for m in pattern.finditer(text, start, end):
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
            found.append(Found(m_start, m_end, f"{kind}:{text[m_start:m_end]}"))
    return sorted(found, key=lambda f: f.start)


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
    for m in _APP_MENTION.finditer(text[:20000]):
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
