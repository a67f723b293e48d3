"""Import/export of organisations as CSV, XLSX and JSON: all errors reported, none half-written."""

from __future__ import annotations

import csv
import datetime as dt
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import catalog
from catalog import (
    ChainPosition,
    Contact,
    ImportValidationError,
    InvalidInputError,
    Organisation,
    OrgKind,
    OrgSize,
    Product,
    Qualification,
    Region,
    RowError,
    Taxonomy,
    load_default_taxonomy,
)
from catalog.importer import import_organisations, read_organisations, write_organisations
from catalog.io_flat import FLAT_COLUMNS
from catalog.store import CatalogStore
from catalog.taxonomy import Chain, Segment, Stage

GOOD_ROW = {
    "name": "杭州示例科技有限公司",
    "aliases": "示例科技 | Demo Tech",
    "kind": "enterprise",
    "province": "浙江省",
    "city": "杭州市",
    "park": "滨江高新区",
    "chains": "ic:ic.design",
    "offers": "模拟芯片设计 | 电源管理芯片",
    "needs": "晶圆代工产能",
    "products": "电源芯片=0.5 | 驱动芯片=0.3",
    "qualifications": "ISO 9001; SGS; 2027-06-30 | 高新技术企业",
    "size": "small",
    "contacts": "王工; 采购经理; 0571-8888 1234; wang@example.cn",
    "updated_at": "2024-05-01T09:30:00+08:00",
}


def write_csv(
    path: Path, rows: list[dict[str, str]], columns: tuple[str, ...] = FLAT_COLUMNS
) -> Path:
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(columns))
        writer.writeheader()
        writer.writerows(rows)
    return path


def write_xlsx(path: Path, table: list[list[str]], sheet: str = "organisations") -> Path:
    book = openpyxl.Workbook()
    book.worksheets[0].title = "README"  # the organisations sheet is found by name, not position
    sheet_ = book.create_sheet(sheet)
    for row in table:
        sheet_.append(row)
    book.save(path)
    return path


def twenty_rows() -> list[dict[str, str]]:
    rows = [{"id": f"org{i:02d}", **GOOD_ROW} for i in range(2, 22)]  # spreadsheet rows 2..21
    rows[5 - 2]["kind"] = "company"
    rows[9 - 2]["qualifications"] = "ISO 9001; SGS; 2027-13-01"
    rows[14 - 2]["products"] = "电源芯片=1.5"
    return rows


@pytest.fixture
def store() -> Iterator[CatalogStore]:
    with CatalogStore(":memory:") as s:
        yield s


@pytest.fixture
def tiny_taxonomy() -> Taxonomy:
    segments = {
        s.id: s
        for s in (
            Segment("ic.design", "ic", "芯片设计", "Chip design", Stage.MIDSTREAM),
            Segment("ic.fab", "ic", "晶圆制造", "Wafer fabrication", Stage.MIDSTREAM),
            Segment("pv.cell", "pv", "电池片", "Solar cells", Stage.MIDSTREAM),
        )
    }
    chains = {
        "ic": Chain("ic", "集成电路", "Integrated circuits", ("ic.design", "ic.fab")),
        "pv": Chain("pv", "光伏", "Photovoltaics", ("pv.cell",)),
    }
    return Taxonomy(chains=chains, segments=segments, edges=frozenset({("ic.fab", "ic.design")}))


# -- the 20-row CSV with three bad rows ---------------------------------------------------

THREE_ERRORS = [
    RowError(5, "kind", "expected one of enterprise, institute, service; got 'company'"),
    RowError(9, "qualifications", "expected a date YYYY-MM-DD; got '2027-13-01'"),
    RowError(14, "products", "expected a share between 0 and 1; got '1.5'"),
]


def test_csv_reports_every_bad_row_and_writes_nothing(tmp_path: Path, store: CatalogStore) -> None:
    path = write_csv(tmp_path / "park.csv", twenty_rows())
    result = read_organisations(path)
    assert result.errors == THREE_ERRORS
    assert len(result.organisations) == 17
    assert result.rows == [r for r in range(2, 22) if r not in (5, 9, 14)]
    assert result.invalid_rows == [5, 9, 14]
    with pytest.raises(ImportValidationError) as info:
        import_organisations(store, path)
    assert info.value.errors == THREE_ERRORS
    assert info.value.rows == [5, 9, 14]
    assert str(info.value).splitlines() == [
        f"{path}: 3 invalid row(s), nothing was written",
        "  row 5, field 'kind': expected one of enterprise, institute, service; got 'company'",
        "  row 9, field 'qualifications': expected a date YYYY-MM-DD; got '2027-13-01'",
        "  row 14, field 'products': expected a share between 0 and 1; got '1.5'",
    ]
    assert store.count() == 0


