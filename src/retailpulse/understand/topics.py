"""Topic discovery on message embeddings, labelled by distinctive words, and emerging topics.

:class:`TopicModel` clusters an embedding matrix (one row per message; any backend: the
multilingual sentence encoders of ``enrich`` or :func:`hashed_embedding`, the fallback from
hashed TF-IDF + truncated SVD) with seeded k-means on the unit sphere. A message whose cosine
similarity to its nearest centre is below ``min_similarity`` stays unassigned (topic ``-1``),
unless that would leave more than ``max_unassigned`` of the messages out: then the threshold
drops to that quantile of the similarities. The share is reported as ``unassigned_share_``.
When ``n_topics`` is not given it is chosen by the silhouette score on a sample. Topics are
labelled by their most distinctive words (class-based TF-IDF; Chinese is segmented with
rjieba). :func:`emerging_topics` compares each
topic's recent rate with its baseline rate.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

import numpy as np
import polars as pl
import scipy.sparse as sp
from numpy.typing import NDArray
from threadpoolctl import threadpool_limits

from retailpulse.errors import InputError, ModelError, NotFittedError
from retailpulse.understand.stats import rate_ratio, z_value

FORMAT_VERSION = 1
_TOKEN = r"\p{Han}|[\p{L}--\p{Han}]+"
_HAN = re.compile(r"[\u3400-\u9fff]")
_WORD = re.compile(r"[^\W\d_]{2,}")
#: Words too common to label a topic (a short multilingual list; the c-TF-IDF does the rest).
STOPWORDS = frozenset(
    [
        "the",
        "and",
        "for",
        "you",
        "are",
        "was",
        "with",
        "this",
        "that",
        "have",
        "not",
        "but",
        "our",
        "your",
        "all",
        "too",
        "very",
        "again",
        "its",
        "it's",
        "can",
        "will",
        "just",
        "get",
        "got",
        "from",
        "they",
        "them",
        "what",
        "when",
        "how",
        "who",
        "why",
        "there",
        "here",
        "yang",
        "dan",
        "di",
        "ke",
        "dari",
        "ini",
        "itu",
        "untuk",
        "dengan",
        "tidak",
        "ada",
        "saya",
        "aku",
        "kamu",
        "sudah",
        "juga",
        "lagi",
        "bisa",
        "akan",
        "atau",
        "pun",
        "sangat",
        "dengan",
        "tak",
        "ini",
        "itu",
        "yang",
        "untuk",
        "dan",
        "saya",
        "awak",
        "kami",
        "sudah",
        "boleh",
        "的",
        "了",
        "是",
        "我",
        "你",
        "他",
        "她",
        "们",
        "在",
        "也",
        "很",
        "都",
        "就",
        "和",
        "吗",
        "吧",
        "啊",
        "呢",
        "这",
        "那",
        "有",
        "不",
        "太",
    ]
)


def hashed_embedding(
    texts: Sequence[str | None] | pl.Series,
    *,
    dim: int = 64,
    n_features: int = 2**17,
    seed: int = 0,
    fit_rows: int = 20_000,
) -> NDArray[np.float32]:
    """Fallback multilingual embedding: hashed word/CJK-character uni+bigrams, TF-IDF, SVD.

    Latin-script words and single Chinese characters are tokens; adjacent pairs are bigrams.
    Identical texts are embedded once. The SVD is fitted on at most ``fit_rows`` distinct
    texts (seeded) and applied to all. Rows are L2-normalised; empty texts give zero rows.
    """
    if dim < 2:
        raise InputError(f"The 'dim' parameter must be at least 2. Got {dim} instead.")
    series = pl.Series("text", texts, dtype=pl.String).fill_null("")
    uniq = series.unique(maintain_order=True)
    inverse = (
        pl.DataFrame({"text": series})
        .join(uniq.to_frame().with_row_index("u"), on="text", how="left", maintain_order="left")[
            "u"
        ]
        .to_numpy()
    )
    with threadpool_limits(limits=1, user_api="blas"):
        emb = _embed_unique(uniq, dim, n_features, seed, fit_rows)
    return np.asarray(emb[inverse], dtype=np.float32)


def _embed_unique(
    uniq: pl.Series, dim: int, n_features: int, seed: int, fit_rows: int
) -> NDArray[np.float32]:
    counts = _hashed_counts(uniq, n_features)
    docfreq = np.asarray((counts > 0).sum(axis=0)).ravel()
    idf = np.log((1 + counts.shape[0]) / (1 + docfreq)) + 1.0
    tfidf = counts.copy()
    tfidf.data = np.log1p(tfidf.data)
    tfidf = tfidf.multiply(idf.astype(np.float32)).tocsr()
    rng = np.random.default_rng(seed)
    n_fit = min(fit_rows, tfidf.shape[0])
    rows = np.sort(rng.choice(tfidf.shape[0], n_fit, replace=False))
    k = max(1, min(dim, n_fit - 1, n_features - 1))
    sample = tfidf[rows]
    if sample.nnz == 0 or n_fit < 3:
        return np.zeros((uniq.len(), dim), dtype=np.float32)
    basis = _top_right_vectors(sample, k, rng)
    emb = np.asarray(tfidf @ basis, dtype=np.float32)
    if emb.shape[1] < dim:
        emb = np.hstack([emb, np.zeros((emb.shape[0], dim - emb.shape[1]), np.float32)])
    return _normalise(emb)


def _hashed_counts(texts: pl.Series, n_features: int) -> sp.csr_matrix:
    tok = (
        texts.to_frame()
        .with_row_index("row")
        .select("row", pl.col("text").str.to_lowercase().str.extract_all(_TOKEN).alias("tok"))
        .explode("tok")
        .drop_nulls("tok")
        .select("row", pl.col("tok").hash(7).alias("h"))
    )
    row = tok["row"].to_numpy().astype(np.int64)
    h = tok["h"].to_numpy()
    nxt = np.zeros(row.size, dtype=bool)
    if row.size > 1:
        nxt[:-1] = row[:-1] == row[1:]
    big = h[:-1][nxt[:-1]] * np.uint64(1_000_003) + h[1:][nxt[:-1]]
    rows = np.concatenate([row, row[:-1][nxt[:-1]]])
    cols = (np.concatenate([h, big]) % np.uint64(n_features)).astype(np.int64)
    data = np.ones(rows.size, dtype=np.float32)
    return sp.coo_matrix((data, (rows, cols)), shape=(texts.len(), n_features)).tocsr()


def _top_right_vectors(x: sp.csr_matrix, k: int, rng: np.random.Generator) -> NDArray[np.float64]:
    """Top-k right singular vectors of ``x`` (rows x features), on the columns it uses.

    A seeded randomized range finder with two power iterations (Halko, Martinsson & Tropp
    2011); BLAS runs single-threaded, faster for these thin matrices on a busy machine.
    """
    used = np.unique(x.indices)
    xs = x[:, used].astype(np.float64)
    xt = xs.T.tocsr()
    p = min(xs.shape[0], k + 10)
    y = np.asarray(xs @ rng.standard_normal((xs.shape[1], p)))
    for _ in range(2):
        y = _orthonormal(y)
        y = np.asarray(xs @ np.asarray(xt @ y))
    q = _orthonormal(y)
    bt = np.asarray(xt @ q)  # used features x p
    # Right singular vectors of the thin B from the eigenvectors of the small B B^T.
    evals, evecs = np.linalg.eigh(bt.T @ bt)
    order = np.argsort(evals)[::-1][:k]
    sing = np.sqrt(np.clip(evals[order], 1e-12, None))
    basis = np.zeros((x.shape[1], k))
    basis[used] = (bt @ evecs[:, order]) / sing
    return basis


def _orthonormal(y: NDArray[np.float64]) -> NDArray[np.float64]:
    """Orthonormal basis of the columns of a tall thin ``y`` (via its small Gram matrix)."""
    evals, evecs = np.linalg.eigh(y.T @ y)
    keep = evals > evals.max() * 1e-10
    return np.asarray(y @ (evecs[:, keep] / np.sqrt(evals[keep])))


def _normalise(x: NDArray[np.float32]) -> NDArray[np.float32]:
    norms = np.linalg.norm(x, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return np.asarray(x / norms, dtype=np.float32)


def tokens(text: str, language: str | None = None) -> list[str]:
    """Label words of one text: rjieba words for Chinese, lower-cased words otherwise."""
    if language == "zh" or _HAN.search(text):
        import rjieba

        words = [w.strip().lower() for w in rjieba.cut(text)]
        return [w for w in words if w and w not in STOPWORDS and (_HAN.search(w) or _WORD.match(w))]
    return [w for w in _WORD.findall(text.lower()) if w not in STOPWORDS]


class TopicModel:
    """Seeded spherical k-means over message embeddings with an unassigned bucket.

    Parameters: ``n_topics`` (None: chosen in ``k_range`` by silhouette), ``min_similarity``
    (cosine to the nearest centre below which a message stays unassigned), ``seed``,
    ``sample_size`` (rows used to fit the centres), ``n_terms`` (label words per topic).
    """

    def __init__(
        self,
        n_topics: int | None = None,
        *,
        min_similarity: float = 0.3,
        max_unassigned: float = 0.1,
        seed: int = 0,
        sample_size: int = 20_000,
        k_range: tuple[int, int] = (4, 30),
        n_terms: int = 8,
    ) -> None:
        self.n_topics = n_topics
        self.min_similarity = min_similarity
        self.max_unassigned = max_unassigned
        self.seed = seed
        self.sample_size = sample_size
        self.k_range = k_range
        self.n_terms = n_terms

    def get_params(self) -> dict[str, Any]:
        return {
            "n_topics": self.n_topics,
            "min_similarity": self.min_similarity,
            "max_unassigned": self.max_unassigned,
            "seed": self.seed,
            "sample_size": self.sample_size,
            "k_range": list(self.k_range),
            "n_terms": self.n_terms,
        }

    def __repr__(self) -> str:
        fitted = f", topics={len(self.centres_)}" if hasattr(self, "centres_") else ""
        return f"TopicModel(n_topics={self.n_topics}, seed={self.seed}{fitted})"

    def fit(
        self,
        embeddings: NDArray[np.floating[Any]],
        texts: Sequence[str | None] | pl.Series,
        languages: Sequence[str | None] | pl.Series | None = None,
    ) -> TopicModel:
        """Fit centres on ``embeddings`` and label them from ``texts`` (same row order)."""
        with threadpool_limits(limits=1, user_api="blas"):
            return self._fit(embeddings, texts, languages)

    def _fit(
        self,
        embeddings: NDArray[np.floating[Any]],
        texts: Sequence[str | None] | pl.Series,
        languages: Sequence[str | None] | pl.Series | None,
    ) -> TopicModel:
        emb = self._check(embeddings)
        if len(texts) != emb.shape[0]:
            raise InputError(
                f"The embeddings have {emb.shape[0]} rows but {len(texts)} texts were given. "
                "Pass one embedding row per message text."
            )
        if emb.shape[0] < 2:
            raise InputError(
                "Topic discovery needs at least 2 messages in the period. Widen --since/--until."
            )
        rng = np.random.default_rng(self.seed)
        n_fit = min(self.sample_size, emb.shape[0])
        sample = emb[np.sort(rng.choice(emb.shape[0], n_fit, replace=False))]
        k = self.n_topics or self._choose_k(sample)
        k = max(1, min(k, np.unique(sample, axis=0).shape[0]))
        self.centres_ = _spherical_kmeans(sample, k, self.seed)
        self.threshold_ = self.min_similarity
        self.labels_, self.similarity_ = self._assign(emb)
        if (self.labels_ < 0).mean() > self.max_unassigned:
            # Keep the unassigned share low: lower the threshold to the max_unassigned quantile.
            self.threshold_ = max(0.0, float(np.quantile(self.similarity_, self.max_unassigned)))
            self.labels_, self.similarity_ = self._assign(emb)
        self.unassigned_share_ = float((self.labels_ < 0).mean())
        self.sizes_ = np.bincount(self.labels_[self.labels_ >= 0], minlength=k)
        self.terms_ = _distinctive_terms(
            self.labels_, texts, languages, k, self.n_terms, rng, per_topic=300
        )
        return self

    def transform(self, embeddings: NDArray[np.floating[Any]]) -> NDArray[np.int64]:
        """Topic of each row (-1 when unassigned)."""
        if not hasattr(self, "centres_"):
            raise NotFittedError("This TopicModel is not fitted yet. Call fit(...) first.")
        return self._assign(self._check(embeddings))[0]

    def labels(self) -> list[str]:
        """A short label per topic: its three most distinctive words."""
        if not hasattr(self, "terms_"):
            raise NotFittedError("This TopicModel is not fitted yet. Call fit(...) first.")
        return [" / ".join(t[:3]) if t else f"topic {i}" for i, t in enumerate(self.terms_)]

    def _check(self, embeddings: NDArray[np.floating[Any]]) -> NDArray[np.float32]:
        emb = np.asarray(embeddings, dtype=np.float32)
        if emb.ndim != 2 or not np.isfinite(emb).all():
            raise InputError(
                "The embeddings must be a finite 2-D array with one row per message. "
                f"Got an array of shape {emb.shape} instead."
            )
        if hasattr(self, "centres_") and emb.shape[1] != self.centres_.shape[1]:
            raise InputError(
                f"The embeddings have {emb.shape[1]} columns but the model was fitted on "
                f"{self.centres_.shape[1]}. Use the same embedding backend."
            )
        return _normalise(emb)

    def _assign(self, emb: NDArray[np.float32]) -> tuple[NDArray[np.int64], NDArray[np.float32]]:
        labels = np.empty(emb.shape[0], dtype=np.int64)
        sims = np.empty(emb.shape[0], dtype=np.float32)
        for start in range(0, emb.shape[0], 200_000):
            s = emb[start : start + 200_000] @ self.centres_.T
            labels[start : start + 200_000] = s.argmax(axis=1)
            sims[start : start + 200_000] = s.max(axis=1)
        labels[sims < getattr(self, "threshold_", self.min_similarity)] = -1
        return labels, sims

    def _choose_k(self, sample: NDArray[np.float32]) -> int:
        rng = np.random.default_rng(self.seed)
        sub = sample[rng.choice(sample.shape[0], min(2_000, sample.shape[0]), replace=False)]
        lo, hi = self.k_range
        small = list(range(lo, min(hi, 10) + 1))
        large = np.geomspace(min(hi, 10), hi, 4).round().astype(int).tolist() if hi > 10 else []
        candidates = sorted(set(small + large))
        best_k, best = candidates[0], -2.0
        for k in candidates:
            if k >= sub.shape[0]:
                break
            centres = _spherical_kmeans(sub, k, self.seed)
            score = _silhouette(sub, (sub @ centres.T).argmax(axis=1))
            if score > best + 0.01:
                best_k, best = k, score
        return int(best_k)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready state (params, centres, terms) with a format version."""
        if not hasattr(self, "centres_"):
            raise NotFittedError("This TopicModel is not fitted yet. Call fit(...) first.")
        return {
            "format": "retailpulse.topics",
            "version": FORMAT_VERSION,
            "params": self.get_params(),
            "centres": self.centres_.tolist(),
            "threshold": self.threshold_,
            "terms": self.terms_,
        }

    @classmethod
    def from_dict(cls, state: dict[str, Any]) -> TopicModel:
        """Rebuild a fitted model saved by :meth:`to_dict`."""
        if state.get("format") != "retailpulse.topics" or state.get("version") != FORMAT_VERSION:
            raise ModelError(
                f"This topic model file is not a version {FORMAT_VERSION} retailpulse topic "
                "model. Re-run `retailpulse topics` to fit a new one."
            )
        params = dict(state["params"])
        params["k_range"] = tuple(params["k_range"])
        model = cls(**params)
        model.centres_ = np.asarray(state["centres"], dtype=np.float32)
        model.terms_ = [list(t) for t in state["terms"]]
        model.threshold_ = float(state["threshold"])
        return model

    def to_json(self) -> str:
        return json.dumps(self.to_dict())


