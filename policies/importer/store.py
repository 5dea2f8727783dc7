"""The importer's writes, called by the import_policy command and the admin alike.

An imported policy is a draft: a PolicyVersion with status "draft" (so it is never the version in force) and
its proposed procedures with review_status "draft". A person accepts, edits or rejects each procedure, then
accepts the version, which puts it in force from its effective date.
"""

from __future__ import annotations

import hashlib

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from policies.models import App, Confidence, PolicyVersion, Procedure, ReviewStatus
from policies.services import audit

from .errors import ImportRefused
from .extract import Extraction, extract

# What a reviewer may change on a proposed procedure; the version it belongs to stays.
REVIEWABLE_FIELDS = (
    "right",
    "action",
    "channels",
    "deadline_min",
    "deadline_max",
    "deadline_unit",
    "clock_start",
    "hedge",
    "quote",
    "note",
)


def find_app(name: str) -> App | None:
    """The app called `name`, or whose slug is `name` (--app epiao-movie works as well as --app E票电影)."""
    name = name.strip()
    return App.objects.filter(Q(name=name) | Q(slug=name)).first() if name else None


@transaction.atomic
def import_policy_version(
    *,
    text: str,
    app_name: str = "",
    source_name: str = "",
    source_url: str = "",
    extraction: Extraction | None = None,
) -> PolicyVersion:
    """Store `text` as a draft version of its app's policy, with the procedures extracted from it awaiting
    review. The app is the one named (by name or slug), else the one the text names; it is created when it
    is new. Refuses (ImportRefused) when no app is known or the app already has this exact text."""
    extraction = extraction if extraction is not None else extract(text)
    name = (app_name or extraction.app).strip()
    if not name:
        raise ImportRefused(_("The policy does not say which app it is for; give the app's name."))
    app = find_app(name) or _create_app(name, extraction)

    existing = app.policy_versions.filter(checksum=PolicyVersion.checksum_of(text)).first()
    if existing:
        raise ImportRefused(
            _("This text was already imported for %(app)s as version #%(id)s (%(status)s); nothing was changed.")
            % {"app": app.name, "id": existing.pk, "status": existing.get_status_display()}
        )
    try:
        # A savepoint, so a concurrent import of the same text ends as a refusal, not a broken transaction.
        with transaction.atomic():
            version = PolicyVersion.objects.create(
                app=app,
                title=(extraction.title or f"{app.name}隐私政策")[:300],
                published_on=extraction.published_on,
                effective_on=extraction.effective_on,
                source_name=source_name[:255],
                source_url=source_url,
                source_text=text,
                status=ReviewStatus.DRAFT,
            )
    except IntegrityError:
        raise ImportRefused(
            _("This text was already imported for %(app)s; nothing was changed.") % {"app": app.name}
        ) from None

    procedures = []
    for proposed in extraction.procedures:
        deadline = proposed.deadline
        procedure = Procedure(
            policy_version=version,
            right=proposed.right,
            action=proposed.action,
            channels=proposed.model_channels(),
            deadline_min=deadline[0] if deadline else None,
            deadline_max=deadline[1] if deadline else None,
            deadline_unit=deadline[2] if deadline else "",
            clock_start=proposed.clock_start,
            hedge=proposed.hedge,
            quote=proposed.quote,
            extraction_rule=proposed.rule,
            confidence=proposed.confidence,
            confidence_reasons=list(proposed.reasons),
            review_status=ReviewStatus.DRAFT,
        )
        # The extractor guarantees these invariants; checking them here keeps a bug from reaching the catalog.
        procedure.full_clean(exclude=["policy_version"])
        procedures.append(procedure)
    Procedure.objects.bulk_create(procedures)
    return version


def _create_app(name: str, extraction: Extraction) -> App:
    app = App(
        name=name[:200],
        slug=_unique_slug(name),
        operator=extraction.operator[:300],
        emails=extraction.emails,
        phones=extraction.phones,
        addresses=extraction.addresses,
    )
    app.save()
    return app


