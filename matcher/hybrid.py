"""Hybrid evidence for a free question: dense (e5), sparse (the SAE head), BM25 and shares.

The recipe (`AskRecipe`; each step measured on the A-share ask-by-product-class dev set,
`eval.ask_ablation`; figures in `ASK_RECIPE`):

1. **Plain cosine, no language centering.** The question and the offers are compared
   uncentered (`StatementIndex.plain_`): centering helped need → offer search but cost
   free questions a third of their MRR on an independent probe (issue 11).
2. **Query translation by the model's own neighbours.** For each language of the offers
   (Chinese, other), the question's ``feedback`` nearest offers *in that language* are
   added to it (Rocchio: q + α · their mean, renormalised), and each offer is compared
   with the question as rephrased in its own language — an English question meets the
   Chinese offers through its Chinese neighbours, not through the language it shares with
   the English ones. In a one-language catalog this is plain pseudo-relevance feedback.
3. **Candidates**: the organisations of each rephrasing's nearest statements, plus
   the sparse head's and BM25's best ``pool`` each (both score every organisation).
4. **Breadth.** Each kind scores an organisation by its best statement plus ``breadth`` ×
   its second best: a maker of two products near the question is likelier to answer it.
5. **Fusion** of the kinds' z-scores (`matcher.fusion.fuse`), in the dense kind's units,
   with one kind that is not a text match: the revenue share of each candidate's listed
   product the question is nearest (dense) — a company whose main business answers the
   question before one for which it is a side line. A catalog without shares gives every
   candidate 0, which standardises to nothing.

The side handed to the ranker shows, per candidate, its best statement and that
statement's plain cosine to the question as asked (what an explanation cites); the fused
score ranks. `name_evidence` writes each kind's part into the match.

Example usage::

    hybrid = AskEvidence(statement_index, orgs)          # recipe: `ASK_RECIPE`
    ev = hybrid.evidence("需要PCB可靠性测试", allowed=None)
    ev.fused, ev.parts[EvidenceKind.SPARSE]
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

import numpy as np
import numpy.typing as npt

from catalog.models import Organisation
from embeddings.base import F32Array, l2_normalise
from matcher.askpool import as_finite, breadth_scores, pool_candidates, top_two_per_org
from matcher.fusion import EvidenceKind, FusionWeights, fuse
from matcher.index import I64Array
from matcher.indexset import StatementIndex
from matcher.language import language_of
from matcher.lexical import LexicalIndex, Tokens, bigrams
from matcher.profiles import Space, profile_texts
from matcher.rank import SearchSide
from matcher.types import Match

__all__ = [
    "ASK_RECIPE",
    "AskEvidence",
    "AskRecipe",
    "QuestionEvidence",
    "name_evidence",
    "too_short",
]

_LABEL = {
    EvidenceKind.DENSE: "语义",
    EvidenceKind.SPARSE: "稀疏词项",
    EvidenceKind.BM25: "字面",
    EvidenceKind.NGRAM: "字面片段",
    EvidenceKind.SHARE: "主营占比",
}
_TOKENS = {EvidenceKind.BM25: Tokens.WORDS, EvidenceKind.NGRAM: Tokens.BIGRAMS}


@dataclass(frozen=True)
class AskRecipe:
    """How `ask` gathers and weighs its evidence (see the module text)."""

    weights: FusionWeights = FusionWeights()
    feedback: int = 0  # nearest offers added to the question (0: none)
    feedback_weight: float = 1.0  # α of q + α · mean(neighbours)
    breadth: float = 0.0  # weight of an organisation's second-best statement
    # a language under this share of the offers is asked in the main one: A-share's 301
    # acronyms (0.8 %) rephrased on their own cost dev 0.006 nDCG@10 (0.523 against 0.529);
    # the demo park's English offers (15 %) keep their own rephrasing
    min_language_share: float = 0.05
    plain: bool = True  # compare uncentered vectors (else the index's centered ones)
    depth: int = 200  # statements the dense search returns (1000: −0.005 nDCG@10 on dev)
    pool: int = 200  # organisations each other kind adds
    # the longest question (in character bigrams) the lexical weights were measured on; a
    # longer question's lexical weights shrink by lexical_range / its length (0: never)
    lexical_range: int = 0

    def weights_for(self, text: str) -> FusionWeights:
        """The fusion weights for one question: the lexical kinds' weights hold over the
        questions they were measured on — Chinese, up to ``lexical_range`` bigrams long —
        and fade beyond that length. A question without Chinese gets none: its words occur
        only in offers of its own language, so word matches would rank those above the
        Chinese offers that answer it (dense evidence compares each offer in its own
        language instead: step 2)."""
        if not self.lexical_range:
            return self.weights
        w = self.weights
        if language_of(text) != 0:
            return replace(w, bm25=0.0, ngram=0.0)
        n = len(bigrams(text))
        if n <= self.lexical_range:
            return w
        fade = self.lexical_range / n
        return replace(w, bm25=w.bm25 * fade, ngram=w.ngram * fade)


# Chosen on the A-share ask-by-product-class dev set (359 questions; nDCG@10 through the
# engine, `python -m eval.ask_ablation`): plain cosine of the best offer (= embedding_max)
# 0.470, BM25 0.295; each step on a plateau of its grid. Feedback: 10 offers at α 1.0
# (0.470 → 0.493; 5/0.6 … 20/1.5 within 0.004 in the exploration). Breadth 0.25 (→ 0.517;
# 0.35: −0.002, 0.5: −0.005). Sparse 0.5 (→ 0.529; 0.25: −0.002, 0.75: +0.001). Lexical:
# BM25 over character bigrams at 0.75 and BM25 over jieba words dropped (0.529 → 0.579).
# The grid over cached evidence (sparse 0.25/0.5/0.75 × words 0/0.1 × bigrams 0–1.5) had a
# plateau ≥ 0.570 at sparse 0.25–0.75, bigrams 0.5–1.0, words 0 (words 0.1 cost 0.006–0.014
# everywhere); its middle was taken. Caveat, in the README: the dev gold is defined by
# substring (every child term of product_subclasses.jsonl contains its parent), so part of
# the bigrams' gain is the set's construction; the check set has no such link. Centered
# vectors are not used (step 1). Checked on the Shenwan-industry ask set (shipped 0.298,
# plain cosine 0.214, BM25 0.295; the dev optimum, sparse 0.25 bigrams 0.5, would read
# 0.291 there) and the demo probes: README. The dev questions are terms of 1–4 bigrams, so
# the lexical weights are known only there: a longer question's fade as 4 / its length
# (dev unchanged; the demo probes' sentences of 5–18 bigrams read 0.628 without the fade,
# 0.711 with it, plain cosine 0.699 — the demo park showed the problem, the range comes
# from the dev set alone). A question without Chinese (dev: LED, PCB, PVC) gets no lexical
# evidence: English questions met English offers by their words before Chinese answers
# (tests/test_e2e_model.py); through the engine dev 0.579 → 0.581, ask_industry 0.297 →
# 0.298, demo probes 0.711 → 0.724. Measured on dev and not chosen (README, "The MRR gap"):
# fusion by reciprocal rank (k 60: 0.574), z over each kind's top 100 (0.578), min-max
# (0.566), bigram BM25 per statement (0.593 but MRR 0.656 < 0.659), all against 0.583; a
# company offering the term word for word first leaves dev unchanged (dev drops them) and
# lost on ask_industry (MRR 0.480 → 0.452). Main-business share (the revenue share of each
# candidate's product nearest the question, z-scored like the others; `eval.ask_fusion`'s
# grid, rule and figures in the README, "The MRR gap"): dev nDCG@10 / MRR 0.5807 / 0.6560
# at 0 → 0.5818 / 0.6601 at 0.05, 0.5824 / 0.6617 at 0.1, 0.5829 / 0.6627 at 0.2, 0.5774 / 0.6553
# at 0.3, 0.5622 / 0.6285 at 0.5: the plateau's middle, 0.1, was taken; checked once on
# ask_industry: nDCG@10 0.2975 → 0.3041, MRR 0.4847 → 0.5009 (BM25 0.493), R@50 0.507 →
# 0.515. Shares of other statements than the best were measured and not taken (README).
ASK_RECIPE = AskRecipe(
    weights=FusionWeights(dense=1.0, sparse=0.5, bm25=0.0, ngram=0.75, share=0.1),
    feedback=10,
    feedback_weight=1.0,
    breadth=0.25,
    lexical_range=4,  # the dev questions are 1–4 bigrams long (median 1): no longer measured
)


def too_short(text: str) -> bool:
    """Whether a (stripped) question is too short to ask: empty, or one character that is
    not Chinese — one Chinese character can be a whole product (钨, 钴, 钼 are questions
    of the A-share industry set)."""
    return len(text) < (1 if language_of(text) == 0 else 2)


@dataclass(frozen=True)
class QuestionEvidence:
    """One question's evidence over the candidates (organisation rows, ascending)."""

    side: SearchSide  # best statement and its plain cosine per candidate (−inf elsewhere)
    fused: F32Array  # fused score per organisation (−inf: not a candidate): what ranks
    rows: I64Array
    parts: Mapping[EvidenceKind, F32Array]  # each kind's part of the fused score
    sparse_rows: I64Array  # each candidate's best statement by the sparse head (−1: none)
    statements: Sequence[str]  # the statement table's texts, by row
    # each kind's own score per candidate, before fusion: what `eval.ask_fusion` re-fuses
    scores: Mapping[EvidenceKind, F32Array] = field(default_factory=dict)
    weights: FusionWeights = FusionWeights()  # the weights this question was fused with

    def at(self, row: int) -> int | None:
        i = int(np.searchsorted(self.rows, row))
        return i if i < len(self.rows) and self.rows[i] == row else None


