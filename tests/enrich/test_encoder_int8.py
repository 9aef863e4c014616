from __future__ import annotations

import numpy as np
import pytest

from retailpulse.enrich import encoder_int8, encoder_kernel
from retailpulse.enrich.sentence_encoder import SentenceEncoder


def test_weights_are_quantised_per_column() -> None:
    w = np.random.default_rng(1).normal(size=(64, 8)).astype(np.float32)
    w[:, 3] *= 100
    w[:, 5] = 0
    q, scale = encoder_int8.quantise_columns(w)
    # 7 bits: two products of a uint8 code and a weight never pass a 16-bit lane
    assert q.dtype == np.int8 and np.abs(q).max() == encoder_int8.WEIGHT_LEVELS == 63
    assert 2 * 255 * encoder_int8.WEIGHT_LEVELS < 2**15
    assert (np.abs(q * scale - w).max(axis=0) <= scale / 2 * 1.0001).all()
    assert (q[:, 5] == 0).all() and scale[5] == 1.0


def test_rows_are_quantised_each_with_its_own_scale() -> None:
    x = np.random.default_rng(2).normal(size=(5, 256)).astype(np.float32)
    x[1] *= 1000
    x[4] = 0
    q = np.empty(x.shape, dtype=np.uint8)
    scales = np.empty(len(x), dtype=np.float32)
    encoder_kernel.quantise_rows(x, q, scales)
    back = (q.astype(np.float32) - encoder_kernel.ZERO) * scales[:, None]
    assert np.allclose(back, x, atol=0.5001 * scales.max())
    for r in range(4):
        assert np.abs(back[r] - x[r]).max() <= scales[r] / 2 * 1.001
    assert (q[4] == encoder_kernel.ZERO).all() and scales[4] == 1.0
    out = np.empty((5, 256), dtype=np.float32)
    cols = np.full(256, 2.0, dtype=np.float32)
    bias = np.arange(256, dtype=np.float32)
    y = q.astype(np.int32) - encoder_kernel.ZERO
    encoder_kernel.dequantise(y, scales, cols, bias, out)
    assert np.allclose(out, back * 2 + bias, rtol=1e-6, atol=1e-3)


@pytest.mark.parametrize("graph", ["slots", "conv2"])
def test_the_encoder_graphs_are_valid_onnx(graph: str) -> None:
    onnx = pytest.importorskip("onnx")
    rng = np.random.default_rng(3)
    if graph == "slots":
        w = [rng.normal(size=(256, 256 * n)).astype(np.float32) for n in (2, 3, 5)]
        model, scales = encoder_int8.slots_graph(w, 256)
    else:
        w = [rng.normal(size=(256 * n, 256)).astype(np.float32) for n in (2, 3, 5)]
        model, scales = encoder_int8.conv2_graph(w)
    onnx.checker.check_model(onnx.load_from_string(model), full_check=True)
    assert [s.shape for s in scales] == [(x.shape[1],) for x in w]


def test_the_int8_products_are_exact_on_the_real_weights() -> None:
    # codes at both ends (1 and 255) with the largest weights: a kernel that saturated a 16-bit
    # lane (uint8 x int8 on x86 without VNNI, were the weights 8-bit) would come out different
    enc = SentenceEncoder(threads=1)
    products = enc._int8
    rng = np.random.default_rng(4)
    slot_q = [encoder_int8.quantise_columns(w)[0] for w in enc._w1]
    conv_q = [encoder_int8.quantise_columns(w)[0] for w in enc._w2]

    def codes(rows: int, width: int) -> np.ndarray:
        return rng.choice(np.array([1, 2, 128, 254, 255], dtype=np.uint8), size=(rows, width))

    x = codes(64, 3 * 256)
    for i, got in enumerate(products.slots(x)):
        signed = x[:, i * 256 : (i + 1) * 256].astype(np.int64) - encoder_kernel.ZERO
        assert np.array_equal(got, signed @ slot_q[i].astype(np.int64))
    windows = [codes(64, w.shape[0]) for w in enc._w2]
    for a, got, q in zip(windows, products.conv2(windows), conv_q, strict=True):
        assert np.array_equal(got, (a.astype(np.int64) - encoder_kernel.ZERO) @ q.astype(np.int64))
