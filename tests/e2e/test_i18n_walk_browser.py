"""Every admin page in a real browser, in both languages (issue 19 item 7): in zh-hans no English words beyond
names, addresses, quotes and codes; in English no Chinese beyond names and quotes.

The pages are enumerated from the admin site itself, so pages added later are walked too: every registered
model's list, add form and change form, and every other admin URL (custom views), their ids filled from the demo
data by the name of the URL argument (`request_id` -> a request, `complaint_id` -> a complaint, `object_id` -> the
admin's own model). What stays untranslated on purpose is derived from the data (app, operator, person and policy
names, quotes, citations of Chinese law) or listed in ALLOWED below, each with its reason.
"""
from __future__ import annotations

import re

import pytest
from django.apps import apps
from django.contrib import admin
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver

from tests.browser import PASSWORD, new_page, shot, sign_in
from tests.factories import UserFactory, file, shanghai

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64

# English words a Chinese page may show, each for a reason.
ALLOWED = {
    "App", "app", "APP",  # the product's word for an application, as Chinese regulations write it (App违法违规…)
    "RightsDesk",  # the product's name
    "Django",  # the stock admin's "Django 站点管理" title
    "English",  # the language switch offers English under its own name
    "Asia", "Shanghai",  # the time zone's name (Asia/Shanghai)
    "Control", "Command", "Mac",  # key names in Django's own hint under multiple choices (按住 Control 键…)
}
# django-axes names a sign-in record "Access Log for <user> @ <time>" without gettext (axes.models.AccessLog.__str__),
# on its page's title and breadcrumbs: a third party's string with no msgid to translate.
ALLOWED_PHRASES = ("Access Log for",)
# Chinese a page in English may show: the language switch offers Chinese under its own name.
ALLOWED_ZH = ("简体中文", "中文")
# Chinese terms an English page names on purpose: the Chinese document or entry people must find ("e.g. 人工客服",
# the help of the channel a request was sent through, names what the apps' pages say).
ALLOWED_ZH += ("人工客服",)
# Admin views that are not pages to read: sign-out, password screens, JavaScript catalogs, autocomplete JSON,
# deletion confirmations (the stock template), downloads (PDF, ZIP, CSV: the case-file tests read them).
SKIPPED_NAMES = re.compile(r"logout|password_change|jsi18n|autocomplete|view_on_site|_delete$|login|pdf|zip|csv|download|export|file$")


@pytest.fixture
def demo(catalog, roles, settings, tmp_path):
    """A desk with content on every page: requests in several states with notes, a reason, an amendment and
    evidence; complaints to the app and to 12300; catalog and complainant-detail edits in the audit log."""
    from complaints.models import Channel
    from complaints.seed import load_channels, load_templates
    from complaints.services import lodge_complaint, update_channel, update_requester_details
    from policies.services import set_calendar_day
    from rights.services import record_event

    settings.MEDIA_ROOT = str(tmp_path)
    from complaints.models import DraftTemplate

    load_channels(Channel)
    load_templates(DraftTemplate)
    user = UserFactory(username="demo", first_name="芳", last_name="王", is_staff=True, is_superuser=True)
    user.set_password(PASSWORD)
    user.save()
    app = catalog["卢米埃影城"]
    app.addresses = ["北京市东城区测试路1号"]
    app.save()
    late = file(app, at=shanghai(2026, 9, 28, 10), requester_contact="13812345678", app_ticket_number="LM-0928", acting_user=user)
    late = record_event(request=late, event="acknowledge", acting_user=user, at=shanghai(2026, 9, 29, 10), note="客服回复已受理",
                 evidence=[SimpleUploadedFile("回执.png", PNG, content_type="image/png")])
    late = record_event(request=late, event="amend", acting_user=user, at=shanghai(2026, 9, 29, 11), field="app_ticket_number", value="LM-0929")
    update_requester_details(request=late, changes={"address": "上海市徐汇区测试路2号", "postcode": "200030"}, acting_user=user)
    lodge_complaint(request=late, channel=Channel.objects.get(code="app"), acting_user=user, at=shanghai(2026, 10, 14, 10))
    lodge_complaint(request=late, channel=Channel.objects.get(code="12300"), acting_user=user, at=shanghai(2026, 10, 30, 10), reference="GX-1")
    others = [a for name, a in sorted(catalog.items()) if name != "卢米埃影城"]
    refused = file(others[0], "deletion", at=shanghai(2026, 11, 2, 10), requester="李四", acting_user=user)
    record_event(request=refused, event="refuse", acting_user=user, at=shanghai(2026, 11, 3, 10), reason="无法核实身份")
    file(others[1 % len(others)], at=shanghai(2026, 11, 30, 10), requester="赵六", acting_user=user)
    channel = Channel.objects.get(code="isc")
    update_channel(channel=channel, changes={"position": 31}, acting_user=user)
    set_calendar_day(day=shanghai(2026, 12, 31, 0).date(), working=False, name="测试", acting_user=user)
    return user


