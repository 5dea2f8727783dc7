"""Storing an import: a draft version with draft procedures, not in force until every proposal is reviewed
and the version accepted; the same text twice is refused and changes nothing."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from policies.importer.errors import ImportRefused
from policies.importer.store import (
    accept_confident_procedures,
    accept_policy_version,
    import_policy_version,
    review_procedure,
)
from policies.models import App, Confidence, PolicyVersion, Procedure, ReviewStatus, Right, Unit
from policies.seed import POLICY_TEXTS_DIR

pytestmark = pytest.mark.django_db

TEXT = """新应用隐私政策
生效日期：2030年1月1日
新应用科技有限公司（以下简称“我们”）
（二）注销账号
您可以通过“我的-设置-注销账号”申请注销。我们将在10个工作日内完成注销。
九、如何联系我们
您可以发送邮件至help@new-app.example与我们联系，一般情况下，我们将在15天内回复。
"""


def import_text(text=TEXT, **kwargs):
    return import_policy_version(text=text, **kwargs)


def test_an_import_is_a_draft_version_with_draft_procedures_awaiting_review():
    version = import_text(source_name="new.txt")
    assert version.status == ReviewStatus.DRAFT
    assert version.procedures.count() == 2
    assert set(version.procedures.values_list("review_status", flat=True)) == {ReviewStatus.DRAFT}
    assert (version.app.name, version.effective_on, version.source_name) == ("新应用", date(2030, 1, 1), "new.txt")


def test_a_new_app_is_created_with_the_contacts_and_operator_the_policy_gives():
    app = import_text().app
    assert (app.operator, app.emails) == ("新应用科技有限公司", ["help@new-app.example"])
    assert app.slug  # an ASCII slug even for a Chinese name


def test_self_service_paths_are_stored_as_self_service_channels():
    procedure = import_text().procedures.get(right=Right.ACCOUNT_CANCELLATION)
    assert {"kind": "self_service", "value": "我的-设置-注销账号"} in procedure.channels
    assert (procedure.deadline_min, procedure.deadline_max, procedure.deadline_unit) == (10, 10, Unit.WORKING_DAY)


def test_a_draft_version_is_not_in_force():
    version = import_text()
    assert version.app.policy_in_force(date(2031, 1, 1)) is None


def test_the_app_is_found_by_name_or_slug(catalog):
    text = (POLICY_TEXTS_DIR / "lumiere-cinema.txt").read_text(encoding="utf-8") + "\n（修订）"
    by_name = import_text(text, app_name="卢米埃影城")
    by_slug = import_text(text + "\n", app_name="lumiere-cinema")
    assert by_name.app == by_slug.app == catalog["卢米埃影城"]


def test_the_same_text_twice_for_an_app_is_refused_and_changes_nothing():
    import_text()
    before = (PolicyVersion.objects.count(), Procedure.objects.count(), App.objects.count())
    with pytest.raises(ImportRefused, match="already imported"):
        import_text()
    assert (PolicyVersion.objects.count(), Procedure.objects.count(), App.objects.count()) == before


def test_the_seed_catalog_s_own_text_is_already_imported(catalog):
    text = (POLICY_TEXTS_DIR / "epiao-movie.txt").read_text(encoding="utf-8")
    with pytest.raises(ImportRefused, match="already imported"):
        import_text(text)


def test_without_an_app_name_nothing_is_stored():
    with pytest.raises(ImportRefused, match="app"):
        import_text("我们将在15天内回复您的请求。")
    assert not PolicyVersion.objects.filter(source_text="我们将在15天内回复您的请求。").exists()


def test_a_text_without_promises_is_stored_with_no_procedures():
    version = import_text("我们非常重视您的隐私。", app_name="无承诺应用")
    assert version.procedures.count() == 0


# --- Review -----------------------------------------------------------------------------------------------


def test_accepting_and_rejecting_proposals_then_the_version_puts_it_in_force():
    version = import_text()
    cancellation, reply = version.procedures.order_by("id")
    review_procedure(procedure=cancellation, status=ReviewStatus.ACCEPTED)
    review_procedure(procedure=reply, status=ReviewStatus.REJECTED)
    accept_policy_version(version=version)
    version.refresh_from_db()
    assert version.status == ReviewStatus.ACCEPTED
    assert version.app.policy_in_force(date(2030, 6, 1)) == version
    assert list(Procedure.objects.in_force(version.app, date(2030, 6, 1))) == [cancellation]


def test_a_version_with_proposals_awaiting_review_cannot_be_accepted():
    version = import_text()
    review_procedure(procedure=version.procedures.first(), status=ReviewStatus.ACCEPTED)
    with pytest.raises(ImportRefused, match="1 procedure of"):
        accept_policy_version(version=version)
    version.refresh_from_db()
    assert version.status == ReviewStatus.DRAFT


def test_an_accepted_version_is_not_accepted_again_nor_reviewed_here():
    version = import_text()
    for p in version.procedures.all():
        review_procedure(procedure=p, status=ReviewStatus.ACCEPTED)
    accept_policy_version(version=version)
    with pytest.raises(ImportRefused, match="already accepted"):
        accept_policy_version(version=version)
    with pytest.raises(ImportRefused, match="already accepted"):
        review_procedure(procedure=version.procedures.first(), status=ReviewStatus.REJECTED)


def test_a_reviewer_edits_a_proposal_while_accepting_it():
    procedure = import_text().procedures.get(right=Right.ACCOUNT_CANCELLATION)
    review_procedure(
        procedure=procedure,
        status=ReviewStatus.ACCEPTED,
        changes={"deadline_min": 7, "deadline_max": 15, "note": "checked"},
    )
    procedure.refresh_from_db()
    assert (procedure.deadline_min, procedure.deadline_max, procedure.note) == (7, 15, "checked")
    assert procedure.review_status == ReviewStatus.ACCEPTED


@pytest.mark.parametrize(
    "changes",
    [
        {"quote": "这句话不在政策里"},  # a quote must be verbatim
        {"deadline_min": 20, "deadline_max": 10},  # least after most
        {"channels": [{"kind": "pigeon", "value": "x"}]},
    ],
)
def test_an_edit_that_breaks_the_catalog_s_rules_is_refused_and_not_saved(changes):
    procedure = import_text().procedures.get(right=Right.ACCOUNT_CANCELLATION)
    with pytest.raises(ValidationError):
        review_procedure(procedure=procedure, status=ReviewStatus.ACCEPTED, changes=changes)
    procedure.refresh_from_db()
    assert procedure.review_status == ReviewStatus.DRAFT and procedure.deadline_min == 10


def test_clearing_the_deadline_clears_its_unit():
    procedure = import_text().procedures.get(right=Right.ACCOUNT_CANCELLATION)
    review_procedure(
        procedure=procedure, status=ReviewStatus.ACCEPTED, changes={"deadline_min": None, "deadline_max": None}
    )
    procedure.refresh_from_db()
    assert (procedure.deadline_min, procedure.deadline_unit) == (None, "")


def test_only_the_reviewable_fields_can_be_changed():
    procedure = import_text().procedures.first()
    with pytest.raises(ValueError):
        review_procedure(procedure=procedure, status=ReviewStatus.ACCEPTED, changes={"policy_version_id": 1})


MIXED_CONFIDENCE = """两类应用隐私政策
（二）注销账号
收到您的注销申请后，我们将在10个工作日内完成注销。
（三）删除您的个人信息
在以下情形中，您可以向我们提出请求。
我们将在15个工作日内完成。
"""


def test_each_proposal_is_stored_with_its_rule_reasons_and_confidence():
    version = import_text(MIXED_CONFIDENCE, app_name="两类应用")
    stored = {p.right: p for p in version.procedures.all()}
    cancellation, deletion = stored[Right.ACCOUNT_CANCELLATION], stored[Right.DELETION]
    assert (cancellation.extraction_rule, cancellation.confidence) == ("deadline_sentence", Confidence.HIGH)
    assert cancellation.confidence_reasons == ["right_in_sentence", "verb_after_deadline", "clock_stated"]
    assert deletion.confidence == Confidence.MEDIUM and "right_from_heading" in deletion.confidence_reasons


def test_accepting_the_confident_proposals_leaves_the_uncertain_ones_for_review():
    version = import_text(MIXED_CONFIDENCE, app_name="两类应用")
    assert accept_confident_procedures(version=version) == 1
    statuses = dict(version.procedures.values_list("right", "review_status"))
    assert statuses == {Right.ACCOUNT_CANCELLATION: ReviewStatus.ACCEPTED, Right.DELETION: ReviewStatus.DRAFT}
    assert accept_confident_procedures(version=version) == 0  # nothing confident is left awaiting review


def test_a_rejected_confident_proposal_is_not_accepted_by_accepting_the_confident_ones():
    version = import_text(MIXED_CONFIDENCE, app_name="两类应用")
    cancellation = version.procedures.get(right=Right.ACCOUNT_CANCELLATION)
    review_procedure(procedure=cancellation, status=ReviewStatus.REJECTED)
    assert accept_confident_procedures(version=version) == 0
    cancellation.refresh_from_db()
    assert cancellation.review_status == ReviewStatus.REJECTED


def test_the_confident_proposals_of_an_accepted_version_are_not_accepted_again():
    version = import_text(MIXED_CONFIDENCE, app_name="两类应用")
    for procedure in version.procedures.all():
        review_procedure(procedure=procedure, status=ReviewStatus.REJECTED)
    accept_policy_version(version=version)
    with pytest.raises(ImportRefused, match="already accepted"):
        accept_confident_procedures(version=version)


@pytest.mark.django_db
def test_catalog_acceptance_leaves_an_audit_row_with_who_and_what():
    from django.contrib.auth import get_user_model

    from policies.importer.store import accept_policy_version, import_policy_version, review_procedure
    from records.models import AuditEntry

    reviewer = get_user_model().objects.create(username="reviewer")
    version = import_policy_version(
        text="隐私政策\n\n如需注销账号，请联系客服，我们将在15个工作日内完成注销。", app_name="审计示例"
    )
    for procedure in version.procedures.all():
        review_procedure(procedure=procedure, status="accepted", acting_user=reviewer)
    accept_policy_version(version=version, acting_user=reviewer)
    actions = list(AuditEntry.objects.filter(by=reviewer).values_list("action", flat=True))
    assert actions.count("catalog review") == version.procedures.count() and "catalog acceptance" in actions
