"""Read, validate, import and write organisations as CSV, XLSX or JSON.

Import is the front door for park staff, so it validates every row and reports every
problem at once — row as the spreadsheet shows it, column, and what was expected in plain
words — instead of stopping at the first. A file with errors writes nothing unless the
caller asks to skip the bad rows.

Example usage::

    report = import_organisations(store, "park.xlsx", taxonomy=load_default_taxonomy())
    write_organisations(store.all(), "backup.json")
"""

from __future__ import annotations

import difflib
import json
import os
import tempfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from pydantic_core import ErrorDetails

from catalog.errors import ImportValidationError, InvalidInputError, RowError
from catalog.io_flat import (
    FLAT_COLUMNS,
    REQUIRED_COLUMNS,
    flat_location,
    format_row,
    load_table,
    parse_row,
    read_header,
    write_table,
)
from catalog.models import Organisation, OrgKind, OrgSize
from catalog.store import CatalogStore
from catalog.taxonomy import Taxonomy

__all__ = [
    "FORMATS",
    "ImportReport",
    "ReadResult",
    "describe_error",
    "import_organisations",
    "read_organisations",
    "write_organisations",
]

FORMATS: tuple[str, ...] = (".csv", ".xlsx", ".json")

Locate = Callable[[Sequence[str | int]], tuple[str, str]]  # pydantic loc → (field, prefix)


@dataclass(frozen=True)
class ReadResult:
    """The valid organisations of a file, the row each came from, and every problem found.

    ``file_errors`` (also in ``errors``) concern the file as a whole — missing or unknown
    columns — and cannot be skipped row by row.
    """

    organisations: list[Organisation]
    rows: list[int]
    errors: list[RowError]
    file_errors: list[RowError]

    @property
    def invalid_rows(self) -> list[int]:
        return sorted({e.row for e in self.errors if e not in self.file_errors})


@dataclass(frozen=True)
class ImportReport:
    imported: int
    skipped_rows: list[int]
    errors: list[RowError]


