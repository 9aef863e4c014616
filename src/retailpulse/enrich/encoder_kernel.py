"""The sentence encoder's element-wise work, compiled (Numba): the first convolution's sums,
the quantised windows the second convolution reads, and the layer-normed token sums.

Used by :class:`retailpulse.enrich.sentence_encoder.SentenceEncoder` in int8 precision; its
float32 path (NumPy) is the reference ``tests/enrich/test_sentence_encoder.py`` holds these to.
:func:`first_layer`, :func:`quantised_windows` and :func:`token_sums` run on one micro-batch of
whole sentences (``starts``, ``lens``: each sentence's first token and its number of tokens);
:func:`quantise_rows` and :func:`dequantise` on the distinct tokens' rows. All release the GIL,
so the encoder's two threads run them side by side. A window slot that falls outside its
sentence reads zeros, as in the package.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from retailpulse.enrich.compiled import compiled

#: Width of each convolution branch.
WIDTH = 256


#: The uint8 code of 0: activations are quantised symmetrically, ``v ~= (q - ZERO) * scale``.
ZERO = 128


@compiled(fastmath=True)
def first_layer(
    inverse: Any,
    starts: Any,
    lens: Any,
    slots: Any,
    x: Any,
    n: int,
    left: int,
    h: Any,
    absmax: Any,
) -> None:
    """One branch's first layer: ``h[t] = relu(sum_j slots[inverse[t + j - left] * n + j]) +
    x[inverse[t]]`` over the slots j inside t's sentence (``slots``: (distinct * n, 256), row
    u * n + j is token u's contribution to window slot j, the bias on the centre slot; ``x``:
    (distinct, 256), the branch's projected tokens). ``absmax[s]``: the largest ``|h|`` of
    sentence s."""
    acc = np.empty(WIDTH, dtype=np.float32)
    for s in range(starts.shape[0]):
        lo = starts[s]
        hi = lo + lens[s]
        top = np.float32(0.0)
        for t in range(lo, hi):
            acc[:] = 0.0
            for j in range(n):
                p = t + j - left
                if p >= lo and p < hi:
                    row = slots[inverse[p] * n + j]
                    for k in range(WIDTH):
                        acc[k] += row[k]
            base = x[inverse[t]]
            out = h[t]
            for k in range(WIDTH):
                v = max(acc[k], np.float32(0.0)) + base[k]
                out[k] = v
                top = max(top, abs(v))
        absmax[s] = top


@compiled(fastmath=True)
def quantise_rows(x: Any, out: Any, scales: Any) -> None:
    """Each row of ``x`` to uint8 with its own scale, ``x[r] ~= (out[r] - ZERO) * scales[r]``
    (``scales[r] = max |x[r]| / 127``; 1 for a zero row)."""
    for r in range(x.shape[0]):
        row = x[r]
        top = np.float32(0.0)
        for k in range(row.shape[0]):
            top = max(top, abs(row[k]))
        scale = top / np.float32(127.0) if top > 0 else np.float32(1.0)
        scales[r] = scale
        inv = np.float32(1.0) / scale
        q = out[r]
        for k in range(row.shape[0]):
            q[k] = np.uint8(np.rint(row[k] * inv) + np.float32(ZERO))


@compiled(fastmath=True)
def quantised_windows(
    h: Any, starts: Any, lens: Any, n: int, left: int, absmax: Any, scales: Any, out: Any
) -> None:
    """``out[t]`` (uint8, n * 256): the rows ``h[t + j - left]`` of t's window quantised with
    the scale of t's sentence s (``absmax[s] / 127``, written to ``scales[t]``); a slot outside
    the sentence is ``ZERO`` (the value 0)."""
    q = np.empty(WIDTH, dtype=np.uint8)
    for s in range(starts.shape[0]):
        lo = starts[s]
        hi = lo + lens[s]
        scale = absmax[s] / np.float32(127.0) if absmax[s] > 0 else np.float32(1.0)
        inv = np.float32(1.0) / scale
        for p in range(lo, hi):
            scales[p] = scale
            row = h[p]
            for k in range(WIDTH):
                q[k] = np.uint8(np.rint(row[k] * inv) + np.float32(ZERO))
            # row p fills slot j of token t = p - j + left
            for j in range(n):
                t = p - j + left
                if t >= lo and t < hi:
                    out[t, j * WIDTH : (j + 1) * WIDTH] = q
        for t in range(lo, hi):
            for j in range(n):
                p = t + j - left
                if p < lo or p >= hi:
                    out[t, j * WIDTH : (j + 1) * WIDTH] = ZERO


@compiled(fastmath=True)
def token_sums(
    emb: Any,
    inverse: Any,
    starts: Any,
    lens: Any,
    h: Any,
    c2_0: Any,
    c2_1: Any,
    c2_2: Any,
    scales: Any,
    w2_scales: Any,
    b2: Any,
    eps: float,
    sums: Any,
) -> None:
    """Per sentence, the sum over its tokens of the layer-normed features (before the layer
    norm's gain and bias): the token's embedding row, then for each branch i
    ``relu(c2_i) + h[i]``, where ``c2_i`` is the second convolution's int32 product, dequantised
    with the token's scale ``scales[i, t]`` and the weights' column scales ``w2_scales[i]``, plus
    the bias ``b2[i]``. ``h``: (3, tokens, 256); ``sums``: (sentences, 512 + 3 * 256)."""
    ne = emb.shape[1]
    width = ne + 3 * WIDTH
    # float32 throughout: an int or float64 operand would widen the layer norm to float64
    inv_width = np.float32(1.0 / width)
    eps32 = np.float32(eps)
    feat = np.empty(width, dtype=np.float32)
    for s in range(starts.shape[0]):
        lo = starts[s]
        hi = lo + lens[s]
        o = sums[s]
        o[:] = 0.0
        for t in range(lo, hi):
            e = emb[inverse[t]]
            total = np.float32(0.0)
            for k in range(ne):
                feat[k] = e[k]
                total += e[k]
            for i in range(3):
                off = ne + i * WIDTH
                c = c2_0[t] if i == 0 else (c2_1[t] if i == 1 else c2_2[t])
                a = scales[i, t]
                ws = w2_scales[i]
                bias = b2[i]
                for k in range(WIDTH):
                    v = np.float32(c[k]) * a * ws[k] + bias[k]
                    v = max(v, np.float32(0.0)) + h[i, t, k]
                    feat[off + k] = v
                    total += v
            mu = total * inv_width
            var = np.float32(0.0)
            for k in range(width):
                d = feat[k] - mu
                feat[k] = d
                var += d * d
            r = np.float32(1.0) / np.sqrt(var * inv_width + eps32)
            for k in range(width):
                o[k] += feat[k] * r


@compiled(fastmath=True)
def dequantise(y: Any, row_scales: Any, col_scales: Any, bias: Any, out: Any) -> None:
    """``out[r, k] = y[r, k] * row_scales[r] * col_scales[k] + bias[k]`` (int32 products back
    to float32)."""
    for r in range(y.shape[0]):
        a = row_scales[r]
        src = y[r]
        dst = out[r]
        for k in range(y.shape[1]):
            dst[k] = np.float32(src[k]) * a * col_scales[k] + bias[k]
