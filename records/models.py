"""What every app records and never rewrites: the append-only rule of a history, and the audit log of changes to
the catalog, the calendar, the complaint channels and the settings. Nothing here imports an app of the product,
so the deadline layer, the catalog and both tracks may use it."""

from __future__ import annotations

import pgtrigger
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .audit_labels import action_label, changes_text, subject_label


class AppendOnly:
    """A record's entries are written once: the audit log, a request's and a complaint's history are evidence, so
    an entry is never changed or deleted through the ORM's instance methods."""

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValidationError(
                _("%(entries)s cannot be changed: they are a record.")
                % {"entries": capfirst(self._meta.verbose_name_plural)}
            )
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError(
            _("%(entries)s cannot be deleted: they are a record.")
            % {"entries": capfirst(self._meta.verbose_name_plural)}
        )


def append_only_triggers() -> list:
    """The database's own refusal to rewrite a record, whoever asks (a queryset update or delete, raw SQL,
    loaddata over a row, a cascade): on PostgreSQL these triggers, on SQLite the ones `AppendOnlyOnSQLite` creates in
    each app's migration. TRUNCATE is a statement trigger: `Protect` on TRUNCATE breaks migrate. The test suite's
    flush between transactional tests is the one way around it (tests/conftest.py)."""
    return [
        pgtrigger.Protect(name="append_only", operation=pgtrigger.Update | pgtrigger.Delete),
        pgtrigger.Trigger(
            name="no_truncate",
            level=pgtrigger.Statement,
            when=pgtrigger.Before,
            operation=pgtrigger.Truncate,
            func="RAISE EXCEPTION 'append-only: %', TG_TABLE_NAME;",
        ),
    ]


def username_of(user) -> str:
    return getattr(user, "username", "") or ""


class AuthoredEntry(AppendOnly):
    """A record row keeps its author's username as it was when it was written (`by_username`): the account may be
    renamed or deactivated later, never deleted (the foreign key is PROTECT)."""

    def save(self, *args, **kwargs):
        if self.pk is None and not self.by_username and self.by_id is not None:
            self.by_username = username_of(self.by)
        super().save(*args, **kwargs)


class ChainedEntry(AuthoredEntry):
    """A history row in its case's hash chain (records.chain). A model names its case's foreign key (`CASE_FIELD`)
    and its event's field (`EVENT_FIELD`), and has `source`, `target`, `at`, `note`, `details`, `by_username`,
    `prev_hash`, `hash` and an `evidence` relation whose rows carry `sha256`. `seal` runs in the write path under
    the case's row lock, so two rows of one case never claim the same previous hash."""

    CASE_FIELD = ""  # the case's foreign key: "request", "complaint"
    EVENT_FIELD = ""  # the event's name: "transition", "event"

    def case_label(self) -> str:
        return f"{self.CASE_FIELD} {getattr(self, f'{self.CASE_FIELD}_id')}"

    def evidence_digests(self) -> list[str]:
        """The digests of this row's evidence files, as stored with them (kept when a file is redacted)."""
        return list(self.evidence.values_list("sha256", flat=True))

    def content(self, files: list[str] | None = None) -> dict:
        from .chain import row_content

        return row_content(
            case=self.case_label(), event=getattr(self, self.EVENT_FIELD), source=self.source, target=self.target,
            at=self.at, by=self.by_username, note=self.note, details=self.details,
            files=self.evidence_digests() if files is None else files, prev=self.prev_hash,
        )  # fmt: skip

    def seal(self, files=()) -> None:
        """Fill the author's username, the previous row's hash in the same case and this row's own hash."""
        from .chain import GENESIS, entry_hash

        if not self.by_username and self.by_id is not None:
            self.by_username = username_of(self.by)
        case_id = getattr(self, f"{self.CASE_FIELD}_id")
        previous = (
            type(self)
            .objects.filter(**{f"{self.CASE_FIELD}_id": case_id})
            .order_by("-id")
            .values_list("hash", flat=True)
        )
        self.prev_hash = previous.first() or GENESIS
        self.hash = entry_hash(self.content(list(files)))


class AuditEntry(AuthoredEntry, models.Model):
    """Who changed the catalog, the calendar or the reminder settings, when, and what (old -> new)."""

    at = models.DateTimeField(_("at"), default=timezone.now, db_index=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("by")
    )
    by_username = models.CharField(_("by (username then)"), max_length=150, blank=True, editable=False)
    action = models.CharField(_("action"), max_length=40)
    subject = models.CharField(_("subject"), max_length=300)
    changes = models.JSONField(_("changes"), default=dict, blank=True)

    class Meta:
        # The table the catalog created before the audit log moved here: moving the model moved no rows.
        db_table = "policies_auditentry"
        ordering = ["-at", "-id"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        triggers = append_only_triggers()

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {action_label(self.action)} {subject_label(self.subject)}"

    @property
    def changes_display(self) -> str:
        from .personal import revealed

        return changes_text(revealed(self.changes))


class PersonalKey(models.Model):
    """A case's random key for the digest of its personal fields (records.personal): kept while the fields are,
    deleted by the redaction, after which the chained digest no longer confirms a guessed name or phone. Not a
    record: destroying the key is the point."""

    case = models.CharField(pgettext_lazy("evidence", "case"), max_length=60, unique=True)
    key = models.CharField(pgettext_lazy("evidence", "key"), max_length=64, editable=False)

    class Meta:
        verbose_name = _("personal data key")
        verbose_name_plural = _("personal data keys")

    def __str__(self):
        return self.case


class PersonalValue(models.Model):
    """What a history row says about a person (an amended name, a complainant's changed phone), kept beside the
    append-only row rather than in it: the row chains only the values' keyed digest (records.personal), so the
    redaction can clear these and the history still verifies. Looked up by the case and that digest. Not a record:
    clearing it is the point."""

    case = models.CharField(pgettext_lazy("evidence", "case"), max_length=60)
    digest = models.CharField(pgettext_lazy("evidence", "digest"), max_length=64)
    values = models.JSONField(pgettext_lazy("evidence", "values"), default=dict)

    class Meta:
        verbose_name = _("personal value")
        verbose_name_plural = _("personal values")
        constraints = [models.UniqueConstraint(fields=["case", "digest"], name="personal_value_case_digest_uniq")]

    def __str__(self):
        return self.case


class HeadCheckpoint(AppendOnly, models.Model):
    """The chain heads as they were at a moment (records.heads), kept outside the history tables: a case whose
    chain no longer reaches its recorded head lost its last rows (`evidence verify`). Each checkpoint holds the
    heads that moved since the one before (`heads`: case -> [row, hash]), the highest row id of each history
    table it covers (`through`) and the root over every head then (`root`, the line to publish)."""

    at = models.DateTimeField(_("at"), db_index=True)
    root = models.CharField(pgettext_lazy("evidence", "root"), max_length=64)
    cases = models.PositiveIntegerField(pgettext_lazy("evidence", "cases"))
    through = models.JSONField(pgettext_lazy("evidence", "through"), default=dict)
    heads = models.JSONField(pgettext_lazy("evidence", "heads"), default=dict)

    class Meta:
        ordering = ["id"]
        verbose_name = _("chain heads checkpoint")
        verbose_name_plural = _("chain heads checkpoints")
        triggers = append_only_triggers()

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.root[:16]}"
