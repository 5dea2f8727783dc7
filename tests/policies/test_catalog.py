"""The catalog in the database: the rows the data migration loads match the policy texts, and each procedure is
held to its promise, or to the statutory default when the policy is silent or promises more than the cap allows."""
import json
from datetime import date

import pytest
from django.core.exceptions import ValidationError

from policies.models import (
    App,
    PolicyVersion,
    Procedure,
    StatutoryDefault,
    promises_for,
)
from policies.seed import DATA_DIR, POLICY_TEXTS_DIR, load_seed_catalog

pytestmark = pytest.mark.django_db

SEED = json.loads((DATA_DIR / "catalog.json").read_text(encoding="utf-8"))
APP_RULES_2019 = "app-rules-2019-6-3"  # correction, deletion, cancellation
APP_RULES_2019_COMPLAINTS = "app-rules-2019-6-5"
GBT_35273 = "gbt-35273-2020-8.7"


def procedure_of(app_name, right, action="completion"):
    (procedure,) = Procedure.objects.filter(policy_version__app__name=app_name, right=right, action=action)
    return procedure


def made_up_procedure(*, right, action, amount, unit, sentence, clock_start="receipt"):
    """A procedure of an invented app whose policy text says `sentence`."""
    app = App.objects.create(name="示例应用", slug="example-app")
    version = PolicyVersion.objects.create(
        app=app, title="示例应用隐私政策", effective_on=date(2025, 1, 1), source_text=f"第一条 {sentence} 第二条"
    )
    procedure = Procedure(
        policy_version=version,
        right=right,
        action=action,
        deadline_min=amount,
        deadline_max=amount,
        deadline_unit=unit,
        clock_start=clock_start,
        quote=sentence,
    )
    procedure.full_clean()
    procedure.save()
    return procedure


# ----------------------------------------------------------------------------- rows loaded by the migration


def test_the_data_migration_loads_every_app_and_procedure_of_the_seed_catalog():
    # No `catalog` fixture here: these rows must come from migration policies/0002 alone.
    assert set(App.objects.values_list("slug", flat=True)) == {entry["slug"] for entry in SEED}
    for entry in SEED:
        assert Procedure.objects.filter(policy_version__app__slug=entry["slug"]).count() == len(entry["procedures"])
    assert set(StatutoryDefault.objects.values_list("code", flat=True)) == {APP_RULES_2019, APP_RULES_2019_COMPLAINTS, GBT_35273}


def test_every_quote_loaded_by_the_migration_is_a_verbatim_passage_of_its_policy_text():
    procedures = list(Procedure.objects.select_related("policy_version__app"))
    assert len(procedures) == sum(len(entry["procedures"]) for entry in SEED)
    for procedure in procedures:
        assert procedure.quote.strip()
        assert procedure.quote in procedure.policy_version.source_text, (procedure.policy_version.app.name, procedure.quote)
        for channel in procedure.channels:
            assert channel["value"] in procedure.policy_version.source_text, channel
        procedure.full_clean()  # the model's own verbatim check agrees


def test_policy_texts_loaded_by_the_migration_are_the_source_files_with_their_checksums():
    for version in PolicyVersion.objects.all():
        text = (POLICY_TEXTS_DIR / version.source_name).read_text(encoding="utf-8")
        assert version.source_text == text
        assert version.checksum == PolicyVersion.checksum_of(text)
        assert version.status == "accepted"


def test_loading_the_seed_catalog_again_creates_nothing_new():
    before = Procedure.objects.count(), PolicyVersion.objects.count(), StatutoryDefault.objects.count()
    assert load_seed_catalog() == 0
    assert (Procedure.objects.count(), PolicyVersion.objects.count(), StatutoryDefault.objects.count()) == before


def test_a_quote_that_is_not_in_the_policy_text_is_refused():
    procedure = procedure_of("卢米埃影城", "account_cancellation")
    procedure.quote = procedure.quote.replace("7个工作日", "5个工作日")
    with pytest.raises(ValidationError) as refused:
        procedure.full_clean()
    assert "quote" in refused.value.message_dict


