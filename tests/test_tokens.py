"""Named tokens with roles: the file format, the CLI that writes it, and what each role may
do over HTTP (hashing encoder: no model)."""

from __future__ import annotations

import hashlib
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from catalog.actors import Actor, Role
from catalog.errors import InvalidInputError, PermissionDeniedError
from service.api.app import create_app
from service.cli import app as cli_app
from service.settings import Settings
from service.tokens import (
    DEFAULT_TOKEN_NAME,
    TokenBook,
    add_token,
    hash_token,
    list_entries,
    remove_tokens,
)

LEGACY = "legacy-token-0123456789abcdef"
OWN = "demo-nev-0019"
OTHER = "demo-nev-0020"


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


# ------------------------------------------------------------------------- the file


def test_add_token_stores_only_the_hash_and_the_book_finds_the_actor(tmp_path: Path) -> None:
    path = tmp_path / "tokens.toml"
    staff = add_token(path, "park-office", Role.STAFF)
    company = add_token(path, "lanyuan", Role.COMPANY, OWN)
    text = path.read_text(encoding="utf-8")
    assert staff not in text and company not in text
    assert f'sha256 = "{hashlib.sha256(staff.encode()).hexdigest()}"' in text
    assert staff.startswith("cm_") and len(staff) == 46 and staff != company
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    book = TokenBook.read(path)
    assert book.actor_for(staff) == Actor("park-office", Role.STAFF)
    assert book.actor_for(company) == Actor("lanyuan", Role.COMPANY, OWN)
    assert book.actor_for(staff + "x") is None and book.actor_for("") is None
    assert [(e.name, e.role, e.org) for e in list_entries(path)] == [
        ("park-office", Role.STAFF, None),
        ("lanyuan", Role.COMPANY, OWN),
    ]


def test_the_default_token_is_an_implicit_staff_token(tmp_path: Path) -> None:
    book = TokenBook(default_token=LEGACY)
    assert book.actor_for(LEGACY) == Actor(DEFAULT_TOKEN_NAME, Role.STAFF)
    assert book.actor_for(LEGACY[:-1]) is None
    assert not book.empty and TokenBook().empty


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            '[[token]]\nname = "a"\nrole = "admin"\nsha256 = "{h}"\n',
            "t.toml: token 1 ('a'): role must be one of staff, company; got 'admin'",
        ),
        (
            '[[token]]\nname = "a"\nrole = "company"\nsha256 = "{h}"\n',
            "t.toml: token 1 ('a'): a company token needs org = the organisation id",
        ),
        (
            '[[token]]\nname = "a"\nrole = "staff"\norg = "x"\nsha256 = "{h}"\n',
            "t.toml: token 1 ('a'): a staff token has no org (it may write every one)",
        ),
        (
            '[[token]]\nname = "a"\nrole = "staff"\nsha256 = "abc"\n',
            "t.toml: token 1 ('a'): sha256 must be 64 lowercase hex digits",
        ),
        (
            '[[token]]\nname = "a b"\nrole = "staff"\nsha256 = "{h}"\n',
            "t.toml: token 1: name must be 1–64 letters, digits, '.', '_' or '-'; got 'a b'",
        ),
        (
            '[[token]]\nname = "a"\nrole = "staff"\nsha256 = "{h}"\ntoken = "plain"\n',
            "t.toml: token 1: unknown field(s) token",
        ),
        (
            '[[token]]\nname = "a"\nrole = "staff"\nsha256 = "{h}"\n'
            '[[token]]\nname = "a"\nrole = "staff"\nsha256 = "{g}"\n',
            "t.toml: token names must be unique; repeated: a",
        ),
        ("[[token]\n", "t.toml: not valid TOML"),
    ],
)
def test_a_bad_file_is_refused_naming_the_entry_and_field(body: str, message: str) -> None:
    text = body.format(h=hash_token("one"), g=hash_token("two"))
    with pytest.raises(InvalidInputError) as info:
        TokenBook.parse(text, "t.toml")
    assert str(info.value).startswith(message)


def test_a_refused_add_leaves_the_file_as_it_was_and_remove_revokes(tmp_path: Path) -> None:
    path = tmp_path / "tokens.toml"
    add_token(path, "a", Role.STAFF)
    before = path.read_bytes()
    with pytest.raises(InvalidInputError, match="repeated: a"):
        add_token(path, "a", Role.COMPANY, OWN)
    assert path.read_bytes() == before
    kept = add_token(path, "b", Role.STAFF)
    assert remove_tokens(path, ["a"]) == ["a"]
    assert [e.name for e in list_entries(path)] == ["b"]
    assert TokenBook.read(path).actor_for(kept) == Actor("b", Role.STAFF)
    with pytest.raises(InvalidInputError, match="no token named zz"):
        remove_tokens(path, ["zz"])


def test_actor_rules() -> None:
    company = Actor("lanyuan", Role.COMPANY, OWN)
    assert company.require_org(OWN) is company
    with pytest.raises(PermissionDeniedError) as info:
        company.require_org(OTHER)
    assert str(info.value) == (
        f"'lanyuan' (company token for {OWN}) may write organisation {OWN} only, not {OTHER}"
    )
    with pytest.raises(PermissionDeniedError, match="GET /audit needs a staff token"):
        company.require_staff("GET /audit")
    staff = Actor("office", Role.STAFF)
    assert staff.require_org(OTHER) is staff and staff.require_staff() is staff
    with pytest.raises(ValueError, match="a company actor has an org_id"):
        Actor("x", Role.COMPANY)


