"""An app's e-mails, phones and postal addresses are rows a person fills on the App page, not JSON (issue 19, item 3):
a plain address is saved as it is typed, the stored lists keep their format (lists of strings), empty rows and
repeats are dropped, and a bad e-mail, a phone that is no number, a control character or an over-long value is
refused with a one-line error next to its field, in both languages."""

import pytest
from django.urls import reverse

from policies.forms import SPARE_ROWS, AppForm, ValueListField, email_error
from policies.models import App
from tests.policies.pages import form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def app(catalog):
    return catalog["联联营商宝"]


def change_url(app):
    return reverse("admin:policies_app_change", args=[app.pk])


def test_the_app_page_shows_one_input_per_value_and_no_json(admin_client, english, app):
    page = admin_client.get(change_url(app)).content.decode()
    assert 'name="addresses"' not in page and 'name="emails"' not in page  # no JSON text boxes
    assert f'name="addresses-rows" value="{len(app.addresses) + SPARE_ROWS}"' in page
    assert f'value="{app.addresses[0]}"' in page and f'value="{app.emails[0]}"' in page
    assert 'type="email" name="emails-0-value"' in page and 'type="tel" name="phones-0-value"' in page
    assert "Add a postal address" in page and "policies/channels.js" in page
    assert "<style" not in page and " style=" not in page


def test_a_plain_address_is_saved_as_typed(admin_client, english, app):
    rows = {
        "addresses": ["  北京市朝阳区酒仙桥路 10 号 ", "", "上海市徐汇区"],
        "emails": ["privacy@example.com", "", "privacy@example.com"],
        "phones": ["400-113-9001", "(010) 1234 5678 转 8", ""],
    }
    response = admin_client.post(change_url(app), form_data(admin_client, change_url(app), **rows))
    assert response.status_code == 302, response.context["adminform"].form.errors
    app.refresh_from_db()
    assert app.addresses == ["北京市朝阳区酒仙桥路 10 号", "上海市徐汇区"]
    assert app.emails == ["privacy@example.com"]  # the repeat and the empty row dropped
    assert app.phones == ["400-113-9001", "(010) 1234 5678 转 8"]


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("emails", "privacy at example.com", "E-mail address 1: “privacy at example.com” is not an e-mail address"),
        ("phones", "call us", "Phone number 1: “call us” is not a phone number"),
        ("addresses", "北京\x00市", "Postal address 1 contains a control character (U+0000)"),
        ("addresses", "路" * 301, "Postal address 1 is too long: 301 characters, at most 300."),
    ],
)
def test_a_bad_row_is_refused_with_one_line_next_to_its_field(admin_client, english, app, field, value, message):
    before = getattr(app, field)
    response = admin_client.post(change_url(app), form_data(admin_client, change_url(app), **{field: [value]}))
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert list(errors) == [field] and len(errors[field]) == 1
    assert message in errors[field][0] and "\n" not in errors[field][0]
    app.refresh_from_db()
    assert getattr(app, field) == before


def test_the_error_is_in_chinese_on_the_chinese_page(admin_client, app):
    response = admin_client.post(change_url(app), form_data(admin_client, change_url(app), emails=["不是邮箱"]))
    error = response.context["adminform"].form.errors["emails"][0]
    assert "不是邮箱" in error and "e-mail address" not in error


def test_the_field_cleans_rows_posted_back_and_stored_lists_alike():
    field = ValueListField(row_label="Row %(n)d", add_label="Add", max_length=10, check=email_error)
    assert field.clean(["a@b.cn", " ", "a@b.cn", "c@d.cn"]) == ["a@b.cn", "c@d.cn"]
    assert field.clean([]) == [] and field.clean(None) == []
    assert not field.has_changed(["a@b.cn"], ["a@b.cn", ""])
    assert field.has_changed(["a@b.cn"], ["c@d.cn"])


def test_a_new_app_is_added_with_rows(admin_client, english):
    data = form_data(admin_client, reverse("admin:policies_app_add"), emails=["dpo@xin.example"], phones=[],
                     addresses=["广州市天河区"])  # fmt: skip
    data.update({"name": "新应用", "slug": "xin"})
    response = admin_client.post(reverse("admin:policies_app_add"), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    app = App.objects.get(slug="xin")
    assert (app.emails, app.phones, app.addresses) == (["dpo@xin.example"], [], ["广州市天河区"])


def test_the_form_keeps_an_odd_stored_value_visible_so_it_can_be_fixed(app):
    app.phones = ["电话见官网"]
    form = AppForm(instance=app)
    assert 'value="电话见官网"' in str(form["phones"])
