"""The default draft templates state the app's conduct from the facts (`{{ outcome }}`) and ask the addressee
what is theirs to do (`{{ demand }}`: "请贵方…" to the app, "请求责令…" to a regulator). A stored template still
equal to its previous default is replaced by the new default; one a person edited is left as it is (its
`{{ refusal }}` now prints the same outcome sentence)."""
import hashlib

from django.db import migrations

# SHA-256 of each previous default body (templates/complaints/drafts/ as of migration 0002).
PREVIOUS = {
    ("12300", "en"): "8176c9fb5d0fd00c84ae9712ee81edcac90080942cefc85f78c92710ad722085",
    ("12300", "zh-hans"): "a2d60462d4f70c84411442afffc20dc6d861b73f9c6a6a6cc93daf1ed32ffa8f",
    ("app", "en"): "7b101e0d361a3432f94259949a2b1156b882206037688ce14666f703f04de5c8",
    ("app", "zh-hans"): "9bd14e120cd2d517580d2393fca84235c74b2d7c6214991115927dcbf487c8e3",
    ("complaint", "en"): "8176c9fb5d0fd00c84ae9712ee81edcac90080942cefc85f78c92710ad722085",
    ("complaint", "zh-hans"): "8e3206d6a0cdabfc5cbb28a1806103459790e3cf2def0e05b1cddbbe110a5b58",
    ("power_of_attorney", "en"): "ace657f7febc1ae1d740b728e8b039ba59d713d8ea63039423389078aa0ad047",
    ("power_of_attorney", "zh-hans"): "0f73456af98ef7d6b29cc66054e133969689b0f2016c7037b7cf1b64729ecbdd",
    ("reminder", "en"): "44c6ab0224c7b53f2208db7f883787dcfb2e8073bd4bf8e2b582d42b550da6ae",
    ("reminder", "zh-hans"): "e027191a1133062efc9ffcf74cb6c8ca589dcc53a774ab917030f4dc34f79520",
}


def renew(apps, schema_editor):
    from complaints.seed import TEMPLATE_DIR

    DraftTemplate = apps.get_model("complaints", "DraftTemplate")
    for (key, language), digest in PREVIOUS.items():
        row = DraftTemplate.objects.filter(key=key, language=language).first()
        if row is not None and hashlib.sha256(row.body.encode("utf-8")).hexdigest() == digest:
            row.body = (TEMPLATE_DIR / f"{key}.{language}.txt").read_text(encoding="utf-8")
            row.save(update_fields=["body"])


class Migration(migrations.Migration):
    dependencies = [("complaints", "0004_complaint_clocks_replayed")]
    operations = [migrations.RunPython(renew, migrations.RunPython.noop)]