def test_a_deadline_needs_an_amount_and_a_unit():
    procedure = procedure_of("卢米埃影城", "account_cancellation")
    procedure.deadline_unit = ""
    with pytest.raises(ValidationError) as refused:
        procedure.full_clean()
    assert "deadline_unit" in refused.value.message_dict


def test_a_channel_needs_a_known_kind():
    procedure = procedure_of("卢米埃影城", "account_cancellation")
    procedure.channels = [{"kind": "carrier_pigeon", "value": "客服"}]
    with pytest.raises(ValidationError) as refused:
        procedure.full_clean()
    assert "channels" in refused.value.message_dict


# ----------------------------------------------------------------------------- statutory defaults


def test_the_2019_rules_govern_completion_of_cancellation_deletion_correction_under_six_3():
    for right in ("account_cancellation", "deletion", "correction"):
        default = StatutoryDefault.governing(right, "completion")
        assert default.code == APP_RULES_2019 and default.citation.endswith("六、3")
    assert StatutoryDefault.governing("access", "completion") is None


def test_complaints_are_governed_by_six_5_for_their_reply_and_their_handling():
    # 认定方法 六、5: a complaint must be accepted and handled within the promise, at most 15 working days.
    for action in ("reply", "completion"):
        default = StatutoryDefault.governing("complaint", action)
        assert default.code == APP_RULES_2019_COMPLAINTS and default.citation.endswith("六、5")
        assert (default.amount, default.unit) == (15, "working_day")


def test_a_complaint_procedure_promising_20_working_days_is_flagged_against_the_15_day_cap():
    app = App.objects.create(name="示例应用", slug="example-app")
    version = PolicyVersion.objects.create(app=app, title="示例", effective_on=date(2025, 1, 1), source_text="20个工作日内处理投诉")
    for action in ("reply", "completion"):
        procedure = Procedure.objects.create(
            policy_version=version, right="complaint", action=action, deadline_min=20, deadline_max=20,
            deadline_unit="working_day", quote="20个工作日内处理投诉",
        )  # fmt: skip
        effective = procedure.effective_deadline()
        assert effective.exceeds_cap is True and effective.max == 15
        assert effective.statutory.citation.endswith("六、5")


def test_gbt_35273_governs_the_reply_to_any_request_within_30_days():
    default = StatutoryDefault.governing("access", "reply")
    assert (default.code, default.amount, default.unit, default.clock_start) == (
        GBT_35273,
        30,
        "calendar_day",
        "identity_verified",
    )


def test_aimiliao_cancellation_without_a_promise_is_held_to_15_working_days_of_the_2019_rules():
    procedure = procedure_of("艾米聊", "account_cancellation")
    assert not procedure.has_promise
    effective = procedure.effective_deadline()
    assert (effective.min, effective.max, effective.unit) == (15, 15, "working_day")
    assert effective.exceeds_cap is False
    assert effective.statutory.code == APP_RULES_2019
    assert "App违法违规收集使用个人信息行为认定方法" in effective.statutory.citation
    assert "2019" in effective.statutory.citation
    assert procedure.as_dict()["statutory"]["citation"] == effective.statutory.citation
    assert procedure.as_dict()["effective_deadline"]["source"] == "statutory"


def test_a_promise_of_20_working_days_for_deletion_exceeds_the_cap_and_the_cap_applies():
    procedure = made_up_procedure(
        right="deletion", action="completion", amount=20, unit="working_day", sentence="我们将在20个工作日内完成删除。"
    )
    effective = procedure.effective_deadline()
    assert effective.exceeds_cap is True
    assert (effective.min, effective.max, effective.unit) == (15, 15, "working_day")
    assert effective.statutory.code == APP_RULES_2019
    as_dict = procedure.as_dict()
    assert as_dict["deadline"] == {"min": 20, "max": 20, "unit": "working_day"}  # the promise as written
    assert as_dict["effective_deadline"]["exceeds_cap"] is True
    assert as_dict["effective_deadline"]["max"] == 15


