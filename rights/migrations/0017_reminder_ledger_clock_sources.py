"""The ledger names another track's clock by (source, clock id) instead of a foreign key to complaints.ComplaintClock:
rights no longer names an app above it. Rows about complaint clocks keep their key, as ("complaint", the same id)."""

from django.db import migrations, models
from django.db.models import F


def complaint_clocks_to_sources(apps, schema_editor):
    Reminder = apps.get_model("rights", "Reminder")
    Reminder.objects.filter(complaint_clock__isnull=False).update(
        source="complaint", source_clock_id=F("complaint_clock")
    )


def sources_to_complaint_clocks(apps, schema_editor):
    Reminder = apps.get_model("rights", "Reminder")
    Reminder.objects.filter(source="complaint").update(complaint_clock=F("source_clock_id"))


class Migration(migrations.Migration):
    # No dependency on complaints: nothing here refers to its tables. A database that applied 0007 when it still
    # made `complaint_clock` a foreign key loses that constraint with the column (DROP COLUMN ... CASCADE; SQLite
    # rebuilds the table).
    dependencies = [
        ("rights", "0016_history_at_index"),
    ]

    operations = [
        migrations.AddField(
            model_name="reminder",
            name="source",
            field=models.CharField(default="request", editable=False, max_length=20, verbose_name="clock of"),
        ),
        migrations.AddField(
            model_name="reminder",
            name="source_clock_id",
            field=models.BigIntegerField(blank=True, editable=False, null=True, verbose_name="clock number"),
        ),
        migrations.RemoveConstraint(model_name="reminder", name="reminder_complaint_clock_sent_once"),
        migrations.RemoveConstraint(model_name="reminder", name="reminder_about_exactly_one_clock"),
        migrations.RunPython(complaint_clocks_to_sources, sources_to_complaint_clocks, elidable=True),
        migrations.RemoveIndex(model_name="reminder", name="reminder_complaint_clock_idx"),
        migrations.RemoveField(model_name="reminder", name="complaint_clock"),
        migrations.AddConstraint(
            model_name="reminder",
            constraint=models.UniqueConstraint(
                condition=models.Q(("source_clock_id__isnull", False)),
                fields=("request", "source", "source_clock_id", "kind", "due", "repeat"),
                name="reminder_source_clock_sent_once",
            ),
        ),
        migrations.AddConstraint(
            model_name="reminder",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("clock__isnull", False), ("source", "request"), ("source_clock_id__isnull", True)),
                    models.Q(
                        models.Q(("source", "request"), _negated=True),
                        ("clock__isnull", True),
                        ("source_clock_id__isnull", False),
                    ),
                    _connector="OR",
                ),
                name="reminder_about_exactly_one_clock",
            ),
        ),
    ]