def _spherical_kmeans(
    x: NDArray[np.float32], k: int, seed: int, n_init: int = 3
) -> NDArray[np.float32]:
    """Best of ``n_init`` seeded runs (highest total cosine similarity to the centres)."""
    best, best_fit = None, -np.inf
    for i in range(n_init):
        centres = _kmeans_once(x, k, seed * 1_000 + i)
        fit = float((x @ centres.T).max(axis=1).sum())
        if fit > best_fit:
            best, best_fit = centres, fit
    assert best is not None
    return best


def _kmeans_once(x: NDArray[np.float32], k: int, seed: int, iters: int = 30) -> NDArray[np.float32]:
    """Seeded k-means++ initialisation then Lloyd iterations on cosine similarity."""
    rng = np.random.default_rng(seed)
    n = x.shape[0]
    centres = np.empty((k, x.shape[1]), dtype=np.float32)
    centres[0] = x[rng.integers(n)]
    closest = 1.0 - x @ centres[0]
    for i in range(1, k):
        w = np.clip(closest, 0, None) ** 2
        total = w.sum()
        idx = rng.choice(n, p=w / total) if total > 0 else rng.integers(n)
        centres[i] = x[idx]
        closest = np.minimum(closest, 1.0 - x @ centres[i])
    labels = np.full(n, -1)
    for _ in range(iters):
        new = (x @ centres.T).argmax(axis=1)
        if np.array_equal(new, labels):
            break
        labels = new
        members = sp.csr_matrix(
            (np.ones(n, dtype=np.float32), (labels, np.arange(n))), shape=(k, n)
        )
        sums = np.asarray(members @ x, dtype=np.float32)
        for j in range(k):
            norm = np.linalg.norm(sums[j])
            if norm > 0:
                centres[j] = sums[j] / norm
    return centres


