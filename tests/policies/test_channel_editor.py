"""A procedure's channels are edited as rows of (kind, value) in the admin, not as JSON (issue 10): the rows
clean into the stored list of {"kind", "value"}, empty rows are dropped, and an unknown kind, a row without a
value or a control character is refused with a one-line error next to the field."""
import re

import pytest
from django.urls import reverse

from policies.forms import SPARE_ROWS, ChannelsField
from policies.models import Procedure

pytestmark = pytest.mark.django_db


@pytest.fixture
def procedure(catalog):
    return Procedure.objects.filter(policy_version__app=catalog["卢米埃影城"], right="consent_withdrawal").order_by("pk").last()


def change_url(procedure):
    return reverse("admin:policies_procedure_change", args=[procedure.pk])


def form_data(client, procedure, rows):
    """What the change form posts: every other field as it is, and the channel rows given."""
    form = client.get(change_url(procedure), HTTP_ACCEPT_LANGUAGE="en").context["adminform"].form
    data = {}
    for name, field in form.fields.items():
        if name == "channels":
            continue
        value = form.initial.get(name, field.initial)
        data[name] = "" if value is None else (value.pk if hasattr(value, "pk") else value)
    data["channels-rows"] = str(len(rows))
    for index, (kind, value) in enumerate(rows):
        data[f"channels-{index}-kind"] = kind
        data[f"channels-{index}-value"] = value
    return data


def test_the_change_page_shows_one_row_per_channel_and_spare_rows(admin_client, procedure):
    page = admin_client.get(change_url(procedure), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<table class="rd-channels"' in page
    assert 'name="channels"' not in page  # no JSON text box
    rows = len(procedure.channels) + SPARE_ROWS
    assert f'name="channels-rows" value="{rows}"' in page
    assert page.count('name="channels-') == 2 * rows + 1
    assert 'value="与我们客服联系"' in page
    assert '<option value="customer_service" selected>Customer service</option>' in page
    assert "policies/channels.css" in page and "<style" not in page and " style=" not in page


def test_editing_channels_through_the_form_stores_the_list(admin_client, procedure):
    rows = [("email", "  privacy@example.com "), ("", ""), ("self_service", "我的-设置-隐私"), ("", "")]
    response = admin_client.post(change_url(procedure), form_data(admin_client, procedure, rows))
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else response
    procedure.refresh_from_db()
    assert procedure.channels == [
        {"kind": "email", "value": "privacy@example.com"},
        {"kind": "self_service", "value": "我的-设置-隐私"},
    ]


def test_emptying_every_row_leaves_no_channel(admin_client, procedure):
    response = admin_client.post(change_url(procedure), form_data(admin_client, procedure, [("", ""), ("", " ")]))
    assert response.status_code == 302
    procedure.refresh_from_db()
    assert procedure.channels == []


@pytest.mark.parametrize(
    "rows, message",
    [
        ([("fax", "010-1234")], "Channel 1: choose its kind from the list."),
        ([("phone", "400-1"), ("email", "  ")], "Channel 2: give its path, number or address, or leave the row empty."),
        ([("", "客服热线")], "Channel 1: choose its kind from the list."),
        ([("email", "a\x00b@example.com")], "Channel 1 contains a control character (U+0000); remove it and try again."),
        ([("web", "x\x1b[31m")], "Channel 1 contains a control character (U+001B); remove it and try again."),
        ([("phone\x00", "400")], "Channel 1 contains a control character (U+0000); remove it and try again."),
        ([("post", "路" * 501)], "Channel 1 is too long: 501 characters, at most 500."),
        ([("phone", f"400-{n}") for n in range(51)], "A procedure has at most 50 channels."),
    ],
)
def test_bad_channel_rows_are_refused_in_one_line_next_to_the_field(admin_client, procedure, rows, message):
    before = list(procedure.channels)
    response = admin_client.post(
        change_url(procedure), form_data(admin_client, procedure, rows), HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["channels"] == [message]
    page = response.content.decode()
    assert re.search(r'<ul class="errorlist"[^>]*><li>' + re.escape(message.replace("'", "&#x27;")), page)
    procedure.refresh_from_db()
    assert procedure.channels == before


def test_a_post_claiming_more_rows_than_it_sends_reads_only_what_is_there(admin_client, procedure):
    data = form_data(admin_client, procedure, [("phone", "400-800-1234")])
    data["channels-rows"] = "99999999999999999999"  # no number: read as none
    admin_client.post(change_url(procedure), data)
    data["channels-rows"] = "5000"  # capped; rows not sent are empty and dropped
    assert admin_client.post(change_url(procedure), data).status_code == 302
    procedure.refresh_from_db()
    assert procedure.channels == [{"kind": "phone", "value": "400-800-1234"}]


def test_the_field_only_counts_a_change_when_the_channels_differ():
    field = ChannelsField(required=False)
    stored = [{"kind": "phone", "value": "400"}]
    assert not field.has_changed(stored, [("phone", " 400 "), ("", "")])
    assert field.has_changed(stored, [("email", "400")])


@pytest.mark.parametrize("language, kind_label, foreign", [("zh-hans", "客服", "Customer service"), ("en", "Customer service", "客服")])
def test_the_change_page_reads_in_each_language(admin_client, procedure, language, kind_label, foreign):
    page = admin_client.get(change_url(procedure), HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert f">{kind_label}</option>" in page
    assert f">{foreign}</option>" not in page


def test_the_procedure_list_still_shows_the_channels(admin_client, procedure):
    page = admin_client.get(reverse("admin:policies_procedure_changelist"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "手机短息提示回复退订<br>与我们客服联系" in page


def test_the_policy_versions_procedure_rows_edit_channels_too(admin_client, procedure):
    """The same rows in the procedures inline of a policy version's page (named procedures-<n>-channels-…)."""
    url = reverse("admin:policies_policyversion_change", args=[procedure.policy_version_id])
    response = admin_client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    formset = response.context["inline_admin_formsets"][0].formset
    data = {
        f"{formset.prefix}-TOTAL_FORMS": str(formset.total_form_count()),
        f"{formset.prefix}-INITIAL_FORMS": str(formset.initial_form_count()),
        f"{formset.prefix}-MIN_NUM_FORMS": "0",
        f"{formset.prefix}-MAX_NUM_FORMS": "1000",
    }
    version_form = response.context["adminform"].form
    for name, field in version_form.fields.items():
        value = version_form.initial.get(name, field.initial)
        data[name] = "" if value is None else (value.pk if hasattr(value, "pk") else value)
    target = None
    for form in formset.forms:
        for name, field in form.fields.items():
            if name == "channels":
                continue
            value = form.initial.get(name, field.initial)
            data[form.add_prefix(name)] = "" if value is None else (value.pk if hasattr(value, "pk") else value)
        rows = [(c["kind"], c["value"]) for c in form.instance.channels]
        if form.instance.pk == procedure.pk:
            target = form.add_prefix("channels")
            rows = [("phone", "400-000-0000")]
        data[f"{form.add_prefix('channels')}-rows"] = str(len(rows))
        for index, (kind, value) in enumerate(rows):
            data[f"{form.add_prefix('channels')}-{index}-kind"] = kind
            data[f"{form.add_prefix('channels')}-{index}-value"] = value
    assert target and f'name="{target}-0-kind"' in response.content.decode()
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context and [f.errors for f in response.context["inline_admin_formsets"][0].formset.forms]
    procedure.refresh_from_db()
    assert procedure.channels == [{"kind": "phone", "value": "400-000-0000"}]
