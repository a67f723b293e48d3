"""Toolkit items and organisation facts to and from CSV, XLSX and JSON.

Items are one row each; the condition tree is the ``conditions`` cell as JSON (the same
shape as the API's), so a row exported and imported again is the same item. The XLSX
export adds a read-only ``conditions`` sheet with one leaf per row for reading. Facts are
one row per organisation and field: ``org_id, field, value, as_of, source``.

An import checks every row first; any bad row (its number as a spreadsheet shows it, the
column and what was expected) rejects the whole file, and nothing is written.

Example usage::

    report = import_items(store, Path("toolkit.xlsx"))
    write_items(store.items(), Path("toolkit.csv"))
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from catalog.audit import SYSTEM, Who
from catalog.errors import ImportValidationError, InvalidInputError, RowError
from catalog.formulas import neutralise, restore, xlsx_text
from catalog.toolkit.checks import check_item, leaves
from catalog.toolkit.model import ToolkitItem
from catalog.toolkit.store import ToolkitStore, parse_fact, stored_field
from catalog.xlsx import read_xlsx_table

__all__ = [
    "FACT_COLUMNS",
    "ITEM_COLUMNS",
    "import_facts",
    "import_items",
    "item_row",
    "read_items",
    "write_items",
]

ITEM_COLUMNS = (
    "id",
    "name",
    "kind",
    "source",
    "department",
    "summary",
    "benefit",
    "effective_from",
    "effective_to",
    "request_kinds",
    "fictional",
    "conditions",
)
FACT_COLUMNS = ("org_id", "field", "value", "as_of", "source")
_LIST_SEPS = (";", "；", ",", "，")


def _table(path: Path, sheet: str) -> list[list[str]]:
    """Every row as text (header included): CSV, XLSX (sheet ``sheet`` or the first)."""
    if not path.exists():
        raise InvalidInputError(f"{path}: no such file")
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        return read_xlsx_table(path, label=str(path), sheet=sheet)
    if path.suffix.lower() != ".csv":
        raise InvalidInputError(f"{path}: expected a .csv, .xlsx or .json file")
    import csv

    try:
        with path.open(encoding="utf-8-sig", newline="") as fh:
            return [[restore(c.strip()) for c in row] for row in csv.reader(fh)]
    except UnicodeDecodeError as exc:
        raise InvalidInputError(f"{path}: not UTF-8 text ({exc.reason})") from None
    except csv.Error as exc:
        raise InvalidInputError(f"{path}: not a readable CSV file: {exc}") from None


def _records(
    path: Path, sheet: str, columns: Sequence[str], required: Sequence[str]
) -> tuple[list[tuple[int, dict[str, str]]], list[RowError]]:
    table = _table(path, sheet)
    if not table:
        raise InvalidInputError(f"{path}: the file is empty; expected a header row")
    header = [h.strip().lower() for h in table[0]]
    errors = [
        RowError(1, h, f"unknown column; expected one of {', '.join(columns)}")
        for h in header
        if h and h not in columns
    ]
    errors += [RowError(1, c, "required column is missing") for c in required if c not in header]
    rows = []
    for i, row in enumerate(table[1:], start=2):
        if not any(row):
            continue
        rows.append((i, {h: v for h, v in zip(header, row, strict=False) if h in columns and v}))
    return rows, errors


def _split(cell: str) -> list[str]:
    for sep in _LIST_SEPS[1:]:
        cell = cell.replace(sep, _LIST_SEPS[0])
    return [p.strip() for p in cell.split(_LIST_SEPS[0]) if p.strip()]


def _item_doc(cells: dict[str, str]) -> dict[str, Any]:
    """A row's cells as the item's JSON shape; ValueError for an unreadable conditions cell."""
    doc: dict[str, Any] = {k: v for k, v in cells.items() if k not in ("conditions",)}
    if "request_kinds" in doc:
        doc["request_kinds"] = _split(doc["request_kinds"])
    if "fictional" in doc:
        doc["fictional"] = doc["fictional"].strip().lower() in ("1", "true", "yes", "是")
    if "conditions" in cells:
        try:
            doc["conditions"] = json.loads(cells["conditions"])
        except json.JSONDecodeError as exc:
            raise ValueError(f"not valid JSON ({exc.msg} at character {exc.pos})") from None
    return doc


def read_items(path: Path) -> list[ToolkitItem]:
    """Every item of a CSV, XLSX (sheet ``items``) or JSON (``{"items": […]}`` or a list)
    file, validated; ImportValidationError lists every bad row."""
    errors: list[RowError] = []
    items: list[ToolkitItem] = []
    if path.suffix.lower() == ".json":
        try:
            doc = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise InvalidInputError(f"{path}: not a readable JSON file: {exc}") from None
        docs = doc.get("items") if isinstance(doc, dict) else doc
        if not isinstance(docs, list):
            raise InvalidInputError(f"{path}: expected a list of items or {{'items': [...]}}")
        rows = [(i, d) for i, d in enumerate(docs, start=1)]
    else:
        cells, errors = _records(
            path, "items", ITEM_COLUMNS, ("id", "name", "source", "conditions")
        )
        rows = []
        for i, row in cells:
            try:
                rows.append((i, _item_doc(row)))
            except ValueError as exc:
                errors.append(RowError(i, "conditions", str(exc)))
    seen: dict[str, int] = {}
    for i, d in rows:
        try:
            item = ToolkitItem.model_validate(d)
            check_item(item)
        except ValidationError as exc:
            for e in exc.errors():
                loc = [str(x) for x in e["loc"] if x not in ("condition", "all", "any")]
                field = loc[0] if loc else "row"
                where = ".".join(loc[1:])
                msg = str(e["msg"]).removeprefix("Value error, ")
                errors.append(RowError(i, field, f"{where}: {msg}" if where else msg))
            continue
        except InvalidInputError as exc:
            errors.append(RowError(i, "conditions", str(exc)))
            continue
        if item.id in seen:
            errors.append(RowError(i, "id", f"{item.id!r} is also on row {seen[item.id]}"))
            continue
        seen[item.id] = i
        items.append(item)
    if errors:
        raise ImportValidationError(errors, str(path))
    return items


def import_items(
    store: ToolkitStore, path: Path, *, who: Who = SYSTEM, replace: bool = True
) -> dict[str, int]:
    """Read, check every row, then store all items in one transaction (or none)."""
    items = read_items(path)
    created, updated = store.save_items(
        items, who=who.through(f"import {path.name}"), replace=replace
    )
    return {"read": len(items), "created": created, "updated": updated}


def import_facts(store: ToolkitStore, path: Path, *, who: Who = SYSTEM) -> dict[str, int]:
    """Facts, one per row (``org_id, field, value, as_of, source``), all or nothing; an
    empty value clears the fact."""
    cells, errors = _records(path, "facts", FACT_COLUMNS, ("org_id", "field"))
    grouped: dict[tuple[str, dt.date | None, str], dict[str, Any]] = {}
    for i, row in cells:
        org, source = row.get("org_id", ""), row.get("source", "declared")
        if not org:
            errors.append(RowError(i, "org_id", "required but missing"))
            continue
        try:
            name = stored_field(row.get("field", ""))
        except ValueError as exc:
            errors.append(RowError(i, "field", str(exc)))
            continue
        try:
            value = None if "value" not in row else parse_fact(name, row["value"])
        except ValueError as exc:
            errors.append(RowError(i, "value", str(exc)))
            continue
        try:
            as_of = dt.date.fromisoformat(row["as_of"]) if "as_of" in row else None
        except ValueError:
            errors.append(RowError(i, "as_of", f"expected an ISO date, got {row['as_of']!r}"))
            continue
        grouped.setdefault((org, as_of, source), {})[name.value] = value
    if errors:
        raise ImportValidationError(errors, str(path))
    rows = [(org, values, as_of, source) for (org, as_of, source), values in grouped.items()]
    try:
        changed = store.set_many(rows, who=who.through(f"import {path.name}"))
    except InvalidInputError as exc:  # an organisation not in the catalog
        raise InvalidInputError(f"{path}: {exc}; nothing was written") from None
    return {"rows": len(cells), "changed": changed}


def item_row(item: ToolkitItem) -> dict[str, str]:
    doc = item.model_dump(mode="json")
    return {
        **{k: "" if doc.get(k) is None else str(doc[k]) for k in ITEM_COLUMNS[:9]},
        "request_kinds": "; ".join(doc["request_kinds"]),
        "fictional": "true" if item.fictional else "false",
        "conditions": json.dumps(doc["conditions"], ensure_ascii=False),
    }


def write_items(items: Sequence[ToolkitItem], path: Path) -> int:
    """CSV (formula-safe), XLSX (items + a conditions sheet) or JSON; returns the count."""
    suffix = path.suffix.lower()
    rows = [item_row(it) for it in items]
    if suffix == ".json":
        docs = [it.model_dump(mode="json") for it in items]
        path.write_text(json.dumps({"items": docs}, ensure_ascii=False, indent=1) + "\n", "utf-8")
    elif suffix == ".csv":
        import csv

        with path.open("w", encoding="utf-8", newline="") as fh:
            out = csv.writer(fh)
            out.writerow(ITEM_COLUMNS)
            out.writerows([neutralise(r[c]) for c in ITEM_COLUMNS] for r in rows)
    elif suffix == ".xlsx":
        _write_xlsx(items, rows, path)
    else:
        raise InvalidInputError(f"{path}: expected a .csv, .xlsx or .json file")
    return len(items)


def _write_xlsx(items: Sequence[ToolkitItem], rows: list[dict[str, str]], path: Path) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    sheet = wb.active
    sheet.title = "items"
    sheet.append(list(ITEM_COLUMNS))
    for r in rows:
        sheet.append([xlsx_text(r[c]) for c in ITEM_COLUMNS])
    leaf = wb.create_sheet("conditions")
    leaf.append(["item_id", "path", "field", "op", "value", "clause", "label"])
    for it in items:
        for p, c in leaves(it.conditions):
            value = json.dumps(c.value, ensure_ascii=False)
            cells = [it.id, p, c.field.value, c.op.value, value, c.clause, c.label or ""]
            leaf.append([xlsx_text(x) for x in cells])
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.data_type == "f":  # text starting with '=' stays text
                    cell.data_type = "s"
        ws.freeze_panes = "A2"
    wb.save(path)
