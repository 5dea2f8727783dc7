"""The table refuses UPDATE, DELETE and TRUNCATE in the database itself (records.models.append_only_triggers)."""

import pgtrigger.compiler
import pgtrigger.migrations
from django.db import migrations

from records.sqlite import AppendOnlyOnSQLite


class Migration(migrations.Migration):

    dependencies = [
        ("records", "0002_audit_author_username"),
    ]

    operations = [
        pgtrigger.migrations.AddTrigger(
            model_name='auditentry',
            trigger=pgtrigger.compiler.Trigger(name='append_only', sql=pgtrigger.compiler.UpsertTriggerSql(func="RAISE EXCEPTION 'pgtrigger: Cannot update or delete rows from % table', TG_TABLE_NAME;", hash='7137e835ac2ebcc731b34d0f57b9580022ed74ed', operation='UPDATE OR DELETE', pgid='pgtrigger_append_only_3cd45', table='policies_auditentry', when='BEFORE')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='auditentry',
            trigger=pgtrigger.compiler.Trigger(name='no_truncate', sql=pgtrigger.compiler.UpsertTriggerSql(func="RAISE EXCEPTION 'append-only: %', TG_TABLE_NAME;", hash='a135864eb4ad073b410e3c00eea2071fe82a6118', level='STATEMENT', operation='TRUNCATE', pgid='pgtrigger_no_truncate_e71a4', table='policies_auditentry', when='BEFORE')),
        ),
        AppendOnlyOnSQLite("policies_auditentry"),
    ]
