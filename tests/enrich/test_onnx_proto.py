"""The minimal ONNX writer: ONNX Runtime must parse and run what it writes, attributes and
all (and the ``onnx`` package, where installed, must accept it)."""

from __future__ import annotations

import numpy as np
import pytest

from retailpulse.enrich import onnx_proto as op

ort = pytest.importorskip("onnxruntime")


def _graph() -> bytes:
    rng = np.random.default_rng(0)
    w = rng.integers(-127, 128, size=(4, 3), dtype=np.int8)
    return op.model(
        [
            op.node("Split", ["x", "split"], ["a", "b"], axis=1),
            op.node("LayerNormalization", ["a", "g", "beta"], ["n"], axis=-1, epsilon=0.25),
            op.node("MatMulInteger", ["q", "w", "zero"], ["y"]),
            op.node("Transpose", ["b"], ["t"], perm=[1, 0]),
        ],
        [op.value_info("x", op.FLOAT, ["rows", 6]), op.value_info("q", op.UINT8, ["rows", 4])],
        [
            op.value_info("n", op.FLOAT, ["rows", 3]),
            op.value_info("y", op.INT32, ["rows", 3]),
            op.value_info("t", op.FLOAT, [3, "rows"]),
        ],
        [
            op.tensor("split", np.array([3, 3], dtype=np.int64)),
            op.tensor("g", np.array([1.0, 2.0, 3.0], dtype=np.float32)),
            op.tensor("beta", np.array([0.5, 0.0, -0.5], dtype=np.float32)),
            op.tensor("w", w),
            op.tensor("zero", np.array(128, dtype=np.uint8)),
        ],
        {"": 17},
    ), w


def test_onnx_runtime_runs_what_it_writes() -> None:
    model, w = _graph()
    session = ort.InferenceSession(model, providers=["CPUExecutionProvider"])
    x = np.arange(12, dtype=np.float32).reshape(2, 6) ** 1.5
    q = np.array([[0, 128, 255, 7], [128, 128, 1, 200]], dtype=np.uint8)
    n, y, t = session.run(None, {"x": x, "q": q})
    a = x[:, :3]
    norm = (a - a.mean(1, keepdims=True)) / np.sqrt(a.var(1, keepdims=True) + 0.25)
    assert np.allclose(n, norm * [1.0, 2.0, 3.0] + [0.5, 0.0, -0.5], atol=1e-5)
    assert np.array_equal(y, (q.astype(np.int32) - 128) @ w.astype(np.int32))
    assert np.array_equal(t, x[:, 3:].T)


def test_the_onnx_package_accepts_it() -> None:
    onnx = pytest.importorskip("onnx")
    model = onnx.load_from_string(_graph()[0])
    onnx.checker.check_model(model, full_check=True)
    assert [n.op_type for n in model.graph.node][:2] == ["Split", "LayerNormalization"]


def test_varints_cover_large_and_negative_values() -> None:
    assert op._varint(0) == b"\x00"
    assert op._varint(300) == b"\xac\x02"
    assert op._varint(-1) == b"\xff" * 9 + b"\x01"
