"""The hand-curated seed catalog (policies/data/catalog.json) checked against the policy texts it was read from.

Pure data tests: no database, no Django. Every quote and channel must be a verbatim passage of its source file,
every enum value must be one the models accept, and the facts the product relies on are pinned here.
"""
import json
import re
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parents[2] / "policies" / "data"
TEXTS_DIR = DATA_DIR / "policies"

# Mirrors the TextChoices in policies/models.py (kept literal so this module needs no Django).
RIGHTS = {
    "account_cancellation",
    "deletion",
    "correction",
    "access",
    "copy",
    "consent_withdrawal",
    "complaint",
    "any_request",
}
ACTIONS = {"reply", "completion"}
UNITS = {"working_day", "calendar_day", "hour", "week", "month"}
CLOCK_STARTS = {"receipt", "identity_verified", "account_cancelled", "application"}
HEDGES = {"", "soft", "cap"}
CHANNEL_KINDS = {
    "self_service",
    "customer_service",
    "phone",
    "email",
    "in_app_agent",
    "contact_person",
    "post",
    "web",
}
APP_KEYS = {"name", "slug", "operator", "website", "emails", "phones", "addresses", "policy", "procedures"}
POLICY_KEYS = {"title", "published_on", "effective_on", "source_file"}
PROCEDURE_KEYS = {"right", "action", "channels", "deadline", "clock_start", "hedge", "quote", "note", "note_en"}

_CN_DIGITS = "零一二三四五六七八九"


def _load_catalog():
    return json.loads((DATA_DIR / "catalog.json").read_text(encoding="utf-8"))


def _text(app):
    return (TEXTS_DIR / app["policy"]["source_file"]).read_text(encoding="utf-8")


def _app(slug):
    matches = [app for app in _load_catalog() if app["slug"] == slug]
    assert len(matches) == 1, f"expected exactly one app with slug {slug!r}"
    return matches[0]


def _procedures(slug, right, action=None):
    return [
        p
        for p in _app(slug)["procedures"]
        if p["right"] == right and (action is None or p["action"] == action)
    ]


def _channel_values(procedure, kind):
    return [c["value"] for c in procedure["channels"] if c["kind"] == kind]


def _chinese_numeral(n):
    """1..99 written in Chinese numerals (七, 十五, 二十, 三十日...)."""
    tens, ones = divmod(n, 10)
    if tens == 0:
        return _CN_DIGITS[ones]
    head = "十" if tens == 1 else _CN_DIGITS[tens] + "十"
    return head + (_CN_DIGITS[ones] if ones else "")


def _is_iso_date(value):
    parts = value.split("-") if isinstance(value, str) else []
    return (
        len(parts) == 3
        and [len(p) for p in parts] == [4, 2, 2]
        and all(p.isdigit() for p in parts)
        and 1 <= int(parts[1]) <= 12
        and 1 <= int(parts[2]) <= 31
    )


# ----------------------------------------------------------------------------------------------- structure


def test_catalog_slugs_match_the_policy_file_names():
    catalog = _load_catalog()
    slugs = [app["slug"] for app in catalog]
    assert len(slugs) == len(set(slugs))
    assert set(slugs) == {path.stem for path in TEXTS_DIR.glob("*.txt")}
    for app in catalog:
        assert app["policy"]["source_file"] == f"{app['slug']}.txt"


def test_app_names_are_unique_and_not_empty():
    names = [app["name"] for app in _load_catalog()]
    assert all(names)
    assert len(names) == len(set(names))


def test_every_entry_has_exactly_the_documented_shape():
    for app in _load_catalog():
        assert set(app) == APP_KEYS, app["slug"]
        assert set(app["policy"]) == POLICY_KEYS, app["slug"]
        for key in ("emails", "phones", "addresses"):
            assert isinstance(app[key], list) and all(isinstance(v, str) and v for v in app[key])
        for procedure in app["procedures"]:
            assert set(procedure) == PROCEDURE_KEYS, (app["slug"], procedure)
            assert isinstance(procedure["note"], str) and isinstance(procedure["note_en"], str)


def test_every_note_is_written_in_both_languages():
    """The desk reads in Chinese and in English: a note is Chinese prose in `note` and English in `note_en` (both
    may quote the policy's Chinese)."""
    for app in _load_catalog():
        for procedure in app["procedures"]:
            chinese, english = procedure["note"], procedure["note_en"]
            assert bool(chinese) == bool(english), procedure["quote"][:30]
            if chinese:
                assert re.match(r"[\u3400-\u9fff\uff08“]", chinese), chinese[:30]
                assert re.match(r"[A-Za-z'(]", english), english[:30]


def test_every_app_has_at_least_one_procedure():
    for app in _load_catalog():
        assert app["procedures"], app["slug"]