def _silhouette(x: NDArray[np.float32], labels: NDArray[np.int64]) -> float:
    """Mean silhouette with cosine distance (on a small sample)."""
    if np.unique(labels).size < 2:
        return -1.0
    dist = 1.0 - x @ x.T
    k = labels.max() + 1
    onehot = np.zeros((labels.size, k), dtype=np.float32)
    onehot[np.arange(labels.size), labels] = 1.0
    sizes = onehot.sum(axis=0)
    mean_to = (dist @ onehot) / np.maximum(sizes, 1)
    own = sizes[labels]
    a = mean_to[np.arange(labels.size), labels] * own / np.maximum(own - 1, 1)
    mean_to[np.arange(labels.size), labels] = np.inf
    mean_to[:, sizes == 0] = np.inf
    b = mean_to.min(axis=1)
    s = (b - a) / np.maximum(np.maximum(a, b), 1e-9)
    s[own <= 1] = 0.0
    return float(s.mean())


def _distinctive_terms(
    labels: NDArray[np.int64],
    texts: Sequence[str | None] | pl.Series,
    languages: Sequence[str | None] | pl.Series | None,
    k: int,
    n_terms: int,
    rng: np.random.Generator,
    per_topic: int,
) -> list[list[str]]:
    """Class-based TF-IDF: words frequent in a topic and rare across topics."""
    counts: list[Counter[str]] = []
    text_list = texts if isinstance(texts, pl.Series) else pl.Series(texts, dtype=pl.String)
    langs = (
        languages
        if isinstance(languages, pl.Series)
        else pl.Series(languages if languages is not None else [None] * len(text_list))
    )
    for t in range(k):
        idx = np.flatnonzero(labels == t)
        if idx.size > per_topic:
            idx = np.sort(rng.choice(idx, per_topic, replace=False))
        c: Counter[str] = Counter()
        for text, lang in zip(text_list.gather(idx), langs.gather(idx), strict=True):
            c.update(tokens(text or "", lang))
        counts.append(c)
    vocab_df: Counter[str] = Counter()
    for c in counts:
        vocab_df.update(c)
    avg = max(1.0, sum(vocab_df.values()) / max(k, 1))
    out = []
    for c in counts:
        total = max(1, sum(c.values()))
        scored = sorted(
            c.items(),
            key=lambda kv: (-(kv[1] / total) * np.log(1 + avg / vocab_df[kv[0]]), kv[0]),
        )
        out.append([w for w, _ in scored[:n_terms]])
    return out


