"""The language of promises in Chinese privacy policies, as small rules.

A promise has the shape  (hedge) (clock trigger) 在 NUMBER (–NUMBER) UNIT 内 VERB, for example
"一般情况下，我们将在收到您的请求并验证您的身份后的十五个工作日内答复您". Each rule below recognises one
part of that shape and knows nothing about any particular policy:

- numerals: Arabic, full-width and Chinese (七, 十五, 一十五, 三十, 两), see parse_numeral;
- the deadline phrase: a number or a range (7-15, 1–7, 七至十五) and a unit (工作日 / 天 / 日 / 自然日 /
  小时 / 周 / 个月, with or without 个), bounded by 内 / 以内 or introduced by 不超过 / 最长, see find_deadlines;
- the clock trigger before it (收到…后, 验证您的身份后, 注销账户之后, 提出申请…), see clock_start_of;
- the hedge (一般情况下, 原则上, 尽最大努力 soften a promise; 最长, 特殊情形下 make it an outer cap);
- the promised action after it: a reply (答复 / 回复) or completion (完成 / 处理 / 删除), see action_of;
- the rights a sentence or heading speaks of (注销, 删除, 更正, 查询, 副本, 撤回, 投诉, 申诉), see rights_in;
- what is no promise although it has that shape: how long data is kept (保存不超过30天, 在6个月内保留),
  automatic deletion (72小时内自动删除), see period_kept;
- the scope of a sentence: a catch-all that excludes what was said before (除上述…外), see catch_all,
  a paragraph's inline sub-title (【查阅】, 更正：, 撤回同意——), see inline_title, and the items above it
  named by number (上述3、4项), see numbers_referred.

The text these rules read is normalised first (normalise.py: 【15】天, 15个工作日天, 申请 后, 注销了账号).

numerals     parse_numeral and the numeral pattern
periods      the deadline phrase (find_deadlines) and the periods that are no promise (period_kept)
promise      who "we" are, the promised action (action_of) and the hedge (hedge_of)
clock_start  the clock triggers (ClockTriggers, clock_start_of)
rights       the rights named (rights_in), request context, escalation
scope        catch-alls, inline sub-titles and items named by number
"""

from .clock_start import ClockTriggers, Trigger, clock_start_of, clock_triggers
from .numerals import NUMERAL, parse_numeral
from .periods import DeadlinePhrase, find_deadlines, period_kept
from .promise import CAP_WORDS, CLAUSE_END, REPLY_OR_COMPLETION, SELF, SOFT_WORDS, action_and_place, action_of, hedge_of
from .rights import (
    ABOVE_REQUESTS,
    ANSWERS_REQUESTS,
    ESCALATION,
    GENERIC_REQUEST,
    NOT_A_REQUEST,
    OWN_INVITATION,
    PATH_CONSENT_WITHDRAWAL,
    RIGHT_TERMS,
    RIGHT_WORD,
    asks_and_complains,
    closing_down,
    contact_through_complaint_channel,
    invites_complaints,
    is_request_context,
    needed_rights,
    right_lists,
    right_mentions,
    rights_in,
    rights_in_order,
)
from .scope import CatchAll, NumberedLines, catch_all, inline_title, numbers_referred

__all__ = [
    "ABOVE_REQUESTS",
    "ANSWERS_REQUESTS",
    "OWN_INVITATION",
    "RIGHT_WORD",
    "CAP_WORDS",
    "CLAUSE_END",
    "ESCALATION",
    "GENERIC_REQUEST",
    "NOT_A_REQUEST",
    "NUMERAL",
    "NumberedLines",
    "PATH_CONSENT_WITHDRAWAL",
    "REPLY_OR_COMPLETION",
    "RIGHT_TERMS",
    "SELF",
    "SOFT_WORDS",
    "CatchAll",
    "ClockTriggers",
    "DeadlinePhrase",
    "Trigger",
    "action_and_place",
    "action_of",
    "asks_and_complains",
    "closing_down",
    "contact_through_complaint_channel",
    "invites_complaints",
    "catch_all",
    "clock_start_of",
    "clock_triggers",
    "find_deadlines",
    "hedge_of",
    "inline_title",
    "is_request_context",
    "needed_rights",
    "numbers_referred",
    "parse_numeral",
    "period_kept",
    "right_lists",
    "right_mentions",
    "rights_in",
    "rights_in_order",
]
