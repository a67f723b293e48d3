"""Issue 13, findings 1, 2 and 4, in the library and the CLI: XLSX zip bombs are refused
before parsing, CSV never carries a live formula, and re-importing an id is explicit.
(The HTTP side, and finding 3, are in test_api_import.py.)"""

from __future__ import annotations

import csv
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

import openpyxl
import pytest
from click.testing import Result
from typer.testing import CliRunner

from catalog.errors import (
    ConflictError,
    FileTooLargeError,
    ImportConflictError,
    InvalidInputError,
    RowError,
)
from catalog.importer import import_organisations, read_organisations, write_organisations
from catalog.io_flat import SHEET
from catalog.models import Organisation
from catalog.store import CatalogStore, OnConflict
from catalog.xlsx import XlsxLimits, check_archive, read_xlsx_table
from service.cli import app
from tests.hostile import entity_bomb, far_column, far_row, xlsx_bomb

Run = Callable[..., Result]
FORMULA = "starts with '=', which a spreadsheet runs as a formula; imported as text"
QUOTED = " (CSV export writes it after a quote ')"


@pytest.fixture(scope="module")
def bomb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """≈ 370 KB on disk, 150 MiB of sheet XML once inflated."""
    return xlsx_bomb(tmp_path_factory.mktemp("bomb") / "bomb.xlsx", mib=150)


@pytest.fixture
def store() -> Iterator[CatalogStore]:
    with CatalogStore(":memory:") as s:
        yield s


