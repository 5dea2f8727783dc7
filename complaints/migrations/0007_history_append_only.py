"""The table refuses UPDATE, DELETE and TRUNCATE in the database itself (records.models.append_only_triggers)."""

import pgtrigger.compiler
import pgtrigger.migrations
from django.db import migrations

from records.sqlite import AppendOnlyOnSQLite


class Migration(migrations.Migration):
    dependencies = [
        ("complaints", "0006_history_chained"),
    ]

    operations = [
        pgtrigger.migrations.AddTrigger(
            model_name="complaintlog",
            trigger=pgtrigger.compiler.Trigger(
                name="append_only",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func="RAISE EXCEPTION 'pgtrigger: Cannot update or delete rows from % table', TG_TABLE_NAME;",
                    hash="eea31093672a4e4f8e8ab26c73e9cddaceedd628",
                    operation="UPDATE OR DELETE",
                    pgid="pgtrigger_append_only_f1e72",
                    table="complaints_complaintlog",
                    when="BEFORE",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="complaintlog",
            trigger=pgtrigger.compiler.Trigger(
                name="no_truncate",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func="RAISE EXCEPTION 'append-only: %', TG_TABLE_NAME;",
                    hash="d0c36658815567a3e0c398a2b6bbb8e1aa2e30d6",
                    level="STATEMENT",
                    operation="TRUNCATE",
                    pgid="pgtrigger_no_truncate_40e75",
                    table="complaints_complaintlog",
                    when="BEFORE",
                ),
            ),
        ),
        AppendOnlyOnSQLite("complaints_complaintlog"),
    ]