def test_policy_titles_are_stated_in_the_text_and_dates_are_iso_or_null():
    for app in _load_catalog():
        policy = app["policy"]
        assert policy["title"] and policy["title"] in _text(app), app["slug"]
        for key in ("published_on", "effective_on"):
            assert policy[key] is None or _is_iso_date(policy[key]), (app["slug"], key, policy[key])


# ------------------------------------------------------------------------------------- verbatim faithfulness


def test_every_quote_is_a_verbatim_substring_of_its_source_file():
    for app in _load_catalog():
        text = _text(app)
        for procedure in app["procedures"]:
            assert procedure["quote"].strip(), (app["slug"], procedure)
            assert procedure["quote"] in text, (app["slug"], procedure["quote"])


def test_quotes_contain_no_ellipsis():
    for app in _load_catalog():
        for procedure in app["procedures"]:
            assert "…" not in procedure["quote"] and "..." not in procedure["quote"], procedure["quote"]


def test_every_channel_value_is_a_verbatim_substring_of_its_source_file():
    for app in _load_catalog():
        text = _text(app)
        for procedure in app["procedures"]:
            for channel in procedure["channels"]:
                assert channel["value"] and channel["value"] in text, (app["slug"], channel)


def test_contact_details_and_operator_are_stated_in_the_text():
    for app in _load_catalog():
        text = _text(app)
        for value in app["emails"] + app["phones"] + app["addresses"]:
            assert value in text, (app["slug"], value)
        assert app["operator"] == "" or app["operator"] in text, (app["slug"], app["operator"])


def test_website_is_an_http_url_whose_host_the_text_names_or_empty():
    for app in _load_catalog():
        website = app["website"]
        if not website:
            continue
        assert website.startswith(("http://", "https://")), website
        host = website.split("://", 1)[1].split("/", 1)[0]
        assert host in _text(app), (app["slug"], host)


# ----------------------------------------------------------------------------------------- enums and ranges


def test_allowed_values_mirror_the_models_text_choices():
    # The catalog's choices, and the counting units, which the deadline layer defines (deadlines.models.Unit).
    models_source = "".join(
        path.read_text(encoding="utf-8")
        for path in (DATA_DIR.parent / "models" / "choices.py", DATA_DIR.parents[1] / "deadlines" / "models.py")
    )
    for value in RIGHTS | ACTIONS | UNITS | CLOCK_STARTS | (HEDGES - {""}) | CHANNEL_KINDS:
        assert f'= "{value}", _(' in models_source, value


def test_every_enum_value_is_an_allowed_choice():
    for app in _load_catalog():
        for procedure in app["procedures"]:
            assert procedure["right"] in RIGHTS, procedure
            assert procedure["action"] in ACTIONS, procedure
            assert procedure["clock_start"] in CLOCK_STARTS, procedure
            assert procedure["hedge"] in HEDGES, procedure
            for channel in procedure["channels"]:
                assert channel["kind"] in CHANNEL_KINDS, channel
            if procedure["deadline"] is not None:
                assert procedure["deadline"]["unit"] in UNITS, procedure


def test_deadlines_are_complete_and_min_is_at_most_max():
    for app in _load_catalog():
        for procedure in app["procedures"]:
            deadline = procedure["deadline"]
            if deadline is None:
                continue
            assert set(deadline) == {"min", "max", "unit"}, deadline
            assert isinstance(deadline["min"], int) and isinstance(deadline["max"], int), deadline
            assert 0 < deadline["min"] <= deadline["max"], deadline


def test_deadline_unit_matches_the_wording_of_the_quote():
    """工作日 means working days; 天/日 without 工作 means calendar days."""
    for app in _load_catalog():
        for procedure in app["procedures"]:
            deadline = procedure["deadline"]
            if deadline is None:
                continue
            quote = procedure["quote"]
            if deadline["unit"] == "working_day":
                assert "工作日" in quote, quote
            elif deadline["unit"] == "calendar_day":
                assert "工作日" not in quote and ("天" in quote or "日" in quote), quote


def test_deadline_amounts_appear_in_the_quote():
    for app in _load_catalog():
        for procedure in app["procedures"]:
            deadline = procedure["deadline"]
            if deadline is None:
                continue
            quote = procedure["quote"]
            for amount in {deadline["min"], deadline["max"]}:
                assert str(amount) in quote or _chinese_numeral(amount) in quote, (amount, quote)


def test_hedged_wording_is_marked_soft():
    """一般情况下 in a deadline quote makes the promise soft."""
    for app in _load_catalog():
        for procedure in app["procedures"]:
            if procedure["deadline"] is not None and "一般情况下" in procedure["quote"]:
                assert procedure["hedge"] == "soft", procedure["quote"]


