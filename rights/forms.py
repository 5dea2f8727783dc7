"""Admin forms for rights requests. They parse and check what a person typed; the rules of the state machine
and of filing stay in rights.services, which the admin calls with the cleaned data."""
from __future__ import annotations

from datetime import date, datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from deadlines.counting import local_day as local_date
from policies.models import Action, App, Procedure, Right

from .desk import bulk_choices
from .events import AMENDABLE_FIELDS, EVENTS
from .models import RightsRequest, State
from .roles import assignable_users
from .uploads import check_evidence_file

LOCAL_MINUTE = "%Y-%m-%dT%H:%M"
FILED_RIGHTS = [(value, label) for value, label in Right.choices if value != Right.ANY_REQUEST]


class DateTimeLocalInput(forms.DateTimeInput):
    """The browser's date-and-time picker; values are read in the current time zone (Asia/Shanghai)."""

    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs, format=LOCAL_MINUTE)


def _latest_allowed() -> str:
    # Events cannot be dated in the future (services refuse it); the picker says so up front.
    return timezone.localtime().strftime(LOCAL_MINUTE)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several uploaded files under one name (Django's documented pattern); cleans to a list."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, (list, tuple)):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


class AssigneeChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, user):
        full_name = user.get_full_name()
        return f"{full_name} ({user.get_username()})" if full_name else user.get_username()


