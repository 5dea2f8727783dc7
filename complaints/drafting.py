"""Drafts generated from the record: a complaint per channel, the reminder letter to the app (催办) and the power
of attorney (授权委托书), in Chinese (the document that is sent) and English (for reading).

Every sentence comes from one reading of the case (complaints.facts.CaseFacts): its events, each clock's verdict
from the status module, the parties. A sentence appears only when the facts support it ("completed N working days
late on D", "answered on D without completing", "refused, giving as its reason R", "neither acted nor replied"),
and a letter speaks to its addressee: to the app ("请贵方…"), or to a regulator, asked to order the operator
("请求责令…"). The wording lives in DraftTemplate rows (editable in the admin; defaults in
templates/complaints/drafts/), rendered by a Django template engine with no tags library, no loaders and no model
objects in its context: a template can only arrange the facts it is given.

A draft can always be shown: a detail the record lacks (the complainant's postal address, the operator's name)
renders as a marked blank, 【待补：…】 / "[to fill in: …]", and the draft ends with the list of what is missing;
lodging still requires them (complaints.admissibility). A variable the template names but the facts do not have is
a broken template, and that draft is refused.
"""
from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from django.conf import settings
from django.template import Context, Engine, TemplateDoesNotExist, TemplateSyntaxError
from django.utils.translation import gettext as _

from deadlines.workdays import WorkCalendar
from rights.models import Evidence, RightsRequest, local_date, local_minute

from .facts import CaseFacts, ClockFacts, Conduct, Outcome
from .models import Addressee, Channel, ComplaintEvidence, DraftTemplate

DEFAULTS = Path(settings.BASE_DIR) / "templates" / "complaints" / "drafts"
LANGUAGES = ("zh-hans", "en")
BLANK = {"zh-hans": "【待补：{}】", "en": "[to fill in: {}]"}
# Bounded, no nested quantifiers: linear on any input.
BLANKS = re.compile(r"【待补[：:]([^】\n]{0,80})】|\[to fill in: ([^\]\n]{0,80})\]")
UNFILLED = re.compile(r"【待填写[：:]([^】\n]{0,80})】")
MISSING_HEADING = {"zh-hans": "待补充事项（补齐后方可提交）：", "en": "To fill in before lodging:"}


class DraftError(Exception):
    """A draft that cannot be produced; one line for people."""


ENGINE = Engine(autoescape=False, libraries={}, loaders=[], string_if_invalid="【待填写：%s】")


def check_template(body: str) -> None:
    try:
        ENGINE.from_string(body)
    except TemplateSyntaxError as error:
        raise DraftError(_("The template does not compile: %(error)s") % {"error": str(error).splitlines()[0]}) from None


# ------------------------------------------------------------------------------------------------ wording

