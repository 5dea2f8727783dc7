"""A received message's raw bytes are stored without compression on PostgreSQL (STORAGE EXTERNAL: out of line, not
compressed). Mail is mostly base64 attachments, which pglz compresses little and slowly: a 10 MB message took
0.7 s longer to insert (bench/bench_mail.py). SQLite has no such setting."""

from django.db import migrations

TABLE = "correspondence_inboundmail"


def storage(value):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(f"ALTER TABLE {TABLE} ALTER COLUMN raw SET STORAGE {value}")

    return run


class Migration(migrations.Migration):
    dependencies = [("correspondence", "0003_letters_and_mail_of_complaints")]

    operations = [migrations.RunPython(storage("EXTERNAL"), storage("EXTENDED"), elidable=False)]
