"""The grammar of promises: deadline phrases, clock triggers, hedges and promised actions, each checked on
phrasings written for these tests (not taken from the five policies)."""

import pytest

from policies.importer import grammar
from policies.models import Action, ClockStart, Hedge, Right, Unit


def deadlines(text):
    return [(d.min, d.max, d.unit) for d in grammar.find_deadlines(text)]


# --- Deadline phrases -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        ("我们将在15个工作日内答复", (15, 15, Unit.WORKING_DAY)),
        ("我们将在15工作日内答复", (15, 15, Unit.WORKING_DAY)),  # without 个
        ("我们将在十五个工作日内答复", (15, 15, Unit.WORKING_DAY)),
        ("我们将在一十五个工作日内答复", (15, 15, Unit.WORKING_DAY)),
        ("我们将在30天内回复", (30, 30, Unit.CALENDAR_DAY)),
        ("我们将在三十日内回复", (30, 30, Unit.CALENDAR_DAY)),
        ("我们将在15个自然日内完成", (15, 15, Unit.CALENDAR_DAY)),
        ("我们将在48小时内响应", (48, 48, Unit.HOUR)),
        ("我们将在二十四个小时内响应", (24, 24, Unit.HOUR)),
        ("我们将在两周内回复", (2, 2, Unit.WEEK)),
        ("我们将在一个星期内回复", (1, 1, Unit.WEEK)),
        ("我们将在一个月内答复", (1, 1, Unit.MONTH)),
        ("我们将在3个月内答复", (3, 3, Unit.MONTH)),
        ("我们将在１５个工作日内答复", (15, 15, Unit.WORKING_DAY)),  # full-width digits
        ("我们将在 15 天内回复", (15, 15, Unit.CALENDAR_DAY)),  # spaced
        ("我们将在十五（15）个工作日内答复", (15, 15, Unit.WORKING_DAY)),  # restated in digits
        ("我们将在15个工作日（不含法定节假日）内答复", (15, 15, Unit.WORKING_DAY)),  # a remark before 内
        ("我们将于七日之内完成", (7, 7, Unit.CALENDAR_DAY)),
        ("我们将在三十个自然日以内完成", (30, 30, Unit.CALENDAR_DAY)),
        ("处理时限为15个工作日", (15, 15, Unit.WORKING_DAY)),  # introduced by 时限为, no 内
        ("最长不超过30天", (30, 30, Unit.CALENDAR_DAY)),  # introduced by 不超过
        ("我们将在15个工作日完成注销", (15, 15, Unit.WORKING_DAY)),  # 在 … + verb, no 内
    ],
)
def test_a_deadline_is_a_number_and_a_unit_bounded_by_nei_or_a_limit_word(text, expected):
    assert deadlines(text) == [expected]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("我们将在7-15个工作日内回复", (7, 15)),
        ("我们将在1–7个工作日内完成", (1, 7)),  # en dash
        ("我们将在7—15个工作日内回复", (7, 15)),  # em dash
        ("我们将在7~15个工作日内回复", (7, 15)),
        ("我们将在7～15个工作日内回复", (7, 15)),
        ("我们将在七至十五个工作日内回复", (7, 15)),
        ("我们将在7到15个工作日内回复", (7, 15)),
        ("我们将在3个工作日至7个工作日内回复", (3, 7)),  # the unit on both ends
        ("我们将在 7 - 15 个工作日内回复", (7, 15)),
    ],
)
def test_a_range_gives_the_least_and_the_most(text, expected):
    assert [(d[0], d[1]) for d in deadlines(text)] == [expected]


@pytest.mark.parametrize(
    "text",
    [
        "我们提供7×24小时在线客服",  # service hours, not a deadline
        "我们提供7*24小时服务",
        "本政策于2021年11月1日内生效",  # a date
        "如果我们终止服务，我们会至少提前三十日向您通知",  # advance notice
        "我们会提前7天通知您",
        "每15天更新一次",  # a frequency
        "第15个工作日",  # an ordinal
        "交易信息保存时间自交易完成之日起不少于三年",  # retention, and years are no deadline unit
        "3月内",  # a month of the year: a number of months says 个月
        "我们将在15天后删除",  # "after", not "within"
        "周年庆活动",
        "不满14周岁以内的儿童",  # an age
        "我们将尽快答复",  # no number
        "我们将在几天内答复",
    ],
)
def test_numbers_that_are_not_deadlines_are_ignored(text):
    assert deadlines(text) == []


def test_a_deadline_phrase_is_located_in_the_text():
    text = "一般情况下，我们将在十五天内回复。"
    (phrase,) = grammar.find_deadlines(text)
    assert text[phrase.start : phrase.end] == "十五天内"


