"""Read, validate, import and write organisations as CSV, XLSX or JSON.

Import is the front door for park staff, so it validates every row and reports every
problem at once — row as the spreadsheet shows it, column, and what was expected in plain
words — instead of stopping at the first. A file with errors writes nothing unless the
caller asks to skip the bad rows, and a file naming ids already in the catalog writes
nothing unless the caller says to update or skip them. Cells a spreadsheet would run as
formulas are imported as text, with a warning (`catalog.formulas`); workbooks are read
within `catalog.xlsx`'s limits.

Example usage::

    report = import_organisations(store, "park.xlsx", taxonomy=load_default_taxonomy())
    report = import_organisations(store, "park.csv", on_conflict=OnConflict.UPDATE)
    write_organisations(store.all(), "backup.json")
"""

from __future__ import annotations

import difflib
import json
import os
import tempfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from catalog.audit import SYSTEM, Who
from catalog.errors import (
    ConflictError,
    ImportConflictError,
    ImportValidationError,
    InvalidInputError,
    RowError,
)
from catalog.formulas import formula_start, restore
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
from catalog.models import Organisation
from catalog.store import CatalogStore, OnConflict
from catalog.taxonomy import Taxonomy
from catalog.wording import describe_error, describe_value

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
    columns — and cannot be skipped row by row. ``warnings`` never stop an import: cells of
    a CSV or XLSX file that a spreadsheet would run as formulas (imported as text).
    """

    organisations: list[Organisation]
    rows: list[int]
    errors: list[RowError]
    file_errors: list[RowError]
    warnings: list[RowError] = field(default_factory=list)

    @property
    def invalid_rows(self) -> list[int]:
        return sorted({e.row for e in self.errors if e not in self.file_errors})


@dataclass(frozen=True)
class ImportReport:
    """What an import did: ``imported`` = ``created`` + ``updated`` organisations written;
    ``skipped`` existing ids left as they were (on-conflict skip); ``skipped_rows`` invalid
    rows left out (skip-invalid), with their ``errors``; ``warnings`` about formula cells."""

    imported: int
    skipped_rows: list[int]
    errors: list[RowError]
    created: int = 0
    updated: int = 0
    skipped: int = 0
    warnings: list[RowError] = field(default_factory=list)


def _format_of(path: Path, label: str) -> str:
    suffix = path.suffix.lower()
    if suffix not in FORMATS:
        raise InvalidInputError(
            f"{label}: unsupported file type {suffix or '(none)'!r}; "
            f"expected one of {', '.join(FORMATS)}"
        )
    return suffix


# -- reading ---------------------------------------------------------------------------


def read_organisations(
    path: str | os.PathLike[str], *, taxonomy: Taxonomy | None = None, source: str | None = None
) -> ReadResult:
    """Parse and validate every row of a CSV, XLSX or JSON file; never stops at the first error.

    Messages name the file as ``source`` (an upload's own name), by default its path.
    """
    file = Path(path)
    label = str(file) if source is None else source
    fmt = _format_of(file, label)
    if not file.is_file():
        raise InvalidInputError(f"{label}: no such file")
    if fmt == ".json":
        return _validate_json(_load_json(file, label), taxonomy)
    return _validate_flat(label, load_table(file, label), taxonomy, quoted=fmt == ".csv")


def _load_json(path: Path, label: str) -> list[Any]:
    try:
        doc = json.loads(path.read_text(encoding="utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise InvalidInputError(f"{label}: not UTF-8 text ({exc.reason})") from exc
    except json.JSONDecodeError as exc:
        raise InvalidInputError(
            f"{label}: not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}"
        ) from exc
    items = doc.get("organisations") if isinstance(doc, dict) else doc
    if not isinstance(items, list):
        got = f"keys {', '.join(map(repr, doc))}" if isinstance(doc, dict) else describe_value(doc)
        raise InvalidInputError(
            f"{label}: expected a list of organisations or an object "
            f'{{"organisations": [...]}}; got {got}'
        )
    return items


def _formula_warning(row: int, column: str, start: str) -> RowError:
    return RowError(
        row,
        column,
        f"starts with {start!r}, which a spreadsheet runs as a formula; imported as text "
        "(CSV export writes it after a quote ')",
    )


def _validate_flat(
    label: str, table: list[list[str]], taxonomy: Taxonomy | None, *, quoted: bool
) -> ReadResult:
    """``quoted``: the table is CSV, whose cells may carry `catalog.formulas`' quote."""
    if not table:
        raise InvalidInputError(
            f"{label}: the file is empty; expected a header row with columns "
            f"{', '.join(FLAT_COLUMNS)}"
        )
    header, file_errors = read_header(table[0], table[1:])
    # a missing required column is reported once, on the header, not again on every row
    missing = set(REQUIRED_COLUMNS) - set(header.values())
    checked: list[tuple[int, Organisation | None, list[RowError]]] = []
    ids: list[tuple[int, str]] = []
    warnings: list[RowError] = []
    for row, raw in enumerate(table[1:], start=2):
        if not any(raw):
            continue  # an empty spreadsheet row is not an organisation
        cells = {name: raw[j] if j < len(raw) else "" for j, name in header.items()}
        for name, cell in cells.items():
            if (start := formula_start(cell)) is not None:
                warnings.append(_formula_warning(row, name, start))
        if quoted:
            cells = {name: restore(cell) for name, cell in cells.items()}
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
    result = _collect(checked, ids, file_errors)
    return replace(result, warnings=warnings)


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


# -- importing and writing ---------------------------------------------------------------


def import_organisations(
    store: CatalogStore,
    path: str | os.PathLike[str],
    *,
    taxonomy: Taxonomy | None = None,
    skip_invalid: bool = False,
    on_conflict: OnConflict = OnConflict.FAIL,
    source: str | None = None,
    who: Who = SYSTEM,
) -> ImportReport:
    """Validate a file and write its organisations in one transaction.

    Any error raises ImportValidationError and writes nothing, unless ``skip_invalid``:
    then the valid rows are written and the invalid ones reported. Errors in the header
    (missing or unknown columns) always raise. An id already in the catalog is updated,
    skipped or — ``OnConflict.FAIL``, the default — refused with ImportConflictError naming
    each such id and its row, and nothing is written. ``source`` names the file in messages;
    ``who`` is recorded in the audit log (through ``import <file>``), in the same transaction.
    """
    label = str(path) if source is None else source
    result = read_organisations(path, taxonomy=taxonomy, source=label)
    if result.errors and (result.file_errors or not skip_invalid):
        raise ImportValidationError(result.errors, source=label)
    try:
        done = store.put(
            result.organisations,
            on_conflict=on_conflict,
            who=who.through(f"import {Path(label).name}"),
        )
    except ConflictError as exc:
        if not exc.ids:
            raise
        row_of = {org.id: row for org, row in zip(result.organisations, result.rows, strict=True)}
        taken = set(exc.ids)
        conflicts = [(row_of[o.id], o.id) for o in result.organisations if o.id in taken]
        raise ImportConflictError(conflicts, source=label) from None
    return ImportReport(
        imported=len(done.created) + len(done.updated),
        skipped_rows=result.invalid_rows,
        errors=result.errors,
        created=len(done.created),
        updated=len(done.updated),
        skipped=len(done.skipped),
        warnings=result.warnings,
    )


def write_organisations(orgs: Iterable[Organisation], path: str | os.PathLike[str]) -> int:
    """Write organisations as CSV, XLSX or JSON, atomically; returns how many were written.

    Raises InvalidInputError (naming the organisation and field) if a value cannot be
    written losslessly in the flat CSV/XLSX cell format.
    """
    target = Path(path)
    fmt = _format_of(target, str(target))
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
