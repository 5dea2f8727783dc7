import complaints.models
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from records.backfill import chain_history, fill_usernames


def forwards(apps, schema_editor):
    fill_usernames(apps.get_model("complaints", "ComplaintLog"))
    chain_history(apps.get_model("complaints", "ComplaintLog"), case_field="complaint", event_field="event")


class Migration(migrations.Migration):
    dependencies = [
        ("complaints", "0005_letters_from_the_facts"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="complaintevidence",
            name="redacted_at",
            field=models.DateTimeField(blank=True, editable=False, null=True, verbose_name="redacted at"),
        ),
        migrations.AddField(
            model_name="complaintlog",
            name="by_username",
            field=models.CharField(blank=True, editable=False, max_length=150, verbose_name="by (username then)"),
        ),
        migrations.AddField(
            model_name="complaintlog",
            name="hash",
            field=models.CharField(blank=True, db_index=True, editable=False, max_length=64, verbose_name="hash"),
        ),
        migrations.AddField(
            model_name="complaintlog",
            name="prev_hash",
            field=models.CharField(blank=True, editable=False, max_length=64, verbose_name="previous row's hash"),
        ),
        migrations.AlterField(
            model_name="complaintevidence",
            name="file",
            field=models.FileField(
                blank=True, upload_to=complaints.models.complaint_evidence_path, verbose_name="file"
            ),
        ),
        migrations.AlterField(
            model_name="complaintlog",
            name="by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="by",
            ),
        ),
        migrations.AlterField(
            model_name="complaintlog",
            name="complaint",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="log",
                to="complaints.complaint",
                verbose_name="complaint",
            ),
        ),
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]
