"""Forms of the complaints admin: they validate input at the boundary and hand it to complaints.services."""
from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .events import EVENTS_BY_NAME, INPUT_LABELS
from .models import Channel, RequesterDetails
from .services import MAX_EVIDENCE_BYTES

DATETIME_INPUT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


def _no_control(value: str) -> str:
    from .services import CONTROL

    if value and CONTROL.search(value):
        raise forms.ValidationError(_("Control characters are not allowed."))
    return value


class EvidenceField(forms.FileField):
    def clean(self, data, initial=None):
        data = super().clean(data, initial)
        if data and data.size > MAX_EVIDENCE_BYTES:
            raise forms.ValidationError(_("The file is too large (at most %(mb)d MB).") % {"mb": MAX_EVIDENCE_BYTES // (1024 * 1024)})
        return data


class ComplaintEventForm(forms.Form):
    """One event's inputs, derived from its row in complaints.events."""

    expected_state = forms.CharField(widget=forms.HiddenInput)
    at = forms.DateTimeField(label=_("happened at (Asia/Shanghai)"), required=False, widget=DATETIME_INPUT,
                             input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d"],
                             help_text=_("Leave empty for now."))

    def __init__(self, *args, event: str, **kwargs):
        kwargs.setdefault("prefix", event)
        super().__init__(*args, **kwargs)
        spec = EVENTS_BY_NAME[event]
        self.event = spec
        for name in (*spec.inputs, *spec.optional):
            required = name in spec.inputs
            if name in ("note", "reason"):
                field = forms.CharField(label=INPUT_LABELS[name], required=required, widget=forms.Textarea(attrs={"rows": 2}), max_length=20_000)
            elif name == "reference":
                field = forms.CharField(label=INPUT_LABELS[name], required=required, max_length=100)
            elif name == "satisfied":
                field = forms.BooleanField(label=INPUT_LABELS[name], required=False)
            else:
                field = EvidenceField(label=INPUT_LABELS[name], required=False)
            self.fields[name] = field

    def clean(self):
        data = super().clean()
        for name in ("note", "reason", "reference"):
            if name in data:
                _no_control(data.get(name) or "")
        return data


class NewComplaintForm(forms.Form):
    request = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    channel = forms.ModelChoiceField(Channel.objects.all(), to_field_name="code", widget=forms.HiddenInput)
    at = forms.DateTimeField(label=_("drafted at (Asia/Shanghai)"), required=False, widget=DATETIME_INPUT,
                             input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d"], help_text=_("Leave empty for now."))


class RequesterDetailsForm(forms.ModelForm):
    class Meta:
        model = RequesterDetails
        fields = ("phone", "address", "postcode", "email", "agent_name", "agent_phone", "agent_address",
                  "power_of_attorney", "agent_identity_document")

    def clean(self):
        data = super().clean()
        for name in ("phone", "address", "postcode", "agent_name", "agent_phone", "agent_address"):
            _no_control(data.get(name) or "")
        from .admissibility import POSTCODE

        if data.get("postcode") and not POSTCODE.fullmatch(data["postcode"]):
            self.add_error("postcode", _("A postcode is six digits (0-9)."))
        for name in ("power_of_attorney", "agent_identity_document"):
            upload = data.get(name)
            if upload and getattr(upload, "size", 0) > MAX_EVIDENCE_BYTES:
                self.add_error(name, _("The file is too large (at most %(mb)d MB).") % {"mb": MAX_EVIDENCE_BYTES // (1024 * 1024)})
        return data
