"""Generate the fictional demo park (``catalog/demo/demo_park.json``) from the phrase files.

Every organisation in it is invented demo data. Generation is deterministic: the same seed
and the same files in ``catalog/demo/phrases`` give byte-identical output. It also makes
``tests/data/demo_probes.json``: hand-picked need → offer pairs and find-substitute triples
that the end-to-end tests use as known answers.

How it works: each segment of the taxonomy has a pool of *concepts* (things organisations
of that segment offer), each with several offer and need wordings. An organisation offers a
few concepts of its own segment(s); its needs are concepts offered by *other* organisations
in segments that supply its own (taxonomy edges) or in support segments, worded the way a
customer would ask for them. Everything is validated with ``catalog.models.Organisation``
and against the taxonomy; any inconsistency fails loudly.
"""

from __future__ import annotations

import argparse
import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from catalog.demo import PARK_FILE
from catalog.demo.checks import check_catalog, stats
from catalog.demo.organisations import Generator
from catalog.demo.pools import DemoDataError, packaged_pool_sources, parse_pools
from catalog.demo.probes import pick_substitutes, plant_probe_needs, plant_probe_offers
from catalog.demo.records import record
from catalog.demo.tables import load_tables
from catalog.taxonomy import load_default_taxonomy

__all__ = ["SEED", "GeneratedPark", "dump", "generate", "main"]

log = logging.getLogger(__name__)

SEED = 20261121
PROBES_FILE = Path("tests", "data", "demo_probes.json")  # in the repository, not the package
PROBES_DESCRIPTION = (
    "Known answers in demo_park.json for end-to-end tests: each probe's need is met by the "
    "supplier's offer although the wording differs (other_suppliers offer the same capability "
    "in other words); each substitute shares its segment and core offers with org, while "
    "unrelated is in another chain."
)
EXAMPLES = """\
examples (from the repository root):
  python -m catalog.demo.generate --check    # regenerate in memory, compare with the files
  python -m catalog.demo.generate --write    # rewrite demo_park.json and demo_probes.json
"""


@dataclass(frozen=True)
class GeneratedPark:
    """The two documents the generator writes, and a summary for the log."""

    park: dict[str, Any]
    probes: dict[str, Any]
    summary: dict[str, Any]


def generate(seed: int = SEED) -> GeneratedPark:
    """Build, check and return the demo park; the steps run in a fixed order (one RNG)."""
    tax = load_default_taxonomy()
    tables = load_tables()
    pools = parse_pools(packaged_pool_sources(tax), tax)
    gen = Generator(tax, pools, tables, seed)
    gen.make_organisations()
    gen.word_offers()
    planted = plant_probe_offers(gen.orgs, pools, tables.probes)
    gen.draw_needs()
    probe_rows = plant_probe_needs(gen.orgs, planted)
    substitutes = pick_substitutes(gen.orgs, tables.probes)
    records = [record(o, gen.rng, pools, tables) for o in gen.orgs]
    check_catalog(records, gen.orgs, tax)
    layout = tables.layout
    park = {
        "description": layout.description,
        "tour": layout.tour.model_dump(),
        "organisations": records,
    }
    probes = {"description": PROBES_DESCRIPTION, "probes": probe_rows, "substitutes": substitutes}
    return GeneratedPark(park, probes, stats(records, gen.orgs))


def dump(doc: dict[str, Any]) -> str:
    """The committed serialisation: UTF-8 text, one-space indent, final newline."""
    return json.dumps(doc, ensure_ascii=False, indent=1) + "\n"


def _checkout() -> Path | None:
    """The repository the package lives in (a source checkout), else None (an install)."""
    folder = resources.files("catalog.demo")
    if not isinstance(folder, Path):
        return None
    root = folder.parents[1]
    return root if (root / "pyproject.toml").is_file() else None


def _first_difference(expected: str, actual: str) -> int:
    old, new = expected.splitlines(), actual.splitlines()
    for n, (a, b) in enumerate(zip(old, new, strict=False), 1):
        if a != b:
            return n
    return min(len(old), len(new)) + 1


def _compare(text: str, committed: bytes, where: str) -> bool:
    if text.encode("utf-8") == committed:
        log.info("%s is what the generator makes", where)
        return True
    line = _first_difference(committed.decode("utf-8", "replace"), text)
    log.error("%s differs from the generator's output (line %d); --write rewrites it", where, line)
    return False


def _check(park: str, probes: str, park_path: Path | None, probes_path: Path | None) -> bool:
    if park_path is None:
        committed = resources.files("catalog.demo").joinpath(PARK_FILE).read_bytes()
        ok = _compare(park, committed, f"catalog/demo/{PARK_FILE}")
    else:
        ok = _compare(park, park_path.read_bytes(), str(park_path))
    if probes_path is None or not probes_path.is_file():
        log.warning("no probes file at %s (not a checkout?); give --probes", probes_path)
        return ok
    return _compare(probes, probes_path.read_bytes(), str(probes_path)) and ok


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m catalog.demo.generate",
        description=(__doc__ or "").split("\n\n")[0],
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    mode = parser.add_mutually_exclusive_group(required=True)
    mode.add_argument(
        "--check", action="store_true", help="regenerate in memory and compare, write nothing"
    )
    mode.add_argument("--write", action="store_true", help="write the generated files")
    parser.add_argument("--seed", type=int, default=SEED, help=f"random seed (default {SEED})")
    parser.add_argument(
        "--park", type=Path, help="demo park file (default: demo_park.json in the package)"
    )
    parser.add_argument(
        "--probes", type=Path, help="probes file (default: tests/data/demo_probes.json)"
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Command line entry point; returns the exit status (1 on a difference or an error)."""
    args = _parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(message)s")
    try:
        made = generate(args.seed)
    except DemoDataError as exc:
        log.error("%s", exc)
        return 1
    log.info("summary: %s", json.dumps(made.summary, ensure_ascii=False))
    park_text, probes_text = dump(made.park), dump(made.probes)
    root = _checkout()
    probes_path: Path | None = args.probes or (root and root / PROBES_FILE)
    if args.check:
        return 0 if _check(park_text, probes_text, args.park, probes_path) else 1
    park_path: Path | None = args.park or (root and root / "catalog" / "demo" / PARK_FILE)
    if park_path is None or probes_path is None:
        log.error("not running from a source checkout; give --park and --probes")
        return 1
    for path, text in ((park_path, park_text), (probes_path, probes_text)):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        log.info("wrote %s", path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
