"""RightsDesk is bilingual: Simplified Chinese by default (LANGUAGE_CODE zh-hans), English on request.

The catalog is locale/zh_Hans/LC_MESSAGES/django.po, compiled to django.mo, and both are committed (users'
machines may lack gettext). These tests read the .po with a small parser (no polib here) and check that every
string is translated, that no placeholder is lost or invented, that the committed .mo says exactly what the .po
says, and that pages and labels really come out in Chinese unless the browser asks for English.
"""
import ast
import gettext
import json
import os
import re
import shutil
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.utils import translation

from policies.models import Action, Right, Unit
from rights.models import State

ROOT = Path(__file__).resolve().parents[1]
PO = ROOT / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")


# --------------------------------------------------------------------------------------------- .po parser


@dataclass
class Entry:
    msgid: str
    msgid_plural: str | None = None
    msgctxt: str | None = None
    msgstr: list[str] = field(default_factory=list)  # one item, or one per plural form
    flags: set[str] = field(default_factory=set)
    line: int = 0

    @property
    def where(self) -> str:
        return f"{PO.name}:{self.line} {self.msgid[:60]!r}"


def _unquote(text: str) -> str:
    # A .po string is a C string literal; Python's literal syntax reads the escapes .po files use.
    return ast.literal_eval(text)


def parse_po(path: Path) -> list[Entry]:
    """Entries of a .po file, header included (msgid ""); obsolete `#~` entries are left out."""
    entries: list[Entry] = []
    flags: set[str] = set()
    current: Entry | None = None
    target: tuple[str, int | None] | None = None  # which field a continuation line extends

    def append(text: str) -> None:
        name, index = target
        if name == "msgstr":
            current.msgstr[index] += text
        else:
            setattr(current, name, (getattr(current, name) or "") + text)

    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#~"):
            continue
        if line.startswith("#,"):
            flags |= {f.strip() for f in line[2:].split(",") if f.strip()}
            continue
        if line.startswith("#"):
            continue
        if line.startswith('"'):
            append(_unquote(line))
            continue
        keyword, _, rest = line.partition(" ")
        if keyword in ("msgctxt", "msgid") and (current is None or current.msgstr):
            current = Entry(msgid="", flags=flags, line=number)
            entries.append(current)
            flags = set()
        if keyword in ("msgctxt", "msgid", "msgid_plural"):
            setattr(current, keyword, _unquote(rest))
            target = (keyword, None)
        elif keyword == "msgstr":
            current.msgstr.append(_unquote(rest))
            target = ("msgstr", len(current.msgstr) - 1)
        elif (match := re.fullmatch(r"msgstr\[(\d+)\]", keyword)) is not None:
            assert int(match[1]) == len(current.msgstr), f"line {number}: plural forms out of order"
            current.msgstr.append(_unquote(rest))
            target = ("msgstr", len(current.msgstr) - 1)
        else:
            raise AssertionError(f"{path.name}:{number}: cannot read {raw!r}")
    return entries


@pytest.fixture(scope="module")
def entries() -> list[Entry]:
    return parse_po(PO)


@pytest.fixture(scope="module")
def messages(entries) -> list[Entry]:
    return [e for e in entries if e.msgid]


# ------------------------------------------------------------------------------------------ the catalog


def test_the_catalog_declares_chinese_with_a_single_plural_form(entries):
    header = entries[0]
    assert header.msgid == ""
    assert "fuzzy" not in header.flags, "a fuzzy header makes Django ignore the whole catalog"
    fields = dict(line.split(": ", 1) for line in header.msgstr[0].splitlines() if ": " in line)
    assert fields["Language"] == "zh_Hans"
    assert fields["Content-Type"] == "text/plain; charset=UTF-8"
    # Chinese has no grammatical plural: one form, used for every count.
    assert fields["Plural-Forms"].replace(" ", "") == "nplurals=1;plural=0;"


def test_every_string_is_translated_and_none_is_fuzzy(messages):
    assert len(messages) > 400  # the catalog was really read
    fuzzy = [e.where for e in messages if "fuzzy" in e.flags]
    assert not fuzzy, f"fuzzy entries are ignored at run time: {fuzzy}"
    untranslated = [e.where for e in messages if not e.msgstr or not all(s.strip() for s in e.msgstr)]
    assert not untranslated, f"untranslated: {untranslated}"
    wrong_forms = [e.where for e in messages if e.msgid_plural is not None and len(e.msgstr) != 1]
    assert not wrong_forms, f"plural entries need exactly msgstr[0] (nplurals=1): {wrong_forms}"


