"""The case file of a request: what happened, what was promised and every piece of evidence, as a printable
page, a PDF (fpdf2, the Chinese font embedded) and a ZIP of the evidence files with a SHA-256 manifest and the
case's history chain (CHAIN.json: each event's content and hash, and the chain head; README "Evidence and
integrity" shows how to check both by hand).
"""
from __future__ import annotations

import hashlib
import io
import json
import logging
import re
import zipfile
from collections.abc import Callable
from datetime import date
from pathlib import Path

from django.utils import timezone
from django.utils.translation import gettext as _
from fpdf import FPDF

from rights.admin_html import history_details as request_history_details
from rights.events import event_label as request_event_label
from rights.models import Evidence, RightsRequest, TransitionLog, local_date, local_minute

from .drafting import render, render_complaint
from .facts import CaseFacts
from .fonts import FontMissing, cjk_font, common_font
from .models import Channel, Complaint, ComplaintEvidence, ComplaintLog
from .services import event_label, history_details

# fontTools logs every glyph of every subset at INFO.
logging.getLogger("fontTools").setLevel(logging.WARNING)


class CaseFileError(Exception):
    """A case file that cannot be produced; one line for people."""


def case_file_context(request: RightsRequest, on: date | None = None) -> dict:
    on = on or local_date(timezone.now())
    facts = CaseFacts(request)
    clocks = []
    for judged in facts.clocks(on):
        clock = judged.clock
        if judged.kept_late:
            status = _("kept late, on %(day)s (%(n)d working days late)") % {"day": judged.met_on.isoformat(), "n": judged.late_working_days}
        elif judged.overdue:
            status = _("overdue by %(n)d working days") % {"n": judged.late_working_days}
        else:
            status = judged.label
        clocks.append({
            "action": clock.get_action_display(), "promise": clock.promise_display(), "quote": clock.quote,
            "policy": str(clock.policy_version) if clock.policy_version else "", "citation": clock.citation,
            "started": local_minute(clock.started_at), "due": clock.due, "final_due": clock.final_due,
            "statutory_due": clock.statutory_due, "extended_to": clock.extended_to, "status": status,
            "provisional": clock.provisional,
        })
    history = [
        {"at": local_minute(e.at), "recorded_at": local_minute(e.recorded_at), "event": e.transition, "label": request_event_label(e.transition),
         "by": (e.by.get_full_name() or e.by.get_username()) if e.by else "", "note": e.note,
         "details": _request_details(e)}
        for e in facts.log
    ]
    complaints = []
    for complaint in Complaint.objects.filter(request=request).select_related("channel").prefetch_related("clocks", "log").order_by("drafted_at", "id"):
        complaints.append({
            "id": complaint.pk, "channel": complaint.channel.display_name, "state": complaint.get_state_display(),
            "reference": complaint.reference, "lodged": local_minute(complaint.lodged_at), "answered": local_minute(complaint.answered_at),
            "clocks": [{"action": c.get_action_display(), "promise": c.promise_display(), "final_due": c.final_due, "citation": c.citation}
                       for c in complaint.clocks.all()],
            "history": [{"at": local_minute(e.at), "event": event_label(e.event), "note": e.note, "details": history_details(e.details)}
                        for e in complaint.log.all()],
        })
    return {
        "on": on,
        "summary": [
            (_("request"), f"#{request.pk}"),
            (_("app"), request.app.name),
            (_("operator"), request.app.operator),
            (_("right"), request.get_right_display()),
            (_("requester"), request.requester_name),
            (_("requester contact"), request.requester_contact),
            (_("channel used"), request.channel_used),
            (_("app's ticket number"), request.app_ticket_number),
            (_("state"), request.get_state_display()),
            (_("filed at"), local_minute(request.filed_at)),
            (_("submitted at"), local_minute(request.submitted_at)),
            (_("closed at"), local_minute(request.closed_at)),
            (_("refusal reason"), request.refusal_reason),
            (_("regulator"), " ".join(x for x in (request.regulator, request.regulator_reference) if x)),
        ],
        "clocks": clocks,
        "history": history,
        "complaints": complaints,
        "evidence": evidence_items(request),
        "generated_at": local_minute(timezone.now()),
    }


def _request_details(entry) -> list[str]:
    """A request event's details in words, in the reader's language (never "field=…, old=…"): the request page's
    phrases (rights.admin_html.history_details); a refusal's reason is its note already."""
    phrases = [text] if (text := request_history_details(entry)) else []
    reason = (entry.details or {}).get("reason")
    if reason and reason != entry.note:
        phrases.append(_("reason: %(reason)s") % {"reason": reason})
    return phrases


