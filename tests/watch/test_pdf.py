"""A policy published as a PDF: read with poppler's pdftotext (the CI machine installs poppler-utils)."""
import shutil
from datetime import timedelta

from watch.runner import run_watch

from .conftest import NOW, POLICY, Answer, needs, page


def policy_pdf(text: str) -> bytes:
    from fpdf import FPDF

    from complaints.fonts import cjk_font

    path, face = cjk_font()
    pdf = FPDF(format="A4")
    pdf.add_page()
    pdf.add_font("cjk", "", str(path), collection_font_number=face)
    pdf.set_font("cjk", size=11)
    for line in text.strip().split("\n"):
        pdf.multi_cell(0, 7, line, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


@needs(shutil.which("pdftotext") is None, "needs pdftotext (apt-get install poppler-utils)")
def test_a_pdf_policy_is_read_and_its_changed_promise_found(watch_source, site):
    watch_source(answer=Answer(200, page()))
    run_watch(now=NOW)
    site.routes["/privacy"] = Answer(200, policy_pdf(POLICY.replace("15个工作日", "20个工作日")), {"Content-Type": "application/pdf"})
    [result] = run_watch(now=NOW + timedelta(days=1))
    assert result.status == "changed"
    [entry] = result.promise_diff
    assert (entry["before"]["max"], entry["after"]["max"]) == (15, 20)
    assert entry["after"]["quote"] == "我们将在20个工作日内完成注销。"