class ProcedureSelect(forms.Select):
    """Options carry their app and right, so the page can show only the chosen app's procedures."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.option_data: dict[str, dict[str, str]] = {}

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        option["attrs"].update(self.option_data.get(str(value), {}))
        return option


def procedure_label(procedure: Procedure) -> str:
    channels = "、".join(channel.get("value", "") for channel in procedure.channels or [])
    if len(channels) > 40:
        channels = channels[:39] + "…"
    label = f"{procedure.get_right_display()} · {procedure.get_action_display()}: {procedure.promise_display()}"
    return f"{label} — {channels}" if channels else label


class FileRequestForm(forms.Form):
    """File a request that was sent to the app at `sent_at`; its clocks start then (services.file_request)."""

    app = forms.ModelChoiceField(App.objects.order_by("name"), label=_("App"))
    right = forms.ChoiceField(label=_("Right"), choices=[("", "---------"), *FILED_RIGHTS])
    procedure = forms.TypedChoiceField(
        label=_("Procedure followed"),
        required=False,
        coerce=int,
        empty_value=None,
        widget=ProcedureSelect,
        help_text=_("Optional: the procedure of the policy in force. Left empty, the right's own procedure is used."),
    )
    requester_name = forms.CharField(label=_("Requester"), max_length=200)
    requester_contact = forms.CharField(
        label=_("Requester contact"), max_length=200, required=False, help_text=_("Phone or e-mail; lists show it masked.")
    )
    channel_used = forms.CharField(
        label=_("Channel used"), max_length=300, required=False, help_text=_("Where the request was sent, e.g. 人工客服.")
    )
    app_ticket_number = forms.CharField(label=_("App's ticket number"), max_length=100, required=False)
    # Typed as 2026-12-01 15:39 in every language (a browser's date picker shows its own locale's format).
    sent_at = forms.DateTimeField(
        label=_("Sent at"),
        input_formats=["%Y-%m-%d %H:%M", LOCAL_MINUTE],
        widget=forms.DateTimeInput(format="%Y-%m-%d %H:%M", attrs={"placeholder": "2026-12-01 15:39", "size": 16}),
        help_text=_("When the request reached the app (Asia/Shanghai); the clocks start then."),
    )
    assignee = AssigneeChoiceField(assignable_users(), label=_("Assignee"), required=False)
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, user=None, now: datetime | None = None, **kwargs):
        now = now or timezone.now()
        initial = {"sent_at": timezone.localtime(now).replace(second=0, microsecond=0), **kwargs.pop("initial", {})}
        if user is not None and user.is_staff and "assignee" not in initial:
            initial["assignee"] = user.pk
        super().__init__(*args, initial=initial, **kwargs)
        self.fields["assignee"].queryset = assignable_users()
        self._procedures = self._procedures_in_force(local_date(now))
        widget = self.fields["procedure"].widget
        widget.option_data = {
            str(p.pk): {"data-app": str(p.policy_version.app_id), "data-right": p.right} for p in self._procedures
        }
        groups: dict[str, list] = {}
        for procedure in self._procedures:
            groups.setdefault(procedure.policy_version.app.name, []).append((procedure.pk, procedure_label(procedure)))
        self.fields["procedure"].choices = [("", _("— the right's own procedure —")), *groups.items()]

    @staticmethod
    def _procedures_in_force(on: date) -> list[Procedure]:
        procedures = []
        for app in App.objects.order_by("name"):
            procedures.extend(Procedure.objects.in_force(app, on).select_related("policy_version__app"))
        return procedures

    def clean(self):
        data = super().clean()
        app, right, pk, sent_at = data.get("app"), data.get("right"), data.get("procedure"), data.get("sent_at")
        data["procedure_obj"] = None
        if pk is None or app is None or right is None:
            return data
        on = local_date(sent_at or timezone.now())
        procedure = Procedure.objects.in_force(app, on).filter(pk=pk).first()
        if procedure is None:
            self.add_error("procedure", _("This procedure is not in force for %(app)s on %(day)s.") % {"app": app, "day": f"{on:%Y-%m-%d}"})
        elif procedure.right not in (right, Right.ANY_REQUEST):
            self.add_error("procedure", _("This procedure is for “%(right)s”.") % {"right": procedure.get_right_display()})
        else:
            data["procedure_obj"] = procedure
        return data


class EventForm(forms.Form):
    """What an event asks for (rights/events.py: its inputs), when it happened, a note, evidence files.

    `expected_state` is the state the page showed, so a page left open while someone else moved the request
    gets a conflict instead of silently acting on a state the person never saw. The fields are the event's own;
    the rules (what is required, which dates are allowed) stay in rights.services, which says what is wrong.
    """

    expected_state = forms.ChoiceField(choices=State.choices, widget=forms.HiddenInput)
    reason = forms.CharField(
        label=_("The app's reason"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        help_text=_("PIPL art. 50: a refusal must state its reasons."),
    )
    regulator = forms.CharField(label=_("Regulator"), max_length=200, required=False, help_text=_("e.g. 网信办 12377"))
    reference = forms.CharField(label=_("Regulator's reference"), max_length=100, required=False)
    field = forms.ChoiceField(label=_("Detail"), required=False, choices=[("", "---------"), *AMENDABLE_FIELDS.items()])
    value = forms.CharField(label=_("New value"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    until = forms.DateField(label=_("Until"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    basis = forms.CharField(
        label=_("Legal basis"),
        max_length=300,
        required=False,
        help_text=_("The law the app relies on to extend, or “none” when it gave none."),
    )
    action = forms.ChoiceField(
        label=_("Promised action"), required=False, choices=[("", _("— every running clock —")), *Action.choices]
    )
    assignee = AssigneeChoiceField(assignable_users(), label=_("Assignee"), required=False, empty_label=_("— nobody —"))
    note = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    at = forms.DateTimeField(
        label=_("Happened at"), required=False, widget=DateTimeLocalInput, help_text=_("Empty: now (Asia/Shanghai).")
    )
    evidence = MultipleFileField(
        label=_("Evidence"), required=False, help_text=_("Screenshots, e-mails, letters."), validators=[check_evidence_file]
    )

    INPUT_FIELDS = ("reason", "regulator", "reference", "field", "value", "until", "basis", "action", "assignee")

    def __init__(self, event: str, *args, **kwargs):
        kwargs.setdefault("prefix", event)
        super().__init__(*args, **kwargs)
        self.event = EVENTS[event]
        for name in self.INPUT_FIELDS:
            if name not in self.event.fields:
                del self.fields[name]
        if "assignee" in self.fields:
            self.fields["assignee"].queryset = assignable_users()
        # Browser hints only: the service is the rule and says what is missing.
        for name in self.event.inputs:
            if name in self.fields:
                self.fields[name].widget.attrs["required"] = True
        if "note" in self.event.inputs:
            self.fields["note"].label = _("Note (required)")
        self.fields["at"].widget.attrs["max"] = _latest_allowed()

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        kwargs = {
            "expected_state": data["expected_state"],
            "note": data.get("note", ""),
            "at": data.get("at"),
            "evidence": data.get("evidence") or [],
        }
        for name in self.INPUT_FIELDS:
            if name in self.fields:
                kwargs[name] = data.get(name)
        return kwargs


class AssignForm(forms.Form):
    assignee = AssigneeChoiceField(assignable_users(), label=_("Assignee"), required=False, empty_label=_("— nobody —"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = assignable_users()


def event_forms(request_obj: RightsRequest, names: list[str]) -> dict[str, EventForm]:
    initial = {"expected_state": request_obj.state, "assignee": request_obj.assignee_id}
    return {name: EventForm(name, initial=initial) for name in names}


class BulkEventForm(forms.Form):
    """One event for several requests (rights.desk.BULK_EVENTS: never a grave one). Only the inputs of the chosen
    event are passed on; rights.services says what is missing or wrong, per request."""

    event = forms.ChoiceField(label=_("Event"))
    assignee = AssigneeChoiceField(assignable_users(), label=_("Assignee (for “Assigned”)"), required=False, empty_label=_("— nobody —"))
    until = forms.DateField(
        label=_("Until (for snooze and extension)"), required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )  # fmt: skip
    basis = forms.CharField(label=_("Legal basis (for an extension)"), max_length=300, required=False)
    note = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    at = forms.DateTimeField(
        label=_("Happened at"), required=False, widget=DateTimeLocalInput, help_text=_("Empty: now (Asia/Shanghai).")
    )

    def __init__(self, *args, **kwargs):

        super().__init__(*args, **kwargs)
        # No default: a bulk event is chosen on purpose (issue 19); submitting without one is a field error.
        self.fields["event"].choices = [("", "---------"), *bulk_choices()]
        self.fields["assignee"].queryset = assignable_users()
        self.fields["at"].widget.attrs["max"] = _latest_allowed()

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        event = EVENTS[data["event"]]
        kwargs = {"event": event.name, "note": data.get("note", ""), "at": data.get("at")}
        for name in ("assignee", "until", "basis"):
            if name in event.fields:
                kwargs[name] = data.get(name)
        return kwargs


class FilingPreviewForm(forms.Form):
    """What the filing page's preview sends: the app, the right and "sent at" as typed so far."""

    app = forms.ModelChoiceField(App.objects.all(), label=_("App"))
    right = forms.ChoiceField(label=_("Right"), choices=FILED_RIGHTS)
    sent_at = forms.DateTimeField(label=_("Sent at"), input_formats=[LOCAL_MINUTE, "%Y-%m-%d %H:%M"])