def emerging_topics(
    topics: pl.DataFrame,
    *,
    now: datetime | None = None,
    recent_days: int = 7,
    baseline_days: int = 28,
    min_recent: int = 10,
    min_ratio: float = 1.5,
    level: float = 0.95,
) -> pl.DataFrame:
    """Topics growing against their baseline.

    ``topics`` has ``topic, created_at`` per message. The recent window is the last
    ``recent_days`` before ``now`` (default: the latest message); the baseline the
    ``baseline_days`` before it. ``ratio`` is the rate ratio with a log-normal interval; a
    topic is emerging when its lower bound exceeds ``min_ratio`` and it has ``min_recent``
    recent messages.
    """
    z = z_value(level)
    assigned = topics.filter(pl.col("topic") >= 0)
    if assigned.is_empty():
        return pl.DataFrame(
            schema={
                "topic": pl.Int64,
                "recent": pl.UInt32,
                "baseline": pl.UInt32,
                "ratio": pl.Float64,
                "ratio_lo": pl.Float64,
                "ratio_hi": pl.Float64,
                "emerging": pl.Boolean,
            }
        )
    end = now or assigned["created_at"].max()
    assert isinstance(end, datetime)
    cut = end - timedelta(days=recent_days)
    start = cut - timedelta(days=baseline_days)
    window = assigned.filter((pl.col("created_at") > start) & (pl.col("created_at") <= end))
    agg = window.group_by("topic").agg(
        (pl.col("created_at") > cut).sum().alias("recent"),
        (pl.col("created_at") <= cut).sum().alias("baseline"),
    )
    rows = []
    for r in agg.iter_rows(named=True):
        ratio, lo, hi = rate_ratio(r["recent"], recent_days, r["baseline"], baseline_days, z)
        rows.append((ratio, lo, hi))
    arr = np.array(rows, dtype=float).reshape(-1, 3)
    return (
        agg.with_columns(
            pl.Series("ratio", arr[:, 0]),
            pl.Series("ratio_lo", arr[:, 1]),
            pl.Series("ratio_hi", arr[:, 2]),
        )
        .with_columns(
            ((pl.col("ratio_lo") > min_ratio) & (pl.col("recent") >= min_recent)).alias("emerging")
        )
        .sort("ratio", descending=True)
    )