RIGHTS = {
    "account_cancellation": ("注销账号", "account cancellation"),
    "deletion": ("删除个人信息", "deletion of personal information"),
    "correction": ("更正、补充个人信息", "correction of personal information"),
    "access": ("查阅个人信息", "access to personal information"),
    "copy": ("复制个人信息", "a copy of personal information"),
    "consent_withdrawal": ("撤回同意", "withdrawal of consent"),
    "complaint": ("个人信息投诉", "a personal-information complaint"),
    "any_request": ("行使个人信息权利", "exercising personal-information rights"),
}
# What the request asks the app to do, with the requester named for the addressee: "本人" / "my" in a letter to
# the app, "申诉人" / "the complainant's" in one to a regulator ({who} and {whose}).
DEMANDS = {
    "account_cancellation": ("注销{who}的账号并删除{who}的个人信息", "cancel {whose} account and delete {whose} personal information"),
    "deletion": ("删除{who}的个人信息", "delete {whose} personal information"),
    "correction": ("更正、补充{who}的个人信息", "correct {whose} personal information"),
    "access": ("向{who}提供{who}的个人信息供查阅", "let {whom} access {whose} personal information"),
    "copy": ("向{who}提供{who}的个人信息副本", "give {whom} a copy of {whose} personal information"),
    "consent_withdrawal": ("停止基于已撤回同意的个人信息处理", "stop processing based on the withdrawn consent"),
}
DEFAULT_DEMAND = ("处理{who}的请求", "handle {whose} request")
# PIPL arts. 44-50, as relevant to the right; art. 50 (mechanism, reasons for a refusal) always.
PIPL = {
    "account_cancellation": (47,), "deletion": (47,), "correction": (46,), "access": (45,), "copy": (45,),
    "consent_withdrawal": (44,),
}
ZH_NUMERALS = {44: "四十四", 45: "四十五", 46: "四十六", 47: "四十七", 50: "五十"}
DATA_REGULATION = "《网络数据安全管理条例》第二十三条、第二十四条"
UNITS = {
    "working_day": ("个工作日", " working days"), "calendar_day": ("日", " days"), "hour": ("小时", " hours"),
    "week": ("周", " weeks"), "month": ("个月", " months"),
}
EVENTS = {
    "file": ("登记请求", "request recorded"),
    "submit": ("向App提出{right}请求", "{right} requested from the app"),
    "acknowledge": ("App受理请求", "the app acknowledged the request"),
    "request_identity": ("App要求提供身份证明", "the app asked for proof of identity"),
    "verify_identity": ("App完成身份验证", "the app verified the identity"),
    "reply": ("App答复", "the app replied"),
    "complete": ("App称已处理完毕", "the app said it was done"),
    "confirm": ("申诉人确认已处理", "the requester confirmed it was done"),
    "reopen": ("经核实未实际处理，请求恢复处理", "found not done; the request was reopened"),
    "refuse": ("App拒绝请求", "the app refused the request"),
    "withdraw": ("申诉人撤回请求", "the requester withdrew the request"),
    "escalate": ("向监管部门投诉", "complaint lodged with a regulator"),
    "resolve": ("监管部门处理完毕", "the regulator's case ended"),
    "extend": ("App告知延期", "the app announced an extension"),
    "pause": ("App要求补充材料，等待申诉人", "the app asked for something and waited"),
    "resume": ("申诉人补充材料后继续处理", "handling resumed"),
}
COMPLAINT_EVENTS = {
    "lodge": ("向{channel}投诉", "complaint lodged with {channel}"),
    "admit": ("{channel}受理投诉", "{channel} admitted the complaint"),
    "not_admit": ("{channel}不予受理", "{channel} did not admit the complaint"),
    "answer": ("{channel}答复", "{channel} answered"),
}


def pick(pair, language):
    return pair[0] if language == "zh-hans" else pair[1]


def promise_text(amount_min, amount_max, unit, language) -> str:
    amount = str(amount_min) if amount_min == amount_max else f"{amount_min}-{amount_max}"
    return amount + pick(UNITS.get(unit, (unit, " " + unit)), language)


def blank(value, label_zh: str, label_en: str, language: str) -> str:
    """The value, or a marked blank naming what the person has to supply."""
    value = "" if value is None else str(value).strip()
    return value or BLANK[language].format(label_zh if language == "zh-hans" else label_en)


def to_the_app(channel: Channel | None) -> bool:
    """A letter without a channel (reminder, power of attorney) or to the app's own channel is addressed to the app."""
    return channel is None or channel.kind == Addressee.APP


# --- sentences from the facts ---------------------------------------------------------------------------


ACTIONS = {"reply": ("答复", "replied", "reply"), "completion": ("完成处理", "completed", "completion")}


def clock_sentence(judged: ClockFacts, language: str) -> str:
    """A promise's verdict as of the draft's day (the status module decides; this only words it)."""
    zh, done = ACTIONS.get(judged.action, ACTIONS["completion"])[:2]
    n = judged.late_working_days
    statute = pick(("，已超过法定期限", ", past the statutory limit"), language) if judged.past_statute else ""
    if judged.kept_in_time:
        day = judged.met_on.isoformat()
        if judged.past_statute:  # a paused promise kept, the statute breached all the same
            return pick(
                (f"已于{day}{zh}，未超过承诺期限，但已超过法定期限", f"{done} on {day}, within the promise but past the statutory limit"),
                language,
            )
        return pick((f"已于{day}{zh}，未逾期", f"{done} on {day}, in time"), language)
    if judged.kept_late:
        day = judged.met_on.isoformat()
        if n:
            return pick((f"逾期{n}个工作日后于{day}{zh}", f"{done} on {day}, {n} working days late"), language) + statute
        return pick((f"逾期后于{day}{zh}", f"{done} late, on {day}"), language) + statute
    if judged.overdue:
        return pick((f"已逾期{n}个工作日", f"overdue by {n} working days"), language) + statute
    if judged.refused:
        return pick(("因App拒绝而停止计时", "stopped by the app's refusal"), language)
    if judged.paused:
        return pick(("暂停计时，等待申诉人补充材料", "paused while the app waits for the requester"), language)
    if judged.stopped:
        return pick(("已停止计时", "stopped"), language)
    return pick(("期限未届满", "not yet due"), language)


