"""The compiled scoring kernel against the NumPy reference (feature_blocks + sparse product)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import numpy.typing as npt
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import retailpulse.enrich
from retailpulse.enrich import scoring, scoring_kernel
from retailpulse.enrich.features import feature_blocks
from retailpulse.enrich.model import LinearModel
from retailpulse.enrich.pipeline import enrich_texts, load_model
from retailpulse.enrich.text import clauses
from retailpulse.enrich.training_data import hand_labelled_path, read_labelled

SHARED_DATA = Path(__file__).resolve().parents[3] / "shared" / "data"
LABELLED_DIR = Path(__file__).resolve().parent / "data"
LABELLED_SETS = [hand_labelled_path(), LABELLED_DIR / "intent_aspect_heldout.csv"]
VALID_FILES = [
    "sentiment/en_tweeteval/valid.csv",
    "sentiment/id_smsa/valid.csv",
    "sentiment/zh_chnsenticorp/valid.csv",
    "emotion/en_tweeteval/valid.csv",
    "emotion/id_emot/valid.csv",
]

NASTY = [
    "",
    "😀",
    "😀🙏🏽👨‍👩‍👧 ❤️",
    "a",
    "好",
    "好吃好吃好吃好吃好吃好吃好吃好吃好吃好吃好吃好吃好吃好吃好吃好吃",
    "wow 没想到 quality sebagus ini 這間酒店 Привет, как дела? مرحبا שלום",
    "𠀀𠀁𠀂 𝒜𝒝 🀄 \U0010ffff \U000e0001",
    "x" * 100_000,
    ("ab 好吃 " + "y" * 70 + " ") * 1_500,
    "tabs\tand\nnew lines\r\x0b are \u3000 word characters here",
    "   many    spaces   ",
    "\ufffd\ufeff\u200b",
]


def _valid_clauses() -> pl.Series:
    """Clauses of real messages: the repo's hand-labelled sets (930 texts drawn from the shared
    valid and train files, three languages), and where ../shared/data sits beside the repo,
    1,000 texts of each valid file too (a clone elsewhere still runs every test)."""
    texts: list[str] = []
    for path in LABELLED_SETS:
        texts += read_labelled(path, "intents")[0]
    for rel in VALID_FILES:
        if (SHARED_DATA / rel).exists():
            texts += read_labelled(SHARED_DATA / rel)[0][:1_000]
    return clauses(pl.Series(texts, dtype=pl.String))["clause"]


def _model(bits: int, table: npt.NDArray[np.float32]) -> LinearModel:
    """A model with ``table`` as its first ``2**bits`` weight rows (and the zero blank row)."""
    weights = np.vstack([table, np.zeros((1, table.shape[1]), np.float32)])
    return LinearModel("test", bits, {}, weights, np.zeros(table.shape[1], np.float32))


def _close(got: npt.NDArray[np.float32], want: npt.NDArray[np.float32]) -> None:
    """Equal to float32 rounding: 1e-5 of the row's largest score."""
    size = np.maximum(np.abs(want).max(axis=1, keepdims=True), 1e-3)
    assert (np.abs(got - want) <= 1e-5 * size).all()


def _reference_buckets(texts: list[str] | pl.Series, bits: int) -> npt.NDArray[np.int64]:
    """(row, bucket) pairs of feature_blocks without the blank bucket, sorted."""
    pairs = [
        np.stack([rows[cols < 1 << bits], cols[cols < 1 << bits]], axis=1)
        for rows, cols in feature_blocks(texts, bits)
    ]
    return _sorted(np.concatenate(pairs).astype(np.int64))