class AskEvidence:
    """Dense, sparse and BM25 evidence of free questions over one catalog. The sparse
    kind needs the statement index's sparse vectors (an engine given a sparse encoder)."""

    def __init__(
        self, vectors: StatementIndex, orgs: Sequence[Organisation], recipe: AskRecipe = ASK_RECIPE
    ) -> None:
        self.vectors = vectors
        self.orgs = orgs
        self.n_orgs = len(orgs)
        self.documents: Sequence[str] = [" ".join(profile_texts(o, Space.OFFERS)) for o in orgs]
        self.recipe = recipe
        self._lexical: dict[EvidenceKind, LexicalIndex] = {}
        self._langs: npt.NDArray[np.int64] | None = None
        self._raw_langs: npt.NDArray[np.int64] | None = None

    def warm(self) -> None:
        """Compute each statement's language now: a generation gathers the previous one's,
        so otherwise the first write pays for all of them (≈ 1 s at 10⁵ organisations)."""
        self._languages()

    def kinds(self) -> tuple[EvidenceKind, ...]:
        """The kinds weighed that this catalog can give."""
        kinds = self.recipe.weights.kinds()
        return tuple(k for k in kinds if k is not EvidenceKind.SPARSE or self.vectors.sparse)

    def lexical(self, kind: EvidenceKind = EvidenceKind.BM25) -> LexicalIndex:
        """BM25 over each organisation's offers, cut as ``kind`` wants (jieba words for
        BM25, character bigrams for NGRAM), built on first use."""
        if kind not in self._lexical:
            self._lexical[kind] = LexicalIndex.fit(self.documents, tokens=_TOKENS[kind])
        return self._lexical[kind]

    def _encode(self, space: Space, texts: Sequence[str]) -> F32Array:
        if self.recipe.plain:
            return self.vectors.encode_plain(space, texts)
        return self.vectors.encode(space, texts)

    def _search(self, q: F32Array, k: int, ids: I64Array | None) -> tuple[F32Array, I64Array]:
        return self.vectors.search(Space.OFFERS, q, k, ids, plain=self.recipe.plain)

    def _languages(self) -> npt.NDArray[np.int64]:
        """The language each statement is asked in (computed once): `language_of` it, but
        a language holding less than ``min_language_share`` of the offers is asked in the
        offers' main language (the A-share catalog's 301 acronyms — LED, PVC, OEM — are not
        a language of their own)."""
        if self._langs is None:
            table = self.vectors.table
            langs = self._raw_languages().copy()
            offers = langs[table.mask(Space.OFFERS)]
            if len(offers):
                share = np.bincount(offers, minlength=2) / len(offers)
                main = int(np.argmax(share))
                small = np.flatnonzero(share < self.recipe.min_language_share)
                langs[np.isin(langs, small)] = main
            self._langs = langs
        return self._langs

    def _raw_languages(self) -> npt.NDArray[np.int64]:
        """`language_of` each statement, computed once (a newer generation gathers it)."""
        if self._raw_langs is None:
            texts = self.vectors.table.texts
            self._raw_langs = np.asarray([language_of(t) for t in texts], dtype=np.int64)
        return self._raw_langs

    def _queries(self, text: str, offers: I64Array) -> tuple[F32Array, dict[int, F32Array]]:
        """The question as asked, and as rephrased in each language of ``offers`` (table
        rows) by its nearest offers in that language (step 2): each offer is compared with
        the question in its own language, so an English question meets Chinese offers
        through their Chinese neighbours, not through the language they share."""
        asked = self._encode(Space.NEEDS, [text])
        langs, r = self._languages(), self.recipe
        out: dict[int, F32Array] = {}
        for lang in np.unique(langs[offers]).tolist():
            out[lang] = asked
            if r.feedback > 0:
                ids = self.vectors.table.ids[offers[langs[offers] == lang]]
                _, hit = self._search(asked, r.feedback, ids)
                texts = [self.vectors.table.texts[int(i)] for i in hit[0] if i >= 0]
                if texts:
                    near = self._encode(Space.OFFERS, texts).mean(axis=0, keepdims=True)
                    out[lang] = l2_normalise(asked + np.float32(r.feedback_weight) * near)
        return asked, out

    def _shares(
        self, stmts: I64Array, owner: I64Array, scores: F32Array, rows: I64Array
    ) -> F32Array:
        """Step 5's main-business evidence for the candidates ``rows``: the revenue share of
        each one's best-scoring listed product among ``stmts`` (its statements, ascending,
        ``owner`` their organisations), 0 without products. A product, not any offer: a
        park's offers are free sentences, so the best offer can be a sentence about the main
        product. Looked up for the candidates' statements only: it costs those, not the
        catalog."""
        texts, orgs = self.vectors.table.texts, self.orgs
        share = np.full(len(stmts), np.nan, dtype=np.float32)  # NaN: not a listed product
        names: dict[int, dict[str, float]] = {}
        for i, (row, org) in enumerate(zip(stmts.tolist(), owner.tolist(), strict=True)):
            if org not in names:
                names[org] = {p.name: p.share for p in orgs[org].products}
            share[i] = names[org].get(texts[row], np.nan)
        listed = np.flatnonzero(~np.isnan(share))  # positions in ``stmts``: ties as by row
        _, _, best = top_two_per_org(scores[listed], owner[listed], listed, self.n_orgs)
        pos = best[rows]
        out: F32Array = np.where(pos >= 0, share[np.maximum(pos, 0)], 0.0).astype(np.float32)
        return out

    def evidence(self, text: str, allowed: I64Array | None) -> QuestionEvidence:
        """Question ``text``'s candidates among organisation rows ``allowed`` (None: all),
        each kind's score for each, and their fusion."""
        table, r, kinds = self.vectors.table, self.recipe, self.kinds()
        offer_rows = np.flatnonzero(table.mask(Space.OFFERS)).astype(np.int64)
        if allowed is not None:
            offer_rows = table.rows_for_orgs(allowed, Space.OFFERS)
        langs = self._languages()
        asked, per_lang = self._queries(text, offer_rows)
        reached = np.full(self.n_orgs, -np.inf, dtype=np.float32)
        for lang, q in per_lang.items():
            ids = table.ids[offer_rows[langs[offer_rows] == lang]]
            _, hit = self._search(q, r.depth, ids)
            reached[table.org[hit[hit >= 0]]] = 0.0
        others: dict[EvidenceKind, F32Array] = {}
        sparse_best = np.full(self.n_orgs, -1, dtype=np.int64)
        sparse = self.vectors.sparse
        if EvidenceKind.SPARSE in kinds and sparse is not None:
            cos = sparse.scores(Space.OFFERS, sparse.encode([text]))[:, 0]
            s_rows = sparse.rows_[Space.OFFERS]
            if allowed is not None:
                keep = np.isin(s_rows, offer_rows)
                s_rows, cos = s_rows[keep], cos[keep]
            owner = table.org[s_rows].astype(np.int64)
            best, second, sparse_best = top_two_per_org(cos, owner, s_rows, self.n_orgs)
            others[EvidenceKind.SPARSE] = breadth_scores(best, second, r.breadth)
        for kind in (EvidenceKind.BM25, EvidenceKind.NGRAM):
            if kind in kinds:
                others[kind] = self.lexical(kind).scores([text])
        rows = pool_candidates(reached, list(others.values()), allowed, r.pool)
        # every statement of every candidate, exactly: by the question rephrased in the
        # statement's language (ranks) and by the question as asked (cited)
        stmts = table.rows_for_orgs(rows, Space.OFFERS)
        order = list(per_lang)
        queries = np.concatenate([per_lang[lang] for lang in order] + [asked])
        sc, hr = self._search(queries, max(1, len(stmts)), table.ids[stmts])
        by_row = np.full((len(queries), len(table)), -np.inf, dtype=np.float32)
        for j in range(len(queries)):
            ok = hr[j] >= 0
            by_row[j, hr[j][ok]] = sc[j][ok]
        which = np.asarray([order.index(int(x)) for x in langs[stmts]], dtype=np.int64)
        owner = table.org[stmts].astype(np.int64)
        stmt_scores = by_row[which, stmts]
        best, second, best_row = top_two_per_org(stmt_scores, owner, stmts, self.n_orgs)
        dense = breadth_scores(best, second, r.breadth)
        evidence = {EvidenceKind.DENSE: as_finite(dense[rows])}
        evidence.update({k: as_finite(v[rows]) for k, v in others.items()})
        if EvidenceKind.SHARE in kinds:
            evidence[EvidenceKind.SHARE] = self._shares(stmts, owner, stmt_scores, rows)
        weights = r.weights_for(text)
        fused = fuse(evidence, weights)
        cited = np.where(best_row[rows] >= 0, by_row[-1][best_row[rows]], -np.inf)  # as asked
        side_scores = np.full((1, self.n_orgs), -np.inf, dtype=np.float32)
        side_scores[0, rows] = cited
        side_rows = np.full((1, self.n_orgs), -1, dtype=np.int64)
        side_rows[0, rows] = best_row[rows]
        total = np.full(self.n_orgs, -np.inf, dtype=np.float32)
        total[rows] = fused.total
        side = SearchSide(Space.OFFERS, side_scores, side_rows, (text,))
        return QuestionEvidence(
            side,
            total,
            rows,
            fused.parts,
            sparse_best[rows],
            self.vectors.table.texts,
            evidence,
            weights,
        )


