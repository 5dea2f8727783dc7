from django.db import migrations, models

# The seed's texts before this migration: a channel still showing one of them gets the texts of complaints.seed in
# both languages; a channel someone edited keeps its edit.
OLD = {
    "app": {"how_to_lodge": "The app's own complaint procedure in the catalog (its policy's complaint channels)."},
    "12300": {
        "how_to_lodge": "https://yhss.miit.gov.cn, phone 12300; or the provincial 通信管理局 申诉受理中心.",
        "answer_citation": "申诉受理中心公开承诺：材料齐全之日起30日内答复 (the centre's published commitment)",
    },
    "isc": {
        "how_to_lodge": "https://ts.isc.org.cn",
        "answer_citation": "互联网信息服务投诉平台：企业在10个工作日内处理 (the company is asked to handle within 10 working days)",
    },
    "12377": {
        "how_to_lodge": "https://www.12377.cn, phone 12377; or the provincial 网信 举报中心.",
        "answer_citation": "《中华人民共和国个人信息保护法》第六十五条 (依法及时处理，并将处理结果告知投诉、举报人; no day count)",
    },
    "12315": {
        "how_to_lodge": "https://www.12315.cn, phone 12315.",
        "time_bar_citation": "《市场监督管理投诉举报处理暂行办法》 (time bar 3 years)",
    },
    "court": {"how_to_lodge": "A lawsuit at the competent people's court; RightsDesk prepares the case file only."},
}


def both_languages(apps, schema_editor):
    from complaints.seed import CHANNELS

    Channel = apps.get_model("complaints", "Channel")
    seeded = {data["code"]: data for data in CHANNELS}
    for channel in Channel.objects.filter(code__in=OLD):
        changed = []
        for field, old in OLD[channel.code].items():
            if getattr(channel, field) == old:
                setattr(channel, field, seeded[channel.code][field])
                changed.append(field)
        if "how_to_lodge" in changed:
            channel.how_to_lodge_en = seeded[channel.code]["how_to_lodge_en"]
            changed.append("how_to_lodge_en")
        if changed:
            channel.save(update_fields=changed)


class Migration(migrations.Migration):
    dependencies = [
        ("complaints", "0008_evidence_original_name"),
    ]

    operations = [
        migrations.AddField(
            model_name="channel",
            name="how_to_lodge_en",
            field=models.TextField(blank=True, verbose_name="how to lodge, in English"),
        ),
        migrations.RunPython(both_languages, migrations.RunPython.noop),
    ]