def _sorted(pairs: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    return pairs[np.lexsort((pairs[:, 1], pairs[:, 0]))]


def _kernel_buckets(texts: list[str] | pl.Series, bits: int) -> npt.NDArray[np.int64]:
    rows, cols = scoring_kernel.feature_buckets(texts, bits)
    return _sorted(np.stack([rows, cols], axis=1).astype(np.int64))


@pytest.mark.parametrize("tier", ["fast", "accurate"])
def test_scores_and_counts_equal_the_numpy_path_on_valid_texts(tier: str) -> None:
    # the accurate tier scores its n-gram part with the same kernel
    model = load_model(None, tier)
    qw = model.int8_weights()
    assert qw is not None  # a loaded model keeps its int8 weights
    ctext = _valid_clauses()
    want, want_counts = scoring._raw_scores_numpy(model, ctext)
    for got, counts in (
        scoring_kernel.raw_scores(ctext, model.bits, qw.q, qw.scale),
        scoring_kernel.raw_scores(ctext, model.bits, model.weights),
    ):
        assert np.array_equal(counts, want_counts)
        _close(got, want)
    # the scorer uses the kernel, and its int8 path
    assert scoring._kernel() is scoring_kernel
    got, counts = scoring._raw_scores(model, ctext)
    assert np.array_equal(got, scoring_kernel.raw_scores(ctext, model.bits, qw.q, qw.scale)[0])


def test_buckets_equal_feature_blocks_on_valid_and_nasty_texts() -> None:
    texts = pl.concat([_valid_clauses(), pl.Series(NASTY, dtype=pl.String)])
    for bits in (18, 12):
        assert np.array_equal(_kernel_buckets(texts, bits), _reference_buckets(texts, bits))
    assert np.array_equal(_kernel_buckets(NASTY, 18), _reference_buckets(NASTY, 18))


def _exact(
    texts: list[str], bits: int, table: npt.NDArray[np.float64]
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """Scores of feature_blocks' features summed in float64, and the sums of their absolute
    values (the scale of a rounding error)."""
    exact = np.zeros((len(texts), table.shape[1]))
    size = np.zeros((len(texts), table.shape[1]))
    for rows, cols in feature_blocks(texts, bits):
        keep = cols < 1 << bits
        np.add.at(exact, rows[keep], table[cols[keep]])
        np.add.at(size, rows[keep], np.abs(table[cols[keep]]))
    return exact, size


@pytest.mark.parametrize("bits", [8, 12, 18])
def test_nasty_texts_score_like_the_numpy_path(bits: int) -> None:
    # the kernel sums exactly (int8) or in float64: it is within float32 rounding of the exact
    # score, where the float32 sparse product's error grows with the number of features (the
    # 100,000-character text is off by about 1e-3 of its score there)
    rng = np.random.default_rng(bits)
    table = rng.normal(size=(1 << bits, 7)).astype(np.float32)
    scale = (np.abs(table).max(axis=0) / 127).astype(np.float32)
    q = np.round(table / scale).astype(np.int8)
    for texts in (NASTY, NASTY[::-1], NASTY[:1], NASTY[8:9]):
        ctext = pl.Series(texts, dtype=pl.String)
        for weights, got in (
            (table, scoring_kernel.raw_scores(ctext, bits, table)),
            (q * scale, scoring_kernel.raw_scores(ctext, bits, q, scale)),
        ):
            exact, size = _exact(texts, bits, weights.astype(np.float64))
            want, want_counts = scoring._raw_scores_numpy(_model(bits, weights), ctext)
            assert np.array_equal(got[1], want_counts)
            assert (np.abs(got[0] - exact) <= 1e-6 * size + 1e-30).all()
            bound = 1.2e-7 * np.maximum(want_counts, 1)[:, None] * size
            assert (np.abs(want - exact) <= bound).all()


def test_empty_batch_and_null_texts() -> None:
    table = np.ones((1 << 8, 3), np.float32)
    raw, counts = scoring_kernel.raw_scores(pl.Series([], dtype=pl.String), 8, table)
    assert raw.shape == (0, 3) and counts.shape == (0,)
    raw, counts = scoring_kernel.raw_scores(pl.Series(["ok", None], dtype=pl.String), 8, table)
    assert counts[1] == 1  # like "": the "  " bigram alone
    assert np.array_equal(raw[:, 0], counts.astype(np.float32))


def test_a_nul_inside_a_text_separates_like_a_text_boundary() -> None:
    # feature_blocks would give "a\0b c" two rows; the kernel keeps one row with both pieces'
    # features, and the texts after it keep theirs
    pieces = _reference_buckets(["a\0b c"], 12)
    pieces[:, 0] = 1
    after = _reference_buckets(["y"], 12)
    after[:, 0] = 2
    want = np.concatenate([_reference_buckets(["x"], 12), pieces, after])
    assert np.array_equal(_kernel_buckets(["x", "a\0b c", "y"], 12), _sorted(want))


@settings(max_examples=40, deadline=None)
@given(st.lists(st.text(max_size=60), max_size=8), st.sampled_from([8, 12, 18]))
def test_any_texts_give_the_buckets_of_feature_blocks(texts: list[str], bits: int) -> None:
    clean = [t.replace("\x00", " ") for t in texts]
    if clean:
        assert np.array_equal(_kernel_buckets(clean, bits), _reference_buckets(clean, bits))
    series = pl.Series(clean, dtype=pl.String)
    assert np.array_equal(_kernel_buckets(series, bits), _kernel_buckets(clean, bits))


def test_int8_sums_do_not_overflow_on_a_huge_text() -> None:
    # over 2**31 / 127 features in one text: the int32 accumulator is flushed in time
    q = np.full((1 << 4, 2), 127, dtype=np.int8)
    raw, counts = scoring_kernel.raw_scores(["ab " * 1_600_000], 4, q, np.ones(2, np.float32))
    assert counts[0] > 2**31 / 127
    assert raw[0] == pytest.approx(127 * counts[0], rel=1e-6)


def test_numpy_fallback_without_numba(monkeypatch: pytest.MonkeyPatch) -> None:
    from enrich.test_pinned_outputs import EXPECTED, TEXTS, _catalog, _check

    monkeypatch.setitem(sys.modules, "numba", None)  # "import numba" raises ImportError
    monkeypatch.delitem(sys.modules, "retailpulse.enrich.scoring_kernel")
    monkeypatch.delattr(retailpulse.enrich, "scoring_kernel")
    monkeypatch.setattr(scoring, "_kernel_module", [])
    assert scoring._kernel() is None
    model = load_model()
    ctext = _valid_clauses()[:2_000]
    got = scoring._raw_scores(model, ctext)
    want = scoring._raw_scores_numpy(model, ctext)
    assert all(np.array_equal(a, b) for a, b in zip(got, want, strict=True))
    _check(list(enrich_texts(TEXTS, catalog=_catalog()).iter_rows()), EXPECTED)


def test_models_trained_in_memory_are_gathered_in_float() -> None:
    model = load_model()
    copy = LinearModel(
        model.version, model.bits, dict(model.heads), model.weights.copy(), model.bias
    )
    assert copy.int8_weights() is None
    ctext = _valid_clauses()[:500]
    raw, _ = scoring._raw_scores(copy, ctext)
    assert np.array_equal(raw, scoring_kernel.raw_scores(ctext, model.bits, model.weights)[0])


_SCRIPT = (
    "from retailpulse.enrich import scoring_kernel as k; import numpy as np; "
    "raw, counts = k.raw_scores(['good day 好吃'], 8, np.ones((256, 2), np.float32)); "
    "print(int(counts[0]), float(raw[0, 0]))"
)


def _run(env: dict[str, str]) -> str:
    out = subprocess.run(
        [sys.executable, "-c", _SCRIPT],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        check=True,
    )
    return out.stdout.strip()


def test_compiled_code_is_cached_in_numba_cache_dir(tmp_path: Path) -> None:
    env = {"NUMBA_CACHE_DIR": str(tmp_path)}
    assert _run(env) == "40 40.0"
    assert list(tmp_path.rglob("*.nbi")) and list(tmp_path.rglob("*.nbc"))
    assert _run(env) == "40 40.0"  # loaded from the cache


def test_no_writable_cache_directory_compiles_without_a_cache() -> None:
    # no locator finds a directory: Numba raises at decoration, the kernel compiles uncached
    env = {"NUMBA_CACHE_LOCATOR_CLASSES": "UserProvidedCacheLocator", "NUMBA_CACHE_DIR": ""}
    assert _run(env) == "40 40.0"
