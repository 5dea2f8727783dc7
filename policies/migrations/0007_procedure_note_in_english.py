"""A procedure's note in both languages of the desk. The seed catalog's notes were English only: a seeded
procedure whose note is still the catalog's (in either language) gets the catalog's Chinese in `note` and its
English in `note_en`. A note someone edited is left as it is."""
import json
from pathlib import Path

from django.db import migrations, models

CATALOG = Path(__file__).resolve().parent.parent / "data" / "catalog.json"


def translate_seed_notes(apps, schema_editor):
    Procedure = apps.get_model("policies", "Procedure")
    notes = {}  # (app, quote) -> (Chinese, English)
    for app in json.loads(CATALOG.read_text(encoding="utf-8")):
        for procedure in app["procedures"]:
            if procedure.get("note_en"):
                notes[(app["name"], procedure["quote"])] = (procedure["note"], procedure["note_en"])
    for procedure in Procedure.objects.filter(note_en="").exclude(note="").select_related("policy_version__app"):
        pair = notes.get((procedure.policy_version.app.name, procedure.quote))
        # Seeded in English (before) or in Chinese (a new database's 0002 reads today's catalog).
        if pair and procedure.note in pair:
            procedure.note, procedure.note_en = pair
            procedure.save(update_fields=["note", "note_en"])


def back_to_english(apps, schema_editor):
    Procedure = apps.get_model("policies", "Procedure")
    for procedure in Procedure.objects.exclude(note_en=""):
        procedure.note = procedure.note_en
        procedure.save(update_fields=["note"])


class Migration(migrations.Migration):
    dependencies = [("policies", "0006_policy_import")]

    operations = [
        migrations.AddField(
            model_name="procedure",
            name="note_en",
            field=models.TextField(blank=True, verbose_name="note (English)"),
        ),
        migrations.AlterField(
            model_name="procedure",
            name="note",
            field=models.TextField(blank=True, verbose_name="note (Chinese)"),
        ),
        migrations.RunPython(translate_seed_notes, back_to_english),
    ]
