"""The request page as one case view (issue 19): its title, the context of its regions (summary, clocks, actions,
timeline, and the tracks' panels: complaints, correspondence) and the one timeline of everything that happened to
the case: the request's events, its complaints' events and mail (from the tracks' panels, rights.registry) and
the reminders sent, each with its reason and its note.

Read once per page: the clocks, the history with its evidence, the reminders sent; the tracks share one reading of
the case (their panels' `case`), so the page's statements do not grow with the number of events.
"""
from __future__ import annotations

from django.contrib.admin.utils import quote
from django.urls import reverse
from django.utils.translation import gettext as _

from .admin_html import PageClock, history_details
from .events import BUTTON_LABELS, EVENT_LABELS, GRAVE_EVENTS, event_label
from .forms import AssignForm, event_forms
from .models import Clock, Reminder, ReminderStatus, RightsRequest, TransitionLog
from .registry import TimelineEntry, tracks
from .services import allowed_events

# The order of a timeline's entries at the same minute: what was recorded on the request first, then what followed.
KIND_ORDER = {"request": 0, "complaint": 1, "mail": 2, "reminder": 3}


def case_title(obj: RightsRequest) -> str:
    """What the page is: "Request #12 · 卢米埃影城 · Account cancellation"."""
    return _("Request #%(id)s · %(app)s · %(right)s") % {"id": obj.pk, "app": obj.app.name, "right": obj.get_right_display()}


def _person(user) -> str:
    return (user.get_full_name() or user.get_username()) if user else ""


def request_entries(history: list[TransitionLog], evidence_url) -> list[TimelineEntry]:
    """The request's own events: a refusal's reason and its note both (the reason stays after a reopening)."""
    entries = []
    for entry in history:
        details = entry.details or {}
        reason = details.get("reason", "") if entry.transition == "refuse" else ""
        # A refusal recorded without a note carries its reason as the note: shown once, as the reason.
        note = "" if reason and entry.note == reason else entry.note
        entries.append(
            TimelineEntry(
                at=entry.at,
                kind="request",
                label=str(event_label(entry.transition)),
                code=entry.transition,
                by=_person(entry.by),
                change=f"{entry.get_source_display()} → {entry.get_target_display()}" if entry.source and entry.source != entry.target else "",
                reason=reason,
                note=note,
                detail="" if reason else history_details(entry),
                files=tuple((evidence_url(item), str(item)) for item in entry.evidence.all()),
            )
        )
    return entries


def reminder_entries(obj: RightsRequest, ledger_url: str) -> list[TimelineEntry]:
    """The reminders the sweep sent about the request's clocks and its complaints' (one query)."""
    sent = Reminder.objects.filter(request=obj, status=ReminderStatus.SENT).select_related("clock").order_by("sent_at", "id")
    return [
        TimelineEntry(
            at=reminder.sent_at or reminder.created_at,
            kind="reminder",
            label=_("Reminder sent: %(kind)s") % {"kind": reminder.get_kind_display()},
            code=reminder.kind,
            detail=_("to %(recipient)s · last day %(day)s") % {"recipient": reminder.recipient, "day": f"{reminder.due:%Y-%m-%d}"}
            + (f" · {reminder.clock.get_action_display()}" if reminder.clock else ""),
            url=ledger_url,
        )
        for reminder in sent
    ]


def timeline(*groups) -> list[TimelineEntry]:
    """Every group's entries in the order they happened (the newest last, as a record reads)."""
    return sorted((entry for group in groups for entry in group), key=lambda e: (e.at, KIND_ORDER.get(e.kind, 9)))


def case_context(model_admin, request, obj: RightsRequest) -> dict:
    page = PageClock.of(request)
    opts = model_admin.opts
    clocks = list(
        Clock.objects.filter(request=obj).select_related("policy_version", "statutory_default").order_by("final_due", "id")
    )
    can_work = model_admin.has_change_permission(request, obj)
    # Assigning has its own form on the page (the *assign* event behind it): not a second form with the same ids.
    names = [n for n in allowed_events(obj, request.user) if n != "assign"] if can_work else []
    forms = event_forms(obj, names)
    statuses = page.statuses(obj, clocks=clocks)
    history = list(obj.log.select_related("by").prefetch_related("evidence").order_by("at", "id"))
    # One reading of the case shared by the tracks' panels (rights.registry): the events and clocks read here.
    case: dict = {"log": history, "clocks": clocks}
    panels = [
        (track.name, panel) for track in tracks() if track.request_panel
        if (panel := track.request_panel(
            request, obj, now=page.now, calendar=page.calendar, due_soon_working_days=page.due_soon, case=case)) is not None
    ]  # fmt: skip
    evidence_prefix = reverse(f"admin:{opts.app_label}_{opts.model_name}_evidence", args=[quote(obj.pk), 0]).removesuffix("0/")
    ledger_url = reverse("admin:rights_reminder_changelist") + f"?q={obj.pk}"
    entries = timeline(
        request_entries(history, lambda item: f"{evidence_prefix}{item.pk}/"),
        reminder_entries(obj, ledger_url),
        *(panel.timeline for _name, panel in panels),
    )
    return {
        "title": case_title(obj),
        "subtitle": None,
        "today": page.today,
        "deadline_statuses": statuses,
        "next_deadline": next((s for s in statuses if s.days_left is not None), None),
        "due_soon_working_days": page.due_soon,
        "clocks": clocks,
        "timeline": entries,
        "reminders_url": ledger_url,
        "transitions": [
            # The button is an imperative ("Amend"); what it records is named as the history names it ("Amended").
            {"name": name, "label": EVENT_LABELS[name], "button": BUTTON_LABELS[name], "form": forms[name], "grave": name in GRAVE_EVENTS}
            for name in names
        ],
        "can_work": can_work,
        "assign_form": AssignForm(initial={"assignee": obj.assignee_id}, prefix="assign") if can_work else None,
        "track_panels": [{"region": name, "template": panel.template} for name, panel in panels],
        **{key: value for _name, panel in panels for key, value in panel.context.items()},
    }
