"""Toolkit storage: an older catalog file upgrades in place with nothing lost; items and
facts round-trip with audit entries; CSV/XLSX/JSON imports name every bad row and write
nothing."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from pathlib import Path

import pytest

from catalog.audit import AuditLog, Who
from catalog.demo import load_demo_organisations
from catalog.errors import ImportValidationError, InvalidInputError
from catalog.store import CatalogStore
from catalog.toolkit import FactField, ToolkitStore
from catalog.toolkit.demo import demo_items, load_demo_toolkit
from catalog.toolkit.io import import_facts, import_items, read_items, write_items

ORGS = load_demo_organisations()[:40]


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "catalog.sqlite"
    with CatalogStore(path) as store:
        store.upsert(ORGS)
    return path


def _rows(path: Path) -> dict[str, list[tuple[object, ...]]]:
    with sqlite3.connect(path) as conn:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        return {t: sorted(conn.execute(f"SELECT * FROM {t}").fetchall(), key=repr) for t in tables}


def test_an_existing_catalog_file_gains_the_toolkit_tables_and_loses_nothing(db: Path) -> None:
    before = _rows(db)
    assert "toolkit_items" not in before
    with ToolkitStore(db) as tk:
        assert tk.count() == 0
    after = _rows(db)
    for table, rows in before.items():
        if table != "meta":
            assert after[table] == rows, table
    meta = dict(after["meta"])  # type: ignore[arg-type]
    assert meta["schema_version.toolkit"] == "1"
    assert {k: v for k, v in meta.items() if k != "schema_version.toolkit"} == dict(before["meta"])  # type: ignore[arg-type]
    with CatalogStore(db) as store:  # the catalog still opens and reads the same
        assert store.count() == len(ORGS)


def test_items_and_facts_round_trip_with_audit(db: Path) -> None:
    who = Who("王敏", "cli")
    items = demo_items()
    with ToolkitStore(db) as tk:
        assert tk.save_items(items, who=who) == (14, 0)
        assert tk.save_items(items, who=who) == (0, 0)  # nothing changed, nothing logged
        assert tk.items() == sorted(items, key=lambda i: i.id)
        facts = tk.set_facts(
            ORGS[0].id,
            {"revenue": "5200", "founded": "2019-03-01"},
            as_of=dt.date(2025, 12, 31),
            who=who,
        )
        assert facts[FactField.REVENUE].value == 5200.0
        assert facts[FactField.FOUNDED].value == dt.date(2019, 3, 1)
        tk.set_facts(ORGS[0].id, {"revenue": None}, who=who)
        assert set(tk.facts(ORGS[0].id)) == {FactField.FOUNDED}
    with AuditLog(db) as log:
        entries = log.entries(limit=100)
    kinds = [(e.action.value, e.kind, e.entity) for e in entries]
    assert kinds.count(("create", "toolkit_item", "tk-little-giant")) == 1
    assert ("delete", "org_fact", f"{ORGS[0].id}:revenue") in kinds
    assert all(e.actor == "王敏" for e in entries if e.kind in ("toolkit_item", "org_fact"))


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"revenue": "lots"}, "revenue: expected a number, got 'lots'"),
        ({"rd_ratio": 120}, "rd_ratio: expected 0 to 100, got 120"),
        ({"founded": "2999-01-01"}, "founded: 2999-01-01 is in the future"),
        ({"age_years": 3}, "age_years: not a stored fact; expected one of founded, employees"),
        ({"turnover": 3}, "turnover: not a stored fact"),
    ],
)
def test_bad_facts_name_the_field_and_write_nothing(
    db: Path, values: dict[str, object], message: str
) -> None:
    with ToolkitStore(db) as tk:
        with pytest.raises(InvalidInputError) as exc:
            tk.set_facts(ORGS[0].id, {"employees": 50, **values})
        assert message in str(exc.value)
        assert tk.facts(ORGS[0].id) == {}
        with pytest.raises(InvalidInputError, match="org_id: no organisation 'nobody'"):
            tk.set_facts("nobody", {"employees": 5})


def test_demo_toolkit_loads_once_with_some_facts_missing(db: Path) -> None:
    with ToolkitStore(db) as tk:
        n_items, n_orgs = load_demo_toolkit(tk, ORGS)
        assert n_items == 14 and 0 < n_orgs < sum(o.kind.value == "enterprise" for o in ORGS)
        assert load_demo_toolkit(tk, ORGS) == (0, 0)
        all_facts = tk.all_facts()
    without_rd = [o for o, f in all_facts.items() if FactField.RD_RATIO not in f]
    assert without_rd and all(
        f[FactField.REVENUE].source == "demo (fictional)" for f in all_facts.values()
    )


@pytest.mark.parametrize("suffix", [".csv", ".xlsx", ".json"])
def test_export_then_import_is_the_same_items(db: Path, tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"toolkit{suffix}"
    assert write_items(demo_items(), path) == 14
    assert read_items(path) == demo_items()


def test_a_bad_csv_names_each_row_and_column_and_writes_nothing(db: Path, tmp_path: Path) -> None:
    good = tmp_path / "good.csv"
    write_items(demo_items()[:3], good)
    lines = good.read_text("utf-8").splitlines()
    header, rows = lines[0], lines[1:]
    bad_json = rows[1].replace('"{""kind""', '"{""kind"" oops', 1)
    contradictory = json.dumps(
        {
            "kind": "all",
            "items": [
                {
                    "kind": "condition",
                    "field": "revenue",
                    "op": "ge",
                    "value": 50,
                    "clause": "第一条",
                },
                {
                    "kind": "condition",
                    "field": "revenue",
                    "op": "lt",
                    "value": 10,
                    "clause": "第二条",
                },
            ],
        },
        ensure_ascii=False,
    ).replace('"', '""')
    row5 = f'tk-x,某政策,policy,《测试》,,,,2026-01-01,2025-01-01,,false,"{contradictory}"'
    row6 = rows[0]  # the same id twice
    path = tmp_path / "bad.csv"
    path.write_text("\n".join([header, rows[0], bad_json, rows[2], row5, row6]) + "\n", "utf-8")
    with ToolkitStore(db) as tk:
        with pytest.raises(ImportValidationError) as exc:
            import_items(tk, path)
        assert tk.count() == 0
    found = [(e.row, e.field) for e in exc.value.errors]
    assert found == [(3, "conditions"), (5, "conditions"), (6, "id")]
    text = str(exc.value)
    assert text.startswith(f"{path}: 3 invalid row(s), nothing was written")
    assert "row 3, field 'conditions': not valid JSON" in text
    assert "row 5, field 'conditions': item 'tk-x': effective_to: 2025-01-01 is before" in text
    assert "row 6, field 'id': 'tk-innovation-voucher' is also on row 2" in text


def test_a_bad_xlsx_row_names_its_column(db: Path, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    path = tmp_path / "toolkit.xlsx"
    write_items(demo_items()[:2], path)
    wb = load_workbook(path)
    ws = wb["items"]
    ws["H3"] = "not a date"  # effective_from of row 3
    ws["C2"] = "grant"  # kind of row 2
    wb.save(path)
    with ToolkitStore(db) as tk:
        with pytest.raises(ImportValidationError) as exc:
            import_items(tk, path)
        assert tk.count() == 0
    assert [(e.row, e.field) for e in exc.value.errors] == [(2, "kind"), (3, "effective_from")]


def test_facts_import_is_all_or_nothing(db: Path, tmp_path: Path) -> None:
    path = tmp_path / "facts.csv"
    a, b = ORGS[0].id, ORGS[1].id
    path.write_text(
        f"org_id,field,value,as_of,source\n{a},revenue,5200,2025-12-31,年报\n{a},founded,2019-03-01,,\n"
        f"{b},rd_ratio,140,,\n{b},patents,3,,\n",
        "utf-8",
    )
    with ToolkitStore(db) as tk:
        with pytest.raises(ImportValidationError) as exc:
            import_facts(tk, path)
        assert tk.fact_count() == 0
        assert [(e.row, e.field) for e in exc.value.errors] == [(4, "value"), (5, "field")]
        path.write_text(
            path.read_text("utf-8").splitlines()[0]
            + "\n"
            + "\n".join(path.read_text("utf-8").splitlines()[1:3])
            + "\n",
            "utf-8",
        )
        assert import_facts(tk, path) == {"rows": 2, "changed": 2}
        assert tk.facts(a)[FactField.REVENUE].source == "年报"
