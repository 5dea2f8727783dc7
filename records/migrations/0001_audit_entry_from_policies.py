"""AuditEntry moves from policies to records without moving a row: the state takes over the table
policies_auditentry (created by policies 0003), and the audit entry's content type is renamed so the permissions
granted on it stay granted. policies 0008 then forgets the model on its side."""
import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


def move_content_type(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    if not ContentType.objects.using(db).filter(app_label="records", model="auditentry").exists():
        ContentType.objects.using(db).filter(app_label="policies", model="auditentry").update(app_label="records")


def restore_content_type(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    if not ContentType.objects.using(db).filter(app_label="policies", model="auditentry").exists():
        ContentType.objects.using(db).filter(app_label="records", model="auditentry").update(app_label="policies")


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("policies", "0003_audit_entries"),
        ("contenttypes", "0002_remove_content_type_name"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="AuditEntry",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("at", models.DateTimeField(db_index=True, default=django.utils.timezone.now, verbose_name="at")),
                        ("action", models.CharField(max_length=40, verbose_name="action")),
                        ("subject", models.CharField(max_length=300, verbose_name="subject")),
                        ("changes", models.JSONField(blank=True, default=dict, verbose_name="changes")),
                        (
                            "by",
                            models.ForeignKey(
                                blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+",
                                to=settings.AUTH_USER_MODEL, verbose_name="by",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "audit entry",
                        "verbose_name_plural": "audit entries",
                        "ordering": ["-at", "-id"],
                        "db_table": "policies_auditentry",
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(move_content_type, restore_content_type),
    ]
