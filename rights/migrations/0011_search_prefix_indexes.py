from django.db import migrations

# Search words without three letters or digits in a row ("王", "王五", "13", "①²") match the start of the name or
# contact (rights.search.text_q): Django's istartswith is UPPER(col::text) LIKE UPPER('x%'), served by a b-tree on
# that expression with text_pattern_ops (the database's collation is not C). PostgreSQL only; SQLite scans.
PREFIX_INDEXES = {
    "request_name_prefix_idx": "requester_name",
    "request_contact_prefix_idx": "requester_contact",
}


def create_prefix_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, column in PREFIX_INDEXES.items():
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS "{name}" ON "rights_rightsrequest" ((UPPER("{column}"::text)) text_pattern_ops)'
        )


def drop_prefix_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in PREFIX_INDEXES:
        schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')


class Migration(migrations.Migration):

    dependencies = [
        ('rights', '0010_request_tally'),
    ]

    operations = [
        migrations.RunPython(create_prefix_indexes, drop_prefix_indexes),
    ]
