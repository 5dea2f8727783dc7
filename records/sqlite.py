"""The append-only triggers on SQLite (PostgreSQL gets pgtrigger's, records.models.append_only_triggers): a
migration operation that creates them on SQLite only and does nothing elsewhere."""

from __future__ import annotations

from django.db import migrations

OPERATIONS = ("UPDATE", "DELETE")


def trigger_name(table: str, operation: str) -> str:
    return f"{table}_append_only_{operation.lower()}"


def create_trigger(table: str, operation: str) -> str:
    return (
        f'CREATE TRIGGER IF NOT EXISTS "{trigger_name(table, operation)}" BEFORE {operation} ON "{table}" '
        f"BEGIN SELECT RAISE(ABORT, 'append-only: {table}'); END;"
    )


def drop_trigger(table: str, operation: str) -> str:
    return f'DROP TRIGGER IF EXISTS "{trigger_name(table, operation)}";'


class AppendOnlyOnSQLite(migrations.RunSQL):
    """Refuse UPDATE and DELETE on `table` in SQLite (SQLite has no TRUNCATE: its flush is DELETE FROM)."""

    def __init__(self, table: str):
        self.table = table
        super().__init__(
            sql=[create_trigger(table, op) for op in OPERATIONS],
            reverse_sql=[drop_trigger(table, op) for op in OPERATIONS],
        )

    def deconstruct(self):
        return (self.__class__.__qualname__, [self.table], {})

    def describe(self):
        return f"Append-only triggers on {self.table} (SQLite)"

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "sqlite":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "sqlite":
            super().database_backwards(app_label, schema_editor, from_state, to_state)
