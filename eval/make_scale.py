"""Write a province-sized fictional catalog (`eval.scale_catalog`) as a JSON import file.

Run: ``python -m eval.make_scale --orgs 100000 [--seed 7] [--out scale.json]``; then
``chainmatch import scale.json`` loads it (or ``chainmatch demo --scale N`` does both).
"""

from __future__ import annotations

import argparse
import logging
from collections.abc import Sequence
from pathlib import Path

from eval.scale_catalog import ScaleSources, write_catalog

__all__ = ["main"]

log = logging.getLogger(__name__)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m eval.make_scale",
        description="Write N fictional organisations recombined from the demo park's phrases "
        "(and the A-share products when ../shared/data/ashare is there).",
    )
    parser.add_argument("--orgs", type=int, required=True, help="how many organisations")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    parser.add_argument(
        "--out",
        type=Path,
        default=None,
        help="output JSON file (default scale-<N>-<seed>.json in the current folder)",
    )
    parser.add_argument(
        "--no-ashare", action="store_true", help="demo phrases only, even with A-share data"
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(message)s")
    if args.orgs < 1:
        log.error("--orgs must be at least 1, got %d", args.orgs)
        return 2
    out: Path = args.out or Path(f"scale-{args.orgs}-{args.seed}.json")
    src = ScaleSources.load(use_ashare=not args.no_ashare)
    write_catalog(out, args.orgs, seed=args.seed, src=src)
    words = "demo phrases + A-share products" if src.with_ashare else "demo phrases only"
    log.info("wrote %d organisations (%s, seed %d) to %s", args.orgs, words, args.seed, out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