def _format_of(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix not in FORMATS:
        raise InvalidInputError(
            f"{path}: unsupported file type {suffix or '(none)'!r}; "
            f"expected one of {', '.join(FORMATS)}"
        )
    return suffix


# -- reading ---------------------------------------------------------------------------


def read_organisations(
    path: str | os.PathLike[str], *, taxonomy: Taxonomy | None = None
) -> ReadResult:
    """Parse and validate every row of a CSV, XLSX or JSON file; never stops at the first error."""
    source = Path(path)
    fmt = _format_of(source)
    if not source.is_file():
        raise InvalidInputError(f"{source}: no such file")
    if fmt == ".json":
        return _validate_json(_load_json(source), taxonomy)
    return _validate_flat(source, load_table(source), taxonomy)


def _load_json(path: Path) -> list[Any]:
    try:
        doc = json.loads(path.read_text(encoding="utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise InvalidInputError(f"{path}: not UTF-8 text ({exc.reason})") from exc
    except json.JSONDecodeError as exc:
        raise InvalidInputError(
            f"{path}: not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}"
        ) from exc
    items = doc.get("organisations") if isinstance(doc, dict) else doc
    if not isinstance(items, list):
        got = f"keys {', '.join(map(repr, doc))}" if isinstance(doc, dict) else _got(doc)
        raise InvalidInputError(
            f"{path}: expected a list of organisations or an object "
            f'{{"organisations": [...]}}; got {got}'
        )
    return items


def _validate_flat(path: Path, table: list[list[str]], taxonomy: Taxonomy | None) -> ReadResult:
    if not table:
        raise InvalidInputError(
            f"{path}: the file is empty; expected a header row with columns "
            f"{', '.join(FLAT_COLUMNS)}"
        )
    header, file_errors = read_header(table[0], table[1:])
    # a missing required column is reported once, on the header, not again on every row
    missing = set(REQUIRED_COLUMNS) - set(header.values())
    checked: list[tuple[int, Organisation | None, list[RowError]]] = []
    ids: list[tuple[int, str]] = []
    for row, raw in enumerate(table[1:], start=2):
        if not any(raw):
            continue  # an empty spreadsheet row is not an organisation
        cells = {name: raw[j] if j < len(raw) else "" for j, name in header.items()}
        if cells.get("id"):
            ids.append((row, cells["id"]))
        data, cell_errors = parse_row(cells)
        errors = [RowError(row, column, message) for column, message in cell_errors]

        def locate(loc: Sequence[str | int], data: dict[str, Any] = data) -> tuple[str, str]:
            return flat_location(loc, data)

        org, more = _validate(row, data, locate, taxonomy)
        errors.extend(e for e in more if e.field not in missing)
        errors.sort(key=lambda e: FLAT_COLUMNS.index(e.field) if e.field in FLAT_COLUMNS else 99)
        checked.append((row, None if errors else org, errors))
    return _collect(checked, ids, file_errors)


def _validate_json(items: list[Any], taxonomy: Taxonomy | None) -> ReadResult:
    checked: list[tuple[int, Organisation | None, list[RowError]]] = []
    ids: list[tuple[int, str]] = []
    for i, item in enumerate(items):
        row = i + 1
        if not isinstance(item, dict):
            got = type(item).__name__
            checked.append(
                (row, None, [RowError(row, "organisation", f"expected an object; got {got}")])
            )
            continue
        if isinstance(item.get("id"), str) and item["id"].strip():
            ids.append((row, item["id"].strip()))
        org, errors = _validate(row, item, _json_location, taxonomy)
        checked.append((row, None if errors else org, errors))
    return _collect(checked, ids, [])


def _json_location(loc: Sequence[str | int]) -> tuple[str, str]:
    return ".".join(str(p) for p in loc) or "organisation", ""


def _collect(
    checked: list[tuple[int, Organisation | None, list[RowError]]],
    ids: list[tuple[int, str]],
    file_errors: list[RowError],
) -> ReadResult:
    """Add duplicate-id errors (on the later row) and split valid from invalid rows."""
    first: dict[str, int] = {}
    dupes: dict[int, RowError] = {}
    for row, org_id in ids:
        if org_id in first:
            dupes[row] = RowError(
                row, "id", f"duplicate id {org_id!r}; first used in row {first[org_id]}"
            )
        else:
            first[org_id] = row
    orgs: list[Organisation] = []
    rows: list[int] = []
    errors = list(file_errors)
    for row, org, row_errors in checked:
        if row in dupes:
            row_errors = [dupes[row], *row_errors]
        errors.extend(row_errors)
        if org is not None and not row_errors:
            orgs.append(org)
            rows.append(row)
    return ReadResult(organisations=orgs, rows=rows, errors=errors, file_errors=file_errors)


def _validate(
    row: int, data: Mapping[str, Any], locate: Locate, taxonomy: Taxonomy | None
) -> tuple[Organisation | None, list[RowError]]:
    try:
        org = Organisation.model_validate(data)
    except ValidationError as exc:
        errors = []
        for err in exc.errors():
            field, prefix = locate(err["loc"])
            errors.append(RowError(row, field, prefix + describe_error(err)))
        return None, errors
    if taxonomy is None:
        return org, []
    errors = []
    for i, pos in enumerate(org.chains):
        problem = _taxonomy_problem(taxonomy, pos.chain, pos.segment)
        if problem is not None:
            part, message = problem
            field, prefix = locate(("chains", i, part))
            prefix = prefix.removesuffix(f"{part}: ")  # the message names the part itself
            errors.append(RowError(row, field, prefix + message))
    return org, errors


def _taxonomy_problem(taxonomy: Taxonomy, chain: str, segment: str) -> tuple[str, str] | None:
    def known(options: Sequence[str], got: str) -> str:
        close = difflib.get_close_matches(got, options, n=1)
        hint = f"did you mean {close[0]!r}? " if close else ""
        listed = ", ".join(options[:6]) + (", …" if len(options) > 6 else "")
        return f"{hint}known: {listed}"

    if chain not in taxonomy.chains:
        return "chain", f"unknown chain {chain!r}; {known(sorted(taxonomy.chains), chain)}"
    segments = taxonomy.chains[chain].segments
    if segment not in segments:
        return (
            "segment",
            f"unknown segment {segment!r} in chain {chain!r}; {known(segments, segment)}",
        )
    return None


_ENUMS: dict[str, type[OrgKind] | type[OrgSize]] = {"kind": OrgKind, "size": OrgSize}
_PATTERNS = {
    "id": "an id of letters, digits, '_', '.' or '-' (at most 64, starting with a letter or digit)",
    "phone": "a phone number of digits, spaces and + - ( ) (3 to 32 characters)",
    "email": "an e-mail address like name@example.com",
}


def _got(value: Any) -> str:
    if isinstance(value, str):
        return repr(value if len(value) <= 60 else value[:57] + "...")
    if isinstance(value, dict | list):
        return "an object" if isinstance(value, dict) else "a list"
    return repr(value)


def describe_error(err: ErrorDetails) -> str:
    """A pydantic error in the plain words a spreadsheet user understands."""
    kind, value, ctx = err["type"], err.get("input"), err.get("ctx", {})
    name = next((str(p) for p in reversed(err["loc"]) if isinstance(p, str)), "")
    got = _got(value)
    if kind == "missing":
        return "required but missing"
    if kind == "extra_forbidden":
        return "unknown field"
    if kind == "value_error":
        return str(ctx.get("error", err["msg"]))
    if name in _ENUMS and kind == "enum":
        return f"expected one of {', '.join(m.value for m in _ENUMS[name])}; got {got}"
    if isinstance(value, str) and not value.strip() and kind.startswith("string_"):
        return "must not be empty"
    if kind == "string_too_long":
        return f"expected at most {ctx.get('max_length')} characters; got {len(value or '')}"
    if kind == "string_too_short":
        return f"expected at least {ctx.get('min_length')} characters; got {got}"
    if kind == "string_pattern_mismatch":
        return (
            f"expected {_PATTERNS.get(name, 'text matching ' + str(ctx.get('pattern')))}; got {got}"
        )
    if name == "share":
        return f"expected a share between 0 and 1; got {got}"
    if kind.startswith(("datetime_", "timezone_")):
        return f"expected a date-time like 2024-05-01T09:30:00+08:00; got {got}"
    if kind.startswith("date_"):
        return f"expected a date YYYY-MM-DD; got {got}"
    simple = {
        "string_type": "text",
        "float_parsing": "a number",
        "float_type": "a number",
        "tuple_type": "a list",
        "list_type": "a list",
        "model_type": "an object",
        "dict_type": "an object",
        "enum": f"one of {ctx.get('expected')}",
    }
    if kind in simple:
        return f"expected {simple[kind]}; got {got}"
    return f"{err['msg']}; got {got}"


# -- importing and writing ---------------------------------------------------------------


def import_organisations(
    store: CatalogStore,
    path: str | os.PathLike[str],
    *,
    taxonomy: Taxonomy | None = None,
    skip_invalid: bool = False,
) -> ImportReport:
    """Validate a file and upsert its organisations in one transaction.

    Any error raises ImportValidationError and writes nothing, unless ``skip_invalid``:
    then the valid rows are written and the invalid ones reported. Errors in the header
    (missing or unknown columns) always raise.
    """
    result = read_organisations(path, taxonomy=taxonomy)
    if result.errors and (result.file_errors or not skip_invalid):
        raise ImportValidationError(result.errors, source=str(path))
    imported = store.upsert(result.organisations)
    return ImportReport(imported=imported, skipped_rows=result.invalid_rows, errors=result.errors)


def write_organisations(orgs: Iterable[Organisation], path: str | os.PathLike[str]) -> int:
    """Write organisations as CSV, XLSX or JSON, atomically; returns how many were written.

    Raises InvalidInputError (naming the organisation and field) if a value cannot be
    written losslessly in the flat CSV/XLSX cell format.
    """
    target = Path(path)
    fmt = _format_of(target)
    batch = list(orgs)
    if fmt == ".json":
        doc = {"organisations": [o.model_dump(mode="json") for o in batch]}
        text = json.dumps(doc, ensure_ascii=False, indent=1) + "\n"
        _atomic(target, lambda tmp: tmp.write_text(text, encoding="utf-8"))
        return len(batch)
    for org in batch:  # before any file is touched: refuse values the cells cannot hold
        format_row(org)
    _atomic(target, lambda tmp: write_table(batch, tmp))
    return len(batch)


def _atomic(target: Path, write: Callable[[Path], object]) -> None:
    """Write to a temporary file beside the target, then rename it into place."""
    fd, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=target.suffix)
    os.close(fd)
    tmp = Path(name)
    try:
        write(tmp)
        os.chmod(tmp, target.stat().st_mode if target.exists() else 0o644)
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