def test_skip_invalid_imports_the_seventeen_good_rows(tmp_path: Path, store: CatalogStore) -> None:
    path = write_csv(tmp_path / "park.csv", twenty_rows())
    report = import_organisations(store, path, skip_invalid=True)
    assert report.imported == 17
    assert report.skipped_rows == [5, 9, 14]
    assert report.errors == THREE_ERRORS
    assert store.count() == 17
    assert "org05" not in store.ids() and "org06" in store.ids()
    org = store.get("org02")
    assert org.products == (
        Product(name="电源芯片", share=0.5),
        Product(name="驱动芯片", share=0.3),
    )
    assert org.qualifications == (
        Qualification(name="ISO 9001", issuer="SGS", valid_until=dt.date(2027, 6, 30)),
        Qualification(name="高新技术企业"),
    )
    assert org.contacts == (
        Contact(name="王工", role="采购经理", phone="0571-8888 1234", email="wang@example.cn"),
    )
    assert org.updated_at == dt.datetime(
        2024, 5, 1, 9, 30, tzinfo=dt.timezone(dt.timedelta(hours=8))
    )


def test_several_errors_in_one_row_and_entry_numbers(tmp_path: Path) -> None:
    row = {
        "id": "bad id",
        **GOOD_ROW,
        "name": "",
        "size": "huge",
        "chains": "ic:ic.design | icfab",
        "products": "a=0.2 | b=abc",
        "contacts": "王工; 采购; call me; not-an-email",
        "updated_at": "yesterday",
    }
    result = read_organisations(write_csv(tmp_path / "p.csv", [row]))
    assert result.organisations == []
    assert result.errors == [
        RowError(
            2,
            "id",
            "expected an id of letters, digits, '_', '.' or '-' (at most 64, "
            "starting with a letter or digit); got 'bad id'",
        ),
        RowError(2, "name", "must not be empty"),
        RowError(2, "chains", "entry 2: expected chain:segment (e.g. ic:ic.design); got 'icfab'"),
        RowError(2, "products", "entry 2: expected a share between 0 and 1; got 'abc'"),
        RowError(2, "size", "expected one of micro, small, medium, large; got 'huge'"),
        RowError(
            2,
            "contacts",
            "phone: expected a phone number of digits, spaces and + - ( ) "
            "(3 to 32 characters); got 'call me'",
        ),
        RowError(
            2,
            "contacts",
            "email: expected an e-mail address like name@example.com; got 'not-an-email'",
        ),
        RowError(
            2, "updated_at", "expected a date-time like 2024-05-01T09:30:00+08:00; got 'yesterday'"
        ),
    ]


def test_shares_adding_up_past_one(tmp_path: Path) -> None:
    row = {"id": "a", **GOOD_ROW, "products": "x=0.7 | y=0.6"}
    result = read_organisations(write_csv(tmp_path / "p.csv", [row]))
    assert result.errors == [
        RowError(2, "products", "product shares add up to 1.300; expected at most 1.0")
    ]


def test_empty_cells_mean_defaults_and_ids_keep_leading_zeros(tmp_path: Path) -> None:
    path = tmp_path / "p.csv"
    path.write_text(
        "\ufeffid,name,kind,province,park,offers\n000123,最小企业,,,,\n", encoding="utf-8"
    )
    (org,) = read_organisations(path).organisations
    assert org == Organisation(id="000123", name="最小企业")
    assert (org.kind, org.region.province, org.region.park, org.offers) == (
        OrgKind.ENTERPRISE,
        "浙江省",
        None,
        (),
    )


def test_blank_lines_keep_row_numbers_and_are_skipped(tmp_path: Path) -> None:
    path = tmp_path / "p.csv"
    path.write_text("id,name,kind\na,甲,enterprise\n\n,,\nb,乙,bank\n", encoding="utf-8")
    result = read_organisations(path)
    assert [o.id for o in result.organisations] == ["a"]
    assert result.errors == [
        RowError(5, "kind", "expected one of enterprise, institute, service; got 'bank'")
    ]