# Where people's and apps' own words are kept: every text field of these models is shown as entered, in whichever
# language it was entered (names, addresses, notes, policy text and quotes, citations of the law, user agents).
# Not listed, so checked: complaint channels and draft templates (they come in both languages).
DATA_MODELS = [
    "policies.App", "policies.PolicyVersion", "policies.Procedure", "policies.StatutoryDefault", "policies.CalendarOverride",
    "policies.CalendarYear", "rights.RightsRequest", "rights.TransitionLog", "rights.Evidence", "complaints.Complaint",
    "complaints.ComplaintLog", "complaints.ComplaintEvidence", "complaints.RequesterDetails", "auth.User",
    "axes.AccessLog", "axes.AccessAttempt",
]  # fmt: skip


# Codes, not data, though stored as text: shown on a page, they are a label someone forgot ("acknowledge").
CODE_FIELDS = {"transition", "event", "details", "promises", "action", "source", "target", "state", "right", "kind"}


def _strings(value):
    if isinstance(value, str):
        yield value
        yield from (line.strip() for line in value.splitlines())
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _strings(item)


def names_kept_as_they_are() -> list[str]:
    """Names, addresses, notes and quotes from the data, longest first."""
    from django.db import models

    values = set()
    for label in DATA_MODELS:
        model = apps.get_model(label)
        fields = [
            f.name for f in model._meta.concrete_fields
            if isinstance(f, models.CharField | models.TextField | models.JSONField) and not f.choices and f.name not in CODE_FIELDS
        ]  # fmt: skip
        for row in model._default_manager.values_list(*fields):
            for value in row:
                values.update(_strings(value))
    for channel in apps.get_model("complaints.Channel").objects.all():  # citations quote Chinese law
        values |= {channel.regulation, channel.answer_citation, channel.admission_citation, channel.prerequisite_citation,
                   channel.time_bar_citation, channel.contents_citation, channel.agent_citation}
    return sorted((v for v in values if v and v.strip()), key=len, reverse=True)


def codes() -> set[str]:
    """Channel codes and template keys: the command line's words (`--channel isc`), shown as codes."""
    Channel, DraftTemplate = apps.get_model("complaints.Channel"), apps.get_model("complaints.DraftTemplate")
    return set(Channel.objects.values_list("code", flat=True)) | set(DraftTemplate.objects.values_list("key", flat=True))


def admin_pages() -> list[str]:
    """Every admin page with the demo data's ids filled in: lists, add and change forms, custom views."""
    from django.urls import reverse

    pages = ["/admin/"]
    for model, model_admin in admin.site._registry.items():
        first = model._default_manager.order_by("pk").first()
        for pattern, _prefix in _patterns(model_admin.urls):
            name = pattern.name or ""
            if not name or SKIPPED_NAMES.search(name):
                continue
            kwargs = {}
            for arg in pattern.pattern.converters:
                value = first.pk if arg in ("object_id", "pk", "id") and first is not None else _id_for(arg, model)
                if value is None:
                    break
                kwargs[arg] = value
            else:
                try:
                    pages.append(reverse(f"admin:{name}", kwargs=kwargs))
                except Exception:  # noqa: BLE001 - a pattern whose converters we cannot fill is not a page to walk
                    continue
    for pattern, _prefix in _patterns(admin.site.get_urls()):
        if pattern.name and not SKIPPED_NAMES.search(pattern.name) and not pattern.pattern.converters:
            try:
                pages.append(reverse(f"admin:{pattern.name}"))
            except Exception:  # noqa: BLE001
                continue
    pages.append("/admin/rights/")  # an app index
    return sorted(set(pages))


