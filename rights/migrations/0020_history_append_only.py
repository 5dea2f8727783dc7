"""The table refuses UPDATE, DELETE and TRUNCATE in the database itself (records.models.append_only_triggers)."""

import pgtrigger.compiler
import pgtrigger.migrations
from django.db import migrations

from records.sqlite import AppendOnlyOnSQLite


class Migration(migrations.Migration):
    dependencies = [
        ("rights", "0019_history_chained"),
    ]

    operations = [
        pgtrigger.migrations.AddTrigger(
            model_name="transitionlog",
            trigger=pgtrigger.compiler.Trigger(
                name="append_only",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func="RAISE EXCEPTION 'pgtrigger: Cannot update or delete rows from % table', TG_TABLE_NAME;",
                    hash="580f7c2cbbfe09d53fb28a21edd2dfc39215c79e",
                    operation="UPDATE OR DELETE",
                    pgid="pgtrigger_append_only_39d70",
                    table="rights_transitionlog",
                    when="BEFORE",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="transitionlog",
            trigger=pgtrigger.compiler.Trigger(
                name="no_truncate",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func="RAISE EXCEPTION 'append-only: %', TG_TABLE_NAME;",
                    hash="c7ae6f51e2d35863ab73f7019e97d1fa9b1e6348",
                    level="STATEMENT",
                    operation="TRUNCATE",
                    pgid="pgtrigger_no_truncate_004f8",
                    table="rights_transitionlog",
                    when="BEFORE",
                ),
            ),
        ),
        AppendOnlyOnSQLite("rights_transitionlog"),
    ]
