"""Reading our PDFs back as a person's PDF viewer would.

Text comes from poppler's pdftotext (Debian's poppler-utils, which CI installs): pypdf 7.1 misreads the
embedded /Encoding CMap that fpdf2 writes for CFF (OpenType) fonts, decoding the 2-byte codes as byte pairs,
so it returns garbage for glyphs past the 256th although poppler, pdf.js and Acrobat read the file correctly.
pypdf still reads the structure (which fonts are embedded).
"""
import io
import os
import shutil
import subprocess
import tempfile

import pytest
from pypdf import PdfReader


def pdf_text(data: bytes) -> str:
    """The text of every page, whitespace removed (line breaks fall inside Chinese sentences)."""
    pdftotext = shutil.which("pdftotext")
    if pdftotext is None:
        if os.environ.get("CI") == "true":
            pytest.fail("CI=true but pdftotext (poppler-utils) is missing")
        pytest.skip("needs pdftotext: apt-get install poppler-utils")
    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(data)
        handle.flush()
        result = subprocess.run([pdftotext, "-enc", "UTF-8", handle.name, "-"], capture_output=True, timeout=60, check=True)
    return "".join(result.stdout.decode("utf-8").split())


def embedded_fonts(data: bytes) -> list[str]:
    """Base names of the fonts whose program is embedded (FontFile, FontFile2 or FontFile3)."""
    reader = PdfReader(io.BytesIO(data))
    names = []
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            for descendant in font.get("/DescendantFonts", [font]):
                descriptor = descendant.get_object().get("/FontDescriptor")
                if descriptor and any(k in descriptor.get_object() for k in ("/FontFile", "/FontFile2", "/FontFile3")):
                    names.append(str(font["/BaseFont"]))
    return sorted(set(names))
