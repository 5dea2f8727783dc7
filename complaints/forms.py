"""Forms of the complaints admin: they validate input at the boundary and hand it to complaints.services. The
checks are the request track's (config.text for typed text, rights.uploads for files), so a field is refused with
the same words on a complaint page as on a request page."""

from __future__ import annotations

from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from config.text import clean_text
from rights.uploads import check_evidence_file

from .admissibility import POSTCODE
from .events import EVENTS_BY_NAME, INPUT_LABELS
from .models import Channel, RequesterDetails

DATETIME_INPUT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


def _check_text(form: forms.BaseForm, names, *, multiline=()) -> None:
    """Each named field's text as the services will take it; a control character is the field's one-line error."""
    for name in names:
        if name not in form.cleaned_data:
            continue
        try:
            form.cleaned_data[name] = clean_text(
                form.cleaned_data[name], label=capfirst(form.fields[name].label), multiline=name in multiline,
                error=forms.ValidationError,
            )  # fmt: skip
        except forms.ValidationError as error:
            form.add_error(name, error)


class ComplaintEventForm(forms.Form):
    """One event's inputs, derived from its row in complaints.events."""

    expected_state = forms.CharField(widget=forms.HiddenInput)
    at = forms.DateTimeField(
        label=_("happened at (Asia/Shanghai)"),
        required=False,
        widget=DATETIME_INPUT,
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d"],
        help_text=_("Leave empty for now."),
    )

    def __init__(self, *args, event: str, **kwargs):
        kwargs.setdefault("prefix", event)
        super().__init__(*args, **kwargs)
        spec = EVENTS_BY_NAME[event]
        self.event = spec
        for name in (*spec.inputs, *spec.optional):
            required = name in spec.inputs
            if name in ("note", "reason"):
                field = forms.CharField(
                    label=INPUT_LABELS[name],
                    required=required,
                    widget=forms.Textarea(attrs={"rows": 2}),
                    max_length=20_000,
                )
            elif name == "reference":
                field = forms.CharField(label=INPUT_LABELS[name], required=required, max_length=100)
            elif name == "satisfied":
                field = forms.BooleanField(label=INPUT_LABELS[name], required=False)
            else:
                field = forms.FileField(label=INPUT_LABELS[name], required=False, validators=[check_evidence_file])
            self.fields[name] = field

    def clean(self):
        data = super().clean()
        _check_text(self, ("note", "reason", "reference"), multiline=("note", "reason"))
        return data


class NewComplaintForm(forms.Form):
    request = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    channel = forms.ModelChoiceField(Channel.objects.all(), to_field_name="code", widget=forms.HiddenInput)
    at = forms.DateTimeField(
        label=_("drafted at (Asia/Shanghai)"),
        required=False,
        widget=DATETIME_INPUT,
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d"],
        help_text=_("Leave empty for now."),
    )


class RequesterDetailsForm(forms.ModelForm):
    class Meta:
        model = RequesterDetails
        fields = (
            "phone",
            "address",
            "postcode",
            "email",
            "agent_name",
            "agent_phone",
            "agent_address",
            "power_of_attorney",
            "agent_identity_document",
        )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("power_of_attorney", "agent_identity_document"):
            self.fields[name].validators.append(check_evidence_file)

    def clean(self):
        data = super().clean()
        _check_text(
            self,
            ("phone", "address", "postcode", "agent_name", "agent_phone", "agent_address"),
            multiline=("address", "agent_address"),
        )

        if data.get("postcode") and not POSTCODE.fullmatch(data["postcode"]):
            self.add_error("postcode", _("A postcode is six digits (0-9)."))
        return data