def _patterns(patterns, prefix=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _patterns(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield pattern, prefix


def _id_for(arg: str, owner) -> int | None:
    """`request_id` -> the first request; `complaint_id` -> the first complaint; by model name, the admin's own
    app first."""
    stem = arg.removesuffix("_id").replace("_", "")
    candidates = sorted(apps.get_models(), key=lambda m: (m._meta.app_label != owner._meta.app_label, len(m._meta.model_name)))
    for model in candidates:
        if model._meta.model_name == stem or model._meta.model_name.endswith(stem):
            first = model._default_manager.order_by("pk").first()
            return first.pk if first is not None else None
    return None


TEXTS = """() => {
  const skip = "script,style,code,pre,kbd,samp,q,blockquote,textarea,[lang]:not(html),[data-i18n-exempt]";
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const out = [];
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const text = n.textContent.trim();
    if (text && !n.parentElement.closest(skip)) out.push(text);
  }
  for (const el of document.querySelectorAll("input[type=submit],input[type=button],[placeholder],[title],[data-label]")) {
    const value = el.type === "submit" || el.type === "button" ? el.value : "";
    for (const v of [value, el.getAttribute("placeholder"), el.getAttribute("title"), el.getAttribute("data-label")]) {
      if (v && v.trim() && !el.closest(skip)) out.push(v.trim());
    }
  }
  return out;
}"""

# Removed before looking for words: web and mail addresses, paths, file names, hashes, masked passwords, codes with
# digits or underscores (account_cancellation, LM-0928), words inside quotation marks, 《》 (titles) and 【】 (a
# template's placeholders, quoted as they appear), and text a page cut off with "…" (a name cut short is no longer
# the name the data holds).
CODES = re.compile(
    r"https?://\S+|\S+@\S+|[\w.-]+\.(?:png|pdf|zip|txt|csv|json|eml|jpg|html)\b|\b[0-9a-f]{12,}\b|[\w.-]*\d[\w.-]*|\w*_\w+"
    r"|“[^”]*”|《[^》]*》|【[^】]*】|\"[^\"]*\"|/[\w/.-]*|\?\w+=|\w{1,2}\*{4,}|[^\s、]*…",
    re.IGNORECASE,
)
WORD = re.compile(r"[A-Za-z][A-Za-z’']+")
CJK = re.compile(r"[\u3400-\u9fff]+")
# A Chinese term glossed in brackets after its English words, e.g. "a make-up working day (调休上班)": the term
# people look for in the official notices.
GLOSS = re.compile(r"[(（][\u3400-\u9fff]{2,12}[)）]")
ACRONYM = re.compile(r"[A-Z]{2,6}s?")  # PDF, ZIP, CSV, SHA, JSON, SMTP, MIIT: the same in both languages


def strip_data(text: str, names: list[str]) -> str:
    for name in (*ALLOWED_PHRASES, *names):
        if name in text:
            text = text.replace(name, " ")
    return CODES.sub(" ", text)


def english_words(text: str, code_words: set[str]) -> list[str]:
    return [w for w in WORD.findall(text) if w not in ALLOWED and w not in code_words and not ACRONYM.fullmatch(w)]


def chinese(text: str) -> list[str]:
    for allowed in ALLOWED_ZH:
        text = text.replace(allowed, " ")
    return CJK.findall(GLOSS.sub(" ", text))


def untranslated(text: str, language: str, names: list[str], code_words: set[str]) -> bool:
    """Words of the other language left once names, addresses, quotes and codes are set aside. The cheap check
    first: most texts have none even before the data is set aside."""
    def found(t):
        return english_words(CODES.sub(" ", t), code_words) if language == "zh-hans" else chinese(CODES.sub(" ", t))

    return bool(found(text)) and bool(found(strip_data(text, names)))


SCREENS = {"laptop": 1280, "phone": 390}


@pytest.mark.parametrize("screen", SCREENS)
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_every_admin_page_speaks_the_readers_language(browser, live_server, demo, language, screen):
    """On a laptop every page; on a phone the lists (their rows become cards, each value under a label of its own:
    data-label) and the request page."""
    page = new_page(browser, "zh-CN" if language == "zh-hans" else "en-US", width=SCREENS[screen], height=900, timeout=60_000)
    sign_in(page, live_server.url, demo)
    names, code_words, pages = names_kept_as_they_are(), codes(), admin_pages()  # after signing in: its log entry too
    assert len(pages) >= 40, pages  # lists, forms and custom views of every registered model
    if screen == "phone":
        pages = [url for url in pages if url.count("/") == 4 or url.startswith("/admin/rights/rightsrequest/")]
    found, walked = {}, 0
    for url in pages:
        # Asked first without rendering: views that answer only POST (405) or redirect are not pages to read.
        response = page.request.get(live_server.url + url, max_redirects=0)
        assert response.status < 500, (url, response.status)
        if response.status != 200 or "text/html" not in response.headers.get("content-type", ""):
            continue
        page.goto(live_server.url + url)
        walked += 1
        if re.fullmatch(r"/admin/(records/auditentry|complaints/channel|auth/user/\d+/change|complaints/complaint/\d+/change)/", url):
            shot(page, f"i18n-{language}-{screen}-{url.strip('/').replace('/', '-')}")  # var/artifacts, to look at
        bad = [text[:160] for text in page.evaluate(TEXTS) if untranslated(text, language, names, code_words)]
        if bad:
            found[url] = sorted(set(bad))
    assert walked >= (40 if screen == "laptop" else 15), walked
    pages_of = {}
    for url, texts in found.items():
        for text in texts:
            pages_of.setdefault(text, []).append(url)
    assert not found, "\n".join(f"{text!r} on {len(urls)} page(s), e.g. {urls[0]}" for text, urls in sorted(pages_of.items()))