def _unique_slug(name: str) -> str:
    # Chinese names have no ASCII slug; a short hash of the name keeps the slug stable and unique.
    ascii_part = slugify(name)[:80]
    if not ascii_part or not name.isascii():
        ascii_part = f"{ascii_part or 'app'}-{hashlib.sha1(name.encode('utf-8')).hexdigest()[:8]}"
    slug, n = ascii_part, 1
    while App.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{ascii_part}-{n}"
    return slug


@transaction.atomic
def review_procedure(*, procedure: Procedure, status: str, changes: dict | None = None, acting_user=None) -> Procedure:
    """Accept or reject a proposed procedure (status), after applying a reviewer's edits (changes).

    Only a draft version's procedures are reviewed here. Raises ValidationError when the edited procedure
    breaks the catalog's rules (a deadline without a unit, a quote that is not in the policy text)."""
    if status not in ReviewStatus.values:
        raise ValueError(f"unknown review status {status!r}")
    # Lock the version first: accept_policy_version locks it too, so a review and an acceptance never interleave.
    version = PolicyVersion.objects.select_for_update().get(pk=procedure.policy_version_id)
    if version.status == ReviewStatus.ACCEPTED:
        raise ImportRefused(
            _("Version #%(id)s is already accepted; change its procedures in the catalog instead.") % {"id": version.pk}
        )
    procedure = Procedure.objects.select_for_update().get(pk=procedure.pk)
    for field, value in (changes or {}).items():
        if field not in REVIEWABLE_FIELDS:
            raise ValueError(f"{field} is not reviewable")
        setattr(procedure, field, value)
    if procedure.deadline_min is None and procedure.deadline_max is None:
        procedure.deadline_unit = ""
    procedure.review_status = status
    procedure.policy_version = version
    procedure.full_clean()
    procedure.save()
    audit(
        action="catalog review",
        subject=f"{version.app} · {version.title} · #{procedure.pk}",
        changes={"status": status, "edits": {k: str(v) for k, v in (changes or {}).items()}},
        acting_user=acting_user,
    )
    return procedure


@transaction.atomic
def accept_confident_procedures(*, version: PolicyVersion, acting_user=None) -> int:
    """Accept, as proposed, every procedure of a draft version still awaiting review that the importer
    proposed with high confidence (confidence.py: nothing read from outside its own sentence, nothing
    normalised). The others stay for a person to read. Returns how many were accepted."""
    version = PolicyVersion.objects.select_for_update().get(pk=version.pk)
    if version.status == ReviewStatus.ACCEPTED:
        raise ImportRefused(
            _("Version #%(id)s is already accepted; change its procedures in the catalog instead.") % {"id": version.pk}
        )
    confident = list(
        version.procedures.select_for_update().filter(review_status=ReviewStatus.DRAFT, confidence=Confidence.HIGH)
    )
    for procedure in confident:
        review_procedure(procedure=procedure, status=ReviewStatus.ACCEPTED, acting_user=acting_user)
    return len(confident)


@transaction.atomic
def accept_policy_version(*, version: PolicyVersion, acting_user=None) -> PolicyVersion:
    """Put a reviewed version in force (from its effective date): every procedure must be accepted or rejected."""
    version = PolicyVersion.objects.select_for_update().get(pk=version.pk)
    if version.status == ReviewStatus.ACCEPTED:
        raise ImportRefused(_("Version #%(id)s is already accepted.") % {"id": version.pk})
    pending = list(version.procedures.select_for_update().filter(review_status=ReviewStatus.DRAFT))
    if pending:
        raise ImportRefused(
            ngettext(
                "%(count)d procedure of version #%(id)s still awaits review; accept or reject it first.",
                "%(count)d procedures of version #%(id)s still await review; accept or reject each first.",
                len(pending),
            )
            % {"count": len(pending), "id": version.pk}
        )
    version.status = ReviewStatus.ACCEPTED
    try:
        version.full_clean(exclude=["checksum"])
    except ValidationError as e:
        raise ImportRefused("; ".join(e.messages)) from None
    version.save(update_fields=["status"])
    audit(
        action="catalog acceptance",
        subject=f"{version.app} · {version.title}",
        changes={"version": version.pk},
        acting_user=acting_user,
    )
    return version
