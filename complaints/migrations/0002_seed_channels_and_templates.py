"""Seed the complaint channels (with their citations, as issue 9 gives them) and the default draft templates."""
from django.db import migrations


def seed(apps, schema_editor):
    from complaints.seed import load_channels, load_templates

    load_channels(apps.get_model("complaints", "Channel"))
    load_templates(apps.get_model("complaints", "DraftTemplate"))


class Migration(migrations.Migration):
    dependencies = [("complaints", "0001_complaints_channels_clocks_log")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