def test_chinese_strings_are_chinese(messages):
    # A copied English source string passes the "not empty" check; only brand names and codes may stay as they are.
    kept_as_is = {"RightsDesk", "App", "SHA-256"}
    han = re.compile(r"[\u4e00-\u9fff\u3000-\u303f\uff00-\uffef]")  # Han characters or Chinese punctuation (、)
    english = [e.where for e in messages if "".join(e.msgstr) not in kept_as_is and not han.search("".join(e.msgstr))]
    assert not english, f"no Chinese in the translation of: {english}"


# %(name)s, %s, %d, %r ... (%% is a literal percent sign); {name} for str.format strings.
PERCENT = re.compile(r"%(?:\((?P<name>\w+)\))?[#0\- +]*(?:\d+|\*)?(?:\.(?:\d+|\*))?(?P<conv>[diouxXeEfFgGcrsa])")
BRACE = re.compile(r"(?<!\{)\{(\w*)(?:[!:][^{}]*)?\}(?!\})")


def placeholders(text: str, entry: Entry) -> Counter:
    found = Counter()
    if "python-format" in entry.flags:
        found.update(m[0] for m in PERCENT.finditer(text.replace("%%", "")))
    if "python-brace-format" in entry.flags:
        found.update("{%s}" % m[1] for m in BRACE.finditer(text))
    return found


def test_translations_keep_every_placeholder_and_invent_none(messages):
    problems = []
    for e in messages:
        sources = [e.msgid] + ([e.msgid_plural] if e.msgid_plural is not None else [])
        # With one plural form, msgstr[0] stands for every count, so it must carry the plural's placeholders.
        expected = placeholders(sources[-1], e)
        named_only = all("(" in p or p.startswith("{") for p in expected)
        for text in e.msgstr:
            got = placeholders(text, e)
            # Named placeholders may be reordered (Chinese word order), but not dropped or invented;
            # positional ones (%s) must stay as many and in the same order.
            if named_only and set(got) != set(expected) or not named_only and list(got.elements()) != list(expected.elements()):
                problems.append(f"{e.where}: expected {sorted(expected)}, got {sorted(got)}")
    assert not problems, "\n".join(problems)


def test_the_placeholder_check_catches_a_dropped_name():
    entry = Entry(msgid="Request #%(id)s is “%(state)s”.", flags={"python-format"})
    assert set(placeholders(entry.msgid, entry)) == {"%(id)s", "%(state)s"}
    assert set(placeholders("请求 #%(id)s 的状态", entry)) != set(placeholders(entry.msgid, entry))
    assert not placeholders("达到 100%% 时", entry)


def _header_without_creation_date(header: str) -> str:
    return "\n".join(line for line in header.splitlines() if not line.startswith("POT-Creation-Date:"))


def _catalog_from_po(entries: list[Entry]) -> dict:
    """What GNUTranslations._catalog holds after reading a .mo compiled from these entries."""
    catalog = {}
    for e in entries:
        if not e.msgid:  # msgfmt drops POT-Creation-Date from the header, so compare the header's other fields
            catalog[""] = _header_without_creation_date(e.msgstr[0])
            continue
        key = e.msgid if e.msgctxt is None else f"{e.msgctxt}\x04{e.msgid}"
        if e.msgid_plural is None:
            catalog[key] = e.msgstr[0]
        else:
            for index, text in enumerate(e.msgstr):
                catalog[(key, index)] = text
    return catalog


def test_the_committed_mo_says_exactly_what_the_po_says(entries):
    """The .mo is committed; a .po edited without compilemessages would leave users with stale or missing text."""
    assert MO.exists(), "run: manage.py compilemessages -l zh_Hans --ignore=.venv"
    with MO.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    expected = _catalog_from_po(entries)
    actual = dict(compiled._catalog)  # the only way to see every message, including stale ones
    actual[""] = _header_without_creation_date(actual.get("", ""))
    missing = sorted(str(k) for k in expected.keys() - actual.keys())
    stale = sorted(str(k) for k in actual.keys() - expected.keys())
    different = sorted(str(k) for k in expected.keys() & actual.keys() if expected[k] != actual[k])
    assert not (missing or stale or different), (
        "django.mo is out of date; run: manage.py compilemessages -l zh_Hans --ignore=.venv\n"
        f"missing: {missing[:10]}\nstale: {stale[:10]}\ndifferent: {different[:10]}"
    )
    # And through the public API, with the one plural form used for every count.
    plural = next(e for e in entries if e.msgid_plural)
    for n in (0, 1, 2, 15):
        assert compiled.ngettext(plural.msgid, plural.msgid_plural, n) == plural.msgstr[0]


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="GNU gettext's msgfmt is not installed")
def test_msgfmt_accepts_the_catalog_with_its_format_checks(tmp_path):
    # msgfmt --check compares each python-format msgstr with its msgid as gettext itself understands them.
    result = subprocess.run(
        ["msgfmt", "--check", "-o", str(tmp_path / "django.mo"), str(PO)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="GNU gettext's xgettext is not installed")
def test_every_string_in_the_source_is_in_the_catalog(tmp_path):
    """makemessages on a copy of the tree finds no string the committed catalog lacks.

    Fails when someone wraps a new string (or edits one) and nobody ran the translation pass:
    manage.py makemessages -l zh_Hans --ignore=.venv --ignore=var --ignore=bench --ignore=tests,
    translate the new entries, then manage.py compilemessages -l zh_Hans --ignore=.venv.
    """
    copy = tmp_path / "tree"
    ignore = shutil.ignore_patterns(".venv", "var", "bench", "tests", "staticfiles", ".git", "__pycache__", "node_modules")
    shutil.copytree(ROOT, copy, ignore=ignore)
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test"}
    result = subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "zh_Hans", "--no-obsolete", "--no-location",
         "--ignore=.venv", "--ignore=var", "--ignore=bench", "--ignore=tests"],
        cwd=copy, capture_output=True, text=True, env=env,
    )
    assert result.returncode == 0, result.stderr
    committed = {(e.msgctxt, e.msgid) for e in parse_po(PO) if e.msgid}
    current = {(e.msgctxt, e.msgid) for e in parse_po(copy / PO.relative_to(ROOT)) if e.msgid}
    new = sorted(msgid for _, msgid in current - committed)
    assert not new, f"{len(new)} source strings have no translation yet: {new[:20]}"


