"""Cells a spreadsheet would run as formulas (OWASP "CSV injection"), and the quote that stops it.

Excel, LibreOffice and Google Sheets treat a cell that begins with ``=``, ``+``, ``-``, ``@``,
a tab or a carriage return as a formula (``=cmd|' /C calc'!A0`` starts a program). Following
OWASP, CSV export prefixes every such cell with a single quote — whatever follows, so a
negative number ``-5`` is written ``'-5`` too — and CSV import removes that one quote again,
so export → import is lossless. A cell that already begins with quotes followed by such a
character gets one quote more, which keeps the mapping reversible. XLSX needs none of this:
its cells are typed, and export stores text as text.

Example usage::

    neutralise("=1+1")  # "'=1+1"
    restore("'=1+1")  # "=1+1"
"""

from __future__ import annotations

import re

__all__ = ["FORMULA_STARTS", "formula_start", "neutralise", "restore", "xlsx_text"]

FORMULA_STARTS: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r")
_QUOTED = re.compile(r"'*[=+\-@\t\r]")
# Control characters an XLSX cell cannot hold (openpyxl refuses the whole workbook).
_NOT_IN_XLSX = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def formula_start(cell: str) -> str | None:
    """The character that makes ``cell`` a formula to a spreadsheet, or None."""
    return cell[0] if cell[:1] in FORMULA_STARTS else None


def neutralise(cell: str) -> str:
    """``cell`` as a spreadsheet shows it as text: a quote before a formula start."""
    return "'" + cell if _QUOTED.match(cell) else cell


def restore(cell: str) -> str:
    """The inverse of `neutralise`: drop the quote it added, leave every other cell alone."""
    return cell[1:] if cell.startswith("'") and _QUOTED.match(cell, 1) else cell


def xlsx_text(cell: str) -> str:
    """``cell`` as an XLSX cell can hold it: each control character the format forbids
    (all below U+0020 but tab, newline and carriage return) becomes U+FFFD, so one odd
    character in one field cannot make a whole export fail."""
    return _NOT_IN_XLSX.sub("\ufffd", cell)
