"""The demo park is data: the committed files are what the generator makes from its phrases."""

from __future__ import annotations

import fnmatch
import re
import tomllib
from importlib import resources
from pathlib import Path

import pytest

from catalog import load_default_taxonomy
from catalog.demo import PARK_FILE
from catalog.demo.generate import dump, generate, main
from catalog.demo.pools import DemoDataError, read_pool_file

ROOT = Path(__file__).resolve().parents[1]
PROBES = ROOT / "tests" / "data" / "demo_probes.json"


def test_generator_reproduces_the_committed_park_and_probes_byte_for_byte() -> None:
    made = generate()
    committed = resources.files("catalog.demo").joinpath(PARK_FILE).read_bytes()
    assert dump(made.park).encode("utf-8") == committed
    assert dump(made.probes).encode("utf-8") == PROBES.read_bytes()
    assert made.summary["organisations"] == len(made.park["organisations"]) == 357


def test_check_option_passes_and_write_option_writes_where_told(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level("INFO")
    assert main(["--check"]) == 0
    assert "is what the generator makes" in caplog.text
    park, probes = tmp_path / "park.json", tmp_path / "probes.json"
    assert main(["--write", "--park", str(park), "--probes", str(probes)]) == 0
    assert park.read_bytes() == resources.files("catalog.demo").joinpath(PARK_FILE).read_bytes()
    park.write_text(park.read_text("utf-8").replace("demo-ic-0001", "demo-ic-9999"), "utf-8")
    caplog.clear()
    assert main(["--check", "--park", str(park), "--probes", str(probes)]) == 1
    assert f"{park} differs from the generator's output" in caplog.text


@pytest.mark.parametrize(
    ("lines", "message"),
    [
        (["## ic.eda | 芯软 | EDA", "# x | 产品", "+ an offer", "* stray"], "line 4: cannot parse"),
        (["# x | 产品", "+ an offer"], "line 1: concept outside a segment"),
        (["## ic.nope | 芯软 | EDA"], "line 1: segment 'ic.nope' is not in taxonomy.json"),
        (["## ic.eda | 芯软 | EDA", "# x | 产品", "- [ic.x need"], "line 3: '[' without ']'"),
    ],
)
def test_malformed_pool_line_is_reported_with_file_and_line(
    tmp_path: Path, lines: list[str], message: str
) -> None:
    path = tmp_path / "ic.txt"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(DemoDataError, match=re.escape(f"{path} {message}")):
        read_pool_file(path, load_default_taxonomy())


def test_packaged_pool_files_parse_on_their_own() -> None:
    tax = load_default_taxonomy()
    folder = resources.files("catalog.demo").joinpath("phrases")
    for chain in tax.chains:
        with resources.as_file(folder.joinpath(f"{chain}.txt")) as path:
            pools = read_pool_file(path, tax)
        assert set(pools.concepts) == set(tax.chains[chain].segments)


def test_every_demo_data_file_ships_in_the_wheel() -> None:
    globs = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["tool"]["setuptools"][
        "package-data"
    ]["catalog"]
    catalog_dir = ROOT / "catalog"
    data = [
        p.relative_to(catalog_dir).as_posix()
        for p in (catalog_dir / "demo").rglob("*")
        if p.is_file() and p.suffix in {".json", ".txt"}
    ]
    assert len(data) > 10
    missing = [f for f in data if not any(fnmatch.fnmatch(f, g) for g in globs)]
    assert missing == []