def evidence_items(request: RightsRequest) -> list[dict]:
    """Every file of the case: the request's evidence, then the complaints' (name in the ZIP, file, when)."""
    items = []
    for number, e in enumerate(Evidence.objects.filter(request=request, redacted_at=None).order_by("uploaded_at", "id"), start=1):
        items.append({"path": f"evidence/request/{number:03d}-{_safe(e.original_name or e.file.name)}", "file": e.file,
                      "description": e.description or Path(e.file.name).name, "at": local_minute(e.uploaded_at)})
    for number, e in enumerate(ComplaintEvidence.objects.filter(complaint__request=request, redacted_at=None).order_by("uploaded_at", "id"), start=1):
        items.append({"path": f"evidence/complaint-{e.complaint_id}/{number:03d}-{_safe(e.original_name or e.file.name)}", "file": e.file,
                      "description": e.description or Path(e.file.name).name, "at": local_minute(e.uploaded_at), "sha256": e.sha256})
    return items


def _safe(name: str) -> str:
    """A name that stays inside its folder of the ZIP: its last part (either slash), word characters, no leading dot."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    return re.sub(r"[^\w.\-]", "_", base).lstrip(".")[:120] or "file"


# ---------------------------------------------------------------------------------------------------- PDF


def render_pdf(build: Callable[[FPDF], None]) -> bytes:
    """The PDF that `build` writes, in the cut-down copy of the Chinese font when there is one (complaints.fonts:
    a third of the CPU), made again in the whole font when the text needs a character outside the copy."""
    try:
        path, index = cjk_font()
    except FontMissing as error:
        raise CaseFileError(str(error)) from None
    common = common_font(path, index)
    if common is not None:
        pdf = _pdf(common, 0)
        build(pdf)
        if not pdf.fonts["cjk"].missing_glyphs:
            return bytes(pdf.output())
    pdf = _pdf(path, index)
    build(pdf)
    return bytes(pdf.output())


def _pdf(path: str, index: int) -> FPDF:
    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(True, margin=15)
    pdf.set_margins(18, 16, 18)
    pdf.add_font("cjk", "", path, collection_font_number=index)
    # The embedded subset keeps the whole font's bounding boxes (a box that holds every glyph holds the subset's):
    # recomputing them ran every subset glyph's outline, 40% of a case file's CPU.
    pdf.fonts["cjk"].ttfont.recalcBBoxes = False
    pdf.set_font("cjk", size=10.5)
    pdf.set_title("RightsDesk")
    pdf.set_creator("RightsDesk")
    pdf.add_page()
    return pdf


def _line(pdf, text: str, *, size: float = 10.5, gap: float = 1.5) -> None:
    pdf.set_font("cjk", size=size)
    # Chinese has no spaces to break at: wrap by character.
    pdf.multi_cell(0, size * 0.55, text, wrapmode="CHAR", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(gap)


def _heading(pdf, text: str) -> None:
    pdf.ln(2)
    _line(pdf, text, size=13, gap=2)


def text_pdf(title: str, sections: list[str]) -> bytes:
    def build(pdf):
        _heading(pdf, title)
        for number, section in enumerate(sections):
            if number:
                pdf.add_page()
            for paragraph in section.split("\n"):
                _line(pdf, paragraph, gap=0.8)

    return render_pdf(build)


def draft_pdf(*, request: RightsRequest, channel: Channel, on: date) -> bytes:
    zh = render_complaint(request=request, channel=channel, on=on, language="zh-hans")
    en = render_complaint(request=request, channel=channel, on=on, language="en")
    return text_pdf(f"{channel.display_name} · #{request.pk}", [zh, en])


def document_pdf(key: str, *, request: RightsRequest, channel: Channel | None, on: date) -> bytes:
    zh = render(key, request=request, channel=channel, on=on, language="zh-hans")
    en = render(key, request=request, channel=channel, on=on, language="en")
    return text_pdf(f"#{request.pk}", [zh, en])


def case_file_pdf(request: RightsRequest, on: date | None = None) -> bytes:
    context = case_file_context(request, on)
    return render_pdf(lambda pdf: _case_file(pdf, context, request))


def _case_file(pdf: FPDF, context: dict, request: RightsRequest) -> None:
    _heading(pdf, _("Case file of request #%(id)s") % {"id": request.pk})
    _line(pdf, _("Generated %(at)s (Asia/Shanghai); facts as of %(on)s.") % {"at": context["generated_at"], "on": context["on"]}, size=9)
    _heading(pdf, _("Summary"))
    for label, value in context["summary"]:
        if value:
            _line(pdf, f"{label}: {value}", gap=0.5)
    _heading(pdf, _("Promises and deadlines"))
    for clock in context["clocks"]:
        _line(pdf, f"{clock['action']} · {clock['promise']} · {clock['status']}", size=11)
        if clock["quote"]:
            _line(pdf, f"“{clock['quote']}”", size=9.5)
        if clock["policy"]:
            _line(pdf, _("Policy version: %(v)s") % {"v": clock["policy"]}, size=9.5)
        if clock["citation"]:
            _line(pdf, _("Statutory rule: %(c)s") % {"c": clock["citation"]}, size=9.5)
        dates = _("started %(s)s; expected by %(d)s; due %(f)s; statutory last day %(st)s") % {
            "s": clock["started"], "d": clock["due"], "f": clock["final_due"], "st": clock["statutory_due"] or "—"}
        _line(pdf, dates + (f"; {_('extended to')} {clock['extended_to']}" if clock["extended_to"] else ""), size=9.5, gap=2)
    _heading(pdf, _("History"))
    for entry in context["history"]:
        text = f"{entry['at']} · {entry['label']}"
        if entry["by"]:
            text += f" · {entry['by']}"
        if entry["note"]:
            text += f" · {entry['note']}"
        if entry["details"]:
            text += " · " + "; ".join(entry["details"])
        _line(pdf, text, size=9.5, gap=0.6)
    if context["complaints"]:
        _heading(pdf, _("Complaints"))
        for complaint in context["complaints"]:
            _line(pdf, f"#{complaint['id']} {complaint['channel']} · {complaint['state']} · {complaint['lodged']} {complaint['reference']}", size=10)
            for clock in complaint["clocks"]:
                _line(pdf, f"  {clock['action']} · {clock['promise']} · {clock['final_due']} · {clock['citation']}", size=9)
            for entry in complaint["history"]:
                _line(pdf, "  " + " · ".join(x for x in (entry["at"], entry["event"], entry["note"], *entry["details"]) if x), size=9, gap=0.4)
    _heading(pdf, _("Evidence"))
    if not context["evidence"]:
        _line(pdf, _("No files."), size=9.5)
    for item in context["evidence"]:
        _line(pdf, f"{item['path']} · {item['description']} · {item['at']}", size=9.5, gap=0.5)


# ---------------------------------------------------------------------------------------------------- ZIP


def history_chain(request: RightsRequest) -> dict:
    """The request's and its complaints' hash chains: for each case its events (content and hash, in order) and its
    head, the hash of its last event. The content is what records.chain hashes, so anyone can recompute it."""
    chains = [(f"request {request.pk}", TransitionLog.objects.filter(request=request))]
    for complaint in Complaint.objects.filter(request=request).order_by("id"):
        chains.append((f"complaint {complaint.pk}", ComplaintLog.objects.filter(complaint=complaint)))
    cases = []
    for case, rows in chains:
        events = [{"row": row.pk, "content": row.content(), "hash": row.hash} for row in rows.order_by("id")]
        cases.append({"case": case, "head": events[-1]["hash"] if events else "", "events": events})
    return {"cases": cases}


def letters(request: RightsRequest) -> list[tuple[str, str]]:
    """The case's complaint letters as drafted for it (complaints.drafting, copied onto the complaint when drafted
    and kept as lodged), in both languages: (path in the ZIP, text)."""
    files = []
    for complaint in Complaint.objects.filter(request=request).select_related("channel").order_by("id"):
        for language, text in (("zh-hans", complaint.text), ("en", complaint.text_en)):
            if text:
                files.append((f"letters/complaint-{complaint.pk}-{_safe(complaint.channel.code)}.{language}.txt", text))
    return files


def case_file_zip(*, request: RightsRequest, channel: Channel | None = None, on: date | None = None) -> bytes:
    """The case file PDF, the draft (when a channel is given and drafts), the complaint letters (`letters`), every
    evidence file under its original name (numbered: two files of one name stay two, and no name leaves its folder),
    MANIFEST-SHA256.txt in `sha256sum -c` format, and CHAIN.json (history_chain)."""
    buffer = io.BytesIO()
    manifest = []
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        def add(path: str, data: bytes) -> None:
            archive.writestr(path, data)
            manifest.append((hashlib.sha256(data).hexdigest(), path))

        add("casefile.pdf", case_file_pdf(request, on))
        if channel is not None and channel.drafting:
            on = on or local_date(timezone.now())
            add("draft.zh-hans.txt", render_complaint(request=request, channel=channel, on=on, language="zh-hans").encode("utf-8"))
            add("draft.en.txt", render_complaint(request=request, channel=channel, on=on, language="en").encode("utf-8"))
        for path, text in letters(request):
            add(path, text.encode("utf-8"))
        for item in evidence_items(request):
            digest = hashlib.sha256()
            try:
                with item["file"].open("rb") as source, archive.open(item["path"], "w") as target:
                    for chunk in iter(lambda: source.read(1024 * 1024), b""):
                        digest.update(chunk)
                        target.write(chunk)
            except FileNotFoundError:
                raise CaseFileError(_("The evidence file %(name)s is missing from storage.") % {"name": item["file"].name}) from None
            manifest.append((digest.hexdigest(), item["path"]))
        add("CHAIN.json", json.dumps(history_chain(request), ensure_ascii=False, indent=1).encode("utf-8"))
        archive.writestr("MANIFEST-SHA256.txt", "".join(f"{digest}  {path}\n" for digest, path in manifest))
    return buffer.getvalue()
