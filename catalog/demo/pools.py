"""The concept pools of the demo park: a small line format, one file per chain.

The pools live in ``catalog/demo/phrases/<chain>.txt`` (read in taxonomy order, because the
order of the concepts steers the seeded generator). One statement per line:

``## <segment id> | <words for company names> | <English name word>``
    starts a segment (the name words are used to invent company names);
``# <concept key> | <product name> [| <who may need it: segment ids or chain ids>]``
    starts a concept: one thing that organisations of this segment offer; the "who" list
    may continue on following ``> <ids>`` lines;
``+ <text>``  one way of wording the offer (Chinese, English or mixed);
``- <text>``  one way a customer words the need for it, deliberately phrased differently;
``- [<segment ids>] <text>`` a wording only for customers in those segments (they then
    get only such wordings).

A need for a concept is only ever given to organisations in segments that the concept's
segment supplies (taxonomy edges), optionally narrowed by the concept's "who" list. Any
inconsistency raises :class:`DemoDataError` naming the file and line.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from catalog.taxonomy import Taxonomy

__all__ = [
    "Concept",
    "DemoDataError",
    "PoolSource",
    "Pools",
    "is_english",
    "packaged_pool_sources",
    "parse_pools",
    "read_pool_file",
]

_CJK = re.compile(r"[\u3400-\u9fff]")
PHRASES_DIR = "phrases"


class DemoDataError(ValueError):
    """The phrase files, the taxonomy or the generated catalog are inconsistent."""


@dataclass
class Concept:
    """One thing organisations of a segment offer, with offer and need wordings."""

    segment: str
    key: str
    product: str
    who: tuple[str, ...]
    offers: list[str] = field(default_factory=list)
    needs: list[tuple[tuple[str, ...], str]] = field(default_factory=list)  # (only-for, text)
    consumers: frozenset[str] = frozenset()

    @property
    def id(self) -> str:
        return f"{self.segment}/{self.key}"


@dataclass
class Pools:
    """All concepts by segment (in file order), with the words used to name companies."""

    concepts: dict[str, list[Concept]]
    name_words: dict[str, list[str]]
    en_word: dict[str, str]

    def all(self) -> list[Concept]:
        return [c for cs in self.concepts.values() for c in cs]


@dataclass(frozen=True)
class PoolSource:
    """The text of one pool file and the name error messages use for it."""

    name: str
    text: str


def is_english(text: str) -> bool:
    """A wording without CJK characters counts as English."""
    return _CJK.search(text) is None


def packaged_pool_sources(tax: Taxonomy) -> list[PoolSource]:
    """The pool files shipped in the package, one per chain of the taxonomy, in its order."""
    folder = resources.files("catalog.demo").joinpath(PHRASES_DIR)
    sources: list[PoolSource] = []
    for chain in tax.chains:
        name = f"{chain}.txt"
        item = folder.joinpath(name)
        if not item.is_file():
            raise DemoDataError(f"catalog/demo/{PHRASES_DIR}/{name} is missing")
        sources.append(PoolSource(f"catalog/demo/{PHRASES_DIR}/{name}", item.read_text("utf-8")))
    return sources


def read_pool_file(path: Path, tax: Taxonomy) -> Pools:
    """Parse a single pool file (for checking an edited file on its own)."""
    pools = _parse([PoolSource(str(path), path.read_text(encoding="utf-8"))], tax)
    _check_pools(pools, tax, complete=False)
    return pools


def parse_pools(sources: Sequence[PoolSource], tax: Taxonomy) -> Pools:
    """Parse all pool files and check them against the taxonomy and each other."""
    pools = _parse(sources, tax)
    _check_pools(pools, tax, complete=True)
    return pools


def _parse(sources: Sequence[PoolSource], tax: Taxonomy) -> Pools:
    concepts: dict[str, list[Concept]] = defaultdict(list)
    words: dict[str, list[str]] = {}
    en_word: dict[str, str] = {}
    for source in sources:
        seg: str | None = None
        cur: Concept | None = None
        for n, raw in enumerate(source.text.splitlines(), 1):
            line = raw.strip()
            if not line:
                continue
            where = f"{source.name} line {n}"
            if line.startswith("## "):
                parts = [p.strip() for p in line[3:].split("|")]
                seg, cur = parts[0], None
                if seg not in tax.segments:
                    raise DemoDataError(f"{where}: segment {seg!r} is not in taxonomy.json")
                if seg in words:
                    raise DemoDataError(f"{where}: segment {seg!r} appears twice")
                if len(parts) != 3:
                    raise DemoDataError(f"{where}: expected '## segment | name words | English'")
                words[seg] = parts[1].split()
                en_word[seg] = parts[2]
            elif line.startswith("# "):
                if seg is None:
                    raise DemoDataError(f"{where}: concept outside a segment")
                parts = [p.strip() for p in line[2:].split("|")]
                if len(parts) not in (2, 3):
                    raise DemoDataError(f"{where}: expected '# key | product [| who]'")
                who = tuple(parts[2].split()) if len(parts) > 2 else ()
                cur = Concept(segment=seg, key=parts[0], product=parts[1], who=who)
                if any(c.key == cur.key for c in concepts[seg]):
                    raise DemoDataError(f"{where}: concept {cur.id} defined twice")
                concepts[seg].append(cur)
            elif line.startswith("> "):
                if cur is None:
                    raise DemoDataError(f"{where}: customer list outside a concept")
                cur.who += tuple(line[2:].split())
            elif line[:2] in ("+ ", "- "):
                if cur is None:
                    raise DemoDataError(f"{where}: statement outside a concept")
                _statement(cur, line, where)
            else:
                raise DemoDataError(f"{where}: cannot parse {line!r}")
    return Pools(dict(concepts), words, en_word)


def _statement(cur: Concept, line: str, where: str) -> None:
    body = line[2:].strip()
    if line[0] == "+":
        cur.offers.append(body)
        return
    only: tuple[str, ...] = ()
    if body.startswith("["):
        close = body.find("]")
        if close < 0:
            raise DemoDataError(f"{where}: '[' without ']' in {line!r}")
        only, body = tuple(body[1:close].split()), body[close + 1 :].strip()
    cur.needs.append((only, body))


def _expand(tokens: Iterable[str], tax: Taxonomy) -> set[str]:
    out: set[str] = set()
    for tok in tokens:
        if tok in tax.segments:
            out.add(tok)
        elif tok in tax.chains:
            out.update(tax.chains[tok].segments)
        else:
            raise DemoDataError(f"unknown segment or chain {tok!r} in phrase pools")
    return out


def _check_pools(pools: Pools, tax: Taxonomy, *, complete: bool) -> None:
    offers_seen: dict[str, str] = {}
    if complete:
        for seg in tax.segments:
            if seg not in pools.concepts:
                raise DemoDataError(f"segment {seg} has no phrase pool")
    for c in pools.all():
        if not c.offers:
            raise DemoDataError(f"concept {c.id} has no offer wording")
        customers = set(tax.customers_of(c.segment))
        if c.who:
            allowed = _expand(c.who, tax)
            if not allowed & customers:
                raise DemoDataError(f"concept {c.id}: none of {c.who} buys from {c.segment}")
            customers &= allowed
        c.consumers = frozenset(customers)
        for only, _ in c.needs:
            if only and not set(only) <= customers:
                raise DemoDataError(f"concept {c.id}: need wording for {only} outside customers")
        if c.needs and not customers:
            raise DemoDataError(f"concept {c.id} has need wordings but no customer segment")
        for text in c.offers:
            if text in offers_seen:
                raise DemoDataError(f"offer {text!r} is in {offers_seen[text]} and {c.id}")
            offers_seen[text] = c.id
        for _, text in c.needs:
            if text in offers_seen:
                raise DemoDataError(f"need {text!r} of {c.id} copies an offer wording")