def discover_topics(
    messages: pl.DataFrame,
    embeddings: NDArray[np.floating[Any]] | None = None,
    *,
    model: TopicModel | None = None,
    examples: int = 3,
) -> tuple[TopicModel, pl.DataFrame, pl.DataFrame]:
    """Fit topics on ``messages`` (rows aligned with ``embeddings`` when given).

    Without ``embeddings`` the fallback :func:`hashed_embedding` is used. Returns the fitted
    model, the per-message assignments (``id, created_at, topic, similarity``) and the topic
    table (``topic, label, terms, size, share, nsi, example_ids``; topic -1 is unassigned).
    """
    if messages.is_empty():
        raise InputError("There are no messages in the period. Widen --since/--until.")
    emb = hashed_embedding(messages["text"]) if embeddings is None else embeddings
    tm = (model or TopicModel()).fit(emb, messages["text"], messages.get_column("language"))
    assigned = messages.select("id", "created_at", "sentiment").with_columns(
        pl.Series("topic", tm.labels_), pl.Series("similarity", tm.similarity_)
    )
    labels = tm.labels()
    table = (
        assigned.sort("similarity", descending=True)
        .group_by("topic")
        .agg(
            pl.len().alias("size"),
            (
                100
                * (
                    (pl.col("sentiment") == "positive").sum()
                    - (pl.col("sentiment") == "negative").sum()
                )
                / pl.len()
            ).alias("nsi"),
            pl.col("id").head(examples).alias("example_ids"),
        )
        .with_columns(
            (pl.col("size") / assigned.height).alias("share"),
            pl.col("topic")
            .map_elements(lambda t: labels[t] if t >= 0 else "(unassigned)", return_dtype=pl.String)
            .alias("label"),
            pl.col("topic")
            .map_elements(
                lambda t: ";".join(tm.terms_[t]) if t >= 0 else "", return_dtype=pl.String
            )
            .alias("terms"),
        )
        .sort("size", descending=True)
    )
    return tm, assigned.drop("sentiment"), table
