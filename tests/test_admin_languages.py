"""Every admin page reads in one language (issue 10, "every string translated"): a superuser walks every page of
the admin (home, each model's list, add and change page, the dashboard, the filing page, a request's page) in
zh-hans and in en. The Chinese page may hold no English word and the English page no Chinese text, except data
(names, quotes, channels: anything stored in the database, but not the built-in roles' names, which are codes
shown by their translated labels) and a short allow-list of names that are the same in
both languages. What the person sees is the visible text: tags, scripts, styles and attribute values are left out.
"""
import html
import re

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.auth.models import Group
from django.urls import NoReverseMatch, reverse

from rights.desk import save_view
from rights.roles import ROLE_LABELS
from rights.services import record_event
from tests.factories import UserFactory, file, shanghai

pytestmark = pytest.mark.django_db

# Names that are the same in both languages (product, abbreviations, the time zone's name).
SAME_IN_BOTH = {"RightsDesk", "App", "CSV", "PIPL", "GB", "URL", "SMTP", "LDAP", "Asia", "Shanghai", "Mac", "PDF", "ZIP"}
# Django's own Chinese keeps the key names: "按住 “Control”，或者Mac上的 “Command”".
SAME_IN_BOTH |= {"Control", "Command"}
# django-axes names a sign-in record "Access Log for <user> @ <time>" (its model's __str__, not translatable).
SAME_IN_BOTH |= {"Access", "Log"}
# Examples of data in help texts ("e.g. 调休上班"): the value a person types is Chinese in either language.
DATA_EXAMPLES = {"调休上班", "人工客服", "网信办", "简体中文"}
# Complaint draft templates are Chinese documents in either language (their wording is the data; the page
# around them is checked like every other).
CHINESE_DOCUMENT_PAGES = ("/admin/complaints/drafttemplate/",)
# Codes, not data: a code that shows on a page is a label someone forgot (e.g. "acknowledge" in a filter).
CODE_FIELDS = {"transition", "source", "target", "promises", "details"}

LATIN_WORD = re.compile(r"[A-Za-z]{3,}")
HEX = re.compile(r"[a-f]+")
CJK_RUN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+")


def visible_text(page: str) -> str:
    page = re.sub(r"(?is)<(script|style|template)\b.*?</\1\s*>", " ", page)
    page = re.sub(r"(?is)<select\b.*?</select\s*>", " ", page)  # options are mostly data (apps, users)
    # The language switch names the other language in that language, by design.
    page = re.sub(r'(?is)<form class="rd-language".*?</form\s*>', " ", page)
    page = re.sub(r"(?s)<!--.*?-->", " ", page)
    page = re.sub(r"(?s)<[^>]*>", " ", page)
    return html.unescape(page)


def data_text() -> str:
    """Every text stored in the database: data may be in either language on any page."""
    parts = []
    for model in apps.get_models():
        fields = [
            f.attname for f in model._meta.concrete_fields
            if f.get_internal_type() in ("CharField", "SlugField", "TextField", "JSONField") and not f.choices and f.name not in CODE_FIELDS
        ]  # fmt: skip
        if not fields:
            continue
        rows = model.objects.all()
        if model is Group:
            rows = rows.exclude(name__in=ROLE_LABELS)  # built-in roles' names are codes: people see labels
        for row in rows.values_list(*fields):
            parts.extend(str(value) for value in row if value)
    return "\n".join(parts)


def admin_pages(catalog_request) -> list[str]:
    urls = [reverse("admin:index"), reverse("admin:rights_rightsrequest_dashboard")]
    for model in admin.site._registry:
        info = model._meta.app_label, model._meta.model_name
        urls.append(reverse("admin:%s_%s_changelist" % info))
        try:
            urls.append(reverse("admin:%s_%s_add" % info))
        except NoReverseMatch:
            pass
        first = model.objects.order_by("pk").first()
        if first is not None:
            urls.append(reverse("admin:%s_%s_change" % info, args=[first.pk]))
        urls.append(reverse("admin:app_list", args=[model._meta.app_label]))
    urls.append(reverse("admin:rights_rightsrequest_change", args=[catalog_request.pk]))
    return sorted(set(urls))


@pytest.fixture
def walked(client, catalog, roles):
    root = UserFactory(username="root", is_superuser=True)
    client.force_login(root)
    filed = file(catalog["卢米埃影城"], at=shanghai(2026, 11, 20, 10), assignee=root, requester="张三")
    record_event(event="acknowledge", request=filed, acting_user=root, note="已受理")
    save_view(owner=root, name="逾期", query="deadline=overdue", shared=True)
    return client, admin_pages(filed)


def foreign_words(client, urls, language: str, data: str) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for url in urls:
        response = client.get(url, HTTP_ACCEPT_LANGUAGE=language, follow=True)
        if response.status_code == 403 and url.endswith("/add/"):
            continue  # nobody adds these by hand (reminders, audit rows): the page says so
        if response.status_code != 200:
            found.setdefault(url, set()).add(f"HTTP {response.status_code}")
            continue
        text = visible_text(response.content.decode())
        if language == "zh-hans":
            # Lowercase a-f runs are pieces of SHA-256 digests (the history's chain, evidence), not words.
            words = {w for w in LATIN_WORD.findall(text) if w not in SAME_IN_BOTH and w not in data and not HEX.fullmatch(w)}
        elif url.startswith(CHINESE_DOCUMENT_PAGES):
            continue
        else:
            words = {w for w in CJK_RUN.findall(text) if w not in data and w not in DATA_EXAMPLES}
        if words:
            found[url] = words
    return found


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_every_admin_page_reads_in_one_language(walked, language):
    client, urls = walked
    found = foreign_words(client, urls, language, data_text())
    assert not found, "\n".join(f"{url}: {sorted(words)[:15]}" for url, words in sorted(found.items()))
