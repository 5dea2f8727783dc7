"""A Chinese font to embed in PDFs.

fpdf2 embeds (and subsets) TrueType and OpenType fonts, CFF outlines and .ttc collections included, so Debian's
fonts-noto-cjk (NotoSansCJK-Regular.ttc, CFF) works as installed; reportlab's TTFont reads only TrueType
outlines, and its built-in CID fonts (STSong-Light) are not embedded at all. RIGHTSDESK_CJK_FONT names another
file (.ttf, .otf or .ttc) on machines without that package.
"""
from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

from fontTools.ttLib import TTCollection

CANDIDATES = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",  # Debian/Ubuntu fonts-noto-cjk
    "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",  # Fedora, Arch
    "/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",  # fonts-wqy-zenhei
    "/usr/share/fonts/truetype/arphic/uming.ttc",  # fonts-arphic-uming
    "/System/Library/Fonts/PingFang.ttc",  # macOS
    "/System/Library/Fonts/STHeiti Light.ttc",
    "C:/Windows/Fonts/msyh.ttc",  # Windows
    "C:/Windows/Fonts/simsun.ttc",
)


class FontMissing(Exception):
    pass


def _simplified_face(path: Path) -> int:
    """In a collection, the Simplified Chinese face (Noto's index 2 is SC; others put it first)."""
    if path.suffix.lower() != ".ttc":
        return 0

    collection = TTCollection(str(path), lazy=True)
    try:
        for index, font in enumerate(collection.fonts):
            name = font["name"].getDebugName(4) or ""
            if " SC" in name or "GB" in name or "Simplified" in name:
                return index
        return 0
    finally:
        collection.close()


@lru_cache(maxsize=4)
def cjk_font(override: str | None = None) -> tuple[str, int]:
    """(path, face index) of a CJK font; FontMissing says what to install."""
    wanted = override if override is not None else os.environ.get("RIGHTSDESK_CJK_FONT", "")
    candidates = [wanted] if wanted else list(CANDIDATES)
    for candidate in candidates:
        path = Path(candidate)
        if path.is_file():
            return str(path), _simplified_face(path)
    if wanted:
        raise FontMissing(f"RIGHTSDESK_CJK_FONT={wanted} is not a font file")
    raise FontMissing(
        "No Chinese font for the PDF: install Debian's fonts-noto-cjk (apt-get install fonts-noto-cjk) "
        "or set RIGHTSDESK_CJK_FONT to a .ttf, .otf or .ttc file"
    )