# ---------------------------------------------------------------------------------------------- at run time


def test_rights_states_and_units_read_in_chinese_by_default_and_in_english_on_request():
    with translation.override("zh-hans"):
        assert [str(label) for label in Right.labels] == [
            "账号注销", "删除", "更正", "查阅", "获取副本", "撤回同意", "投诉", "任意请求",
        ]
        assert str(State.AWAITING_IDENTITY.label) == "待身份验证"
        assert str(State.IN_PROGRESS.label) == "处理中"
        assert str(State.ESCALATED.label) == "已向监管部门投诉"
        assert str(Unit.WORKING_DAY.label) == "工作日"
        assert str(Unit.CALENDAR_DAY.label) == "自然日"
        assert str(Action.REPLY.label) == "答复"
        assert translation.ngettext("%(n)d working day left", "%(n)d working days left", 3) % {"n": 3} == "剩余 3 个工作日"
    with translation.override("en"):
        assert str(Right.ACCOUNT_CANCELLATION.label) == "Account cancellation"
        assert str(State.AWAITING_IDENTITY.label) == "Awaiting identity proof"


@pytest.mark.django_db
def test_the_admin_login_page_is_chinese_without_accept_language_and_english_when_asked(client):
    page = client.get("/admin/login/").content.decode()  # the test client sends no Accept-Language
    assert '<html lang="zh-hans"' in page
    assert "督促 App 在承诺期限内履行" in page  # our own tagline
    assert "用户名" in page and "登录" in page  # Django's admin, in its own zh_Hans catalog
    assert "Username" not in page

    page = client.get("/admin/login/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<html lang="en"' in page
    assert "Holding apps to the deadlines they promise" in page
    assert "Username" in page and "Log in" in page
    assert "用户名" not in page


# ---------------------------------------------------------------------- what the product writes (issue 19)
# Facts are stored (codes, ids, field names); the words are chosen when they are read, in the reader's language.

ENGLISH_PHRASE = re.compile(r"[A-Za-z]{3,}(?: [A-Za-z]{2,})+")


@pytest.fixture
def channels(db):
    from complaints.models import Channel, DraftTemplate
    from complaints.seed import load_channels, load_templates

    load_channels(Channel)
    load_templates(DraftTemplate)


def _without_addresses(text: str) -> str:
    return re.sub(r"https?://\S+|RightsDesk|App", " ", text)


@pytest.mark.django_db
def test_seeded_channels_speak_both_languages(channels):
    from complaints.models import Channel

    for channel in Channel.objects.all():
        with translation.override("zh-hans"):
            assert channel.display_name == channel.name and str(channel).startswith(channel.name)
            assert not ENGLISH_PHRASE.search(_without_addresses(channel.how_to_lodge_display)), channel.code
            for citation in (channel.answer_citation, channel.time_bar_citation, channel.admission_citation):
                assert not ENGLISH_PHRASE.search(citation), citation
        with translation.override("en"):
            assert channel.display_name == channel.name_en and str(channel).startswith(channel.name_en)
            assert channel.how_to_lodge_en and channel.how_to_lodge_display == channel.how_to_lodge_en
            assert not re.search(r"[\u4e00-\u9fff]", channel.how_to_lodge_display), channel.code


def test_complaint_history_details_are_phrases_in_the_readers_language():
    from complaints.services import history_details

    details = {"reference": "GX-1", "satisfied": False, "request": 4}
    with translation.override("zh-hans"):
        assert history_details(details) == ["编号：GX-1", "请求人不满意", "请求 #4"]
    with translation.override("en"):
        assert history_details(details) == ["reference: GX-1", "the requester is not satisfied", "request #4"]


@pytest.mark.django_db
def test_a_lodging_stores_the_channel_code_and_reads_its_name_in_either_language(channels):
    from complaints.models import Channel, ComplaintLog
    from complaints.services import history_details, lodge_complaint
    from policies.models import App
    from policies.seed import load_seed_catalog
    from tests.factories import file, shanghai

    load_seed_catalog()
    request = file(App.objects.get(name="卢米埃影城"), at=shanghai(2026, 9, 28, 10), requester_contact="13812345678")
    lodge_complaint(request=request, channel=Channel.objects.get(code="isc"), at=shanghai(2026, 10, 20, 9))
    entry = ComplaintLog.objects.get(event="request_escalated")
    assert entry.details == {"channel": "isc", "request": request.pk}
    with translation.override("zh-hans"):
        assert history_details(entry.details)[0] == "渠道：互联网信息服务投诉平台 (中国互联网协会)"
    with translation.override("en"):
        assert history_details(entry.details)[0].startswith("channel: Internet Information Service Complaint Platform")


def test_audit_entries_read_as_words_not_codes_or_json():
    from records.audit_labels import action_label, changes_text, subject_label

    with translation.override("zh-hans"):
        assert action_label("catalog review") == "目录审核"
        assert subject_label("complainant details of request #1") == "请求 #1 的投诉人信息"
        assert changes_text({"address": ["", "上海市徐汇区测试路2号"], "postcode": [None, "200030"]}) == (
            "通讯地址：— → 上海市徐汇区测试路2号; 邮政编码：— → 200030".replace("：", ": ")
        )
        text = changes_text({"old": None, "new": {"working": False, "name": "国庆"}})
        assert "{" not in text and "变更前" in text and "工作日: 否" in text
        assert action_label("something new") == "something new"  # an unknown code is shown as stored
    with translation.override("en"):
        assert action_label("catalog review") == "catalog review"
        assert subject_label("channel 12300") == "complaint channel 12300"


@pytest.mark.django_db
def test_a_refused_transition_lists_what_is_allowed_by_its_label(catalog):
    from rights.services import refusal_message
    from tests.factories import file, shanghai

    request = file(catalog["卢米埃影城"], at=shanghai(2026, 9, 28, 10))
    with translation.override("zh-hans"):
        message = refusal_message(request, "reopen")
    allowed = message.split("当前可执行：")[1]
    assert not re.search(r"[a-z]{3,}", allowed), message  # "已受理, …", never "acknowledge, reopen"


@pytest.mark.django_db
def test_roles_and_permissions_read_in_the_readers_language(admin_client, admin_user):
    from django.contrib.auth.models import Group

    group = Group.objects.create(name="reviewers")
    with translation.override("zh-hans"):
        page = admin_client.get(f"/admin/accounts/role/{group.pk}/change/").content.decode()
        assert "可添加会话" in page and "Can add session" not in page
        user = admin_client.get("/admin/auth/user/").content.decode()
    user_page = admin_client.get(f"/admin/auth/user/{admin_user.pk}/change/").content.decode()
    assert 'data-field-name="角色"' in user_page and "用户担任的角色" in user_page
    assert 'data-field-name="组"' not in user_page
    assert user  # the list renders


@pytest.mark.django_db
def test_the_admin_javascript_catalog_translates_the_select_filter(admin_client):
    catalog = admin_client.get("/admin/jsi18n/").content.decode()
    assert f'"Choose all %s": {json.dumps("全选%s")}' in catalog  # the catalog is JSON (\\u escapes)
    assert json.dumps("（点击清除）") in catalog


@pytest.mark.django_db
def test_the_case_file_history_says_what_changed_in_words(catalog):
    from complaints.casefile import case_file_context
    from rights.services import record_event
    from tests.factories import file, shanghai

    request = file(catalog["卢米埃影城"], at=shanghai(2026, 9, 28, 10), app_ticket_number="LM-1")
    request = record_event(request=request, event="amend", at=shanghai(2026, 9, 28, 11), field="app_ticket_number", value="LM-2")
    record_event(request=request, event="refuse", at=shanghai(2026, 9, 29, 10), reason="无法核实", note="电话告知")
    with translation.override("zh-hans"):
        history = case_file_context(request)["history"]
    phrases = [p for entry in history for p in entry["details"]]
    assert any("App 工单号" in p or ("LM-1" in p and "LM-2" in p) for p in phrases), phrases
    assert "理由：无法核实" in phrases
    assert not any("=" in p or "app_ticket_number" in p for p in phrases), phrases
