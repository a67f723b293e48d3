"""The flat (one row per organisation) cell format shared by CSV and XLSX.

Park staff keep organisations in spreadsheets, so every nested field has to fit in one
cell: entries are separated by ``|``, the parts of one qualification or contact by ``;``.
Parsing turns a row of cell strings into the nested shape :class:`Organisation` validates;
formatting is its exact inverse, and refuses values the cell syntax could not hold.

Cell syntax (``|`` between entries, spaces around separators are ignored)::

    aliases, offers, needs   text | text
    chains                   chain:segment | chain:segment        ic:ic.design
    products                 name=share | name                    光刻胶=0.6 | 靶材
    qualifications           name; issuer; YYYY-MM-DD | name       ISO 9001; SGS; 2027-06-30
    contacts                 name; role; phone; email              王工; 采购; 0571-1234; w@x.cn
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from catalog.errors import InvalidInputError, RowError
from catalog.formulas import neutralise
from catalog.models import Organisation
from catalog.xlsx import read_xlsx_table

__all__ = [
    "FLAT_COLUMNS",
    "REQUIRED_COLUMNS",
    "SHEET",
    "flat_location",
    "format_row",
    "load_table",
    "parse_row",
    "read_header",
    "write_table",
]

FLAT_COLUMNS: tuple[str, ...] = (
    "id",
    "name",
    "aliases",
    "kind",
    "province",
    "city",
    "park",
    "chains",
    "offers",
    "needs",
    "products",
    "qualifications",
    "size",
    "contacts",
    "updated_at",
)
REQUIRED_COLUMNS: tuple[str, ...] = ("id", "name")
SHEET = "organisations"  # the sheet read from (if present) and written to in XLSX

LIST_SEP = "|"
PART_SEP = ";"
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_SHARE_EXPECTED = "expected a share between 0 and 1"
_LIST_FIELDS = ("aliases", "offers", "needs")
_DEFAULTED = ("kind", "province", "city")  # an empty cell means the model's default
_OPTIONAL = ("park", "size")  # an empty cell means None


def _entries(cell: str) -> list[str]:
    return [e.strip() for e in cell.split(LIST_SEP) if e.strip()]


def _prefix(i: int, n: int) -> str:
    """Name the entry only when the cell has several: 'entry 2: …'."""
    return f"entry {i + 1}: " if n > 1 else ""


def _parse_date(text: str) -> dt.date | None:
    if not _DATE.match(text):
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


def parse_row(cells: Mapping[str, str]) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    """One row of stripped cell strings → (data for ``Organisation``, cell errors).

    A column with a cell error is left out of the data, so that model validation reports
    the other columns' problems without repeating this one.
    """
    data: dict[str, Any] = {}
    region: dict[str, Any] = {}
    errors: list[tuple[str, str]] = []
    for column, cell in cells.items():
        found: list[str] = []
        value: Any
        if column in ("id", "name"):
            value = cell
        elif column in _LIST_FIELDS:
            value = _entries(cell)
        elif column in _DEFAULTED + _OPTIONAL:
            if not cell and column in _DEFAULTED:
                continue
            value = cell or None
        elif column == "chains":
            value = _parse_chains(_entries(cell), found)
        elif column == "products":
            value = _parse_products(_entries(cell), found)
        elif column == "qualifications":
            value = _parse_parts(_entries(cell), ("name", "issuer", "valid_until"), found)
        elif column == "contacts":
            value = _parse_parts(_entries(cell), ("name", "role", "phone", "email"), found)
        elif column == "updated_at":
            value = _parse_datetime(cell, found)
        else:
            raise ValueError(f"not a flat column: {column!r}")
        errors.extend((column, message) for message in found)
        if found:
            continue
        if column in ("province", "city", "park"):
            region[column] = value
        else:
            data[column] = value
    if region:
        data["region"] = region
    return data, errors


def _parse_chains(entries: list[str], errors: list[str]) -> list[dict[str, str]]:
    out = []
    for i, entry in enumerate(entries):
        chain, sep, segment = entry.partition(":")
        if not sep:
            errors.append(
                f"{_prefix(i, len(entries))}expected chain:segment (e.g. ic:ic.design); "
                f"got {entry!r}"
            )
        out.append({"chain": chain.strip(), "segment": segment.strip()})
    return out


def _parse_products(entries: list[str], errors: list[str]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for i, entry in enumerate(entries):
        if "=" not in entry:
            out.append({"name": entry})
            continue
        name, _, text = entry.rpartition("=")
        share = text.strip()
        try:
            value = float(share)
        except ValueError:
            value = -1.0
        if not 0.0 <= value <= 1.0:  # also catches nan
            errors.append(f"{_prefix(i, len(entries))}{_SHARE_EXPECTED}; got {share!r}")
        out.append({"name": name.strip(), "share": value})
    return out


def _parse_parts(
    entries: list[str], names: tuple[str, ...], errors: list[str]
) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for i, entry in enumerate(entries):
        parts = [p.strip() for p in entry.split(PART_SEP)]
        where = _prefix(i, len(entries))
        if len(parts) > len(names):
            errors.append(
                f"{where}expected at most {len(names)} parts '{'; '.join(names)}'; "
                f"got {len(parts)} in {entry!r}"
            )
            continue
        item: dict[str, Any] = {n: p or None for n, p in zip(names, parts, strict=False)}
        item["name"] = parts[0]
        if item.get("valid_until") is not None:
            day = _parse_date(item["valid_until"])
            if day is None:
                errors.append(f"{where}expected a date YYYY-MM-DD; got {item['valid_until']!r}")
            item["valid_until"] = day
        out.append(item)
    return out


def _parse_datetime(cell: str, errors: list[str]) -> dt.datetime | None:
    if not cell:
        return None
    try:
        if not _DATE.match(cell[:10]):
            raise ValueError(cell)
        return dt.datetime.fromisoformat(cell)
    except ValueError:
        errors.append(f"expected a date-time like 2024-05-01T09:30:00+08:00; got {cell!r}")
        return None


def flat_location(loc: Sequence[str | int], data: Mapping[str, Any]) -> tuple[str, str]:
    """Map a pydantic error location to (column, message prefix) for a spreadsheet user."""
    if not loc:
        return "id", ""
    head = str(loc[0])
    if head == "region" and len(loc) > 1:
        return str(loc[1]), ""
    if len(loc) > 1 and isinstance(loc[1], int):
        entries = data.get(head)
        n = len(entries) if isinstance(entries, Sequence) else 1
        prefix = _prefix(loc[1], n)
        if len(loc) > 2 and head not in _LIST_FIELDS:
            prefix += f"{loc[2]}: "
        return head, prefix
    return head, ""


# -- formatting -------------------------------------------------------------------------


def _check(org: Organisation, field: str, value: str, seps: str) -> str:
    for sep in seps:
        if sep in value:
            raise InvalidInputError(
                f"organisation {org.id!r}, field {field!r}: {value!r} contains {sep!r}, which "
                "the CSV/XLSX cell format uses as a separator; use JSON or remove it"
            )
    if value != value.strip():
        raise InvalidInputError(
            f"organisation {org.id!r}, field {field!r}: {value!r} has leading or trailing "
            "spaces that the CSV/XLSX cell format would drop; use JSON or remove them"
        )
    return value


def _join(org: Organisation, field: str, items: Sequence[Sequence[str | None]]) -> str:
    """Entries joined by ' | ', their parts by '; ' with trailing empty parts dropped."""
    seps = LIST_SEP + PART_SEP
    entries = []
    for parts in items:
        texts = [_check(org, field, p or "", seps) for p in parts]
        while len(texts) > 1 and not texts[-1]:
            texts.pop()
        entries.append("; ".join(texts))
    return " | ".join(entries)


def _share_entry(org: Organisation, name: str, share: float) -> str:
    _check(org, "products", name, LIST_SEP)
    # a name holding '=' always gets a share, so the last '=' still splits name and share
    return name if share == 0.0 and "=" not in name else f"{name}={share!r}"


def format_row(org: Organisation) -> dict[str, str]:
    """The cells of one organisation; raises InvalidInputError if a value cannot fit."""
    for alias in org.aliases:
        _check(org, "aliases", alias, LIST_SEP)
    for field, texts in (("offers", org.offers), ("needs", org.needs)):
        for text in texts:
            _check(org, field, text, LIST_SEP)
    for pos in org.chains:
        _check(org, "chains", pos.chain, LIST_SEP + ":")
        _check(org, "chains", pos.segment, LIST_SEP)
    return {
        "id": org.id,
        "name": org.name,
        "aliases": " | ".join(org.aliases),
        "kind": org.kind.value,
        "province": org.region.province,
        "city": org.region.city,
        "park": org.region.park or "",
        "chains": " | ".join(f"{c.chain}:{c.segment}" for c in org.chains),
        "offers": " | ".join(org.offers),
        "needs": " | ".join(org.needs),
        "products": " | ".join(_share_entry(org, p.name, p.share) for p in org.products),
        "qualifications": _join(
            org,
            "qualifications",
            [
                (q.name, q.issuer, None if q.valid_until is None else q.valid_until.isoformat())
                for q in org.qualifications
            ],
        ),
        "size": "" if org.size is None else org.size.value,
        "contacts": _join(
            org, "contacts", [(c.name, c.role, c.phone, c.email) for c in org.contacts]
        ),
        "updated_at": "" if org.updated_at is None else org.updated_at.isoformat(),
    }


# -- files -----------------------------------------------------------------------------


def load_table(path: Path, label: str | None = None) -> list[list[str]]:
    """Every row of a CSV or XLSX file as stripped strings, the header included.

    Every cell is read as text, so ids like "000123" keep their zeros; blank lines are
    kept so that list index + 1 is the row number a spreadsheet shows. Errors name the
    file as ``label`` (default: the path). A workbook is read within `catalog.xlsx`'s
    limits; CSV cells come back as written (see `catalog.formulas` for the quote).
    """
    name = str(path) if label is None else label
    if path.suffix.lower() != ".csv":
        return read_xlsx_table(path, label=name, sheet=SHEET)
    import pandas as pd  # heavy (~0.4 s): imported only when a table is actually read

    try:
        frame = pd.read_csv(
            path,
            header=None,
            dtype=str,
            keep_default_na=False,
            skip_blank_lines=False,
            encoding="utf-8-sig",
        )
    except pd.errors.EmptyDataError:
        return []
    except UnicodeDecodeError as exc:
        raise InvalidInputError(f"{name}: not UTF-8 text ({exc.reason})") from exc
    except pd.errors.ParserError as exc:
        raise InvalidInputError(f"{name}: not a readable CSV file: {exc}") from exc
    return [
        [c.strip() if isinstance(c, str) else "" for c in row]
        for row in frame.to_numpy(dtype=object).tolist()
    ]


def read_header(names: list[str], body: list[list[str]]) -> tuple[dict[int, str], list[RowError]]:
    """Column index → known column name, and the header's problems (all on row 1)."""
    header: dict[int, str] = {}
    errors: list[RowError] = []
    first_seen: dict[str, int] = {}
    for j, raw in enumerate(names):
        name = raw.lower()
        if not name:
            if any(j < len(r) and r[j] for r in body):
                errors.append(RowError(1, f"column {j + 1}", "has values but no header"))
            continue
        if name in first_seen:
            message = f"column appears twice (columns {first_seen[name] + 1} and {j + 1})"
            errors.append(RowError(1, name, message))
        elif name not in FLAT_COLUMNS:
            close = difflib.get_close_matches(name, FLAT_COLUMNS, n=1)
            hint = f"did you mean {close[0]!r}? " if close else ""
            message = f"unknown column; {hint}expected one of {', '.join(FLAT_COLUMNS)}"
            errors.append(RowError(1, name, message))
        else:
            header[j] = name
        first_seen.setdefault(name, j)
    errors.extend(
        RowError(1, name, "required column is missing")
        for name in REQUIRED_COLUMNS
        if name not in first_seen
    )
    return header, errors


