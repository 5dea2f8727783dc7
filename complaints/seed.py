"""The complaint channels as issue 9 states them (checked against the texts), each with its citation.

Every text a reader sees comes in both languages (name / name_en, how_to_lodge / how_to_lodge_en; the reader's
language picks one, complaints.models.Channel.display_name); citations quote the Chinese source as it stands.
Loaded by the data migration and editable in the admin afterwards (every edit leaves an audit row).
"""
from pathlib import Path

LAW_12300 = "《电信用户申诉处理办法》(工信部令第35号)"
LAW_12315 = "《市场监督管理投诉举报处理暂行办法》"
APP_RULES = "《App违法违规收集使用个人信息行为认定方法》"

CHANNELS = [
    {
        "code": "app", "position": 10, "kind": "app",
        "name": "App自身投诉渠道", "name_en": "The app itself",
        "how_to_lodge": "App在其隐私政策中公布的投诉渠道（见目录中该App的投诉办理流程）。",
        "how_to_lodge_en": "The app's own complaint procedure in the catalog (its policy's complaint channels).",
        "regulation": APP_RULES,
        # 认定方法 六、5: a complaint procedure promises at most 15 working days; none promised -> 15 working days.
        "answer_amount": 15, "answer_unit": "working_day", "answer_starts": "lodged",
        "answer_citation": f"{APP_RULES}六、5",
        "escalates_request": False,
    },
    {
        "code": "12300", "position": 20, "kind": "regulator",
        "name": "工信部电信用户申诉受理中心 (12300)", "name_en": "MIIT Telecom User Complaint Center (12300)",
        "how_to_lodge": "https://yhss.miit.gov.cn，电话 12300；或向所在省通信管理局的申诉受理中心提出。",
        "how_to_lodge_en": "https://yhss.miit.gov.cn, phone 12300; or the provincial communications administration's complaint centre.",
        "regulation": LAW_12300,
        "prerequisite": "app_complaint", "prerequisite_days": 15,
        "prerequisite_citation": f"{LAW_12300}第十条(四)",
        "time_bar_years": 2, "time_bar_citation": f"{LAW_12300}第十一条",
        "contents_citation": f"{LAW_12300}第十二条",
        "needs_complainant_address": True, "needs_respondent_address": True,
        "admission_amount": 5, "admission_unit": "working_day", "admission_citation": f"{LAW_12300}第十四条",
        "answer_amount": 30, "answer_unit": "calendar_day", "answer_starts": "lodged",
        "answer_citation": "申诉受理中心公开承诺：材料齐全之日起30日内答复",
    },
    {
        "code": "isc", "position": 30, "kind": "regulator",
        "name": "互联网信息服务投诉平台 (中国互联网协会)", "name_en": "Internet Information Service Complaint Platform (Internet Society of China)",
        "how_to_lodge": "https://ts.isc.org.cn", "how_to_lodge_en": "https://ts.isc.org.cn",
        "regulation": "",
        "answer_amount": 10, "answer_unit": "working_day", "answer_starts": "lodged",
        "answer_citation": "互联网信息服务投诉平台：企业在10个工作日内处理",
    },
    {
        "code": "12377", "position": 40, "kind": "regulator",
        "name": "网信 12377 / 省级网信举报中心", "name_en": "Cyberspace reporting centre 12377 / provincial centres",
        "how_to_lodge": "https://www.12377.cn，电话 12377；或向所在省网信办的举报中心举报。",
        "how_to_lodge_en": "https://www.12377.cn, phone 12377; or the provincial cyberspace administration's reporting centre.",
        "regulation": "《中华人民共和国个人信息保护法》第六十五条",
        # PIPL art. 65: handled 依法及时 and the result reported back; no day count, so no clock.
        "answer_citation": "《中华人民共和国个人信息保护法》第六十五条（依法及时处理，并将处理结果告知投诉、举报人）",
    },
    {
        "code": "12315", "position": 50, "kind": "regulator",
        "name": "市场监管 12315", "name_en": "Market regulation 12315",
        "how_to_lodge": "https://www.12315.cn，电话 12315。", "how_to_lodge_en": "https://www.12315.cn, phone 12315.",
        "regulation": LAW_12315,
        "time_bar_years": 3, "time_bar_citation": f"{LAW_12315}（时效三年）",
        "contents_citation": f"{LAW_12315}第九条",
        "needs_complainant_address": True, "needs_respondent_address": True,
        "agent_citation": f"{LAW_12315}第十条", "agent_needs_identity_document": True,
        "admission_amount": 7, "admission_unit": "working_day", "admission_citation": f"{LAW_12315}第十四条",
        # Art. 21: mediation ends when no agreement is reached within 45 working days of admission.
        "answer_amount": 45, "answer_unit": "working_day", "answer_starts": "admitted",
        "answer_citation": f"{LAW_12315}第二十一条",
    },
    {
        "code": "court", "position": 60, "kind": "court",
        "name": "人民法院", "name_en": "People's Court",
        "how_to_lodge": "向有管辖权的人民法院提起诉讼；RightsDesk 只准备案卷。",
        "how_to_lodge_en": "A lawsuit at the competent people's court; RightsDesk prepares the case file only.",
        "regulation": "《中华人民共和国个人信息保护法》第五十条第二款",
        "prerequisite": "refusal", "prerequisite_citation": "《中华人民共和国个人信息保护法》第五十条第二款",
        "drafting": False,
    },
]

TEMPLATE_KEYS = ("app", "complaint", "12300", "reminder", "power_of_attorney")
TEMPLATE_DIR = Path(__file__).resolve().parent.parent / "templates" / "complaints" / "drafts"


def load_channels(Channel) -> None:
    # `Channel` may be a migration's historical model: only the fields it has then (the later ones follow in the
    # migration that adds them).
    fields = {f.name for f in Channel._meta.get_fields()}
    for data in CHANNELS:
        Channel.objects.update_or_create(code=data["code"], defaults={k: v for k, v in data.items() if k != "code" and k in fields})


def load_templates(DraftTemplate) -> None:
    for key in TEMPLATE_KEYS:
        for language in ("zh-hans", "en"):
            body = (TEMPLATE_DIR / f"{key}.{language}.txt").read_text(encoding="utf-8")
            DraftTemplate.objects.get_or_create(key=key, language=language, defaults={"body": body})
