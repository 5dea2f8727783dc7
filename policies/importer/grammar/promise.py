"""What is promised and how firmly: who "we" are, the promised action (a reply or completion) and the
hedge (一般情况下, 原则上 soften a promise; 最长, 特殊情形下 make it an outer cap)."""

from __future__ import annotations

import re

from policies.models import Action, Hedge

from ..spans import TextIndex

# --- Who "we" are ------------------------------------------------------------------------------------------

# How a policy names its author: platforms write 我们 or 平台, banks 我行 or 本行, companies 本公司 or 我司.
SELF = r"(?:我们|我司|我行|本行|本公司|我公司|本平台|平台|本网站|本站|本应用)"

# --- Promised action --------------------------------------------------------------------------------------

# Confirming or reviewing the issue raised ("确认所涉问题", "审核所涉问题") answers the request; confirming
# alone (确认您的身份) does not, and reviewing alone (审核) is handling it.
REPLY_VERBS = (
    r"答复|答覆|回复|回覆|回应|反馈|告知|通知您|响应|受理|联系您|与您联系|联系你|与你联系"
    r"|(?:确认|审核)(?:所涉|相关|您的|你的)?问题"
)
# Sending the data (a copy to the mailbox) completes a request as much as deleting it does; providing a reply
# (提供答复) is a reply.
COMPLETION_VERBS = (
    r"完成|处理|删除|注销|停止|匿名化|更正|修改|核实|核查|审核|办理|办结|执行|清除|销毁|提供(?!答复|回复|反馈)|导出|处置|解决|关闭"
    r"|发送|发给|寄送|寄给|邮寄|传送"
)
ACTION = re.compile(rf"\s*(?:[给予作做出进行为向您对]{{1,4}}\s*)?(?P<verb>{REPLY_VERBS}|{COMPLETION_VERBS})")
REPLY_OR_COMPLETION = re.compile(rf"(?P<reply>{REPLY_VERBS})|(?P<completion>{COMPLETION_VERBS})")
CLAUSE_END = re.compile(r"[，,；;。！？!?\n]")
_COMPLETION = re.compile(COMPLETION_VERBS)


# What the user does (or fails to do) within a period is no promise: "15天内重新登录，将视为撤销注销申请"
# is a cooling-off period, "30日内未登录" an inactivity rule.
# So is a period in which the user may take a request back ("注销申请可在提交后的10日内撤回").
_USER_CONDITION = re.compile(r"登录|登陆|使用|未|没有|视为|逾期")
_USER_MAY_WITHDRAW = re.compile(r"\s*(?:撤回|撤销|反悔)")
_USER_MAY = re.compile(r"(?:可|可以|有权)\s*(?:在|于)")
# Keeping data for a period is retention, not a promise to a requester ("注销后6个月内，我们会保存您的订单信息").
_KEEPING = re.compile(r"保存|保留|留存|存储|储存|保管")
# A reply verb joined to a completion verb ("受理并处理", "答复并解决", "回复与处理"), or written straight
# before it ("回复处理"): the completion is promised too. Not "回复处理结果": that replies with the result.
_AND_COMPLETED = re.compile(rf"(?:并|和|及|且|与)?\s*(?:{COMPLETION_VERBS})(?!结果|意见|情况|进度|进展)")
# A deadline written first and its verb in the next clause: "15个工作日内，我们将予以答复".
_NEXT_CLAUSE_SUBJECT = re.compile(rf"\s*{SELF}")


def action_of(
    text: str,
    deadline_start: int,
    deadline_end: int,
    sentence_start: int,
    sentence_end: int,
    *,
    index: TextIndex | None = None,
) -> str | None:
    """What is promised within the deadline: the first verb after it in its clause, else in the next clause
    when we are its subject, else the last verb before it. None when the sentence promises neither a reply
    nor completion, or when the period is the user's. (`index`: the text's TextIndex, for many deadlines.)"""
    found = action_and_place(text, deadline_start, deadline_end, sentence_start, sentence_end, index=index)
    return found[0] if found else None


def action_and_place(
    text: str,
    deadline_start: int,
    deadline_end: int,
    sentence_start: int,
    sentence_end: int,
    *,
    index: TextIndex | None = None,
) -> tuple[str, str] | None:
    """action_of, with where its verb is: "after" the deadline (its clause or the next) or "before" it."""
    index = index or TextIndex(text)
    if _USER_MAY_WITHDRAW.match(text, deadline_end) and index.search(
        _USER_MAY, max(sentence_start, deadline_start - 16), deadline_start
    ):
        return None
    clause_end = index.search(CLAUSE_END, deadline_end, sentence_end)
    own_end = clause_end.start() if clause_end else sentence_end
    m = index.search(REPLY_OR_COMPLETION, deadline_end, own_end)
    if index.search(_KEEPING, deadline_end, m.start() if m else own_end):
        return None
    if m:
        if index.search(_USER_CONDITION, deadline_end, m.start()):
            return None
        # "受理并处理": accepting the request and handling it are both promised within the deadline
        if m["reply"] and _AND_COMPLETED.match(text, m.end()):
            return Action.COMPLETION, "after"
        # "完成对您请求的响应": what is completed is a reply (unless handling follows: "响应和处理")
        if m["completion"] == "完成":
            then = index.search(REPLY_OR_COMPLETION, m.end(), own_end)
            if then and then["reply"] and not index.search(_COMPLETION, then.end(), own_end):
                return Action.REPLY, "after"
        return (Action.REPLY if m["reply"] else Action.COMPLETION), "after"
    if index.search(_USER_CONDITION, deadline_end, own_end):
        return None
    if clause_end and index.match(_NEXT_CLAUSE_SUBJECT, clause_end.end()):
        next_end = index.search(CLAUSE_END, clause_end.end(), sentence_end)
        m = index.search(REPLY_OR_COMPLETION, clause_end.end(), next_end.start() if next_end else sentence_end)
        if index.search(
            _KEEPING, clause_end.end(), m.start() if m else (next_end.start() if next_end else sentence_end)
        ):
            return None
        if m:
            return (Action.REPLY if m["reply"] else Action.COMPLETION), "after"
    before = index.last(REPLY_OR_COMPLETION, sentence_start, deadline_start)
    if before:
        return (Action.REPLY if before["reply"] else Action.COMPLETION), "before"
    return None


# --- Hedges -----------------------------------------------------------------------------------------------

CAP_WORDS = re.compile(r"最长|最迟|最晚|最多|至多|特殊情[况形]下|复杂情[况形]下|情况复杂|特殊情况|延长")
SOFT_WORDS = re.compile(
    r"一般情况下|一般而言|一般来说|一般|通常情况下|通常|原则上|正常情况下|尽最大(?:的)?努力|尽力|尽量|尽可能|力争|争取|努力"
)


def hedge_of(text: str, start: int, end: int) -> tuple[str, tuple[int, int] | None]:
    """How firmly the promise in text[start:end] (its clause up to the deadline) is worded, and where the
    hedge is. An outer cap wins over a softener ("原则上最长不超过30天" is a cap)."""
    for pattern, hedge in ((CAP_WORDS, Hedge.CAP), (SOFT_WORDS, Hedge.SOFT)):
        matches = list(pattern.finditer(text, start, end))
        if matches:
            return hedge, matches[-1].span()
    return Hedge.FIRM, None
