"""The catalog's forms in the admin: a procedure's channels as rows of (kind, value), not a JSON text box
(issue 10), and an app's e-mails, phones and postal addresses as rows of one value each (issue 19).

A procedure's channels are stored as a list of {"kind": …, "value": …} (Procedure.channels; the importer and the
seed catalog write the same two keys). The admin shows one row per channel plus a few empty ones, each a select of
the known kinds (their translated labels) and a text; the field cleans the rows back into that list. Validation is
at the boundary and says one line: an unknown kind, a value missing from a row in use, a control character. Empty
rows are dropped. Plain HTML from a static stylesheet: no inline script or style (the CSP stays strict).

An app's contacts are stored as lists of strings (App.emails, .phones, .addresses); each is shown one row per
value, and each row is checked as what it is: an e-mail address, a phone number, a postal address.
"""
from __future__ import annotations

import re

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.html import format_html, format_html_join
from django.utils.text import capfirst
from django.utils.translation import gettext, pgettext
from django.utils.translation import gettext_lazy as _

from config.numbers import whole_number
from config.text import control_character_error, length_error

from .models import App, ChannelKind, Procedure

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
            '<div class="rd-rows"><table class="rd-channels" data-channels="{name}">'
            "<thead><tr><th scope=\"col\">{kind}</th><th scope=\"col\">{value}</th><td></td></tr></thead>"
            "<tbody>{rows}</tbody></table>"
            '<input type="hidden" name="{name}-rows" value="{count}">'
            '<button type="button" class="button rd-channels__add" data-add-channel="{name}" hidden>{add}</button></div>',
            name=name,
            add=gettext("Add a channel"),
            kind=gettext("kind"),
            value=gettext("path, number or address"),
            rows=format_html_join(
                "",
                '<tr class="{}"><td>{}</td><td>{}</td><td><button type="button" class="button rd-channels__remove" '
                'data-remove-row aria-label="{}" hidden>{}</button></td></tr>',
                ((c, s, f, gettext("Remove: %(row)s") % {"row": gettext("Channel %(n)d") % {"n": n}},
                  pgettext("a row of a form", "Remove")) for n, (s, f, c) in enumerate(body, 1)),
            ),  # fmt: skip
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


# --- An app's contacts: one value per row ----------------------------------------------------------------------

# A phone number as people write it: digits and the marks around them (+86, 400-113-9001, (010) 1234 5678 转 8).
PHONE = re.compile(r"[0-9０-９+＋()（）\-－ ,，;；/#*.转分机extEXT]+")


class ValueRowsWidget(forms.Widget):
    """Rows of one text input each, named <name>-<i>-value, and <name>-rows; "Add a row" and "Remove" (a static
    script) add a row or empty one; without script the spare rows and saving do the same work."""

    class Media:
        css = {"all": ("policies/channels.css",)}
        js = ("policies/channels.js",)

    def __init__(self, row_label="", add_label="", input_type="text", max_length=None, attrs=None):
        super().__init__(attrs)
        self.row_label, self.add_label, self.input_type, self.max_length = row_label, add_label, input_type, max_length

    def render(self, name, value, attrs=None, renderer=None):
        values = value_rows(value) + [""] * SPARE_ROWS
        attrs = self.build_attrs(self.attrs, attrs)
        first_id = attrs.get("id") or f"id_{name}"
        body = []
        for index, text in enumerate(values):
            label = str(self.row_label) % {"n": index + 1}
            field = forms.TextInput(attrs={"type": self.input_type}).render(
                f"{name}-{index}-value", text,
                attrs={"id": first_id if index == 0 else f"{first_id}_{index}", "aria-label": label,
                       "class": "vTextField", **({"maxlength": self.max_length} if self.max_length else {})},
                renderer=renderer,
            )  # fmt: skip
            body.append(("rd-channels__spare" if index >= len(values) - SPARE_ROWS else "", field, label))
        return format_html(
            '<div class="rd-rows"><table class="rd-channels rd-values" data-channels="{name}"><tbody>{rows}</tbody></table>'
            '<input type="hidden" name="{name}-rows" value="{count}">'
            '<button type="button" class="button rd-channels__add" data-add-channel="{name}" hidden>{add}</button></div>',
            name=name,
            add=self.add_label,
            rows=format_html_join(
                "",
                '<tr class="{}"><td>{}</td><td><button type="button" class="button rd-channels__remove" '
                'data-remove-row aria-label="{}" hidden>{}</button></td></tr>',
                ((css, field, gettext("Remove: %(row)s") % {"row": label}, pgettext("a row of a form", "Remove")) for css, field, label in body),
            ),
            count=len(values),
        )

    def value_from_datadict(self, data, files, name):
        count = whole_number(data.get(f"{name}-rows", "")) or 0
        return [data.get(f"{name}-{index}-value", "") for index in range(min(max(count, 0), MAX_ROWS))]

    def value_omitted_from_data(self, data, files, name):
        return f"{name}-rows" not in data

    def id_for_label(self, id_):
        return id_  # the first row


