"""A Chinese font to embed in PDFs.

fpdf2 embeds (and subsets) TrueType and OpenType fonts, CFF outlines and .ttc collections included, so Debian's
fonts-noto-cjk (NotoSansCJK-Regular.ttc, CFF) works as installed; reportlab's TTFont reads only TrueType
outlines, and its built-in CID fonts (STSong-Light) are not embedded at all. RIGHTSDESK_CJK_FONT names another
file (.ttf, .otf or .ttc) on machines without that package.
"""
from __future__ import annotations

import hashlib
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


# ------------------------------------------------------------------------------------ the common-characters font
# Embedding subsets the font, but fpdf2 parses the whole font for every PDF first: Noto Sans CJK holds 65,535 CFF
# glyphs, and a case file spent 0.5 s of its 0.8 s of CPU on that (bench/load). A copy cut down once to the
# characters case files are written in (GB 2312's hanzi and symbols, Latin, punctuation) takes 0.17 s; a PDF that
# needs a character outside it is made again with the whole font (casefile.render_pdf), so nothing is ever missing.
COMMON_FONT_VERSION = 1


def common_characters() -> str:
    """GB 2312 (its 6,763 hanzi, kana, Greek, Cyrillic, symbols), ASCII, Latin-1, general punctuation, arrows,
    the CJK symbols and punctuation and the full-width forms."""
    chars = {chr(c) for ranges in ((0x20, 0x7F), (0xA0, 0x180), (0x2000, 0x2070), (0x2100, 0x2200), (0x2460, 0x2500),
                                   (0x3000, 0x3040), (0xFF00, 0xFFF0)) for c in range(*ranges)}  # fmt: skip
    for high in range(0xA1, 0xF8):
        for low in range(0xA1, 0xFF):
            try:
                chars.add(bytes((high, low)).decode("gb2312"))
            except UnicodeDecodeError:
                continue
    return "".join(sorted(chars))


def common_font_path(path: str, index: int) -> Path:
    """Where the cut-down copy of (path, face) lives: named after the source file's size and time, so a changed or
    other font never finds a stale copy."""
    from django.conf import settings

    source = Path(path).stat()
    key = f"{COMMON_FONT_VERSION}:{Path(path).resolve()}:{index}:{source.st_size}:{source.st_mtime_ns}"
    return Path(settings.RIGHTSDESK_FONT_CACHE) / f"cjk-common-{hashlib.sha256(key.encode()).hexdigest()[:16]}.otf"


def common_font(path: str, index: int) -> str | None:
    """The cut-down copy of the font, if `build_common_font` made it (bin/setup does)."""
    target = common_font_path(path, index)
    return str(target) if target.is_file() else None


def build_common_font(path: str, index: int, *, characters: str | None = None, target: Path | None = None) -> Path:
    """Cut the font down to `characters` (default: common_characters()) and write it atomically: concurrent
    builders each write their own temporary file and the last rename wins with identical bytes."""
    from fontTools import subset
    from fontTools.ttLib import TTFont

    target = target or common_font_path(path, index)
    target.parent.mkdir(parents=True, exist_ok=True)
    font = TTFont(path, fontNumber=index, recalcTimestamp=False)
    options = subset.Options()
    options.notdef_outline = True
    options.recommended_glyphs = True
    options.layout_features = ["*"]
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=[ord(c) for c in (characters or common_characters())])
    subsetter.subset(font)
    partial = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    font.save(str(partial))
    os.replace(partial, target)
    return target