def test_a_promise_exactly_at_the_cap_is_compliant():
    procedure = procedure_of("E票电影", "account_cancellation")
    effective = procedure.effective_deadline()
    assert (effective.min, effective.max, effective.unit, effective.clock_start) == (
        7,
        15,
        "working_day",
        "account_cancelled",
    )
    assert effective.statutory is None and effective.exceeds_cap is False


def test_a_promise_shorter_than_the_cap_is_the_effective_deadline():
    effective = procedure_of("卢米埃影城", "account_cancellation").effective_deadline()
    assert (effective.min, effective.max, effective.unit, effective.statutory) == (7, 7, "working_day", None)


def test_a_reply_promise_of_15_calendar_days_is_within_the_30_day_reply_cap():
    for procedure in Procedure.objects.filter(policy_version__app__name="咪咕云书店", right="any_request", action="reply"):
        effective = procedure.effective_deadline()
        assert (effective.max, effective.unit, effective.exceeds_cap) == (15, "calendar_day", False)


def test_a_reply_promise_longer_than_30_days_exceeds_the_reply_cap():
    procedure = made_up_procedure(
        right="access", action="reply", amount=45, unit="calendar_day", sentence="我们将在45天内答复您的请求。"
    )
    effective = procedure.effective_deadline()
    assert effective.exceeds_cap is True
    assert (effective.max, effective.unit, effective.statutory.code) == (30, "calendar_day", GBT_35273)


def test_a_promise_in_working_days_is_compared_with_a_calendar_day_cap_by_length():
    # 20 working days are four weeks (28 days), within 30 calendar days; 25 are five weeks, beyond them
    assert not made_up_procedure(
        right="access", action="reply", amount=20, unit="working_day", sentence="我们将在20个工作日内答复。"
    ).effective_deadline().exceeds_cap
    Procedure.objects.filter(policy_version__app__slug="example-app").delete()
    App.objects.filter(slug="example-app").delete()
    assert made_up_procedure(
        right="access", action="reply", amount=25, unit="working_day", sentence="我们将在25个工作日内答复。"
    ).effective_deadline().exceeds_cap


def test_a_procedure_with_no_promise_and_no_governing_default_has_no_effective_deadline():
    procedure = Procedure.objects.filter(policy_version__app__name="卢米埃影城", right="consent_withdrawal").first()
    assert procedure.effective_deadline() is None
    assert procedure.as_dict()["effective_deadline"] is None
    assert procedure.as_dict()["statutory"] is None


# ----------------------------------------------------------------------------- what a request is held to


def test_aimiliao_cancellation_request_is_held_to_the_statutory_15_working_days():
    app = App.objects.get(name="艾米聊")
    (promise,) = promises_for(app, "account_cancellation", date(2026, 9, 28))
    assert promise.action == "completion"
    assert (promise.deadline.max, promise.deadline.unit) == (15, "working_day")
    assert promise.deadline.statutory.code == APP_RULES_2019


def test_epiao_deletion_without_its_own_promise_is_held_to_the_2019_rules_and_the_promised_reply():
    app = App.objects.get(name="E票电影")
    promises = {p.action: p for p in promises_for(app, "deletion", date(2026, 9, 28))}
    assert promises["completion"].deadline.statutory.code == APP_RULES_2019
    assert (promises["reply"].deadline.min, promises["reply"].deadline.max) == (7, 15)
    assert promises["reply"].deadline.statutory is None


def test_no_promise_applies_before_the_first_policy_took_effect():
    app = App.objects.get(name="E票电影")  # in force from 2021-11-01
    assert app.policy_in_force(date(2021, 10, 31)) is None
    assert app.policy_in_force(date(2021, 11, 1)).title == "E票电影隐私权政策"


def test_the_version_in_force_is_the_latest_effective_one_not_a_future_or_undated_one():
    app = App.objects.get(name="卢米埃影城")
    current = app.policy_in_force(date(2026, 9, 28))
    PolicyVersion.objects.create(app=app, title="undated draft", source_text="undated")
    PolicyVersion.objects.create(app=app, title="next year's", effective_on=date(2027, 1, 1), source_text="future")
    assert app.policy_in_force(date(2026, 9, 28)) == current
    assert app.policy_in_force(date(2027, 1, 1)).title == "next year's"