# ------------------------------------------------------------------------------------- the pinned facts


def test_lumiere_cancellation_is_completed_within_seven_working_days():
    (procedure,) = _procedures("lumiere-cinema", "account_cancellation", "completion")
    assert procedure["deadline"] == {"min": 7, "max": 7, "unit": "working_day"}
    assert procedure["hedge"] == ""
    assert "个人中心 -》客服中心 -》 智能客服 -》 人工客服" in [c["value"] for c in procedure["channels"]]
    assert "7个工作日内完成注销处理" in procedure["quote"]


def test_lumiere_policy_was_published_and_took_effect_on_3_june_2020():
    policy = _app("lumiere-cinema")["policy"]
    assert (policy["published_on"], policy["effective_on"]) == ("2020-06-03", "2020-06-03")


def test_epiao_cancellation_takes_7_to_15_working_days_after_the_account_is_cancelled():
    (procedure,) = _procedures("epiao-movie", "account_cancellation", "completion")
    assert procedure["deadline"] == {"min": 7, "max": 15, "unit": "working_day"}
    assert procedure["clock_start"] == "account_cancelled"
    assert "在您主动注销账户之后" in procedure["quote"]
    assert "我的-设置-账户安全-注销账户" in _channel_values(procedure, "self_service")
    assert "400-113-9001" in _channel_values(procedure, "phone")


def test_epiao_replies_to_requests_within_7_to_15_working_days():
    replies = _procedures("epiao-movie", "any_request", "reply")
    assert replies
    for procedure in replies:
        assert procedure["deadline"] == {"min": 7, "max": 15, "unit": "working_day"}
        assert procedure["hedge"] == ""
    quotes = " ".join(p["quote"] for p in replies)
    assert "我们将在7-15个工作日内做出答复" in quotes
    assert "我们将在7-15个工作日内回复您的请求" in quotes


def test_epiao_policy_was_published_on_20_october_and_took_effect_on_1_november_2021():
    policy = _app("epiao-movie")["policy"]
    assert (policy["published_on"], policy["effective_on"]) == ("2021-10-20", "2021-11-01")


def test_migu_replies_within_15_calendar_days_after_identity_verification():
    replies = [p for p in _procedures("migu-bookstore", "any_request", "reply") if "十五天" in p["quote"]]
    assert replies
    for procedure in replies:
        assert procedure["deadline"] == {"min": 15, "max": 15, "unit": "calendar_day"}
        assert procedure["clock_start"] == "identity_verified"
        assert "验证您的真实身份后" in procedure["quote"]
    assert any("service@migu.cn" in _channel_values(p, "email") for p in replies)


def test_migu_text_is_the_version_published_on_29_june_2022():
    """The text states 本版发布日期:【2022-06-29】; the dates listed above it are the version history."""
    app = _app("migu-bookstore")
    assert "本版发布日期:【2022-06-29】" in _text(app)
    assert (app["policy"]["published_on"], app["policy"]["effective_on"]) == ("2022-06-29", "2022-06-29")


def test_lianlian_replies_within_15_days_after_receipt_and_identity_verification():
    replies = [
        p for p in _procedures("lianlian-yingshangbao", "any_request", "reply") if "验证您的身份后" in p["quote"]
    ]
    assert len(replies) == 1
    (procedure,) = replies
    assert procedure["deadline"] == {"min": 15, "max": 15, "unit": "calendar_day"}
    assert procedure["clock_start"] == "identity_verified"
    assert "收到您反馈并验证您的身份后的 15天内答复您的请求" in procedure["quote"]


def test_lianlian_usual_15_day_reply_is_soft():
    (procedure,) = [
        p for p in _procedures("lianlian-yingshangbao", "any_request", "reply") if "一般情况下" in p["quote"]
    ]
    assert procedure["deadline"] == {"min": 15, "max": 15, "unit": "calendar_day"}
    assert procedure["hedge"] == "soft"


def test_lianlian_cancellation_goes_through_the_assigned_contact_person():
    (procedure,) = _procedures("lianlian-yingshangbao", "account_cancellation")
    assert _channel_values(procedure, "contact_person") == ["联系与您对接的产品人员"]
    assert procedure["deadline"] is None


def test_lianlian_version_took_effect_on_1_november_2021():
    assert _app("lianlian-yingshangbao")["policy"]["effective_on"] == "2021-11-01"


def test_aimiliao_cancellation_path_has_no_promised_deadline():
    (procedure,) = _procedures("aimiliao", "account_cancellation", "completion")
    assert _channel_values(procedure, "self_service") == ["艾米聊-我的-点击头像-账号注销"]
    assert procedure["deadline"] is None
