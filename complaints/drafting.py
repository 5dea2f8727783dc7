"""Drafts generated from the record: a complaint per channel, the reminder letter to the app (催办) and the power
of attorney (授权委托书), in Chinese (the document that is sent) and English (for reading).

The facts come from the request's history, clocks and catalog entries, never retyped. The wording lives in
DraftTemplate rows (editable in the admin; defaults in templates/complaints/drafts/), rendered by a Django
template engine with no tags library, no loaders and no model objects in its context: a template can only
arrange the facts it is given. A fact the record lacks renders as a placeholder, and a draft that still has one
is refused, as froide refuses a letter with an unfilled blank.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from django.conf import settings
from django.template import Context, Engine, TemplateDoesNotExist, TemplateSyntaxError
from django.utils.translation import gettext as _

from policies.models import work_calendar
from deadlines.workdays import WorkCalendar
from rights.models import Evidence, RightsRequest, local_date, local_minute

from .admissibility import details_of, grievance, looks_like_phone
from .models import Channel, ChannelKind, Complaint, ComplaintEvidence, DraftTemplate

DEFAULTS = Path(settings.BASE_DIR) / "templates" / "complaints" / "drafts"
LANGUAGES = ("zh-hans", "en")
PLACEHOLDER = {"zh-hans": "【待填写：{}】", "en": "[to fill in: {}]"}
# Bounded, no nested quantifiers: linear on any input.
UNFILLED = re.compile(r"【待填写[：:]([^】\n]{0,80})】|\[to fill in: ([^\]\n]{0,80})\]")


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
DEMANDS = {
    "account_cancellation": ("责令被申诉人依法注销申诉人的账号并删除其个人信息，书面告知处理结果", "order the respondent to cancel the complainant's account, delete the personal information and say so in writing"),
    "deletion": ("责令被申诉人依法删除申诉人的个人信息，书面告知处理结果", "order the respondent to delete the complainant's personal information and say so in writing"),
    "correction": ("责令被申诉人依法更正、补充申诉人的个人信息，书面告知处理结果", "order the respondent to correct the personal information and say so in writing"),
    "access": ("责令被申诉人依法向申诉人提供其个人信息供查阅", "order the respondent to let the complainant access the personal information"),
    "copy": ("责令被申诉人依法向申诉人提供其个人信息副本", "order the respondent to give the complainant a copy of the personal information"),
    "consent_withdrawal": ("责令被申诉人依法停止基于已撤回同意的个人信息处理", "order the respondent to stop processing based on the withdrawn consent"),
}
DEFAULT_DEMAND = ("责令被申诉人依法处理申诉人的请求，并书面告知处理结果及理由", "order the respondent to handle the request and give its result and reasons in writing")
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


@dataclass
class Facts:
    """Missing facts become placeholders; each label is what the person has to supply."""

    language: str

    def need(self, value, label_zh: str, label_en: str) -> str:
        value = "" if value is None else str(value).strip()
        return value or PLACEHOLDER[self.language].format(label_zh if self.language == "zh-hans" else label_en)


def draft_context(*, request: RightsRequest, channel: Channel | None, on: date, language: str,
                  calendar: WorkCalendar | None = None) -> dict:
    """The facts of the record as plain strings, lists and dicts (no model objects reach a template)."""
    calendar = calendar or work_calendar()
    facts = Facts(language)
    app = request.app
    details = details_of(request)
    right = pick(RIGHTS.get(request.right, (request.right, request.right)), language)
    phone = details.phone or (request.requester_contact if looks_like_phone(request.requester_contact) else "")
    email = details.email or (request.requester_contact if "@" in request.requester_contact else "")
    channel_name = (channel.name if language == "zh-hans" or not channel.name_en else channel.name_en) if channel else ""

    promises = []
    for clock in request.clocks.select_related("policy_version").order_by("final_due", "id"):
        version = clock.policy_version
        overdue_days = 0
        if clock.met_at is None and clock.stopped_at is None and clock.final_due < on:
            overdue_days = calendar.working_days_between(clock.final_due, on)
        kept_on = local_date(clock.met_at).isoformat() if clock.met_at else ""
        if clock.met_at is not None:
            status = pick(("已于{d}履行".format(d=kept_on), f"kept on {kept_on}"), language) if clock.kept_promise() else pick(
                ("逾期后于{d}才履行".format(d=kept_on), f"kept late, on {kept_on}"), language)
        elif clock.stopped_at is not None:
            status = pick(("已停止计时", "stopped"), language)
        elif overdue_days:
            status = pick((f"已逾期{overdue_days}个工作日", f"overdue by {overdue_days} working days"), language)
        else:
            status = pick(("期限未届满", "not yet due"), language)
        promises.append({
            "action": pick(("答复", "reply") if clock.action == "reply" else ("完成处理", "completion"), language),
            "quote": clock.quote,
            "policy": f"{version.title}（{(version.effective_on or version.published_on) or ''}）" if version else "",
            "promise": promise_text(clock.amount_min, clock.amount_max, clock.unit, language),
            "statutory": clock.is_statutory,
            "started": local_minute(clock.started_at),
            "due": clock.due.isoformat(),
            "final_due": clock.final_due.isoformat(),
            "statutory_due": clock.statutory_due.isoformat() if clock.statutory_due else "",
            "citation": clock.citation,
            "overdue_working_days": overdue_days,
            "status": status,
        })

    timeline = []
    for entry in request.log.order_by("at", "id"):
        if local_date(entry.at) > on or entry.transition not in EVENTS:
            continue
        text = pick(EVENTS[entry.transition], language).format(right=right)
        extra = []
        if entry.transition == "submit":
            if request.channel_used:
                extra.append(pick(("渠道：", "channel: "), language) + request.channel_used)
            if request.app_ticket_number:
                extra.append(pick(("工单号：", "ticket: "), language) + request.app_ticket_number)
        if entry.note:
            extra.append(entry.note)
        timeline.append({"at": local_minute(entry.at), "sort": entry.at, "text": text + (f"（{'；'.join(extra)}）" if language == "zh-hans" and extra else f" ({'; '.join(extra)})" if extra else "")})
    for clock in promises:
        if clock["overdue_working_days"]:
            timeline.append({"at": clock["final_due"], "sort": None, "text": pick(
                (f"App承诺的最后期限（{clock['promise']}）届满，未{clock['action']}", f"the promised last day ({clock['promise']}) passed without {clock['action']}"), language)})
    for other in Complaint.objects.filter(request=request).exclude(lodged_at__isnull=True).select_related("channel"):
        for entry in other.log.filter(event__in=COMPLAINT_EVENTS).order_by("at", "id"):
            if local_date(entry.at) > on:
                continue
            name = other.channel.name if language == "zh-hans" or not other.channel.name_en else other.channel.name_en
            text = pick(COMPLAINT_EVENTS[entry.event], language).format(channel=name)
            if entry.note:
                text += f"（{entry.note}）" if language == "zh-hans" else f" ({entry.note})"
            timeline.append({"at": local_minute(entry.at), "sort": entry.at, "text": text})
    timeline.sort(key=lambda item: item["at"])

    refusal = request.log.filter(transition="refuse").order_by("-at").first()
    wrong = grievance(request, on)
    replies = [{"at": local_minute(e.at), "note": e.note} for e in request.log.filter(transition="reply").order_by("at")]
    if refusal is not None:
        refusal_text = pick((f"App于{local_minute(refusal.at)}拒绝，理由：{request.refusal_reason or refusal.note}",
                             f"the app refused on {local_minute(refusal.at)}, giving as its reason: {request.refusal_reason or refusal.note}"), language)
    elif replies:
        refusal_text = ""
    else:
        refusal_text = pick((f"截至{on.isoformat()}，App既未处理，也未答复或说明理由（《中华人民共和国个人信息保护法》第五十条）",
                             f"as of {on.isoformat()} the app has neither acted nor replied nor given reasons (PIPL art. 50)"), language)

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

    prior = [{"channel": c.channel.name, "lodged": local_minute(c.lodged_at), "answered": local_minute(c.answered_at), "reference": c.reference}
             for c in Complaint.objects.filter(request=request, channel__kind=ChannelKind.APP).exclude(lodged_at__isnull=True).select_related("channel")
             if local_date(c.lodged_at) <= on]
    address = next((str(a).strip() for a in app.addresses if str(a).strip()), "")
    return {
        "date": on.isoformat(),
        "channel": {
            "code": channel.code if channel else "", "name": channel_name,
            "regulation": channel.regulation if channel else "", "contents_citation": channel.contents_citation if channel else "",
            "prerequisite_citation": channel.prerequisite_citation if channel else "", "agent_citation": channel.agent_citation if channel else "",
        },
        "complainant": {
            "name": facts.need(request.requester_name, "申诉人姓名", "complainant's name"),
            "phone": facts.need(phone, "申诉人电话", "complainant's phone") if channel and channel.needs_complainant_address else phone,
            "address": facts.need(details.address, "申诉人地址", "complainant's address") if channel and channel.needs_complainant_address else details.address,
            "postcode": facts.need(details.postcode, "申诉人邮政编码", "complainant's postcode") if channel and channel.needs_complainant_address else details.postcode,
            "email": email,
        },
        "agent": {"name": details.agent_name, "phone": details.agent_phone, "address": details.agent_address} if details.has_agent else None,
        "respondent": {
            "name": facts.need(app.operator, "被申诉人名称", "respondent's legal name"),
            "address": facts.need(address, "被申诉人地址", "respondent's address") if channel and channel.needs_respondent_address else address,
            "app": app.name, "website": app.website,
        },
        "request": {
            "id": request.pk, "right": right, "filed": local_minute(request.filed_at), "submitted": local_minute(request.submitted_at),
            "channel_used": request.channel_used, "ticket": request.app_ticket_number,
        },
        "demand": pick(DEMANDS.get(request.right, DEFAULT_DEMAND), language),
        "promises": promises,
        "timeline": timeline,
        "replies": replies,
        "refusal": refusal_text,
        "grievance": wrong.what,
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
    return "app" if channel.kind == ChannelKind.APP else "complaint"


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
        raise DraftError(_("The draft has an unfilled placeholder: %(what)s.") % {"what": unfilled.group(1) or unfilled.group(2)})
    return text


def render(key: str, *, request: RightsRequest, channel: Channel | None, on: date, language: str, body: str | None = None) -> str:
    context = draft_context(request=request, channel=channel, on=on, language=language)
    return render_body(body if body is not None else template_body(key, language), context)


def render_complaint(*, request: RightsRequest, channel: Channel, on: date, language: str) -> str:
    return render(template_key(channel), request=request, channel=channel, on=on, language=language)


def app_channel() -> Channel | None:
    return Channel.objects.filter(kind=ChannelKind.APP).first()
