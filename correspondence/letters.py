"""The letters the desk sends to an app, drafted from the record: the request letter and the follow-up (催办).

Both read the case through the complaints' facts layer (complaints.facts.CaseFacts by way of
complaints.drafting.draft_context) and are rendered by the same template engine, so a letter states only what the
record supports: the follow-up is the complaints' reminder draft, and is refused when no promise is overdue. Each
letter is Chinese (what is sent) with an English reading copy for the desk.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

from complaints.drafting import (
    DEFAULT_DEMAND,
    DEMANDS,
    PIPL,
    RIGHTS,
    ZH_NUMERALS,
    pick,
    promise_text,
    render,
    render_body,
)
from complaints.drafting import draft_context as complaint_draft_context
from complaints.facts import CaseFacts
from policies.models import ChannelKind, Procedure, Right
from policies.models.promises import promises_for
from rights.models import RightsRequest

from .tokens import reply_address

TEMPLATES = Path(settings.BASE_DIR) / "templates" / "correspondence" / "letters"
LANGUAGES = ("zh-hans", "en")
# Channels a letter cannot go through: the refusal names the channel (in the reader's language) and its path.
NOT_BY_LETTER = (
    ChannelKind.SELF_SERVICE, ChannelKind.IN_APP_AGENT, ChannelKind.CUSTOMER_SERVICE, ChannelKind.PHONE,
    ChannelKind.CONTACT_PERSON, ChannelKind.POST, ChannelKind.WEB,
)  # fmt: skip


class LetterError(Exception):
    """A letter that cannot be drafted or sent; one line for people. `channels`: the (channel, path) pairs to use
    instead, when the policy offers no e-mail address (the desk shows them with the evidence to keep)."""

    def __init__(self, message: str, *, channels: tuple[tuple[str, str], ...] = ()):
        super().__init__(message)
        self.channels = channels


@dataclass(frozen=True)
class Draft:
    kind: str  # correspondence.models.LetterKind
    to: str
    subject: str
    body: str  # Chinese: the letter that is sent
    reading_copy: str  # English, for the desk


def _procedures(request: RightsRequest, on: date, right: str) -> list[Procedure]:
    procedures = Procedure.objects.in_force(request.app, on).filter(right__in=[right, Right.ANY_REQUEST])
    return sorted(procedures, key=lambda p: (p.right != right, p.pk))


def recipient(request: RightsRequest, on: date, right: str | None = None) -> str:
    """The e-mail address the catalog lists for the right's procedure (`right`: the request's, or "complaint" for a
    complaint to the app), or else the app's privacy address; refused in one line naming the channel (and its path)
    when the policy offers only in-app or phone channels."""
    right = right or request.right
    procedures = _procedures(request, on, right)
    for procedure in procedures:
        for channel in procedure.channels:
            if channel.get("kind") == ChannelKind.EMAIL and "@" in str(channel.get("value", "")):
                return str(channel["value"]).strip()
    addresses = [str(a).strip() for a in request.app.emails if "@" in str(a)]
    if addresses:
        return addresses[0]
    channels = tuple(dict.fromkeys(
        (str(ChannelKind(c["kind"]).label), str(c.get("value", "")))
        for p in procedures for c in p.channels if c.get("kind") in NOT_BY_LETTER
    ))  # fmt: skip
    right_label = str(Right(right).label) if right in Right.values else _("complaint")
    if channels:
        named = "; ".join(f"{label}: {value}" for label, value in channels)
        raise LetterError(
            _("%(app)s lists no e-mail address for %(right)s: use its channel (%(channels)s) and keep screenshots of "
              "each step, the time of the call and the ticket number.")
            % {"app": request.app.name, "right": right_label, "channels": named},
            channels=channels,
        )  # fmt: skip
    raise LetterError(_("%(app)s lists no e-mail address for %(right)s.") % {"app": request.app.name, "right": right_label})


def subject(request: RightsRequest, *, follow_up: bool) -> str:
    right = RIGHTS.get(request.right, (request.right,))[0]
    prefix = "催办：" if follow_up else ""
    # The number in brackets is what triage's suggestion looks for in a reply's subject.
    return f"{prefix}{right}请求（{request.app.name}）[RightsDesk #{request.pk}]"


def _offered_promises(request: RightsRequest, on: date, language: str) -> list[dict]:
    """What the app promises for this right under the policy in force on `on`, quoted with the policy version."""
    offered = []
    for promise in promises_for(request.app, request.right, on):
        deadline, procedure = promise.deadline, promise.procedure
        version = procedure.policy_version if procedure else None
        statutory = deadline.statutory
        offered.append({
            "quote": procedure.quote if procedure and procedure.quote and not statutory else "",
            "policy": f"{version.title}（{(version.effective_on or version.published_on) or ''}）" if version else "",
            "promise": promise_text(deadline.min, deadline.max, deadline.unit, language),
            "citation": statutory.citation if statutory else "",
        })  # fmt: skip
    return offered


def _basis(right: str, language: str) -> list[str]:
    articles = sorted({*PIPL.get(right, (44,)), 50})
    if language == "zh-hans":
        return ["《中华人民共和国个人信息保护法》" + "、".join(f"第{ZH_NUMERALS[a]}条" for a in articles)]
    return ["Personal Information Protection Law (PIPL) " + ", ".join(f"art. {a}" for a in articles)]


def _identity(request: RightsRequest, facts: CaseFacts, language: str) -> list[str]:
    """The identity proof the record lets the letter offer, and nothing it does not hold."""
    items = []
    contact = request.requester_contact.strip()
    if contact:
        items.append(
            pick(
                (
                    f"可通过本人在贵方注册的联系方式（{contact}）核验",
                    f"you may verify me through my registered contact ({contact})",
                ),
                language,
            )
        )
    details = facts.details
    if details.has_agent and details.power_of_attorney:
        items.append(pick(("附授权委托书", "the power of attorney is enclosed"), language))
    if details.has_agent and details.agent_identity_document:
        items.append(pick(("附代理人身份证明", "the agent's identity document is enclosed"), language))
    return items


def request_letter_context(request: RightsRequest, *, on: date, language: str, facts: CaseFacts) -> dict:
    context = complaint_draft_context(request=request, channel=None, on=on, language=language, facts=facts)
    context.update(
        offered_promises=_offered_promises(request, on, language),
        letter_basis=_basis(request.right, language),
        identity=_identity(request, facts, language),
        reply_to=reply_address(request.pk),
    )
    if context["agent"]:  # an agent writes: "本人" would be the agent, so the demand names the principal
        zh, en = DEMANDS.get(request.right, DEFAULT_DEMAND)
        context["demand"] = pick(
            ("请贵方依法" + zh.format(who="委托人") + "，并书面告知处理结果",
             "please " + en.format(whose="my principal's", whom="my principal") + " as the law requires and tell me the result in writing"),
            language,
        )  # fmt: skip
    return context


def draft_letter(request: RightsRequest, *, on: date, follow_up: bool = False, facts: CaseFacts | None = None) -> Draft:
    """The letter for the request as of `on`: the request letter, or the follow-up on an overdue promise (`facts`:
    a reading of the case the caller already has, e.g. the request page's)."""
    to = recipient(request, on)
    facts = facts or CaseFacts(request)
    if follow_up:
        if not any(judged.overdue for judged in facts.clocks(on)):
            raise LetterError(
                _("Request #%(id)s has no overdue promise on %(day)s: there is nothing to follow up.")
                % {"id": request.pk, "day": on.isoformat()}
            )
        body, reading = (
            render("reminder", request=request, channel=None, on=on, language=lang, facts=facts) for lang in LANGUAGES
        )
        return Draft("follow_up", to, subject(request, follow_up=True), body, reading)
    body, reading = (
        render_body(
            (TEMPLATES / f"request.{lang}.txt").read_text(encoding="utf-8"),
            request_letter_context(request, on=on, language=lang, facts=facts),
        )
        for lang in LANGUAGES
    )
    return Draft("request", to, subject(request, follow_up=False), body, reading)


def draft_complaint_letter(complaint, *, on: date) -> Draft:
    """The complaint to the app as it goes out: its text as drafted (complaints.drafting, kept on the complaint),
    to the address of the app's complaint procedure, else its privacy address."""
    request = complaint.request
    if not complaint.text.strip():
        raise LetterError(_("Complaint #%(id)s has no drafted text to send.") % {"id": complaint.pk})
    to = recipient(request, on, Right.COMPLAINT)
    subject = (
        f"投诉：{RIGHTS.get(request.right, (request.right,))[0]}请求（{request.app.name}）[RightsDesk #{request.pk}]"
    )
    return Draft("complaint", to, subject, complaint.text, complaint.text_en)
