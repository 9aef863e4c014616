"""A minimal writer of ONNX model files (protocol buffers), so that ONNX Runtime can run a graph
built at load time without the ``onnx`` package.

Only what :mod:`retailpulse.enrich.encoder_int8` needs is written: nodes with int, float and
ints attributes, tensors as raw little-endian data, value infos with named or fixed dimensions.
Field numbers are those of ``onnx.proto3`` (ModelProto, GraphProto, NodeProto, AttributeProto,
TensorProto, ValueInfoProto, TypeProto, TensorShapeProto, OperatorSetIdProto);
``tests/enrich/test_onnx_proto.py`` parses what this writes with the ``onnx`` package when it is
installed (a dev dependency) and runs it with ONNX Runtime.
"""

from __future__ import annotations

import struct
from collections.abc import Iterable, Sequence

import numpy as np
import numpy.typing as npt

#: TensorProto.DataType of the NumPy dtypes used here.
ELEM_TYPES = {
    np.dtype(np.float32): 1,
    np.dtype(np.uint8): 2,
    np.dtype(np.int8): 3,
    np.dtype(np.int32): 6,
    np.dtype(np.int64): 7,
}
FLOAT, UINT8, INT8, INT32, INT64 = 1, 2, 3, 6, 7
_ATTR_FLOAT, _ATTR_INT, _ATTR_INTS = 1, 2, 7
IR_VERSION = 10


def _varint(value: int) -> bytes:
    if value < 0:
        value += 1 << 64
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        if value:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def _key(field: int, wire: int) -> bytes:
    return _varint(field << 3 | wire)


def _int(field: int, value: int) -> bytes:
    return _key(field, 0) + _varint(value)


def _bytes(field: int, value: bytes) -> bytes:
    return _key(field, 2) + _varint(len(value)) + value


def _str(field: int, value: str) -> bytes:
    return _bytes(field, value.encode())


def _float(field: int, value: float) -> bytes:
    return _key(field, 5) + struct.pack("<f", value)


def tensor(name: str, array: npt.NDArray[np.generic]) -> bytes:
    """A TensorProto holding ``array`` (C order, little-endian raw data)."""
    a = np.ascontiguousarray(array)
    dims = b"".join(_varint(d) for d in a.shape)
    out = _bytes(1, dims) if a.shape else b""
    out += _int(2, ELEM_TYPES[a.dtype]) + _str(8, name)
    return out + _bytes(9, a.astype(a.dtype.newbyteorder("<"), copy=False).tobytes())


def value_info(name: str, elem_type: int, shape: Sequence[int | str]) -> bytes:
    """A ValueInfoProto of a tensor; a dimension given as a string is symbolic."""
    dims = b"".join(_bytes(1, _str(2, d) if isinstance(d, str) else _int(1, d)) for d in shape)
    tensor_type = _int(1, elem_type) + _bytes(2, dims)
    return _str(1, name) + _bytes(2, _bytes(1, tensor_type))


def node(
    op: str,
    inputs: Sequence[str],
    outputs: Sequence[str],
    *,
    domain: str = "",
    **attrs: float | int | Sequence[int],
) -> bytes:
    """A NodeProto; ``""`` in ``inputs`` is an omitted optional input."""
    out = b"".join(_str(1, i) for i in inputs) + b"".join(_str(2, o) for o in outputs)
    out += _str(3, f"{op}_{outputs[0]}") + _str(4, op)
    for name, value in attrs.items():
        if isinstance(value, float):
            attr = _str(1, name) + _float(2, value) + _int(20, _ATTR_FLOAT)
        elif isinstance(value, int):
            attr = _str(1, name) + _int(3, value) + _int(20, _ATTR_INT)
        else:
            attr = _str(1, name) + b"".join(_int(8, v) for v in value) + _int(20, _ATTR_INTS)
        out += _bytes(5, attr)
    if domain:
        out += _str(7, domain)
    return out


def model(
    nodes: Iterable[bytes],
    inputs: Iterable[bytes],
    outputs: Iterable[bytes],
    initializers: Iterable[bytes],
    opsets: dict[str, int],
    name: str = "graph",
) -> bytes:
    """A serialised ModelProto, ready for ``onnxruntime.InferenceSession``."""
    graph = b"".join(_bytes(1, n) for n in nodes) + _str(2, name)
    graph += b"".join(_bytes(5, t) for t in initializers)
    graph += b"".join(_bytes(11, i) for i in inputs) + b"".join(_bytes(12, o) for o in outputs)
    out = _int(1, IR_VERSION) + _str(2, "retailpulse")
    out += _bytes(7, graph)
    for domain, version in opsets.items():
        out += _bytes(8, _str(1, domain) + _int(2, version))
    return out