@pytest.fixture
def run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Run:
    monkeypatch.setenv("CHAINMATCH_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("CHAINMATCH_ENCODER", "hashing")
    runner = CliRunner()

    def invoke(*args: str) -> Result:
        return runner.invoke(app, list(args), catch_exceptions=False)

    return invoke


def _never_parse(*args: object, **kwargs: object) -> None:
    raise AssertionError("the workbook was parsed")


# -- 1. zip bombs and a bounded parse -------------------------------------------------------


def test_xlsx_bomb_is_refused_from_its_directory_before_any_parse(
    bomb: Path, store: CatalogStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert bomb.stat().st_size < 1_000_000
    monkeypatch.setattr(openpyxl, "load_workbook", _never_parse)
    with pytest.raises(FileTooLargeError) as info:
        import_organisations(store, bomb)
    with zipfile.ZipFile(bomb) as archive:
        inflated = archive.getinfo("xl/worksheets/sheet1.xml").file_size / 2**20
    assert str(info.value) == (
        f"{bomb}: part 'xl/worksheets/sheet1.xml' of the workbook expands to {inflated:.1f} MiB, "
        "more than the limit of 64 MiB per part; not read"
    )
    assert store.count() == 0


def test_archive_limits_on_parts_and_total(tmp_path: Path) -> None:
    path = tmp_path / "ok.xlsx"
    write_organisations([Organisation(id="a", name="甲")], path)
    with zipfile.ZipFile(path) as archive:
        parts = archive.infolist()
    check_archive(path, "ok.xlsx")  # an ordinary workbook passes
    with pytest.raises(FileTooLargeError) as info:
        check_archive(path, "ok.xlsx", XlsxLimits(parts=3))
    assert str(info.value) == (
        f"ok.xlsx: the workbook holds {len(parts)} parts, more than the limit of 3; not read"
    )
    biggest = max(p.file_size for p in parts)
    limits = XlsxLimits(part_bytes=biggest, total_bytes=biggest + 1)
    with pytest.raises(FileTooLargeError, match=r"^ok\.xlsx: the workbook expands to .* MiB, "):
        check_archive(path, "ok.xlsx", limits)


def test_the_parse_stops_at_the_row_and_column_limits(tmp_path: Path) -> None:
    with pytest.raises(FileTooLargeError) as info:
        read_organisations(far_row(tmp_path / "rows.xlsx"))
    assert str(info.value).endswith(
        "rows.xlsx: sheet 'organisations' has more than 100,000 rows, the limit of one import; "
        "split the file or use CSV"
    )
    with pytest.raises(FileTooLargeError) as info:
        read_organisations(far_column(tmp_path / "cols.xlsx"))
    assert str(info.value).endswith(
        "cols.xlsx: row 1 of sheet 'organisations' has values past column 100, "
        "the limit of one import"
    )
    wide = XlsxLimits(rows=2_000_000)
    table = read_xlsx_table(far_row(tmp_path / "r.xlsx"), label="r", sheet=SHEET, limits=wide)
    assert (len(table), table[0], table[-1]) == (1_048_576, ["id"], ["x"])


def test_an_entity_expansion_bomb_is_an_unreadable_workbook(tmp_path: Path) -> None:
    with pytest.raises(InvalidInputError) as info:
        read_organisations(entity_bomb(tmp_path / "lol.xlsx"))
    assert str(info.value).startswith(f"{tmp_path / 'lol.xlsx'}: not a readable XLSX workbook: ")
    assert "amplification" in str(info.value)


def test_cli_import_refuses_the_bomb(run: Run, bomb: Path, tmp_path: Path) -> None:
    res = run("import", str(bomb))
    assert res.exit_code == 2
    assert res.stderr.startswith(f"error: {bomb}: part 'xl/worksheets/sheet1.xml'")
    assert "more than the limit of 64 MiB per part; not read" in res.stderr
    with CatalogStore(tmp_path / "home" / "catalog.sqlite") as store:
        assert store.count() == 0


# -- 2. formula cells: neutralised on CSV export, warned about on import ----------------------

RISKY = Organisation(
    id="f-1",
    name='=HYPERLINK("http://x","点我")',
    aliases=("-5", "'=已转义"),
    offers=("@SUM(1+1)", "正常供给"),
    needs=("+86 电话",),
)


def test_csv_export_quotes_every_formula_cell_and_reads_back_the_same(tmp_path: Path) -> None:
    path = tmp_path / "out.csv"
    write_organisations([RISKY, Organisation(id="plain", name="普通")], path)
    with open(path, encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert rows[0]["name"] == '\'=HYPERLINK("http://x","点我")'
    assert rows[0]["aliases"] == "'-5 | '=已转义"
    assert rows[0]["offers"] == "'@SUM(1+1) | 正常供给"
    assert rows[0]["needs"] == "'+86 电话"
    assert rows[1]["name"] == "普通" and rows[1]["aliases"] == ""
    again = read_organisations(path)
    assert again.organisations == [RISKY, Organisation(id="plain", name="普通")]
    assert again.warnings == []  # quoted cells are safe as they stand


def test_xlsx_export_stores_formula_text_as_text(tmp_path: Path) -> None:
    write_organisations([RISKY], tmp_path / "out.xlsx")
    sheet = openpyxl.load_workbook(tmp_path / "out.xlsx")["organisations"]
    assert (sheet["B2"].value, sheet["B2"].data_type) == (RISKY.name, "s")
    assert read_organisations(tmp_path / "out.xlsx").organisations == [RISKY]


def test_import_warns_about_formula_cells_and_still_imports_them(
    tmp_path: Path, store: CatalogStore
) -> None:
    path = tmp_path / "in.csv"
    path.write_text(
        'id,name,offers,needs\nok,正常,供给,需求\nevil,"=cmd|\' /C calc\'!A0","-2 ℃ 冷链",\'=1+1\n',
        encoding="utf-8",
    )
    report = import_organisations(store, path)
    assert report.warnings == [
        RowError(3, "name", FORMULA + QUOTED),
        RowError(
            3, "offers", FORMULA.replace("'='", "'-'") + " (CSV export writes it after a quote ')"
        ),
    ]
    assert (report.created, report.imported) == (2, 2)
    evil = store.get("evil")
    assert (evil.name, evil.offers, evil.needs) == ("=cmd|' /C calc'!A0", ("-2 ℃ 冷链",), ("=1+1",))


def test_cli_warns_on_import_and_exports_quoted_csv(run: Run, tmp_path: Path) -> None:
    path = tmp_path / "in.csv"
    path.write_text("id,name,offers\nevil,恶意,=cmd|' /C calc'!A0\n", encoding="utf-8")
    res = run("import", str(path))
    assert res.exit_code == 0
    assert f"warning: row 2, field 'offers': {FORMULA}" in res.stderr
    assert "imported 1 organisation(s)" in res.stdout
    out = tmp_path / "out.csv"
    assert run("export", str(out)).exit_code == 0
    assert out.read_text("utf-8").splitlines()[1].startswith("evil,恶意,,enterprise,")
    assert ",'=cmd | ' /C calc'!A0," in out.read_text("utf-8")


# -- 4. an id already in the catalog: update, skip or fail ------------------------------------


def _csv(path: Path, *rows: tuple[str, str]) -> Path:
    path.write_text("id,name\n" + "".join(f"{i},{n}\n" for i, n in rows), encoding="utf-8")
    return path


def test_reimport_fails_by_default_naming_each_existing_id_and_row(
    tmp_path: Path, store: CatalogStore
) -> None:
    import_organisations(store, _csv(tmp_path / "a.csv", ("a", "甲"), ("b", "乙")))
    path = _csv(tmp_path / "b.csv", ("new", "新"), ("b", "乙二"), ("a", "甲二"))
    with pytest.raises(ImportConflictError) as info:
        import_organisations(store, path)
    assert str(info.value).splitlines() == [
        f"{path}: 2 organisation(s) already exist, nothing was written; "
        "import with on-conflict update to overwrite them or skip to keep them",
        "  row 3, field 'id': 'b' already exists",
        "  row 4, field 'id': 'a' already exists",
    ]
    assert (info.value.ids, info.value.rows) == (("b", "a"), [3, 4])
    assert store.ids() == ["a", "b"] and store.get("a").name == "甲"


def test_reimport_update_and_skip_report_what_they_did(tmp_path: Path, store: CatalogStore) -> None:
    import_organisations(store, _csv(tmp_path / "a.csv", ("a", "甲"), ("b", "乙")))
    path = _csv(tmp_path / "b.csv", ("new", "新"), ("b", "乙二"))
    skipped = import_organisations(store, path, on_conflict=OnConflict.SKIP)
    assert (skipped.imported, skipped.created, skipped.updated, skipped.skipped) == (1, 1, 0, 1)
    assert store.get("b").name == "乙"
    updated = import_organisations(store, path, on_conflict=OnConflict.UPDATE)
    assert (updated.imported, updated.created, updated.updated, updated.skipped) == (2, 0, 2, 0)
    assert [store.get(i).name for i in ("a", "b", "new")] == ["甲", "乙二", "新"]


def test_store_put_is_one_transaction(store: CatalogStore) -> None:
    store.upsert([Organisation(id="a", name="甲")])
    with pytest.raises(InvalidInputError, match="the same id appears twice in one write: b"):
        store.put([Organisation(id="b", name="乙")] * 2, on_conflict=OnConflict.UPDATE)
    done = store.put(
        [Organisation(id="a", name="甲二"), Organisation(id="c", name="丙")],
        on_conflict=OnConflict.UPDATE,
    )
    assert (done.created, done.updated, done.skipped) == (["c"], ["a"], [])
    with pytest.raises(ConflictError) as info:
        pair = [Organisation(id="d", name="丁"), Organisation(id="c", name="丙")]
        store.put(pair, on_conflict=OnConflict.FAIL)
    assert info.value.ids == ("c",) and "d" not in store.ids()


def test_cli_on_conflict(run: Run, tmp_path: Path) -> None:
    first = _csv(tmp_path / "a.csv", ("a", "甲"))
    assert "1 created, 0 updated, 0 skipped" in run("import", str(first)).stdout
    again = _csv(tmp_path / "b.csv", ("a", "甲二"), ("b", "乙"))
    res = run("import", str(again))
    assert res.exit_code == 4
    assert f"error: {again}: 1 organisation(s) already exist, nothing was written" in res.stderr
    assert "row 2, field 'id': 'a' already exists" in res.stderr
    res = run("import", str(again), "--on-conflict", "skip")
    assert res.stdout.strip().endswith(": 1 created, 0 updated, 1 skipped (already there)")
    res = run("import", str(again), "--on-conflict", "update")
    assert res.stdout.strip().endswith(": 0 created, 2 updated, 0 skipped (already there)")
    with CatalogStore(tmp_path / "home" / "catalog.sqlite") as store:
        assert [o.name for o in store.all()] == ["甲二", "乙"]


def test_control_characters_cannot_break_a_workbook_export(tmp_path: Path) -> None:
    """openpyxl refuses a whole workbook over one control character (schemathesis found
    it through a toolkit item's name); every sheet writer replaces them with U+FFFD."""
    from catalog.formulas import xlsx_text
    from service.exports.formats import write_sheets

    assert xlsx_text("a\x07b\tc\nd\x1f") == "a\ufffdb\tc\nd\ufffd"
    path = write_sheets([("s", [["name"], ["坏\x00名字", 3]])], tmp_path / "x.xlsx")
    ws = openpyxl.load_workbook(path)["s"]
    assert [c.value for c in ws[2]] == ["坏\ufffd名字", 3]