def value_rows(value) -> list[str]:
    """The values the form holds: the stored list of strings, or the rows posted back."""
    return [str(item) for item in value if item not in (None, "")] if isinstance(value, (list, tuple)) else []


class ValueListField(forms.Field):
    """Cleans rows of one value each into a list of strings: stripped, empty rows and repeats dropped, each row
    checked (`check`: a one-line message, or ""); the first problem is the field's one-line error."""

    def __init__(self, *, row_label, add_label, max_length, input_type="text", check=None, **kwargs):
        self.row_label, self.max_length, self.check = row_label, max_length, check
        kwargs.setdefault("required", False)
        kwargs.setdefault(
            "widget",
            ValueRowsWidget(row_label=row_label, add_label=add_label, input_type=input_type, max_length=max_length),
        )
        super().__init__(**kwargs)

    def to_python(self, value):
        values: list[str] = []
        for number, text in enumerate(value_rows(value), 1):
            label = str(self.row_label) % {"n": number}
            if problem := control_character_error(text, label):
                raise ValidationError(problem, code="control_character")
            text = " ".join(text.split())
            if not text or text in values:
                continue
            if problem := length_error(text, label, self.max_length) or (self.check and self.check(text, label)):
                raise ValidationError(problem, code="invalid")
            values.append(text)
        if len(values) > MAX_CHANNELS:
            raise ValidationError(gettext("At most %(max)d rows.") % {"max": MAX_CHANNELS}, code="max_rows")
        return values

    def has_changed(self, initial, data):
        try:
            return self.to_python(data) != self.to_python(initial)
        except ValidationError:
            return True


def email_error(text: str, label: str) -> str:
    try:
        validate_email(text)
    except ValidationError:
        return gettext("%(row)s: “%(value)s” is not an e-mail address (name@example.com).") % {"row": label, "value": text}
    return ""


def phone_error(text: str, label: str) -> str:
    if not PHONE.fullmatch(text) or not any(c.isdigit() for c in text):
        return gettext("%(row)s: “%(value)s” is not a phone number (digits, with +, -, spaces or 转).") % {
            "row": label,
            "value": text,
        }
    return ""


class AppForm(forms.ModelForm):
    """The App page: its e-mails, phones and postal addresses as rows a person fills, not JSON."""

    emails = ValueListField(
        row_label=_("E-mail address %(n)d"), add_label=_("Add an e-mail address"), max_length=254,
        input_type="email", check=email_error,
    )  # fmt: skip
    phones = ValueListField(
        row_label=_("Phone number %(n)d"), add_label=_("Add a phone number"), max_length=40, input_type="tel",
        check=phone_error,
    )  # fmt: skip
    addresses = ValueListField(
        row_label=_("Postal address %(n)d"), add_label=_("Add a postal address"), max_length=300
    )
    website = forms.URLField(required=False, max_length=200, assume_scheme="https")  # Django 6's default scheme

    class Meta:
        model = App
        fields = "__all__"  # noqa: DJ007 - the App page edits the whole catalog row: a new field must show here

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("emails", "phones", "addresses", "website"):
            if name in self.fields:  # labelled as the model's other fields are
                self.fields[name].label = capfirst(App._meta.get_field(name).verbose_name)
                if name != "website":
                    self.fields[name].help_text = _("One per row; empty rows are ignored.")
