import django.db.models.deletion
import rights.models
from django.conf import settings
from django.db import migrations, models

from records.backfill import chain_history, fill_file_digests, fill_usernames


def forwards(apps, schema_editor):
    fill_usernames(apps.get_model("rights", "TransitionLog"))
    fill_file_digests(apps.get_model("rights", "Evidence"))
    chain_history(apps.get_model("rights", "TransitionLog"), case_field="request", event_field="transition")


class Migration(migrations.Migration):
    dependencies = [
        ("rights", "0018_repeat_every_working_days"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="evidence",
            name="redacted_at",
            field=models.DateTimeField(blank=True, editable=False, null=True, verbose_name="redacted at"),
        ),
        migrations.AddField(
            model_name="evidence",
            name="sha256",
            field=models.CharField(blank=True, editable=False, max_length=64, verbose_name="SHA-256"),
        ),
        migrations.AddField(
            model_name="transitionlog",
            name="by_username",
            field=models.CharField(blank=True, editable=False, max_length=150, verbose_name="by (username then)"),
        ),
        migrations.AddField(
            model_name="transitionlog",
            name="hash",
            field=models.CharField(blank=True, db_index=True, editable=False, max_length=64, verbose_name="hash"),
        ),
        migrations.AddField(
            model_name="transitionlog",
            name="prev_hash",
            field=models.CharField(blank=True, editable=False, max_length=64, verbose_name="previous row's hash"),
        ),
        migrations.AlterField(
            model_name="evidence",
            name="file",
            field=models.FileField(blank=True, upload_to=rights.models.evidence_path, verbose_name="file"),
        ),
        migrations.AlterField(
            model_name="transitionlog",
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
            model_name="transitionlog",
            name="request",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="log",
                to="rights.rightsrequest",
                verbose_name="request",
            ),
        ),
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]
