"""Read one sheet of an XLSX workbook within fixed limits, so a hostile file cannot inflate us.

An XLSX file is a zip archive of XML parts, and its size says little about what it holds:
deflate packs a repetitive sheet about a thousand to one, so an 800 KB upload can expand to
800 MB of XML (a "zip bomb"). Before anything is parsed, the archive's directory is checked
— how many parts, each part's uncompressed size and their sum — and Python's ``zipfile``
never inflates a part past the size its directory declares (a part that lies about its
size fails its CRC check instead).

The parse is bounded as well: only the organisations sheet (or the first) is read, row by
row in openpyxl's streaming read-only mode, and reading stops at the first row past
``rows`` or the first value past ``columns`` — so neither a million empty rows nor one cell
placed in column XFD makes it build a huge table. XML entity-expansion bombs are refused by
expat (≥ 2.4, bundled with Python 3.11) and reported as an unreadable workbook.

Example usage::

    table = read_xlsx_table(Path("park.xlsx"), label="park.xlsx", sheet="organisations")
"""

from __future__ import annotations

import datetime as dt
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from xml.etree.ElementTree import ParseError

from catalog.errors import FileTooLargeError, InvalidInputError

if TYPE_CHECKING:
    from openpyxl.workbook.workbook import Workbook

__all__ = ["XLSX_LIMITS", "XlsxLimits", "check_archive", "read_xlsx_table"]

_MIB = 2**20


@dataclass(frozen=True)
class XlsxLimits:
    """What one imported workbook may hold; anything beyond is refused before parsing.

    The defaults leave room for about 40,000 organisations of demo-park density (1.5 KB of
    sheet XML each, about 6× the compressed size): the HTTP upload cap (5 MB compressed)
    expands to some 30 MB. Larger catalogs travel as CSV or JSON.
    """

    parts: int = 1_000  # a one-sheet workbook has about ten
    part_bytes: int = 64 * _MIB  # uncompressed, any one part (sheet, shared strings, …)
    total_bytes: int = 128 * _MIB  # uncompressed, all parts together
    rows: int = 100_000  # header included
    columns: int = 100  # an import knows 15


XLSX_LIMITS = XlsxLimits()


def _mib(n: int) -> str:
    return f"{n / _MIB:,.1f} MiB" if n % _MIB else f"{n // _MIB:,} MiB"


def check_archive(path: Path, label: str, limits: XlsxLimits = XLSX_LIMITS) -> None:
    """Refuse (FileTooLargeError) a workbook whose parts are too many or expand too far.

    Reads only the zip directory: nothing is decompressed.
    """
    try:
        with zipfile.ZipFile(path) as archive:
            parts = archive.infolist()
    except zipfile.BadZipFile as exc:
        raise InvalidInputError(f"{label}: not a readable XLSX workbook: {exc}") from exc
    if len(parts) > limits.parts:
        raise FileTooLargeError(
            f"{label}: the workbook holds {len(parts):,} parts, more than the limit of "
            f"{limits.parts:,}; not read"
        )
    for part in parts:
        if part.file_size > limits.part_bytes:
            raise FileTooLargeError(
                f"{label}: part {part.filename!r} of the workbook expands to "
                f"{_mib(part.file_size)}, more than the limit of {_mib(limits.part_bytes)} "
                "per part; not read"
            )
    total = sum(p.file_size for p in parts)
    if total > limits.total_bytes:
        raise FileTooLargeError(
            f"{label}: the workbook expands to {_mib(total)}, more than the limit of "
            f"{_mib(limits.total_bytes)}; not read"
        )


def _text(value: Any) -> str:
    """A cell value as the text a spreadsheet shows: 123.0 → '123', a date-time in ISO form."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    return str(value).strip()


def read_xlsx_table(
    path: Path, *, label: str, sheet: str, limits: XlsxLimits = XLSX_LIMITS
) -> list[list[str]]:
    """Every row of ``sheet`` (else the first sheet) as stripped strings, header included.

    Blank rows are kept (row number = list index + 1), trailing blank rows dropped.
    Raises FileTooLargeError past ``limits`` and InvalidInputError for an unreadable file.
    """
    check_archive(path, label, limits)
    import openpyxl  # heavy: imported only when a workbook is actually read

    with open(path, "rb") as fh:  # closed even when openpyxl fails half-way through
        try:
            book = openpyxl.load_workbook(fh, read_only=True, data_only=True, keep_links=False)
        except (zipfile.BadZipFile, ParseError, ValueError, KeyError) as exc:
            raise InvalidInputError(f"{label}: not a readable XLSX workbook: {exc}") from exc
        return _rows(book, label, sheet, limits)


def _rows(book: Workbook, label: str, sheet: str, limits: XlsxLimits) -> list[list[str]]:
    try:
        sheets = {ws.title: ws for ws in book.worksheets}
        if not sheets:
            return []
        ws = sheets.get(sheet, book.worksheets[0])
        ws.reset_dimensions()  # a declared <dimension> can lie; never pad rows to it
        table: list[list[str]] = []
        for number, row in enumerate(ws.iter_rows(values_only=True), start=1):
            if number > limits.rows:
                raise FileTooLargeError(
                    f"{label}: sheet {ws.title!r} has more than {limits.rows:,} rows, the "
                    "limit of one import; split the file or use CSV"
                )
            if len(row) > limits.columns and any(v is not None for v in row[limits.columns :]):
                raise FileTooLargeError(
                    f"{label}: row {number} of sheet {ws.title!r} has values past column "
                    f"{limits.columns}, the limit of one import"
                )
            table.append([_text(v) for v in row[: limits.columns]])
    except ParseError as exc:
        raise InvalidInputError(f"{label}: not a readable XLSX workbook: {exc}") from exc
    finally:
        book.close()
    while table and not any(table[-1]):
        table.pop()
    width = max((len(r) for r in table), default=0)
    return [r + [""] * (width - len(r)) for r in table]
