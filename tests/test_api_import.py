"""Issue 13 over HTTP: POST /orgs/import refuses zip bombs (1), warns about formula cells (2),
names the file as the client sent it (3) and makes re-importing an id explicit (4)."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from httpx import Response

from service.api.app import create_app
from service.settings import Settings
from tests.hostile import xlsx_bomb

TOKEN = "import-token-0123456789abcdef"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    home = tmp_path_factory.mktemp("import-home")
    settings = Settings(home=home, encoder="hashing", token=TOKEN)  # type: ignore[arg-type]
    with TestClient(create_app(settings)) as c:
        yield c


def post(
    client: TestClient, name: str, data: bytes, mime: str = "text/csv", **params: str
) -> Response:
    files = {"file": (name, io.BytesIO(data), mime)}
    return client.post("/orgs/import", files=files, params=params, headers=AUTH)


def organisations(client: TestClient) -> int:
    return int(client.get("/health").json()["organisations"])


def test_a_zip_bomb_upload_is_refused_naming_the_file_and_the_limit(
    client: TestClient, tmp_path: Path
) -> None:
    bomb = xlsx_bomb(tmp_path / "bomb.xlsx", mib=100)
    with zipfile.ZipFile(bomb) as archive:
        inflated = archive.getinfo("xl/worksheets/sheet1.xml").file_size / 2**20
    before = organisations(client)
    r = post(client, "bomb.xlsx", bomb.read_bytes(), XLSX)
    assert r.status_code == 413
    assert r.json() == {
        "detail": f"bomb.xlsx: part 'xl/worksheets/sheet1.xml' of the workbook expands to "
        f"{inflated:.1f} MiB, more than the limit of 64 MiB per part; not read",
        "errors": [],
    }
    assert organisations(client) == before


def test_formula_cells_are_imported_with_a_warning(client: TestClient) -> None:
    csv = "id,name,offers\nfx-1,公式企业,=cmd|' /C calc'!A0\nfx-2,普通企业,激光切割\n"
    r = post(client, "formulas.csv", csv.encode())
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["warnings"] == [
        {
            "field": "offers",
            "row": 2,
            "message": "starts with '=', which a spreadsheet runs as a formula; imported as "
            "text (CSV export writes it after a quote ')",
        }
    ]
    assert (body["imported"], body["created"], body["errors"]) == (2, 2, [])
    assert client.get("/orgs/fx-1").json()["offers"] == ["=cmd", "' /C calc'!A0"]


@pytest.mark.parametrize(
    ("sent", "shown", "data", "message"),
    [
        ("园区名单.csv", "园区名单.csv", "id,name\na,杭州\n".encode("gbk"), "not UTF-8 text ("),
        ("C:\\Users\\王工\\park.json", "park.json", b'[{"id": "a",}]', "not valid JSON: "),
        ("../../etc/orgs.xlsx", "orgs.xlsx", b"PK not a zip", "not a readable XLSX workbook: "),
    ],
)
def test_errors_name_the_uploaded_file_not_the_servers_temporary_path(
    client: TestClient, sent: str, shown: str, data: bytes, message: str
) -> None:
    r = post(client, sent, data)
    assert r.status_code == 422
    detail = r.json()["detail"]
    assert detail.startswith(f"{shown}: {message}")
    assert "tmp" not in detail and "upload" not in detail and "/" not in detail.split(":")[0]


def test_row_errors_name_the_uploaded_file(client: TestClient) -> None:
    r = post(client, "my orgs.csv", b"id,name,kind\nbad-1,\xe5\x9d\x8f,company\n")
    assert r.status_code == 422
    assert r.json()["detail"] == "my orgs.csv: 1 invalid row(s), nothing was written"
    assert r.json()["errors"][0]["row"] == 2


def test_an_existing_id_fails_unless_on_conflict_says_update_or_skip(client: TestClient) -> None:
    assert post(client, "first.csv", "id,name\ncf-1,冲突一\n".encode()).json()["created"] == 1
    again = "id,name\ncf-2,冲突二\ncf-1,冲突一改\n".encode()
    r = post(client, "again.csv", again)
    assert r.status_code == 409
    assert r.json() == {
        "detail": "again.csv: 1 organisation(s) already exist, nothing was written; "
        "import with on-conflict update to overwrite them or skip to keep them",
        "errors": [{"field": "id", "message": "'cf-1' already exists", "row": 3}],
    }
    assert client.get("/orgs/cf-2").status_code == 404
    body = post(client, "again.csv", again, on_conflict="skip").json()
    assert (body["imported"], body["created"], body["updated"], body["skipped"]) == (1, 1, 0, 1)
    assert client.get("/orgs/cf-1").json()["name"] == "冲突一"
    body = post(client, "again.csv", again, on_conflict="update").json()
    assert (body["imported"], body["created"], body["updated"], body["skipped"]) == (2, 0, 2, 0)
    assert client.get("/orgs/cf-1").json()["name"] == "冲突一改"
    r = post(client, "again.csv", again, on_conflict="overwrite")
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "query.on_conflict"