# --- Clock start ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, clock",
    [
        ("收到您的请求后，我们将在15天内答复", ClockStart.RECEIPT),
        ("自收到您的书面请求之日起15天内答复", ClockStart.RECEIPT),
        ("我们在接到您的投诉后15个工作日内答复", ClockStart.RECEIPT),
        ("我们将在收到您的注销申请后15个工作日内完成", ClockStart.RECEIPT),  # not the 申请 inside
        ("在验证您的身份后，我们将在30天内答复", ClockStart.IDENTITY_VERIFIED),
        ("我们将在核实您的身份后15天内答复", ClockStart.IDENTITY_VERIFIED),
        ("身份验证通过后，我们将在20天内完成删除", ClockStart.IDENTITY_VERIFIED),
        ("完成身份验证后15个工作日内完成注销", ClockStart.IDENTITY_VERIFIED),
        # two events: the later one, written nearer the deadline, starts the clock
        ("我们将在收到您反馈并验证您的身份后的15天内答复", ClockStart.IDENTITY_VERIFIED),
        ("收到您的申请并核实身份后十个工作日内完成更正", ClockStart.IDENTITY_VERIFIED),
        ("在您注销账户之后，我们将在15天内删除您的信息", ClockStart.ACCOUNT_CANCELLED),
        ("账号注销成功后，您的信息将在30天内被删除", ClockStart.ACCOUNT_CANCELLED),
        ("您的帐号注销后30日内我们将删除您的信息", ClockStart.ACCOUNT_CANCELLED),
        ("自您提出申请之日起15个工作日内完成", ClockStart.APPLICATION),
        ("在您提交注销申请后，我们将在1-7个工作日内完成审核", ClockStart.APPLICATION),
        ("您提出申请的15个工作日内，我们将完成处理", ClockStart.APPLICATION),
        ("注销申请提交后，我们将在7天内完成", ClockStart.APPLICATION),
    ],
)
def test_the_clock_starts_at_the_event_written_before_the_deadline(text, clock):
    (phrase,) = grammar.find_deadlines(text)
    trigger = grammar.clock_start_of(text, 0, phrase.start)
    assert trigger is not None and trigger.clock_start == clock


@pytest.mark.parametrize(
    "text",
    [
        "我们将在15天内回复您",
        "您提出的查阅请求，处理时限为15个工作日",  # describes the request; does not start a clock
        "我们将在15个工作日内答复，收到后",  # after the deadline: not its trigger
    ],
)
def test_without_a_trigger_before_it_a_deadline_has_no_stated_clock(text):
    phrase = grammar.find_deadlines(text)[0]
    assert grammar.clock_start_of(text, 0, phrase.start) is None


# --- Hedges -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, hedge",
    [
        ("我们将在15天内回复", Hedge.FIRM),
        ("一般情况下，我们将在15天内回复", Hedge.SOFT),
        ("原则上，我们将于15个工作日内答复", Hedge.SOFT),
        ("我们会尽最大努力在10个工作日内处理", Hedge.SOFT),
        ("通常情况下我们会在7天内回复", Hedge.SOFT),
        ("正常情况下，我们将在3个工作日内完成", Hedge.SOFT),
        ("特殊情形下最长不超过30天", Hedge.CAP),
        ("如情况复杂，最迟在30个工作日内答复", Hedge.CAP),
        ("原则上最长不超过30天", Hedge.CAP),  # an outer cap stays a cap however softly put
    ],
)
def test_hedges_soften_a_promise_or_make_it_an_outer_cap(text, hedge):
    phrase = grammar.find_deadlines(text)[-1]
    assert grammar.hedge_of(text, 0, phrase.start)[0] == hedge


# --- Promised action --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, action",
    [
        ("我们将在15天内回复您", Action.REPLY),
        ("我们将在15天内答复您的请求", Action.REPLY),
        ("我们将在15天内给予答复", Action.REPLY),
        ("我们将在3个工作日内与您联系", Action.REPLY),
        ("我们将在48小时内对您的请求进行响应", Action.REPLY),
        ("我们将在7个工作日内完成注销处理", Action.COMPLETION),
        ("我们将在15天内删除您的个人信息", Action.COMPLETION),
        ("我们将在7-15个工作日内停止为您提供服务", Action.COMPLETION),
        ("我们将在15个工作日内处理完毕", Action.COMPLETION),
        ("答复期限为15个工作日", Action.REPLY),  # the verb before the deadline
        ("收到请求后15个工作日内，我们将予以答复", Action.REPLY),  # the deadline first, our verb next
    ],
)
def test_the_promise_is_a_reply_or_completion_by_the_verb_after_the_deadline(text, action):
    (phrase,) = grammar.find_deadlines(text)
    assert grammar.action_of(text, phrase.start, phrase.end, 0, len(text)) == action


@pytest.mark.parametrize(
    "text",
    [
        "日志保存不超过6个月",  # retention: neither a reply nor completion
        "若您在注销申请提交后15天内重新登录，将视为撤销注销申请",  # a cooling-off period is the user's
        "账号连续30日内未登录的，我们将回收该账号",  # an inactivity rule
    ],
)
def test_a_period_with_no_reply_or_completion_of_ours_is_no_promise(text):
    (phrase,) = grammar.find_deadlines(text)
    assert grammar.action_of(text, phrase.start, phrase.end, 0, len(text)) is None


# --- Rights -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, rights",
    [
        ("注销账号", [Right.ACCOUNT_CANCELLATION]),
        ("删除您的个人信息", [Right.DELETION]),
        ("更正或补充您的信息", [Right.CORRECTION]),
        ("查阅您的个人信息", [Right.ACCESS]),
        ("获取个人信息副本", [Right.COPY]),
        ("撤回您的授权同意", [Right.CONSENT_WITHDRAWAL]),
        ("回复短信退订", [Right.CONSENT_WITHDRAWAL]),
        ("向我们投诉", [Right.COMPLAINT]),
        ("查看本政策", []),  # reading the policy is not access to one's data
        ("防止未经授权访问", []),
        ("如发现违法信息，可进行举报", []),  # reporting content is no complaint about one's data
    ],
)
def test_rights_are_named_by_their_verbs(text, rights):
    assert grammar.rights_in(text) == rights