# ------------------------------------------------------------------------- the CLI


def test_cli_token_add_prints_the_token_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CHAINMATCH_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("CHAINMATCH_TOKENS", raising=False)
    runner = CliRunner()
    res = runner.invoke(cli_app, ["token", "add", "office", "--role", "staff"])
    assert res.exit_code == 0, res.output
    token = res.stdout.strip()
    path = tmp_path / "home" / "tokens.toml"
    assert TokenBook.read(path).actor_for(token) == Actor("office", Role.STAFF)
    res = runner.invoke(cli_app, ["token", "add", "x", "--role", "company"])
    assert res.exit_code == 2
    assert "--org: a company token needs the organisation id" in res.stderr
    other = tmp_path / "other.toml"
    res = runner.invoke(
        cli_app, ["token", "add", "lan", "--role", "company", "--org", OWN, "--file", str(other)]
    )
    assert res.exit_code == 0
    res = runner.invoke(cli_app, ["token", "list", "--file", str(other), "--json"])
    assert res.stdout.strip() == f'[{{"name": "lan", "role": "company", "org": "{OWN}"}}]'


# ------------------------------------------------------------------------- HTTP


@pytest.fixture(scope="module")
def tokens(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    path = tmp_path_factory.mktemp("tokens") / "tokens.toml"
    made = {
        "staff": add_token(path, "park-office", Role.STAFF),
        "company": add_token(path, "lanyuan", Role.COMPANY, OWN),
    }
    return path, made


@pytest.fixture(scope="module")
def client(
    tmp_path_factory: pytest.TempPathFactory, tokens: tuple[Path, dict[str, str]]
) -> Iterator[TestClient]:
    settings = Settings(  # type: ignore[call-arg]
        home=tmp_path_factory.mktemp("tok-home"), encoder="hashing", token=LEGACY, tokens=tokens[0]
    )
    with TestClient(create_app(settings)) as c:
        yield c


def test_company_token_writes_its_own_organisation_only(
    client: TestClient, tokens: tuple[Path, dict[str, str]]
) -> None:
    company = _bearer(tokens[1]["company"])
    r = client.put(f"/orgs/{OWN}", json={"size": "large"}, headers=company)
    assert r.status_code == 200 and r.json()["size"] == "large"
    assert r.json()["contacts"] and r.json()["contacts_hidden"] is False  # its own contacts
    r = client.put(f"/orgs/{OTHER}", json={"size": "large"}, headers=company)
    assert r.status_code == 403
    assert r.json() == {
        "detail": f"'lanyuan' (company token for {OWN}) may write organisation {OWN} only, "
        f"not {OTHER}",
        "errors": [],
    }
    r = client.delete(f"/orgs/{OWN}", headers=company)
    assert r.status_code == 403
    assert r.json()["detail"] == (
        f"DELETE /orgs/{OWN} needs a staff token; 'lanyuan' (company token for {OWN}) is not"
    )
    other = client.get(f"/orgs/{OTHER}", headers=company).json()
    assert other["contacts"] == [] and other["contacts_hidden"] is True


def test_staff_and_default_tokens_write_everything(
    client: TestClient, tokens: tuple[Path, dict[str, str]]
) -> None:
    for token in (tokens[1]["staff"], LEGACY):
        r = client.put(f"/orgs/{OTHER}", json={"size": "medium"}, headers=_bearer(token))
        assert r.status_code == 200 and r.json()["size"] == "medium"
        assert client.get(f"/orgs/{OTHER}", headers=_bearer(token)).json()["contacts"]


def test_missing_and_unknown_tokens_get_401_saying_which(client: TestClient) -> None:
    r = client.put(f"/orgs/{OWN}", json={"size": "large"})
    assert r.status_code == 401 and r.headers["www-authenticate"] == "Bearer"
    assert r.json() == {"detail": "a valid bearer token is required", "errors": []}
    r = client.put(f"/orgs/{OWN}", json={"size": "large"}, headers=_bearer("cm_nope"))
    assert r.status_code == 401
    assert r.json()["detail"] == (
        "a valid bearer token is required; the one given matches no configured token"
    )


def test_a_token_added_to_the_file_works_without_a_restart(
    client: TestClient, tokens: tuple[Path, dict[str, str]]
) -> None:
    late = add_token(tokens[0], "late-staff", Role.STAFF)
    r = client.put(f"/orgs/{OTHER}", json={"size": "small"}, headers=_bearer(late))
    assert r.status_code == 200
    remove_tokens(tokens[0], ["late-staff"])
    r = client.put(f"/orgs/{OTHER}", json={"size": "small"}, headers=_bearer(late))
    assert r.status_code == 401


def test_a_bad_token_file_stops_the_service_from_starting(tmp_path: Path) -> None:
    bad = tmp_path / "tokens.toml"
    bad.write_text('[[token]]\nname = "a"\nrole = "boss"\n', encoding="utf-8")
    settings = Settings(home=tmp_path, encoder="hashing", tokens=bad)  # type: ignore[call-arg]
    with pytest.raises(InvalidInputError, match=r"tokens.toml: token 1 \('a'\): role must be"):
        create_app(settings)
