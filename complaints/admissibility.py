"""Is a complaint to this channel admissible yet? Each check is one line for people, with the day it will be
satisfied when waiting is all it takes (datarequests.org refuses a premature complaint; so do we).

Pure reading: takes the request's facts (complaints.facts.CaseFacts: its events, its clocks' verdicts, the
parties), the channel, the day and the calendar; writes nothing and restates no deadline rule.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.utils.translation import gettext as _

from deadlines.counting import add_months, compute_deadline
from deadlines.workdays import WorkCalendar
from rights.models import RightsRequest, local_date

from .facts import CaseFacts
from .models import Channel, Complaint, Prerequisite

POSTCODE = re.compile(r"[0-9]{6}")  # ASCII digits only: "²" is a digit to str.isdigit(), not to a post office


@dataclass(frozen=True)
class Check:
    code: str
    ok: bool
    message: str = ""
    from_day: date | None = None  # when waiting satisfies it; None when someone has to act (or never)


@dataclass
class Admissibility:
    channel: Channel
    on: date
    checks: list[Check] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(check.ok for check in self.checks)

    @property
    def failed(self) -> list[Check]:
        return [check for check in self.checks if not check.ok]

    @property
    def from_day(self) -> date | None:
        """The day every failed check is satisfied, when all of them only need time; else None."""
        failed = self.failed
        if not failed or any(check.from_day is None for check in failed):
            return None
        return max(check.from_day for check in failed)

    def refusal(self) -> str:
        """One line: why not, and from which day it will be admissible (when that is only a matter of time)."""
        reasons = "; ".join(check.message for check in self.failed)
        if self.from_day:
            return _("Not admissible at %(channel)s yet, admissible from %(day)s: %(reasons)s") % {
                "channel": self.channel.display_name, "day": self.from_day.isoformat(), "reasons": reasons,
            }
        return _("Not admissible at %(channel)s: %(reasons)s") % {"channel": self.channel.display_name, "reasons": reasons}


def next_day(day: date) -> date:
    return day + timedelta(days=1)


def prior_app_complaints(request: RightsRequest, on: date, facts: CaseFacts | None = None) -> list[Complaint]:
    return [c for c in (facts or CaseFacts(request)).lodged_app_complaints if local_date(c.lodged_at) <= on]


def check_admissibility(
    *, request: RightsRequest, channel: Channel, on: date, calendar: WorkCalendar, facts: CaseFacts | None = None
) -> Admissibility:
    """Whether `channel` takes a complaint about `request` on `on`. Checking several channels, pass one CaseFacts."""
    facts = facts or CaseFacts(request, calendar)
    result = Admissibility(channel, on)
    add = result.checks.append
    wrong = facts.grievance(on)

    # The app must have done something to complain about: a missed promise or a refusal.
    if channel.prerequisite == Prerequisite.REFUSAL:
        refused = wrong.arose_on is not None and facts.refusal is not None
        add(Check("refusal", refused, "" if refused else _(
            "a court case needs the app's refusal first (%(citation)s)") % {"citation": channel.prerequisite_citation}))
    elif wrong.arose_on is None:
        if wrong.expected_on:
            add(Check("grievance", False, _("the app's promise runs to %(last)s: nothing to complain about before %(day)s") % {
                "last": (wrong.expected_on - timedelta(days=1)).isoformat(), "day": wrong.expected_on.isoformat()}, wrong.expected_on))
        else:
            add(Check("grievance", False, _("the app has neither missed a promise nor refused")))
    else:
        add(Check("grievance", True))

    if channel.prerequisite == Prerequisite.APP_COMPLAINT:
        add(_prior_complaint_check(request, channel, on, calendar, facts))

    if channel.time_bar_years and wrong.arose_on:
        # Civil Code art. 202 counts years as months; art. 203 moves a last day off to the next working day.
        barred_after = calendar.next_working_day_from(add_months(wrong.arose_on, 12 * channel.time_bar_years))[0]
        in_time = on <= barred_after
        add(Check("time_bar", in_time, "" if in_time else _(
            "time-barred since %(day)s (%(years)s years from %(arose)s, %(citation)s)") % {
            "day": next_day(barred_after).isoformat(), "years": channel.time_bar_years,
            "arose": wrong.arose_on.isoformat(), "citation": channel.time_bar_citation}))

    app = request.app
    if not facts.operator:
        add(Check("respondent", False, _("the operator's legal name is missing from the catalog (app %(app)s)") % {"app": app.name}))
    elif channel.needs_respondent_address and not facts.operator_address:
        add(Check("respondent", False, _("the address of %(operator)s is missing from the catalog (app %(app)s, postal addresses; %(citation)s)") % {
            "operator": app.operator, "app": app.name, "citation": channel.contents_citation}))
    else:
        add(Check("respondent", True))

    details = facts.details
    missing = []
    if channel.needs_complainant_address:
        if not facts.phone:
            missing.append(_("phone"))
        if not details.address.strip():
            missing.append(_("postal address"))
        if not POSTCODE.fullmatch(details.postcode or ""):
            missing.append(_("postcode (six digits)"))
    elif not (request.requester_contact.strip() or facts.phone or facts.email):
        missing.append(_("phone or e-mail"))
    if missing:
        add(Check("complainant", False, _("the requester's %(missing)s is missing (complainant details of request #%(id)s%(citation)s)") % {
            "missing": ", ".join(str(m) for m in missing), "id": request.pk,
            "citation": f"; {channel.contents_citation}" if channel.contents_citation else ""}))
    else:
        add(Check("complainant", True))

    if details.has_agent:
        lacking = []
        if not details.power_of_attorney:
            lacking.append(_("the power of attorney (授权委托书)"))
        if channel.agent_needs_identity_document and not details.agent_identity_document:
            lacking.append(_("the agent's identity document"))
        if lacking:
            add(Check("agent", False, _("the agent %(agent)s needs %(what)s on file%(citation)s") % {
                "agent": details.agent_name, "what": _(" and ").join(str(x) for x in lacking),
                "citation": f" ({channel.agent_citation})" if channel.agent_citation else ""}))
        else:
            add(Check("agent", True))
    return result


def _prior_complaint_check(request, channel, on, calendar, facts) -> Check:
    days = channel.prerequisite_days or 15
    prior = prior_app_complaints(request, on, facts)
    citation = channel.prerequisite_citation
    if not prior:
        if_today = next_day(compute_deadline(on, days, "calendar_day", calendar).last_day)
        return Check("app_complaint", False, _(
            "no complaint to the app yet: %(channel)s takes a case only after the app has had %(days)s days to answer one "
            "(%(citation)s); lodged today, it is admissible from %(day)s") % {
            "channel": channel.display_name, "days": days, "citation": citation, "day": if_today.isoformat()})
    answered = [c for c in prior if c.answered_at is not None and local_date(c.answered_at) <= on]
    if answered and all(c.satisfied for c in answered) and len(answered) == len(prior):
        return Check("app_complaint", False, _("the app's answer of %(day)s satisfied the requester (%(citation)s)") % {
            "day": local_date(answered[-1].answered_at).isoformat(), "citation": citation})
    if answered:
        return Check("app_complaint", True)
    first = prior[0]
    # Civil Code art. 201: the days start the day after the complaint; the app has all of its last day.
    ready = next_day(compute_deadline(first.lodged_at, days, "calendar_day", calendar).last_day)
    if on >= ready:
        return Check("app_complaint", True)
    return Check("app_complaint", False, _(
        "the complaint to the app (lodged %(lodged)s) has %(days)s days to be answered, until %(last)s (%(citation)s)") % {
        "lodged": local_date(first.lodged_at).isoformat(), "days": days,
        "last": (ready - timedelta(days=1)).isoformat(), "citation": citation}, ready)
