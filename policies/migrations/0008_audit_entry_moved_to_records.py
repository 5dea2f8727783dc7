"""AuditEntry now lives in records (records 0001 took over its table, policies_auditentry): the catalog forgets
the model without touching the table."""
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("policies", "0007_procedure_note_in_english"),
        ("records", "0001_audit_entry_from_policies"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="AuditEntry")],
            database_operations=[],
        ),
    ]