def conduct_sentence(conduct: Conduct, on: date, language: str, *, to_app: bool) -> str:
    """What the app did about the request, in one sentence (the kinds of complaints.facts.Outcome), naming the app
    as the letter's addressee sees it: "贵方" / "you" to the app, "被申诉人" / "the respondent" to a regulator."""
    zh, en = ("贵方", "you") if to_app else ("被申诉人", "the respondent")
    whose = "your" if to_app else "its"
    day = conduct.day.isoformat() if conduct.day else ""
    match conduct.kind:
        case Outcome.COMPLETED_LATE:
            last = conduct.last_day.isoformat()
            if conduct.late_working_days:
                n = conduct.late_working_days
                return pick((f"{zh}承诺的最后期限为{last}，{zh}逾期{n}个工作日后于{day}完成处理",
                             f"{whose} last day was {last}; {en} completed the request on {day}, {n} working days late"), language)
            return pick((f"{zh}承诺的最后期限为{last}，{zh}逾期后于{day}完成处理",
                         f"{whose} last day was {last}; {en} completed the request late, on {day}"), language)
        case Outcome.COMPLETED:
            return pick((f"{zh}已于{day}完成处理", f"{en} completed the request on {day}"), language)
        case Outcome.REFUSED:
            return pick((f"{zh}于{day}拒绝了该请求，理由为：“{conduct.reason}”",
                         f"{en} refused the request on {day}, giving as {whose} reason: “{conduct.reason}”"), language)
        case Outcome.REPLIED:
            return pick((f"{zh}于{day}作出答复，但截至{on.isoformat()}仍未完成处理",
                         f"{en} answered on {day} but, as of {on.isoformat()}, had not completed the request"), language)
    nothing = pick((f"截至{on.isoformat()}，{zh}既未处理，也未答复（《中华人民共和国个人信息保护法》第五十条）",
                    f"as of {on.isoformat()}, {en} had neither acted on the request nor replied (PIPL art. 50)"), language)
    if conduct.identity_requested_on:
        asked = conduct.identity_requested_on.isoformat()
        return pick((f"{zh}于{asked}要求提供身份证明；", f"{en} asked for proof of identity on {asked}; "), language) + nothing
    return nothing


def demand_sentence(right: str, conduct: Conduct, *, to_app: bool, language: str) -> str:
    """What the letter asks: the app to act ("请贵方…"), or a regulator to order the operator ("请求责令…")."""
    zh, en = DEMANDS.get(right, DEFAULT_DEMAND)
    if to_app:
        zh, en = zh.format(who="本人"), en.format(whose="my", whom="me")
    else:
        zh, en = zh.format(who="申诉人"), en.format(whose="the complainant's", whom="the complainant")
    if conduct.kind in (Outcome.COMPLETED, Outcome.COMPLETED_LATE):
        late = conduct.kind == Outcome.COMPLETED_LATE
        if to_app:
            return pick((f"请贵方书面确认已依法{zh}" + ("，并说明逾期处理的原因" if late else ""),
                         f"please confirm in writing that you did {en}" + (", and explain the delay" if late else "")), language)
        return pick(("请求依法处理被申诉人逾期处理个人信息权利请求的行为，并责令被申诉人书面确认已依法" + zh if late else
                     "请求责令被申诉人书面确认已依法" + zh,
                     ("we ask you to deal with the respondent's late handling of the request and to order it to confirm in writing that it did " + en)
                     if late else "we ask you to order the respondent to confirm in writing that it did " + en), language)
    if to_app:
        return pick((f"请贵方依法{zh}，并书面告知处理结果", f"please {en} as the law requires and tell me the result in writing"), language)
    return pick((f"请求责令被申诉人依法{zh}，并书面告知处理结果",
                 f"we ask you to order the respondent to {en} as the law requires and to give the result in writing"), language)


