"""The procedure form of the admin: channels as rows of (kind, value), not a JSON text box (issue 10).

A procedure's channels are stored as a list of {"kind": …, "value": …} (Procedure.channels; the importer and the
seed catalog write the same two keys). The admin shows one row per channel plus a few empty ones, each a select of
the known kinds (their translated labels) and a text; the field cleans the rows back into that list. Validation is
at the boundary and says one line: an unknown kind, a value missing from a row in use, a control character. Empty
rows are dropped. Plain HTML from a static stylesheet: no inline script or style (the CSP stays strict).
"""
from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.html import format_html, format_html_join
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from config.numbers import whole_number
from config.text import control_character_error, length_error

from .models import ChannelKind, Procedure

SPARE_ROWS = 3  # empty rows below the channels; saving brings three more
MAX_CHANNELS = 50  # a procedure's channels, at most
MAX_ROWS = 100  # read at most this many rows from a POST, whatever its "rows" says (more than MAX_CHANNELS + spares)
MAX_VALUE_LENGTH = 500


def channel_rows(value) -> list[tuple[str, str]]:
    """(kind, value) pairs from what the form holds: the stored list of dicts, or the rows posted back."""
    rows = []
    for item in value if isinstance(value, (list, tuple)) else []:
        if isinstance(item, dict):
            rows.append((str(item.get("kind") or ""), str(item.get("value") or "")))
        elif isinstance(item, (list, tuple)) and len(item) == 2:
            rows.append((str(item[0] or ""), str(item[1] or "")))
        elif item not in (None, ""):
            rows.append(("", str(item)))  # something odd stored by hand: shown, so it can be fixed
    return rows


class ChannelRowsWidget(forms.Widget):
    """Rows of <select kind> <input value>, named <name>-<i>-kind / <name>-<i>-value, and <name>-rows."""

    class Media:
        css = {"all": ("policies/channels.css",)}
        js = ("policies/channels.js",)

    def render(self, name, value, attrs=None, renderer=None):
        rows = channel_rows(value)
        rows += [("", "")] * SPARE_ROWS
        attrs = self.build_attrs(self.attrs, attrs)
        first_id = attrs.get("id") or f"id_{name}"
        kinds = [("", "—"), *ChannelKind.choices]
        body = []
        for index, (kind, text) in enumerate(rows):
            row_id = first_id if index == 0 else f"{first_id}_{index}"
            number = {"n": index + 1}
            select = forms.Select(choices=kinds).render(
                f"{name}-{index}-kind", kind,
                attrs={"id": row_id, "aria-label": gettext("Channel %(n)d: kind") % number}, renderer=renderer,
            )  # fmt: skip
            field = forms.TextInput().render(
                f"{name}-{index}-value", text,
                attrs={
                    "id": f"{row_id}_value", "aria-label": gettext("Channel %(n)d: path, number or address") % number,
                    "maxlength": MAX_VALUE_LENGTH, "class": "vTextField",
                },
                renderer=renderer,
            )  # fmt: skip
            body.append((select, field, "rd-channels__spare" if index >= len(rows) - SPARE_ROWS else ""))
        return format_html(
            '<table class="rd-channels" data-channels="{name}">'
            "<thead><tr><th scope=\"col\">{kind}</th><th scope=\"col\">{value}</th></tr></thead>"
            "<tbody>{rows}</tbody></table>"
            '<input type="hidden" name="{name}-rows" value="{count}">'
            '<button type="button" class="button rd-channels__add" data-add-channel="{name}" hidden>{add}</button>',
            name=name,
            add=gettext("Add a channel"),
            kind=gettext("kind"),
            value=gettext("path, number or address"),
            rows=format_html_join("", '<tr class="{}"><td>{}</td><td>{}</td></tr>', ((c, s, f) for s, f, c in body)),
            count=len(rows),
        )

    def value_from_datadict(self, data, files, name):
        count = whole_number(data.get(f"{name}-rows", "")) or 0
        return [
            (data.get(f"{name}-{index}-kind", ""), data.get(f"{name}-{index}-value", ""))
            for index in range(min(max(count, 0), MAX_ROWS))
        ]

    def value_omitted_from_data(self, data, files, name):
        return f"{name}-rows" not in data

    def id_for_label(self, id_):
        return id_  # the first row's kind


class ChannelsField(forms.Field):
    """Cleans the rows into [{"kind": …, "value": …}, …]: known kinds only, a value in every row in use, no
    control characters; empty rows dropped. The first problem is the field's one-line error."""

    widget = ChannelRowsWidget

    def to_python(self, value):
        channels = []
        for number, (kind, text) in enumerate(channel_rows(value), 1):
            label = gettext("Channel %(n)d") % {"n": number}
            for given in (kind, text):
                if problem := control_character_error(given, label):
                    raise ValidationError(problem, code="control_character")
            kind, text = kind.strip(), text.strip()
            if not kind and not text:
                continue
            if kind not in ChannelKind.values:
                raise ValidationError(
                    gettext("%(channel)s: choose its kind from the list.") % {"channel": label}, code="kind"
                )
            if not text:
                raise ValidationError(
                    gettext("%(channel)s: give its path, number or address, or leave the row empty.")
                    % {"channel": label},
                    code="value",
                )
            if problem := length_error(text, label, MAX_VALUE_LENGTH):
                raise ValidationError(problem, code="max_length")
            channels.append({"kind": kind, "value": text})
        if len(channels) > MAX_CHANNELS:
            raise ValidationError(
                gettext("A procedure has at most %(max)d channels.") % {"max": MAX_CHANNELS}, code="max_channels"
            )
        return channels

    def has_changed(self, initial, data):
        try:
            return self.to_python(data) != self.to_python(initial)
        except ValidationError:
            return True


class ProcedureForm(forms.ModelForm):
    channels = ChannelsField(
        required=False,
        help_text=_("One channel per row: its kind and the path, number or address the policy gives. Empty rows are "
                    "ignored; “Add a channel” adds a row."),
    )  # fmt: skip

    class Meta:
        model = Procedure
        fields = "__all__"  # noqa: DJ007 - the procedure form edits the whole catalog row: a new field must show here

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "channels" in self.fields:  # labelled as the model's other fields are
            self.fields["channels"].label = capfirst(Procedure._meta.get_field("channels").verbose_name)
