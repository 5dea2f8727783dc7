"""认定方法 六、3 (correction, deletion, cancellation: completion) and 六、5 (complaints: acceptance and handling)
are two rules with their own citations; the old combined row "六、3–4" goes. Clocks keep the citation they
snapshotted."""
from django.db import migrations


def split(apps, schema_editor):
    from policies.seed import load_statutory_defaults

    load_statutory_defaults(apps)
    apps.get_model("policies", "StatutoryDefault").objects.filter(code="app-rules-2019-6").delete()


class Migration(migrations.Migration):
    dependencies = [("policies", "0003_audit_entries")]
    operations = [migrations.RunPython(split, migrations.RunPython.noop)]