def draft_context(*, request: RightsRequest, channel: Channel | None, on: date, language: str,
                  calendar: WorkCalendar | None = None, facts: CaseFacts | None = None) -> dict:
    """The facts of the record as plain strings, lists and dicts (no model objects reach a template)."""
    facts = facts or CaseFacts(request, calendar)
    app = request.app
    details = facts.details
    right = pick(RIGHTS.get(request.right, (request.right, request.right)), language)
    phone, email = facts.phone, facts.email
    channel_name = (channel.name if language == "zh-hans" or not channel.name_en else channel.name_en) if channel else ""
    to_app = to_the_app(channel)
    conduct = facts.conduct(on)

    promises = []
    for judged in facts.clocks(on):
        clock, version = judged.clock, judged.clock.policy_version
        promises.append({
            "action": pick(ACTIONS.get(clock.action, ACTIONS["completion"])[::2], language),
            "quote": clock.quote,
            "policy": f"{version.title}（{(version.effective_on or version.published_on) or ''}）" if version else "",
            "promise": promise_text(clock.amount_min, clock.amount_max, clock.unit, language),
            "statutory": clock.is_statutory,
            "started": local_minute(clock.started_at),
            "due": clock.due.isoformat(),
            "final_due": clock.final_due.isoformat(),
            "last_day": judged.last_day.isoformat(),
            "statutory_due": clock.statutory_due.isoformat() if clock.statutory_due else "",
            "citation": clock.citation,
            "overdue_working_days": judged.late_working_days if judged.overdue else 0,
            "status": clock_sentence(judged, language),
        })

    timeline = []
    for event in facts.events(on):
        if event.name not in EVENTS:
            continue
        text = pick(EVENTS[event.name], language).format(right=right)
        extra = []
        if event.name == "submit":
            if request.channel_used:
                extra.append(pick(("渠道：", "channel: "), language) + request.channel_used)
            if request.app_ticket_number:
                extra.append(pick(("工单号：", "ticket: "), language) + request.app_ticket_number)
        if event.note:
            extra.append(event.note)
        if extra:
            text += f"（{'；'.join(extra)}）" if language == "zh-hans" else f" ({'; '.join(extra)})"
        timeline.append({"at": local_minute(event.at), "text": text})
    for judged, promise in zip(facts.clocks(on), promises, strict=False):
        if judged.overdue:
            timeline.append({"at": promise["last_day"], "text": pick(
                (f"App承诺的{promise['action']}期限（{promise['promise']}）届满", f"the promised time for the {promise['action']} ({promise['promise']}) ran out"), language)})
    for complaint in facts.complaints_on(on):
        name = complaint.channel.name if language == "zh-hans" or not complaint.channel.name_en else complaint.channel.name_en
        for entry in complaint.log.order_by("at", "id"):
            if entry.event not in COMPLAINT_EVENTS or local_date(entry.at) > on:
                continue
            text = pick(COMPLAINT_EVENTS[entry.event], language).format(channel=name)
            if entry.note:
                text += f"（{entry.note}）" if language == "zh-hans" else f" ({entry.note})"
            timeline.append({"at": local_minute(entry.at), "text": text})
    timeline.sort(key=lambda item: item["at"])

    articles = sorted({*PIPL.get(request.right, ()), 50})
    if language == "zh-hans":
        basis = ["《中华人民共和国个人信息保护法》" + "、".join(f"第{ZH_NUMERALS[a]}条" for a in articles), DATA_REGULATION]
    else:
        basis = ["Personal Information Protection Law (PIPL) " + ", ".join(f"art. {a}" for a in articles),
                 "Regulations on Network Data Security Management, arts. 23-24"]
    citations = sorted({p["citation"] for p in promises if p["citation"]})
    basis += citations or [pick(("《App违法违规收集使用个人信息行为认定方法》六", "Methods for Identifying Illegal Collection and Use of Personal Information by Apps, section 6"), language)]
    for p in promises:
        if p["quote"] and p["policy"]:
            basis.append(pick((f"《{p['policy']}》：“{p['quote']}”", f"the policy {p['policy']}: “{p['quote']}”"), language))
            break

    evidence = [{"name": e.description or Path(e.file.name).name, "at": local_minute(e.uploaded_at)} for e in Evidence.objects.filter(request=request)]
    evidence += [{"name": e.description or Path(e.file.name).name, "at": local_minute(e.uploaded_at), "sha256": e.sha256}
                 for e in ComplaintEvidence.objects.filter(complaint__request=request)]

    prior = [{"channel": c.channel.name if language == "zh-hans" or not c.channel.name_en else c.channel.name_en, "lodged": local_minute(c.lodged_at),
              "answered": local_minute(c.answered_at) if c.answered_at and local_date(c.answered_at) <= on else "", "reference": c.reference}
             for c in facts.complaints_on(on) if c.channel.kind == Addressee.APP]
    address = facts.operator_address
    needs_address = channel is not None and channel.needs_complainant_address
    needs_respondent_address = channel is not None and channel.needs_respondent_address
    outcome = conduct_sentence(conduct, on, language, to_app=to_app)
    return {
        "language": language,
        "date": on.isoformat(),
        "to_app": to_app,
        "channel": {
            "code": channel.code if channel else "", "name": channel_name,
            "regulation": channel.regulation if channel else "", "contents_citation": channel.contents_citation if channel else "",
            "prerequisite_citation": channel.prerequisite_citation if channel else "", "agent_citation": channel.agent_citation if channel else "",
        },
        "complainant": {
            "name": blank(request.requester_name, "申诉人姓名", "complainant's name", language),
            "phone": blank(phone, "申诉人电话", "complainant's phone", language) if needs_address else phone,
            "address": blank(details.address, "申诉人通讯地址", "complainant's postal address", language) if needs_address else details.address,
            "postcode": blank(details.postcode, "申诉人邮政编码", "complainant's postcode", language) if needs_address else details.postcode,
            "email": email,
        },
        "agent": {"name": details.agent_name, "phone": details.agent_phone, "address": details.agent_address} if details.has_agent else None,
        "respondent": {
            "name": blank(facts.operator, "被申诉人名称", "respondent's legal name", language),
            "address": blank(address, "被申诉人通讯地址", "respondent's postal address", language) if needs_respondent_address else address,
            "app": app.name, "website": app.website,
        },
        "request": {
            "id": request.pk, "right": right, "filed": local_minute(request.filed_at), "submitted": local_minute(request.submitted_at),
            "channel_used": request.channel_used, "ticket": request.app_ticket_number,
        },
        "conduct": conduct.kind,
        "outcome": outcome,
        # Templates edited before the outcome sentence existed print `refusal`: it carries the same sentence.
        "refusal": outcome,
        "demand": demand_sentence(request.right, conduct, to_app=to_app, language=language),
        "promises": promises,
        "timeline": timeline,
        "basis": basis,
        "evidence": evidence,
        "prior_complaints": prior,
    }