def test_header_problems_are_row_one_and_cannot_be_skipped(
    tmp_path: Path, store: CatalogStore
) -> None:
    path = tmp_path / "p.csv"
    path.write_text("Kind,offfers,note\nenterprise,芯片设计,x\n", encoding="utf-8")
    result = read_organisations(path)
    known = ", ".join(FLAT_COLUMNS)
    assert result.errors == [
        RowError(1, "offfers", f"unknown column; did you mean 'offers'? expected one of {known}"),
        RowError(1, "note", f"unknown column; expected one of {known}"),
        RowError(1, "id", "required column is missing"),
        RowError(1, "name", "required column is missing"),
    ]
    assert result.file_errors == result.errors
    with pytest.raises(ImportValidationError, match="nothing was written"):
        import_organisations(store, path, skip_invalid=True)
    assert store.count() == 0


def test_duplicate_ids_flag_the_later_row(tmp_path: Path, store: CatalogStore) -> None:
    rows = [{"id": i, **GOOD_ROW} for i in ("a", "b", "a")]
    path = write_csv(tmp_path / "p.csv", rows)
    assert read_organisations(path).errors == [
        RowError(4, "id", "duplicate id 'a'; first used in row 2")
    ]
    report = import_organisations(store, path, skip_invalid=True)
    assert (report.imported, report.skipped_rows, store.ids()) == (2, [4], ["a", "b"])


def test_unknown_segment_with_taxonomy(tmp_path: Path, tiny_taxonomy: Taxonomy) -> None:
    rows = [
        {"id": "a", **GOOD_ROW, "chains": "ic:ic.design | ic:ic.desgn"},
        {"id": "b", **GOOD_ROW, "chains": "ic:pv.cell"},
        {"id": "c", **GOOD_ROW, "chains": "nev:nev.battery"},
        {"id": "d", **GOOD_ROW, "chains": "pv:pv.cell | ic:ic.fab"},
    ]
    path = write_csv(tmp_path / "p.csv", rows)
    assert read_organisations(path).errors == []  # without a taxonomy chains are free text
    result = read_organisations(path, taxonomy=tiny_taxonomy)
    assert result.errors == [
        RowError(
            2,
            "chains",
            "entry 2: unknown segment 'ic.desgn' in chain 'ic'; "
            "did you mean 'ic.design'? known: ic.design, ic.fab",
        ),
        RowError(3, "chains", "unknown segment 'pv.cell' in chain 'ic'; known: ic.design, ic.fab"),
        RowError(4, "chains", "unknown chain 'nev'; known: ic, pv"),
    ]
    assert [o.id for o in result.organisations] == ["d"]


def test_unknown_extension_and_unreadable_files(tmp_path: Path) -> None:
    with pytest.raises(
        InvalidInputError,
        match=r"unsupported file type '\.txt'; expected one of "
        r"\.csv, \.xlsx, \.json",
    ):
        read_organisations(tmp_path / "park.txt")
    with pytest.raises(InvalidInputError, match=r"missing\.xlsx: no such file"):
        read_organisations(tmp_path / "missing.xlsx")
    (tmp_path / "empty.csv").write_text("", encoding="utf-8")
    with pytest.raises(InvalidInputError, match="the file is empty; expected a header row"):
        read_organisations(tmp_path / "empty.csv")
    (tmp_path / "gbk.csv").write_bytes("id,name\na,杭州\n".encode("gbk"))
    with pytest.raises(InvalidInputError, match="not UTF-8 text"):
        read_organisations(tmp_path / "gbk.csv")
    (tmp_path / "bad.xlsx").write_bytes(b"PK not really a zip")
    with pytest.raises(InvalidInputError, match="not a readable XLSX workbook"):
        read_organisations(tmp_path / "bad.xlsx")


# -- XLSX ----------------------------------------------------------------------------------


