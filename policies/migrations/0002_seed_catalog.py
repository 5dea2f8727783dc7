from django.db import migrations


def load(apps, schema_editor):
    from policies.seed import load_seed_catalog

    load_seed_catalog(apps)


class Migration(migrations.Migration):
    dependencies = [("policies", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
