"""No draft asserts what the record contradicts (issue 18): random event sequences, recorded through the one write
path with backdated times, then every draft (to the app and to each regulator channel, in both languages) is read
against the record."""
import re
from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from complaints.drafting import render_complaint
from complaints.models import Channel
from rights.models import local_date
from rights.services import RequestError, allowed_events, record_event
from tests.factories import file, shanghai

pytestmark = pytest.mark.django_db

NOW = shanghai(2027, 3, 1, 12)
FILED = shanghai(2026, 9, 28, 10)
DATE = re.compile(r"\b(\d{4}-\d{2}-\d{2})\b")
ANSWERS = {"acknowledge", "reply", "complete", "confirm"}
INPUTS = {
    "refuse": {"reason": "账号存在未完成订单"}, "withdraw": {"note": "撤回"}, "reopen": {"note": "复核后重新处理"},
    "escalate": {"regulator": "12377"}, "extend": {"until": date(2026, 12, 31), "basis": "none"},
    "reply": {"note": "客服称处理中"},
}  # fmt: skip
EVENT_SEQUENCES = st.lists(
    st.sampled_from(["acknowledge", "request_identity", "verify_identity", "reply", "complete", "confirm", "reopen",
                     "refuse", "withdraw", "escalate", "resolve", "pause", "resume", "extend"]),
    max_size=8,
)  # fmt: skip


def recorded_days(request, on: date) -> set[date]:
    """The days a letter dated `on` may quote: the record's event days up to `on`, every last day of its clocks
    (and the policy version each promise quotes), and the letter's own day."""
    days = {on} | {local_date(entry.at) for entry in request.log.all() if local_date(entry.at) <= on}
    for clock in request.clocks.select_related("policy_version"):
        days |= {d for d in (clock.due, clock.final_due, clock.statutory_due, clock.deadline, clock.extended_to) if d}
        if clock.policy_version:
            days |= {d for d in (clock.policy_version.effective_on, clock.policy_version.published_on) if d}
    return days


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(
    app_name=st.sampled_from(["卢米埃影城", "E票电影"]),
    events=EVENT_SEQUENCES,
    gaps=st.lists(st.integers(min_value=0, max_value=8 * 24), min_size=8, max_size=8),
    wait=st.integers(min_value=0, max_value=40),
)
def test_no_draft_contradicts_the_record(catalog, app_name, events, gaps, wait):
    request = file(catalog[app_name], at=FILED, requester_contact="13812345678", now=NOW)
    at = FILED
    for name, gap in zip(events, gaps, strict=False):
        at = at + timedelta(hours=gap)
        if name not in allowed_events(request):
            continue
        try:
            request = record_event(request=request, event=name, at=at, now=NOW, **INPUTS.get(name, {}))
        except RequestError:
            continue
    on = local_date(at) + timedelta(days=wait)
    recorded = [entry.transition for entry in request.log.all() if local_date(entry.at) <= on]
    answered = ANSWERS & set(recorded)
    completed = {"complete", "confirm"} & set(recorded)
    allowed = {d.isoformat() for d in recorded_days(request, on)}

    for channel in Channel.objects.filter(drafting=True):
        to_app = channel.kind == "app"
        zh = render_complaint(request=request, channel=channel, on=on, language="zh-hans")
        en = render_complaint(request=request, channel=channel, on=on, language="en")
        where = f"{channel.code} {recorded} on {on}"
        if answered:
            assert "未答复" not in zh and "nor replied" not in en, where
        if completed:
            assert "未处理" not in zh and "neither acted" not in en, where
        if to_app:
            assert "责令" not in zh and "order the respondent" not in en.lower(), where
        else:
            assert "责令" in zh and "贵方" not in zh and "order" in en, where
        if "refuse" in recorded and recorded[-1] == "refuse":
            assert "理由为：“账号存在未完成订单”" in zh and "reason: “账号存在未完成订单”" in en, where
        quoted = set(DATE.findall(zh)) | set(DATE.findall(en))
        assert quoted <= allowed, (where, quoted - allowed)
