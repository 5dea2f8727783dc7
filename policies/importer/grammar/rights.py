"""The rights a sentence or heading speaks of (注销, 删除, 更正, 查询, 副本, 撤回, 投诉, 申诉), and the words that
make a sentence a request (or plainly not one)."""

from __future__ import annotations

import re

from policies.models import Right

from ..spans import TextIndex, searcher
from .promise import SELF

_PERSONAL_DATA = r"[^，。；,;\n]{0,12}?(?:信息|资料|记录|数据|订单|内容)"
# Rights written as one list ("访问、更正或删除", "查询和更正"): the words, and what joins them.
_AND = r"\s?(?:、|/|和|及|与|或|或者|以及)\s?"
RIGHT_WORD = r"(?:访问|查询|查阅|查看|更正|修改|更改|编辑|更新|补充|删除|复制|注销|撤回)"
RIGHT_LIST = re.compile(rf"{RIGHT_WORD}(?:{_AND}{RIGHT_WORD}){{1,6}}")
# Questions and complaints asked in one breath ("任何投诉、建议、疑问", "疑问、意见或需要投诉"): a request of
# any kind, and a complaint.
# ("疑问、意见、建议或进行申诉": an appeal is a complaint, and the verb of the last item is no break in the list)
_ASKING = r"(?:投诉|申诉|举报|疑问|意见|建议|咨询|问题|反馈)"
_NEED = r"(?:需要|想要|希望|进行|提出)?"
# An invitation that names what it asks ("如有任何疑问", "对于您的意见或建议"), no complaint among it.
OWN_INVITATION = re.compile(r"(?:如|若|对于|关于)[^，。；,;\n]{0,30}?(?:疑问|意见|建议|咨询)")
ASKING_LIST = re.compile(rf"{_ASKING}(?:{_AND}{_NEED}{_ASKING}){{1,6}}")
# The words of a complaint, as a right and among the questions of an invitation.
_COMPLAINT_WORDS = re.compile(r"投诉|申诉")
# Ordered: a sentence about cancelling an account also mentions deletion of data; cancellation comes first.
RIGHT_TERMS = [
    (Right.ACCOUNT_CANCELLATION, re.compile(r"注销")),
    # Deleting the account itself ("删除个人账号") is cancelling it; deleting what it holds (删除您的账户信息) is
    # not. (A second entry: a pattern that starts with one literal is searched far faster than one with two.)
    (
        Right.ACCOUNT_CANCELLATION,
        re.compile(r"删除(?:您的|你的)?(?:个人)?(?:账号|帐号|账户|帐户)(?!信息|资料|数据|中|内|里)"),
    ),
    (Right.COPY, re.compile(r"副本|复制|转移至|转移到|导出|可携带?|转移(?:您的)?个人信息")),
    (Right.DELETION, re.compile(r"删除|清除")),
    (
        Right.CORRECTION,
        re.compile(
            rf"更正|修改|修正|补充|编辑|更改|更新(?:您的)?(?:部分)?(?:个人)?(?:信息|资料)|更新(?={_AND}{RIGHT_WORD})"
            # 变更 alone is mostly the policy's own change; a change of one's data is a correction
            r"|变更(?:您的)?(?:个人)?(?:信息|资料)|变更(?<=信息变更|资料变更)"
        ),
    ),
    # 访问 and 查看 also mean "unauthorised access" and "read this policy": only with personal data after them,
    # or listed with other rights ("您的访问、更正请求").
    (
        Right.ACCESS,
        re.compile(
            rf"查询|查阅|调阅|(?:访问|查看){_PERSONAL_DATA}|(?:访问|查看)(?={_AND}{RIGHT_WORD})"
            r"|获取(?:您的)?个人信息(?!副本)"
        ),
    ),
    (
        Right.CONSENT_WITHDRAWAL,
        re.compile(
            r"撤回|撤销(?:同意|授权)|收回(?:您的)?(?:同意|授权)|改变(?:您)?授权|授权同意的范围|取消[^，。；,;]{0,4}?授权|退订"
        ),
    ),
    # 举报 alone reports unlawful content to the platform; it is a complaint about one's data only with 投诉.
    # An appeal (申诉) against a decision about one's account or data is a complaint.
    (Right.COMPLAINT, _COMPLAINT_WORDS),
]
# Any right at all, one pattern: most sentences name none, and one search tells so before the terms are asked
# one by one. Where it matches first, no term can match earlier, so each term is searched from there.
ANY_RIGHT = re.compile("|".join(f"(?:{pattern.pattern})" for _, pattern in RIGHT_TERMS))
# Words of a request or a contact route that make a deadline a rights promise even when no right is named.
GENERIC_REQUEST = re.compile(
    rf"请求|申请|反馈|联系{SELF}|请(?:您)?联系|与{SELF}(?:取得)?联系|联系方式|疑问|意见|建议|咨询|权利|管理您的|管理个人信息|上述"
)
# "对于以上您的合理请求" / "上述请求" / "您的以下权利请求": the requests of every right listed above or below
# ("上述方式" is a route, not a request).
ABOVE_REQUESTS = re.compile(r"(?:以上|上述|以下)(?![^，。；,;\n]{0,4}方式)[^，。；,;\n]{0,12}?请求")
# A heading that answers requests in general ("响应您的上述请求", "如何响应您的权利请求", "响应您的请求"):
# every promise under it is for any request.
ANSWERS_REQUESTS = re.compile(r"响应(?:您|你)的?(?:上述|以上|前述)?(?:权利)?请求")
# Deadlines that are not answers to a user's request: incidents, refunds, deliveries, retention.
NOT_A_REQUEST = re.compile(
    r"安全事件|泄露|退款|退票|退货|换货|商品|售后|发货|配送|物流|优惠|积分|保存期限|保留期限|存储期限|留存"
)
# Closing down (停止运营, 终止服务或运营, 停止提供产品或服务, 关闭网站): the notice before it and what happens
# to data after it answer no request. "注销后，我们将停止（为您）提供服务" is the account's end, not the
# company's: 停止提供 counts only where the sentence names no cancellation. ("不再提供该服务" after consent is
# withdrawn is the withdrawal's effect: no closing down.)
# (One leading class, then a lookbehind for each word: the search skips along to a possible first character.)
_CLOSING_DOWN = re.compile(
    r"[停终中结关歇网平业](?:"
    r"(?<=[停终中结])[止束](?:(?:产品|服务|业务)(?:或|和|及|与|/)?)?(?:运营|经营|营业)"
    r"|(?<=停)运|(?<=关)停|(?<=歇)业"
    r"|(?P<service>(?<=[停终])止提供[^，。；,;\n]{0,6}?(?:产品|服务))"
    r"|(?<=关)闭(?:本|该|我们的)?(?:网站|平台|产品|业务|应用)"
    r"|(?<=[网平业])[站台务](?:被)?(?:关闭|关停)"
    r")"
)
_CANCELLED = re.compile(r"注销")