def test_xlsx_malformed_rows(tmp_path: Path, store: CatalogStore) -> None:
    header = ["id", "name", "kind", "contacts", "qualifications", "products"]
    table = [
        header,
        ["000042", "好企业", "institute", "李工; ; ; li@example.cn", "", "a"],
        ["x1", "", "service", "", "", ""],
        ["x2", "坏联系人", "", "李工; 销售; 123; li-at-example", "", ""],
        ["x3", "多余字段", "", "", "CMA; 省局; 2026-01-01; extra", ""],
    ]
    path = write_xlsx(tmp_path / "park.xlsx", table)
    result = read_organisations(path)
    assert result.errors == [
        RowError(3, "name", "must not be empty"),
        RowError(
            4,
            "contacts",
            "email: expected an e-mail address like name@example.com; got 'li-at-example'",
        ),
        RowError(
            5,
            "qualifications",
            "expected at most 3 parts 'name; issuer; valid_until'; "
            "got 4 in 'CMA; 省局; 2026-01-01; extra'",
        ),
    ]
    assert result.organisations == [
        Organisation(
            id="000042",
            name="好企业",
            kind=OrgKind.INSTITUTE,
            contacts=(Contact(name="李工", email="li@example.cn"),),
            products=(Product(name="a"),),
        )
    ]
    with pytest.raises(ImportValidationError) as info:
        import_organisations(store, path)
    assert info.value.rows == [3, 4, 5]
    assert store.count() == 0


