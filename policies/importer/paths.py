"""Self-service paths (我的-设置-账号与安全-注销账号) and places (在设置页面中删除) where a user exercises a right alone.

Like the grammar (grammar/), these are rules about how Chinese policies write such things, not about any one policy.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from policies.models import ChannelKind

from .contacts import EMAIL, Found, has_at_sign

# --- Self-service paths -----------------------------------------------------------------------------------

# Menu steps are joined by arrows (->, -》, >, 》, →) or dashes (我的-设置-账户安全-注销账户).
# A separator's spaces are part of it. Leading spaces are taken only from where their run starts ((?<!\s)), so a
# long run of spaces is read once, not once from each of its positions (32k spaces took 44 s).
_SEPARATOR = r"(?:-{1,2}\s*>|[-—－–]{1,2}\s*》|=>|⇒|[>＞》→»›]|[-－—–]{1,2})"
# The same separator once its first character is read (in the same order, so the same one is chosen).
_SEPARATOR_AFTER_ITS_FIRST = r"(?:(?<=-)-?\s*>|(?<=[-—－–])[-—－–]?\s*》|(?<==)>|(?<=[⇒>＞》→»›])|(?<=[-－—–])[-－—–]?)"
# Spaces before a separator only where the run of spaces starts, then the separator, then spaces. It opens with its
# first character as a class (the regex engine skips to it at C speed; opened with a lookahead it was entered at
# every position) and reads on by what that character was.
_PATH_SEPARATOR = re.compile(
    rf"[\s\-—－–=⇒>＞》→»›](?:(?<=\s)(?<!\s\s)\s*{_SEPARATOR}|{_SEPARATOR_AFTER_ITS_FIRST})\s*"
)
_ARROW = re.compile(r">|》|→|⇒|»|›")
_BOOK_TITLE = re.compile(r"《[^《》\n]{0,60}》")
# (Its first character as a class, without IGNORECASE: the search skips along to an h or a w.)
_URL = re.compile(r"[hHwW](?:(?<=[hH])[tT][tT][pP][sS]?://|(?<=[wW])[wW][wW]\.)[^\s，。；、“”()（）]+")
_STEP_CHAR = re.compile(r"[\w/&·+（）() ]")
_CJK = re.compile(r"[\u4e00-\u9fff]")
_QUOTES = "“”\"「」『』‘’'【】〔〕"
# Markdown emphasis and escapes around steps ("**设置**>**账号**", "“我** **\\--会员中心"): no part of a step.
_MARKS = _QUOTES + "*\\"
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
    def hidden(m: re.Match) -> str:
        return "\x00" * len(m.group())

    masked = _BOOK_TITLE.sub(hidden, text[start:end])
    if has_at_sign(masked):
        masked = EMAIL.sub(hidden, masked)
    masked = _URL.sub(hidden, masked)
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
    return _with_quoted_menus(paths, _quoted_menus(text, start, end))


# Menu items in quotes, one after another without arrows: "点击“我的”进入“设置”", "“我”频道“设置”菜单下的“注销”",
# "通过“个人中心”进入“账户信息”". Each item is short; between two items stand a kind of screen (频道, 菜单),
# "下的" or a step verb (进入, 点击, 选择).
_QUOTED_ITEM = r"[“\"「『]([^“”\"「」『』\n]{1,12})[”\"」』]"
_SCREEN = r"(?:频道|菜单|页面|界面|栏目|选项|按钮|标签|模块)"
_ITEM_JOIN = (
    rf"\s*(?:{_SCREEN}\s*(?:下的|中的|里的|内的|下|中|里|内)?"
    rf"|(?:下的|中的|里的|内的)"
    rf"|(?:{_SCREEN})?\s*[，,]?\s*(?:后|然后|再)?(?:进入|点击|选择|打开))\s*"
)
_QUOTED_MENU = re.compile(rf"{_QUOTED_ITEM}(?:{_ITEM_JOIN}{_QUOTED_ITEM}){{1,6}}")
_QUOTED_STEP = re.compile(_QUOTED_ITEM)


def _quoted_menus(text: str, start: int, end: int) -> list[Path]:
    menus = []
    for m in _QUOTED_MENU.finditer(text, start, end):
        steps = tuple(step.group(1).strip() for step in _QUOTED_STEP.finditer(text, m.start(), m.end()))
        if all(steps) and any(_CJK.search(step) for step in steps):
            menus.append(Path(m.start(), m.end(), ">".join(steps), steps))
    return menus


def _with_quoted_menus(paths: list[Path], menus: list[Path]) -> list[Path]:
    """The arrow paths and the quoted menus that do not overlap one of them, in text order."""
    if not menus:
        return paths
    starts = [p.start for p in paths]
    kept = list(paths)
    for menu in menus:
        i = bisect.bisect_left(starts, menu.end)
        if i == 0 or paths[i - 1].end <= menu.start:
            kept.append(menu)
    return sorted(kept, key=lambda p: p.start)


def _is_step(gap: str) -> bool:
    gap = gap.strip(" " + _MARKS)
    return 0 < len(gap) <= _MAX_STEP and all(_STEP_CHAR.match(ch) for ch in gap) and not gap.isdigit()


def _path_from_chain(masked: str, chain: list[re.Match]) -> Path | None:
    # The first step runs back from the first separator, the last one forward from the last separator.
    first_end = chain[0].start()
    while first_end > 0 and masked[first_end - 1] in _MARKS + " ":
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
    while last_start < len(masked) and masked[last_start] in _MARKS + " ":
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
    steps = tuple(masked[bounds[k] : bounds[k + 1]].strip(" " + _MARKS) for k in range(0, len(bounds), 2))
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
    value = "".join(ch for ch in masked[first_start:last_end] if ch not in _MARKS)
    value = re.sub(r"\s{2,}", " ", value).strip()
    return Path(first_start, last_end, value, steps)


def normalise_path(path: str) -> str:
    """A path without spaces, quotes and arrow styles: to compare paths written differently."""
    steps = _PATH_SEPARATOR.split(path)
    return ">".join(s.strip(" " + _MARKS).replace(" ", "") for s in steps if s.strip(" " + _MARKS))


# A path that ends at a person (人工客服, 帮助与客服) reaches an agent in the app: it is not self-service.
_AGENT_STEP = re.compile(r"客服|人工|反馈|帮助|咨询")


def path_kind(path: Path) -> str:
    return ChannelKind.IN_APP_AGENT if _AGENT_STEP.search(path.steps[-1]) else ChannelKind.SELF_SERVICE


# --- Self-service places that are not menu paths ----------------------------------------------------------

_UI_NOUN = r"(?:页面|菜单|界面|设置|权限|选项|栏目)"
# The app, its client or the user's account as the place: "在个人账户中查询", "通过微博官方客户端注销".
# The product or app itself too: "在您使用的示例游戏产品中查阅", "在App内删除".
_APP_NOUN = r"(?:账户|帐户|账号|帐号|个人中心|客户端|移动应用|官方网站|官网|产品|应用|App|APP|app)"
_NOUN_FIRST = "页菜界设权选栏账帐个客移官产应Aa"
# The account centre or a screen, named alone ("在个人中心登录后查询", "在设置中删除"): the place needs no words
# before it.
_CENTRE = r"(?:个人|用户|账号|帐号|账户|帐户|会员)中心"
# (执行此类操作: the acts the sentence names, done there)
_SELF_VERB = r"(?:查阅|查询|查看|删除|清除|取消|关闭|更正|修改|更新|编辑|撤回|注销|管理|进行|完成|提交|退订|设置|执行)"
_SELF_SERVICE_PLACES = [
    # "在 我的 页面的 设置 菜单中查阅", "在设备系统权限中取消上述授权", "在我们的产品与/或服务页面中可以直接清除"
    # "通过帐户设置来查询", "在个人账户中查询", "通过微博官方客户端注销", "进入个人信息页面，以访问"
    re.compile(
        # Possessive spaces (\s*+) after the place: only optional words lie between them, so no run is split
        # between two. (The spaces before it may be given back to it: "进入 菜单" has the place " 菜单".)
        # (the lookahead names the nouns' first characters: most steps of the lazy run fail at once)
        rf"(?:在|于|进入|通过|从)\s*(?P<place>[^，。；;,!?！？\n“”\"《》()（）]{{1,24}}?(?=[{_NOUN_FIRST}])(?:{_UI_NOUN}|{_APP_NOUN})|{_CENTRE}|{_UI_NOUN}(?=\s*(?:中|里|内)))"
        rf"\s*+(?:中|里|内|上)?\s*+(?:(?:登[录陆])?后)?(?:，?以(?:便)?)?(?:您)?(?:也)?(?:可以|可)?(?:直接|自行|随时)?\s*+(?:来)?"
        rf"(?={_SELF_VERB}|访问(?!权限))"
    ),
    # "可通过https://help.example.com/q?id=9注销账号": a web page the user acts on, given by its address
    re.compile(
        # (its literal first, the verb before it a lookbehind: the search skips along to an "http")
        r"(?P<place>http(?<=通过http|访问http|登录http|登陆http|前往http|打开http|进入http)s?://[!-~]{4,200}+)"
        rf"\s*+(?:页面|网页)?(?:中|内|上)?(?:申请|自行|直接)?(?={_SELF_VERB})"
    ),
    # "登录网易用户《示例用户个人信息服务平台》": a platform named as a title, signed in to or visited
    # (the title mark first, the verb up to 8 characters before it one fixed-width lookbehind per distance:
    # the search skips along to a 《)
    re.compile(
        r"《(?:"
        + "|".join(rf"(?<=[登访][录陆问][^，。；;,!?！？\n《》]{{{k}}}《)" for k in range(9))
        + r")(?P<place>[^《》\n]{2,24}?(?:平台|中心|网站|官网))》"
    ),
    # "改变您的智能移动设备的设置"
    re.compile(r"(?:改变|修改|更改|调整)(?:您的)?(?P<place>[^，。；;,、\s“”]{1,12}?的设置)"),
    # "进行隐私设置"
    re.compile(r"进行(?P<place>[^，。；;,、\s“”的]{1,6}设置)"),
    # "删除信息、关闭设备功能、…等方式": switching a function or permission off
    # (It opens with 关闭 and looks behind from there: the regex engine skips to a literal at C speed, where a
    # pattern that opens with a lookaround is entered at every position.)
    re.compile(
        r"(?P<place>关闭(?:(?<=、关闭)|(?<=通过关闭)|(?<=可以关闭)|(?<=选择关闭))[^，。；;,、\s“”]{0,8}?(?:功能|权限|授权))"
    ),
    # "请登录本公司账号中心（网址）": the account centre or website the user signs in to
    re.compile(
        r"[请可](?:(?<=可)以)?(?:您)?(?:登录|登陆|前往|访问)\s*+(?P<place>[^，。；;,!?！？\n“”\"《》()（）]{1,16}?"
        r"(?:账号中心|帐号中心|账户中心|帐户中心|个人中心|用户中心|官方网站|官网))"
    ),
    # "当您完成示例的账号注册、登录…后，您可以查阅、修改、删除…": the account signed in to is the place
    re.compile(
        r"完成[^，。；;,!?！？\n]{0,16}?(?P<place>账号|帐号|账户|帐户)[^，。；;,!?！？\n]{0,4}?登[录陆]"
        r"[^，。；;,!?！？\n]{0,24}?(?:之后|以后|后)[，,]\s*(?:您|你)?(?:也)?(?:可以|可)(?:随时)?"
        rf"(?={_SELF_VERB})"
    ),
    # "您可以在使用我们服务的过程中，访问、修改和删除…": the service itself, while it is being used
    re.compile(
        r"在(?P<place>使用[^，。；;,\n]{1,10}?过程中)[，,]?\s*+"
        r"(?=访问|查询|查阅|查看|修改|更正|删除|更新)"
    ),
    # "如果您在示例网站上注册，您可以随时查阅或编辑…": the website registered on is where the account is kept
    re.compile(
        r"在\s*(?P<place>[^，。；;,!?！？\n“”\"《》()（）]{1,12}?(?:网站|官网|网页))上?注册[^，。；;\n]{0,4}[，,]\s*"
        rf"(?:您|你)?(?:也)?(?:可以|可)(?:随时)?(?={_SELF_VERB}|编辑|访问)"
    ),
    # "登录您所注册的示例网站、APP、公众号等，新建、修改、删除您的地址": the sites signed in to
    re.compile(
        r"登[录陆]\s*+(?:您所注册的|您注册的|您的)?(?P<place>[^，。；;,!?！？\n“”\"《》()（）]{1,24}?"
        r"(?:网站|官网|APP|App|app|客户端|公众号))等?[，,]?\s*+(?:来|以)?"
        rf"(?=新建|{_SELF_VERB})"
    ),
    # "为了让您更便捷地查询、删除…，我们设置了反馈渠道", "我们同时设置了注销账户功能": a feature the policy says
    # it set up for the rights its sentence names is the way to them, though no menu path is given
    re.compile(
        r"(?:我们|本平台|本应用)(?:同时|还|也|专门)?(?:设置|设立|开通|提供)了\s*(?P<place>[^，。；;,!?！？\n“”\"《》()（）的]{0,10}?"
        r"(?:反馈渠道|反馈入口)|(?:注销|删除|更正|修改|查询|查看|导出)[^，。；;,!?！？\n“”\"《》()（）的]{0,6}?功能)"
        r"(?=[，。；;,\n]|并)"
    ),
    # "您可以自行在示例网盘内进行更正": a place the user acts in by themselves, whatever its name
    re.compile(
        r"自行(?:在|于|通过)\s*(?P<place>[^，。；;,!?！？\n“”\"《》()（）]{2,16}?)\s*(?:中|里|内|上)"
        rf"(?:进行|来)?(?={_SELF_VERB})"
    ),
    # "通过短信提示回复退订": answering an SMS to opt out
    re.compile(r"(?P<place>[手短](?:(?<=手)机短|(?<=短))[信息](?:中的)?(?:提示)?回复(?:退订|TD|“退订”))"),
    # "通过使用您在本站注册的用户名和密码，查询或更正…": the account signed in to with them is the place
    re.compile(
        r"使用\s*(?P<place>[^，。；;,!?！？\n“”\"《》()（）]{0,10}?(?:用户名|账号|帐号|账户|帐户)(?:和|及|与|、)密码)"
        rf"[，,]?\s*(?:来|以)?(?={_SELF_VERB}|访问|补充)"
    ),
    # "登录“示例账户”，进入个人中心…以更正": the quoted account or site signed in to, before the steps in it
    re.compile(r"登[录陆]\s*[“\"「](?P<place>[^“”\"「」\n]{2,12})[”\"」]\s*[，,]?\s*(?=进入|在|打开|点击)"),
    # "“我的”页面里来查询、更改": a quoted screen the user acts in
    re.compile(
        r"[“\"「](?P<place>[^“”\"「」\n]{1,10})[”\"」]\s*(?:页面|界面|菜单|频道|栏目)(?:里|中|内|上)\s*(?:来)?"
        rf"(?={_SELF_VERB})"
    ),
    # "1) 点击“个人中心”； 2) 点击头像栏": a quoted item clicked, then the next step
    re.compile(
        r"点击\s*[“\"「](?P<place>[^“”\"「」\n]{1,10})[”\"」]\s*(?:[；;，,]\s*(?:\d{1,2}\s*[)）.、]\s*)?|后\s*)"
        r"(?=点击|选择|进入)"
    ),
    # "点击个人账户设置后查询、更正": a setting clicked, then what is done there
    re.compile(
        r"点击\s*(?P<place>[^，。；;,!?！？\n“”\"《》()（）]{1,12}?(?:设置|页面|菜单|中心))\s*后"
        rf"(?={_SELF_VERB}|访问)"
    ),
    # "通过“个人中心”完成上述操作": one quoted menu item
    re.compile(
        r"(?:通过|在|进入|打开)\s*[“\"「](?P<place>[^”\"」\n\-—>》→、，,。]{1,10})[”\"」]"
        # not a section named by its title ("通过“（一）查看您的资料”中列明的方式")
        r"(?![^，。；;\n]{0,6}?(?:罗列|列明|说明|所述|载明|提及|列出|描述|介绍)的?(?:方式|途径|路径|渠道|方法))\s*(?:的)?"
        r"(?=完成|查看|查询|查阅|删除|修改|更正|进行|中|页面|里|管理|撤回|注销|关闭)"
    ),
]
# "通过访问示例平台个人中心": the place is the centre, not the visit
_POSSESSIVE = re.compile(r"^(?:(?:访问|登录|登陆)\s*)?(?:(?:我们|您|你)的\s*)?")


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
            if possessive.end():
                place_start += possessive.end()
            place_start += len(text[place_start:place_end]) - len(text[place_start:place_end].lstrip())
            value = text[place_start:place_end].strip()
            if len(value) >= 2 and not taken[place_start - start]:
                found.append(Found(place_start, place_end, value))
                taken[place_start - start : place_end - start] = b"\x01" * (place_end - place_start)
    return sorted(found, key=lambda f: f.start)
