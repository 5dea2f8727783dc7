"""Redacting a closed case past its retention period (README "Retention and redaction"; PIPL art. 47): the
requester's personal fields and every evidence file are replaced by a marker, in one audited transaction; every
event, moment and deadline stays, and the hash chain still verifies (the filing row chained only the personal
fields' digest, keyed with the case's key that the redaction deletes, and evidence keeps the digest its row chained).

The complaint track holds personal data too (the requester's address, an agent's identity document, the drafted
text): it registers a redactor here in its AppConfig.ready(), as a lower layer never imports a higher one."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from deadlines.counting import local_day as local_date
from policies.services import audit
from records.personal import destroy_key

from ..models import CLOSED_STATES, Evidence, RightsRequest
from .boundary import RequestError, clean_text

MARKER = "[redacted]"

# Each takes the locked request and the moment, replaces what its track holds, and returns
# {"fields": [...], "files": [storage names to delete after the commit]}.
REDACTORS: list[Callable[[RightsRequest, datetime], dict]] = []


def register_redactor(redactor: Callable[[RightsRequest, datetime], dict]) -> None:
    if redactor not in REDACTORS:
        REDACTORS.append(redactor)


def redact_files(evidence, now: datetime) -> list[str]:
    """Evidence rows keep their digest (chained in their history row); the file and its name go."""
    names = []
    for item in evidence.filter(redacted_at=None).order_by("id"):
        if item.file.name:
            names.append(item.file.name)
        type(item).objects.filter(pk=item.pk).update(file="", description=MARKER, redacted_at=now)
    return names


def retention_ends(request: RightsRequest) -> datetime:
    return request.closed_at + timedelta(days=settings.RIGHTSDESK_RETENTION_DAYS)


def redact_request(*, request: RightsRequest, reason: str, acting_user=None, now: datetime | None = None) -> dict:
    """Redact the case; refused (one line) on an open case, one within retention, or one already redacted."""
    reason = clean_text(reason, label=_("Reason"), max_length=1000)
    if not reason:
        raise RequestError(_("A redaction needs a reason (--reason)."))
    now = now or timezone.now()
    with transaction.atomic(durable=True):
        locked = RightsRequest.objects.select_for_update().get(pk=request.pk)
        if locked.state not in CLOSED_STATES or locked.closed_at is None:
            raise RequestError(
                _("Request #%(id)s is open: only a closed case past its retention period can be redacted.")
                % {"id": locked.pk}
            )
        if now < retention_ends(locked):
            raise RequestError(
                _("Request #%(id)s is kept until %(day)s (%(days)s days after it was closed); it cannot be redacted yet.")
                % {"id": locked.pk, "day": local_date(retention_ends(locked)).isoformat(),
                   "days": settings.RIGHTSDESK_RETENTION_DAYS}
            )  # fmt: skip
        if locked.requester_name == MARKER:
            raise RequestError(_("Request #%(id)s is already redacted.") % {"id": locked.pk})
        RightsRequest.objects.filter(pk=locked.pk).update(**dict.fromkeys(RightsRequest.PERSONAL_FIELDS, MARKER))
        fields = list(RightsRequest.PERSONAL_FIELDS)
        files = redact_files(Evidence.objects.filter(request=locked), now)
        # The key of the chained personal digests goes with the fields: the digests then confirm no guess.
        destroy_key(f"request {locked.pk}")
        # Django's admin log stored the request's name as it read then (the requester's name in it): not evidence,
        # so it is rewritten to the case number.
        LogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(RightsRequest), object_id=str(locked.pk)
        ).update(object_repr=f"#{locked.pk}")
        for redactor in REDACTORS:
            done = redactor(locked, now)
            fields += done["fields"]
            files += done["files"]
        audit(
            action="redact", subject=f"request #{locked.pk}",
            changes={"reason": reason, "fields": fields, "files": len(files)}, acting_user=acting_user,
        )  # fmt: skip
        transaction.on_commit(lambda: _delete_stored(files))
    return {"request": locked.pk, "fields": fields, "files": len(files), "reason": reason}


def _delete_stored(names: list[str]) -> None:
    from django.core.files.storage import default_storage

    for name in names:
        default_storage.delete(name)