def test_xlsx_numeric_and_date_cells_are_read_as_text(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.worksheets[0]
    sheet.title = "organisations"
    sheet.append(["id", "name", "updated_at"])
    sheet.append([123, "数字编号", dt.datetime(2024, 3, 1, 8, 0)])
    book.save(tmp_path / "p.xlsx")
    (org,) = read_organisations(tmp_path / "p.xlsx").organisations
    assert (org.id, org.updated_at) == ("123", dt.datetime(2024, 3, 1, 8, 0))


# -- JSON ----------------------------------------------------------------------------------


def test_json_both_shapes_and_nested_error_paths(tmp_path: Path) -> None:
    good = {"id": "a", "name": "甲", "products": [{"name": "x", "share": 0.5}]}
    bad = {
        "id": "b",
        "name": "乙",
        "kind": "company",
        "products": [{"name": "x", "share": 1.5}],
        "qualifications": [{"name": "ISO", "valid_until": "2027-13-01"}],
        "region": {"park": "滨江", "district": "西湖"},
    }
    listed = tmp_path / "list.json"
    listed.write_text(json.dumps([good, bad, "oops", good]), encoding="utf-8")
    result = read_organisations(listed)
    assert result.errors == [
        RowError(2, "kind", "expected one of enterprise, institute, service; got 'company'"),
        RowError(2, "region.district", "unknown field"),
        RowError(2, "products.0.share", "expected a share between 0 and 1; got 1.5"),
        RowError(2, "qualifications.0.valid_until", "expected a date YYYY-MM-DD; got '2027-13-01'"),
        RowError(3, "organisation", "expected an object; got str"),
        RowError(4, "id", "duplicate id 'a'; first used in row 1"),
    ]
    assert (result.rows, [o.id for o in result.organisations]) == ([1], ["a"])
    wrapped = tmp_path / "demo.json"
    wrapped.write_text(json.dumps({"note": "演示数据", "organisations": [good]}), encoding="utf-8")
    assert read_organisations(wrapped).organisations == [Organisation.model_validate(good)]


def test_json_structure_errors(tmp_path: Path, store: CatalogStore) -> None:
    path = tmp_path / "p.json"
    path.write_text('{"organisations": [{"id": "a",}]}', encoding="utf-8")
    with pytest.raises(InvalidInputError, match="not valid JSON: .* at line 1, column 31"):
        read_organisations(path)
    path.write_text('{"orgs": []}', encoding="utf-8")
    with pytest.raises(
        InvalidInputError,
        match=r'expected a list of organisations or an object \{"organisations": \[\.\.\.\]\}; '
        r"got keys 'orgs'",
    ):
        import_organisations(store, path)
    path.write_text('[{"id": "a"}]', encoding="utf-8")
    assert read_organisations(path).errors == [RowError(1, "name", "required but missing")]


def test_shipped_demo_park_is_valid_and_survives_every_format(tmp_path: Path) -> None:
    demo = Path(catalog.__file__).parent / "demo" / "demo_park.json"
    if not demo.is_file():
        pytest.skip("catalog/demo/demo_park.json is not written yet")
    result = read_organisations(demo, taxonomy=load_default_taxonomy())
    assert result.errors == []
    assert len(result.organisations) >= 10
    for ext in ("json", "csv", "xlsx"):
        write_organisations(result.organisations, tmp_path / f"demo.{ext}")
        assert read_organisations(tmp_path / f"demo.{ext}").organisations == result.organisations


def test_importing_catalog_does_not_load_pandas() -> None:
    code = "import sys, catalog; print('pandas' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"


# -- writing -------------------------------------------------------------------------------

SAMPLE = Organisation(
    id="000777",
    name="=公式不是公式",  # XLSX must store it as text
    aliases=("样例",),
    kind=OrgKind.SERVICE,
    region=Region(park="钱塘"),
    chains=(ChainPosition(chain="ic", segment="ic.fab"),),
    offers=("多行\n描述的服务", "知识产权: 专利代理"),
    products=(Product(name="a=b", share=0.25), Product(name="无份额")),
    qualifications=(Qualification(name="律师事务所执业许可证", valid_until=dt.date(2030, 1, 1)),),
    size=OrgSize.MICRO,
    contacts=(Contact(name="赵律师", email="zhao@law.cn"),),
    updated_at=dt.datetime(2024, 1, 2, 3, 4, 5),
)


@pytest.mark.parametrize("ext", ["csv", "xlsx", "json"])
def test_write_then_read_is_lossless(tmp_path: Path, ext: str, store: CatalogStore) -> None:
    path = tmp_path / f"out.{ext}"
    assert write_organisations([SAMPLE, Organisation(id="b", name="乙")], path) == 2
    result = read_organisations(path)
    assert result.errors == []
    assert result.organisations == [SAMPLE, Organisation(id="b", name="乙")]
    assert import_organisations(store, path).imported == 2
    assert store.get("000777") == SAMPLE
    assert [p.name for p in tmp_path.iterdir()] == [f"out.{ext}"]  # no temp file left behind


def test_json_export_shape(tmp_path: Path) -> None:
    path = tmp_path / "out.json"
    write_organisations([SAMPLE], path)
    text = path.read_text(encoding="utf-8")
    assert text.startswith('{\n "organisations": [\n  {\n   "id": "000777"')
    assert "律师事务所执业许可证" in text  # ensure_ascii=False
    assert json.loads(text)["organisations"][0]["kind"] == "service"


def test_xlsx_export_has_one_organisations_sheet(tmp_path: Path) -> None:
    write_organisations([SAMPLE], tmp_path / "out.xlsx")
    book = openpyxl.load_workbook(tmp_path / "out.xlsx")
    assert book.sheetnames == ["organisations"]
    sheet = book["organisations"]
    assert [c.value for c in sheet[1]] == list(FLAT_COLUMNS)
    assert sheet["B2"].value == "=公式不是公式" and sheet["B2"].data_type == "s"


@pytest.mark.parametrize(
    ("change", "field", "bad"),
    [
        ({"aliases": ("甲|乙",)}, "aliases", "'|'"),
        ({"offers": ("供给 | 两项",)}, "offers", "'|'"),
        ({"qualifications": (Qualification(name="ISO; 9001"),)}, "qualifications", "';'"),
        ({"contacts": (Contact(name="王工", role="采购;销售"),)}, "contacts", "';'"),
        ({"chains": (ChainPosition(chain="i:c", segment="x"),)}, "chains", "':'"),
    ],
)
def test_writer_refuses_values_the_flat_format_cannot_hold(
    tmp_path: Path, change: dict[str, object], field: str, bad: str
) -> None:
    org = SAMPLE.model_copy(update=change)
    path = tmp_path / "out.csv"
    path.write_text("previous content", encoding="utf-8")
    with pytest.raises(InvalidInputError) as info:
        write_organisations([org], path)
    assert f"organisation '000777', field {field!r}" in str(info.value)
    assert f"contains {bad}, which the CSV/XLSX cell format uses as a separator" in str(info.value)
    assert path.read_text(encoding="utf-8") == "previous content"
    assert write_organisations([org], tmp_path / "fine.json") == 1  # JSON holds anything


def test_writer_refuses_phone_with_outer_spaces(tmp_path: Path) -> None:
    org = SAMPLE.model_copy(update={"contacts": (Contact(name="王工", phone=" 0571 1234"),)})
    with pytest.raises(InvalidInputError, match="leading or trailing spaces"):
        write_organisations([org], tmp_path / "out.xlsx")
    assert list(tmp_path.iterdir()) == []


# -- property test: export → import is lossless in every format ---------------------------

_FLAT_TEXT = st.characters(exclude_categories=["Cs", "Cc", "Cn"], exclude_characters="|;:")


def _short(max_size: int = 12) -> st.SearchStrategy[str]:
    return st.text(_FLAT_TEXT, min_size=1, max_size=max_size).map(str.strip).filter(bool)


def _statement() -> st.SearchStrategy[str]:
    return st.text(_FLAT_TEXT, min_size=2, max_size=30).map(str.strip).filter(lambda t: len(t) >= 2)


_TZ = st.none() | st.integers(-1439, 1439).map(lambda m: dt.timezone(dt.timedelta(minutes=m)))
_PHONE = st.from_regex(r"[0-9+\-()][0-9+\-() ]{1,20}[0-9+\-()]", fullmatch=True)
_EMAIL = st.from_regex(r"[a-z0-9._]{1,8}@[a-z]{1,8}\.[a-z]{2,4}", fullmatch=True)


@st.composite
def flat_safe_organisations(draw: st.DrawFn) -> Organisation:
    """Organisations whose text holds no '|', ';' or ':' (the flat cell separators)."""
    n_products = draw(st.integers(0, 3))
    share = st.floats(0.0, 1.0 / max(n_products, 1))
    opt = st.none
    return Organisation(
        id=draw(st.from_regex(r"[A-Za-z0-9][A-Za-z0-9_.\-]{0,10}", fullmatch=True)),
        name=draw(_short()),
        aliases=tuple(draw(st.lists(_short(), max_size=3))),
        kind=draw(st.sampled_from(OrgKind)),
        region=Region(province=draw(_short()), city=draw(_short()), park=draw(opt() | _short())),
        chains=tuple(
            ChainPosition(chain=draw(_short()), segment=draw(_short()))
            for _ in range(draw(st.integers(0, 2)))
        ),
        offers=tuple(draw(st.lists(_statement(), max_size=3))),
        needs=tuple(draw(st.lists(_statement(), max_size=3))),
        products=tuple(Product(name=draw(_short()), share=draw(share)) for _ in range(n_products)),
        qualifications=tuple(
            Qualification(
                name=draw(_short()),
                issuer=draw(opt() | _short()),
                valid_until=draw(opt() | st.dates()),
            )
            for _ in range(draw(st.integers(0, 2)))
        ),
        size=draw(opt() | st.sampled_from(OrgSize)),
        contacts=tuple(
            Contact(
                name=draw(_short()),
                role=draw(opt() | _short()),
                phone=draw(opt() | _PHONE),
                email=draw(opt() | _EMAIL),
            )
            for _ in range(draw(st.integers(0, 2)))
        ),
        updated_at=draw(opt() | st.datetimes(timezones=_TZ)),
    )


def _round_trip(tmp_path: Path, orgs: list[Organisation], ext: str) -> None:
    path = tmp_path / f"prop.{ext}"
    write_organisations(orgs, path)
    first = read_organisations(path)
    assert first.errors == []
    assert first.organisations == orgs
    write_organisations(first.organisations, path)
    assert read_organisations(path).organisations == orgs
    for got, org in zip(first.organisations, orgs, strict=True):
        if org.updated_at is not None:
            assert got.updated_at is not None
            assert got.updated_at.utcoffset() == org.updated_at.utcoffset()


_ORG_LISTS = st.lists(flat_safe_organisations(), min_size=1, max_size=3, unique_by=lambda o: o.id)
_SETTINGS = {"deadline": None, "suppress_health_check": [HealthCheck.function_scoped_fixture]}


@settings(max_examples=60, **_SETTINGS)  # type: ignore[arg-type]
@given(_ORG_LISTS)
def test_csv_round_trip_property(tmp_path: Path, orgs: list[Organisation]) -> None:
    _round_trip(tmp_path, orgs, "csv")


@settings(max_examples=25, **_SETTINGS)  # type: ignore[arg-type]
@given(_ORG_LISTS)
def test_xlsx_round_trip_property(tmp_path: Path, orgs: list[Organisation]) -> None:
    _round_trip(tmp_path, orgs, "xlsx")


@settings(max_examples=60, **_SETTINGS)  # type: ignore[arg-type]
@given(_ORG_LISTS)
def test_json_round_trip_property(tmp_path: Path, orgs: list[Organisation]) -> None:
    _round_trip(tmp_path, orgs, "json")
