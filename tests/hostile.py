"""Hostile workbooks for the import tests (issue 13): built small, in the test, never shipped.

Each is a real XLSX made by openpyxl whose sheet part is swapped for a crafted one, so that
everything except the attack is an ordinary workbook.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import openpyxl

__all__ = ["SHEET_PART", "entity_bomb", "far_column", "far_row", "xlsx_bomb", "xlsx_with_sheet"]

SHEET_PART = "xl/worksheets/sheet1.xml"
_HEAD = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
)
_TAIL = b"</sheetData></worksheet>"


def _parts() -> dict[str, bytes]:
    book = openpyxl.Workbook()
    sheet = book.worksheets[0]
    sheet.title = "organisations"
    sheet.append(["id", "name"])
    sheet.append(["a", "甲"])
    buf = io.BytesIO()
    book.save(buf)
    with zipfile.ZipFile(buf) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def xlsx_with_sheet(path: Path, sheet_xml: bytes) -> Path:
    """A workbook whose organisations sheet is ``sheet_xml``."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in _parts().items():
            archive.writestr(name, sheet_xml if name == SHEET_PART else data)
    return path


def xlsx_bomb(path: Path, mib: int) -> Path:
    """A workbook whose sheet part inflates to ``mib`` MiB of rows; ~1 KB compressed per MiB.

    The sheet is streamed into the archive, so building it never holds it in memory.
    """
    row = b'<row><c t="inlineStr"><is><t>' + b"=" * 1000 + b"</t></is></c></row>"
    block = row * ((1 << 20) // len(row))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, data in _parts().items():
            if name != SHEET_PART:
                archive.writestr(name, data)
        with archive.open(SHEET_PART, "w", force_zip64=True) as sheet:
            sheet.write(_HEAD)
            for _ in range(mib):
                sheet.write(block)
            sheet.write(_TAIL)
    return path


def _cell(ref: str, text: str) -> bytes:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'.encode()


def far_row(path: Path) -> Path:
    """The header in row 1 and one value in the sheet's last row, 1,048,576: a 1 KB file."""
    rows = b'<row r="1">' + _cell("A1", "id") + b'</row><row r="1048576">'
    return xlsx_with_sheet(path, _HEAD + rows + _cell("A1048576", "x") + b"</row>" + _TAIL)


def far_column(path: Path) -> Path:
    """The header 'id' in A1 and one value in the sheet's last column, XFD."""
    row = b'<row r="1">' + _cell("A1", "id") + _cell("XFD1", "x") + b"</row>"
    return xlsx_with_sheet(path, _HEAD + row + _TAIL)


def entity_bomb(path: Path) -> Path:
    """A sheet whose one cell is a "billion laughs" entity: 10⁹ 'lol's from a 1 KB part."""
    entities = b'<!ENTITY l0 "lol">' + b"".join(
        b'<!ENTITY l%d "%s">' % (i, b"&l%d;" % (i - 1) * 10) for i in range(1, 10)
    )
    xml = (
        b'<?xml version="1.0"?><!DOCTYPE worksheet [' + entities + b"]>"
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b'<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&l9;</t></is></c></row>'
        b"</sheetData></worksheet>"
    )
    return xlsx_with_sheet(path, xml)