def template_body(key: str, language: str) -> str:
    row = DraftTemplate.objects.filter(key=key, language=language).first()
    if row is not None:
        return row.body
    path = DEFAULTS / f"{key}.{language}.txt"
    if not path.exists():
        raise DraftError(_("There is no draft template “%(key)s” (%(language)s).") % {"key": key, "language": language})
    return path.read_text(encoding="utf-8")


def template_key(channel: Channel) -> str:
    """A channel's own template if there is one (e.g. "12300"), else the app's or the regulators' common one."""
    if DraftTemplate.objects.filter(key=channel.code).exists() or (DEFAULTS / f"{channel.code}.zh-hans.txt").exists():
        return channel.code
    return "app" if channel.kind == Addressee.APP else "complaint"


def render_body(body: str, context: dict) -> str:
    check_template(body)
    try:
        # Plain text: nothing is HTML-escaped here; the admin escapes the text where it shows it.
        text = ENGINE.from_string(body).render(Context(context, autoescape=False))
    except (TemplateDoesNotExist, TemplateSyntaxError) as error:
        raise DraftError(_("The template does not compile: %(error)s") % {"error": str(error).splitlines()[0] if str(error) else type(error).__name__}) from None
    text = re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"
    unfilled = UNFILLED.search(text)
    if unfilled:
        raise DraftError(_("The draft has an unfilled placeholder: %(what)s.") % {"what": unfilled.group(1)})
    missing = missing_details(text)
    if missing:
        language = context.get("language", "zh-hans")
        text += "\n" + MISSING_HEADING[language] + "\n" + "".join(f"{n}. {what}\n" for n, what in enumerate(missing, start=1))
    return text


def missing_details(text: str) -> list[str]:
    """The marked blanks of a draft, each once, in the order they appear."""
    return list(dict.fromkeys(match.group(1) or match.group(2) for match in BLANKS.finditer(text)))


def render(
    key: str, *, request: RightsRequest, channel: Channel | None, on: date, language: str, body: str | None = None,
    facts: CaseFacts | None = None,
) -> str:
    context = draft_context(request=request, channel=channel, on=on, language=language, facts=facts)
    return render_body(body if body is not None else template_body(key, language), context)


def render_complaint(*, request: RightsRequest, channel: Channel, on: date, language: str) -> str:
    return render(template_key(channel), request=request, channel=channel, on=on, language=language)