def closing_down(text: str, start: int, end: int, *, index: TextIndex | None = None) -> bool:
    """Whether text[start:end] speaks of the company closing down the product or service."""
    search = searcher(text, index)
    pos = start
    while (m := search(_CLOSING_DOWN, pos, end)) is not None:
        if not m["service"] or not search(_CANCELLED, start, end):
            return True
        pos = m.end()
    return False


# Dissatisfied with the answer, a person escalates: a route offered then is not held to the first promise.
ESCALATION = re.compile(r"不满意|不服|仍有异议|仍有疑问|未(?:能)?(?:获得|得到)(?:满意的?)?(?:答复|回复)")
# Switching a setting off is how many policies let users withdraw consent, but only on a path.
PATH_CONSENT_WITHDRAWAL = re.compile(r"关闭|不同意|拒绝|取消|退订")


def _first_right_at(search, start: int, end: int) -> int | None:
    """Where the first right of [start, end) is named (None: no right): each term is searched from there."""
    first = search(ANY_RIGHT, start, end)
    return first.start() if first else None


def rights_in(text: str, start: int = 0, end: int | None = None, *, index: TextIndex | None = None) -> list[str]:
    """The specific rights text[start:end] speaks of, in the order of RIGHT_TERMS."""
    end = len(text) if end is None else end
    search = searcher(text, index)
    start = _first_right_at(search, start, end)
    if start is None:
        return []
    found: list[str] = []
    for right, pattern in RIGHT_TERMS:
        # a right's second entry (they stand together) is not searched once its first has matched
        if (not found or found[-1] != right) and search(pattern, start, end):
            found.append(right)
    return found


