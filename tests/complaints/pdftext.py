"""Reading our PDFs back as a person's PDF viewer would, with pypdf."""
import io

from pypdf import PdfReader


def pdf_text(data: bytes) -> str:
    """The text of every page, whitespace removed. pypdf 7.1 reads the 2-byte codes of fpdf2's embedded CFF font
    through its /Encoding CMap stream as byte pairs and puts a NUL before each character (poppler's pdftotext
    reads the same file cleanly); the NULs are dropped, the characters themselves come from the ToUnicode map."""
    reader = PdfReader(io.BytesIO(data))
    return "".join("".join(page.extract_text().replace("\x00", "").split()) for page in reader.pages)


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
