"""The table refuses UPDATE, DELETE and TRUNCATE in the database itself (records.models.append_only_triggers)."""

import pgtrigger.compiler
import pgtrigger.migrations
from django.db import migrations

from records.sqlite import AppendOnlyOnSQLite


class Migration(migrations.Migration):
    dependencies = [
        ("watch", "0002_snapshot_source_protected"),
    ]

    operations = [
        pgtrigger.migrations.AddTrigger(
            model_name="policysnapshot",
            trigger=pgtrigger.compiler.Trigger(
                name="append_only",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func="RAISE EXCEPTION 'pgtrigger: Cannot update or delete rows from % table', TG_TABLE_NAME;",
                    hash="67d09ec8830cf9cd879b4e603a235cbbf27959f0",
                    operation="UPDATE OR DELETE",
                    pgid="pgtrigger_append_only_cda85",
                    table="watch_policysnapshot",
                    when="BEFORE",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="policysnapshot",
            trigger=pgtrigger.compiler.Trigger(
                name="no_truncate",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func="RAISE EXCEPTION 'append-only: %', TG_TABLE_NAME;",
                    hash="23ea1f96a46b452decf44efe022c5d56b67cabc8",
                    level="STATEMENT",
                    operation="TRUNCATE",
                    pgid="pgtrigger_no_truncate_fba8a",
                    table="watch_policysnapshot",
                    when="BEFORE",
                ),
            ),
        ),
        AppendOnlyOnSQLite("watch_policysnapshot"),
    ]