def name_evidence(
    matches: tuple[Match, ...], ev: QuestionEvidence, row_of: Mapping[str, int]
) -> tuple[Match, ...]:
    """The matches with their fused ``semantic`` part split by evidence kind — ``semantic``
    keeps the dense part, ``sparse`` and ``bm25`` (when weighed) are added; together they
    are the fused score — and an explanation naming the kinds (and the sparse head's best
    offer, when it is not the one already cited)."""
    return tuple(_named(m, ev, row_of[m.org_id]) for m in matches)


def _named(match: Match, ev: QuestionEvidence, row: int) -> Match:
    i = ev.at(row)
    if i is None:
        return match
    # a kind that tells no candidate from another (a catalog without shares) is not named
    parts = {k: float(v[i]) for k, v in ev.parts.items() if k is EvidenceKind.DENSE or v.any()}
    new_parts = dict(match.parts)
    new_parts["semantic"] = parts.pop(EvidenceKind.DENSE, 0.0)
    new_parts.update({k.value: v for k, v in parts.items()})
    words = "、".join(_LABEL[k] for k in (EvidenceKind.DENSE, *parts))
    values = " ".join(
        [f"dense {new_parts['semantic']:.2f}", *(f"{k.value} {v:+.2f}" for k, v in parts.items())]
    )
    phrase = f"依据 evidence（{words}）：{values}"
    sparse_row = int(ev.sparse_rows[i])
    cited = {e.candidate_text for e in match.evidence}
    if sparse_row >= 0 and ev.statements[sparse_row] not in cited:
        phrase += f"；稀疏词项 sparse ← 供给「{ev.statements[sparse_row]}」"
    explanation = f"{match.explanation}；{phrase}" if match.explanation else phrase
    return replace(match, parts=new_parts, explanation=explanation)