def write_table(orgs: Iterable[Organisation], path: Path) -> None:
    """Write CSV (plain UTF-8) or XLSX (one sheet) to ``path``, which is overwritten.

    No cell becomes a formula: CSV cells that start like one get a leading quote
    (`catalog.formulas`), XLSX cells that do are stored as text.
    """
    import pandas as pd  # heavy: imported only when a table is actually written

    rows = [format_row(o) for o in orgs]
    if path.suffix.lower() == ".csv":
        safe = [{k: neutralise(v) for k, v in row.items()} for row in rows]
        frame = pd.DataFrame(safe, columns=list(FLAT_COLUMNS), dtype=object)
        frame.to_csv(path, index=False, encoding="utf-8")
        return
    frame = pd.DataFrame(rows, columns=list(FLAT_COLUMNS), dtype=object)
    try:
        with pd.ExcelWriter(path, engine="openpyxl") as writer:
            frame.to_excel(writer, sheet_name=SHEET, index=False)
            for row in writer.sheets[SHEET].iter_rows():
                for cell in row:
                    if cell.data_type == "f":  # text starting with '=' is text, not a formula
                        cell.data_type = "s"
    except ValueError as exc:  # openpyxl's IllegalCharacterError: control characters
        raise InvalidInputError(f"{path}: a value cannot be stored in XLSX: {exc}") from exc
