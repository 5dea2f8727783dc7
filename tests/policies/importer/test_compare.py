"""Comparing versions: what changed in an app's promises (deadline, clock start, hedge, channels), what was
added and what was dropped."""

from datetime import date

import pytest

from policies.importer.compare import compare_promises, compare_with_previous
from policies.importer.extract import extract
from policies.importer.store import accept_policy_version, import_policy_version, review_procedure
from policies.models import ReviewStatus, Right

OLD = """示例隐私政策
生效日期：2029年1月1日
（二）注销账号
您可以通过“我的-设置-注销账号”申请注销。我们将在15个工作日内完成注销。
九、如何联系我们
您可以拨打400-800-1234与我们联系，我们将在15天内回复。
"""
NEW = """示例隐私政策
生效日期：2030年1月1日
（二）注销账号
您可以通过“我的-设置-注销账号”申请注销。我们将在7个工作日内完成注销。
（三）删除
您可以通过“我的-订单”删除订单信息。
九、如何联系我们
您可以拨打400-800-1234与我们联系，我们将在15天内回复。
"""


def kinds(changes):
    return sorted((c.kind, c.right) for c in changes)


def test_a_shorter_deadline_is_a_change_and_a_new_path_an_addition():
    changes = compare_promises(extract(OLD).procedures, extract(NEW).procedures)
    assert kinds(changes) == [
        ("added", Right.DELETION),
        ("changed", Right.ACCOUNT_CANCELLATION),
        ("unchanged", Right.ANY_REQUEST),
    ]
    changed = next(c for c in changes if c.kind == "changed")
    assert changed.changed == ("deadline",) and changed.is_stricter is True


def test_a_dropped_promise_is_a_removal():
    changes = compare_promises(extract(NEW).procedures, extract(OLD).procedures)
    assert ("removed", Right.DELETION) in kinds(changes)


def test_a_longer_deadline_is_not_stricter():
    changes = compare_promises(extract(NEW).procedures, extract(OLD).procedures)
    assert next(c for c in changes if c.kind == "changed").is_stricter is False


def test_identical_versions_have_no_changes():
    assert {c.kind for c in compare_promises(extract(OLD).procedures, extract(OLD).procedures)} == {"unchanged"}


def test_channel_changes_are_listed():
    moved = OLD.replace("400-800-1234", "400-800-9999")
    (change,) = [c for c in compare_promises(extract(OLD).procedures, extract(moved).procedures) if c.kind == "changed"]
    assert change.channels_added == (("phone", "400-800-9999"),)
    assert change.channels_removed == (("phone", "400-800-1234"),)


@pytest.mark.django_db
def test_a_draft_is_compared_with_the_app_s_previous_accepted_version():
    old = import_policy_version(text=OLD, app_name="比较应用")
    for p in old.procedures.all():
        review_procedure(procedure=p, status=ReviewStatus.ACCEPTED)
    accept_policy_version(version=old)
    new = import_policy_version(text=NEW, app_name="比较应用")
    review_procedure(procedure=new.procedures.get(right=Right.DELETION), status=ReviewStatus.REJECTED)

    previous, changes = compare_with_previous(new)
    assert previous == old
    assert new.effective_on == date(2030, 1, 1)
    # The rejected proposal is left out: the deletion path is not "added".
    assert kinds(changes) == [("changed", Right.ACCOUNT_CANCELLATION), ("unchanged", Right.ANY_REQUEST)]


@pytest.mark.django_db
def test_a_first_version_has_only_additions():
    version = import_policy_version(text=OLD, app_name="第一版应用")
    previous, changes = compare_with_previous(version)
    assert previous is None and {c.kind for c in changes} == {"added"}
