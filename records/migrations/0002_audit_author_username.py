import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from records.backfill import fill_usernames


def forwards(apps, schema_editor):
    fill_usernames(apps.get_model("records", "AuditEntry"))


class Migration(migrations.Migration):

    dependencies = [
        ('records', '0001_audit_entry_from_policies'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='auditentry',
            name='by_username',
            field=models.CharField(blank=True, editable=False, max_length=150, verbose_name='by (username then)'),
        ),
        migrations.AlterField(
            model_name='auditentry',
            name='by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='by'),
        ),
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]