def rights_in_order(text: str, start: int = 0, end: int | None = None, *, index: TextIndex | None = None) -> list[str]:
    """The specific rights in the order they are first written."""
    end = len(text) if end is None else end
    search = searcher(text, index)
    start = _first_right_at(search, start, end)
    if start is None:
        return []
    firsts: dict[str, int] = {}
    for right, pattern in RIGHT_TERMS:
        m = search(pattern, start, end)
        if m and m.start() < firsts.get(right, end):
            firsts[right] = m.start()
    return [right for _, right in sorted((pos, right) for right, pos in firsts.items())]


# Verifying someone's identity only happens when they have asked for something.
_IDENTITY = re.compile(r"(?:验证|核实|核验|确认|认证)[^，。；,;]{0,10}?身份|身份(?:验证|核实|核验|认证)")


def is_request_context(text: str, start: int = 0, end: int | None = None) -> bool:
    end = len(text) if end is None else end
    return any(p.search(text, start, end) for p in (GENERIC_REQUEST, _IDENTITY)) or bool(rights_in(text, start, end))


def right_mentions(text: str, start: int, end: int, *, index: TextIndex | None = None) -> list[tuple[int, str]]:
    """Where each right is named in text[start:end]: (position, right), in text order (one reading of the
    stretch; which right is named last before a deadline is then a bisection)."""
    found = [(m.start(), right) for right, pattern in RIGHT_TERMS for m in pattern.finditer(text, start, end)]
    return sorted(found)


def right_lists(text: str, start: int, end: int) -> list[tuple[int, int, list[str]]]:
    """The rights written as one list in text[start:end] ("访问、更正或删除您的个人信息"): (start, end, rights)
    of each list naming two or more (the words after a list, up to its personal data, count for 访问)."""
    found = []
    for m in RIGHT_LIST.finditer(text, start, end):
        rights = rights_in_order(text, m.start(), min(end, m.end() + 12))
        if len(rights) > 1:
            found.append((m.start(), m.end(), rights))
    return found


# "为您提供咨询或协调解决您的投诉": a contact line that says it resolves complaints invites them.
_RESOLVES_COMPLAINTS = re.compile(r"(?:解决|处理|受理|回应)(?:您|你)?的?投诉")


def asks_and_complains(text: str, start: int, end: int) -> bool:
    """Whether text[start:end] lists a complaint with questions or suggestions ("任何投诉、建议、疑问",
    "投诉、反馈")."""
    for m in ASKING_LIST.finditer(text, start, end):
        words = m.group()
        if _COMPLAINT_WORDS.search(words) and re.search("疑问|意见|建议|咨询|问题|反馈", words):
            return True
    return False


def invites_complaints(text: str, start: int, end: int) -> bool:
    """Whether a contact invitation text[start:end] names complaints among what it handles: asks_and_complains,
    or a line that resolves complaints ("协调解决您的投诉"). (The template's "网络信息安全的投诉和举报" reports
    unlawful content: no complaint about one's data, as the labels read it.)"""
    return asks_and_complains(text, start, end) or bool(_RESOLVES_COMPLAINTS.search(text, start, end))


# "当您有其他的投诉、建议或需要删除所有访问记录时，请与我们联系": a right named as a need of the reader's among
# the questions of an invitation is asked too.
_NEEDED_RIGHT = re.compile(rf"(?:{_AND}|，|,)(?:需要|想要|希望|要求)(?:我们)?{RIGHT_WORD}")


def needed_rights(text: str, start: int, end: int) -> list[str]:
    """The rights text[start:end] names as a need of the reader's ("…或需要删除…"), in text order."""
    found = [rights_in_order(text, m.start(), m.end()) for m in _NEEDED_RIGHT.finditer(text, start, end)]
    return list(dict.fromkeys(r for rights in found for r in rights))


# A channel named for complaints ("用户隐私投诉平台", "投诉邮箱") through which the reader is asked to contact us:
# the contact it offers is for any question, not only complaints.
_COMPLAINT_CHANNEL = re.compile(r"投诉(?:平台|渠道|通道|入口|邮箱|页面|中心)")
_CONTACT_US = re.compile(r"(?:与|同|和|跟)(?:我们|我司|本公司|我行)(?:取得)?联[系络]|联系我们")


def contact_through_complaint_channel(text: str, start: int, end: int) -> bool:
    """Whether text[start:end] asks the reader to contact us through a channel named for complaints."""
    return bool(_COMPLAINT_CHANNEL.search(text, start, end) and _CONTACT_US.search(text, start, end))
