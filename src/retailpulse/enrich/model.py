"""The fast tier's model: linear heads over hashed n-gram features, saved as npz + json.

All heads share one weight matrix (``2**bits + 1`` rows, one column per output), so a batch
needs a single pass over its features. On disk the weights are int8 with one scale per column
(``weights.npz``; a loaded model keeps them, :class:`Quantised`, for the scoring kernel) and
``model.json`` holds the format, the model version, the heads and their labels, the training
data and the validation figures. No pickle anywhere.

An `accurate` tier model also has an :class:`Embedding` block: weights from the 512 dimensions
of a sentence embedding (:mod:`retailpulse.enrich.embedding`) to the same output columns, added
to the message-level scores. Such a model is written as format 2.

Head kinds: ``softmax`` (one label of several: sentiment, emotion), ``sigmoid`` (independent
labels: intents, aspects, custom categories) and ``binary`` (language: English vs Indonesian
among Latin-script messages).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from retailpulse import __version__
from retailpulse.enrich.embedding import check_encoder
from retailpulse.errors import ModelError

#: Format of model.json / weights.npz this code writes for a fast model; an accurate model (with
#: an embedding block) is format 2. Both are read.
FORMAT_VERSION = 1
FORMAT_EMBEDDING = 2
MODEL_JSON = "model.json"
WEIGHTS_NPZ = "weights.npz"


@dataclass
class Head:
    """One head: its outputs are columns ``start .. start + len(labels)`` of the weights."""

    name: str
    kind: str  # softmax | sigmoid
    labels: list[str]
    start: int
    level: str = "message"  # message | clause
    thresholds: list[float] = field(default_factory=list)
    #: Softmax temperature (probabilities are ``softmax(scores / temperature)``), fitted so
    #: that the probabilities are calibrated (:mod:`retailpulse.enrich.calibration`).
    temperature: float = 1.0

    @property
    def stop(self) -> int:
        return self.start + len(self.labels)


@dataclass
class Embedding:
    """Sentence-embedding weights: ``weights`` is (dim, n_outputs), zero for the heads that do
    not use the embedding."""

    encoder: str
    weights: npt.NDArray[np.float32]

    @property
    def dim(self) -> int:
        return int(self.weights.shape[0])


@dataclass(frozen=True)
class Quantised:
    """The int8 weights a model was loaded from: ``q * scale`` (per column, in float32) is
    exactly ``source[:-1]``, the float weights built from them."""

    q: npt.NDArray[np.int8]  # (2**bits, n_outputs), C order
    scale: npt.NDArray[np.float32]  # (n_outputs,)
    source: npt.NDArray[np.float32]  # the float weights these stand for


@dataclass
class LinearModel:
    """Linear heads sharing a hashed feature space (estimator state, loaded or trained)."""

    version: str
    bits: int
    heads: dict[str, Head]
    weights: npt.NDArray[np.float32]  # (2**bits + 1, n_outputs); last row zero
    bias: npt.NDArray[np.float32]  # (n_outputs,)
    meta: dict[str, Any] = field(default_factory=dict)
    embedding: Embedding | None = None
    #: The int8 weights and column scales of a loaded model (the scoring kernel gathers from
    #: them: 8 MB instead of 33 MB); ignored once ``weights`` is another array.
    quantised: Quantised | None = field(default=None, repr=False, compare=False)

    @property
    def tier(self) -> str:
        return "fast" if self.embedding is None else "accurate"

    def int8_weights(self) -> Quantised | None:
        """The int8 form of ``weights`` when the model was loaded and its weights are those
        loaded, else ``None``."""
        qw = self.quantised
        return qw if qw is not None and qw.source is self.weights else None

    def head(self, name: str) -> Head:
        try:
            return self.heads[name]
        except KeyError:
            raise ModelError(
                f"The model {self.version} has no '{name}' head. Retrain it with "
                "`retailpulse train`."
            ) from None

    def add_head(
        self,
        name: str,
        kind: str,
        labels: list[str],
        coef: npt.NDArray[np.float32],
        intercept: npt.NDArray[np.float32],
        *,
        level: str = "message",
        thresholds: list[float] | None = None,
        embedding_coef: npt.NDArray[np.float32] | None = None,
    ) -> None:
        """Append (or replace) a head; ``coef`` is (2**bits, n_labels), ``embedding_coef``
        (embedding dim, n_labels) for a head that reads the sentence embedding."""
        if embedding_coef is not None and self.embedding is None:
            raise ModelError(
                f"The head '{name}' reads a sentence embedding but the model has none."
            )
        if name in self.heads:
            self.drop_head(name)
        start = self.weights.shape[1]
        col = np.zeros((self.weights.shape[0], len(labels)), dtype=np.float32)
        col[: coef.shape[0]] = coef
        self.weights = np.hstack([self.weights, col]).astype(np.float32)
        self.quantised = None  # no longer the weights loaded
        self.bias = np.concatenate([self.bias, intercept.astype(np.float32)])
        if self.embedding is not None:
            emb = np.zeros((self.embedding.dim, len(labels)), dtype=np.float32)
            if embedding_coef is not None:
                emb[:] = embedding_coef
            self.embedding.weights = np.hstack([self.embedding.weights, emb]).astype(np.float32)
        self.heads[name] = Head(name, kind, list(labels), start, level, thresholds or [])

    def drop_head(self, name: str) -> None:
        h = self.heads.pop(name)
        keep = [i for i in range(self.weights.shape[1]) if not h.start <= i < h.stop]
        self.weights = np.ascontiguousarray(self.weights[:, keep])
        self.quantised = None
        self.bias = self.bias[keep]
        if self.embedding is not None:
            self.embedding.weights = np.ascontiguousarray(self.embedding.weights[:, keep])
        for other in self.heads.values():
            if other.start > h.start:
                other.start -= len(h.labels)

    def save(self, directory: str | Path) -> Path:
        """Write model.json and weights.npz (int8 + per-column scale) into ``directory``."""
        out = Path(directory)
        out.mkdir(parents=True, exist_ok=True)
        w = self.weights[:-1]
        scale = np.maximum(np.abs(w).max(axis=0), 1e-12) / 127.0
        q = np.round(w / scale).astype(np.int8)
        arrays = {"q": q, "scale": scale.astype(np.float32), "bias": self.bias}
        if self.embedding is not None:
            arrays["embedding"] = self.embedding.weights.astype(np.float32)
        np.savez_compressed(out / WEIGHTS_NPZ, **arrays)  # type: ignore[arg-type]
        doc: dict[str, Any] = {
            "format": FORMAT_VERSION if self.embedding is None else FORMAT_EMBEDDING,
            "version": self.version,
            "package_version": __version__,
            "bits": self.bits,
            "heads": [
                {
                    "name": h.name,
                    "kind": h.kind,
                    "labels": h.labels,
                    "start": h.start,
                    "level": h.level,
                    "thresholds": h.thresholds,
                    "temperature": h.temperature,
                }
                for h in self.heads.values()
            ],
            "meta": self.meta,
        }
        if self.embedding is not None:
            doc["embedding"] = {"encoder": self.embedding.encoder, "dim": self.embedding.dim}
        (out / MODEL_JSON).write_text(json.dumps(doc, indent=1, ensure_ascii=False) + "\n")
        return out

    @classmethod
    def load(cls, directory: str | Path | None = None, tier: str = "fast") -> LinearModel:
        """Load a model directory (the tier's model shipped in the package when ``None``)."""
        base = Path(str(resources.files("retailpulse.enrich") / "models" / tier))
        path = base if directory is None else Path(directory)
        meta_path = path / MODEL_JSON
        if not meta_path.exists() or not (path / WEIGHTS_NPZ).exists():
            raise ModelError(
                f"No enrichment model in {path} (model.json and weights.npz). Create one with "
                "`retailpulse train --output DIR` or reinstall retailpulse."
            )
        try:
            doc = json.loads(meta_path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise ModelError(
                f"The model file {meta_path} is not valid JSON ({exc}). Recreate it with "
                "`retailpulse train`."
            ) from exc
        fmt = doc.get("format") if isinstance(doc, dict) else None
        if fmt not in (FORMAT_VERSION, FORMAT_EMBEDDING):
            raise ModelError(
                f"The model in {path} has format {fmt!r} (written by retailpulse "
                f"{doc.get('package_version', '?') if isinstance(doc, dict) else '?'}); "
                f"retailpulse {__version__} reads formats {FORMAT_VERSION} and "
                f"{FORMAT_EMBEDDING}. Retrain it with "
                "`retailpulse train` or install the retailpulse version that wrote it."
            )
        try:
            with np.load(path / WEIGHTS_NPZ) as z:
                q, scale, bias = z["q"], z["scale"], z["bias"]
                emb = z["embedding"] if fmt == FORMAT_EMBEDDING else None
            embedding = None
            if emb is not None:
                spec = doc["embedding"]
                check_encoder(str(spec["encoder"]))
                embedding = Embedding(str(spec["encoder"]), emb.astype(np.float32))
                if emb.shape != (int(spec["dim"]), len(bias)):
                    raise ValueError(f"embedding weights of shape {emb.shape}")
            bits = int(doc["bits"])
            heads = {
                h["name"]: Head(
                    h["name"],
                    h["kind"],
                    list(h["labels"]),
                    int(h["start"]),
                    h["level"],
                    list(h.get("thresholds", [])),
                    float(h.get("temperature", 1.0)),
                )
                for h in doc["heads"]
            }
        except (OSError, KeyError, ValueError, TypeError) as exc:
            raise ModelError(
                f"The model in {path} is corrupt ({exc}). Retrain it with `retailpulse train`."
            ) from exc
        if q.shape[0] != 1 << bits or q.shape[1] != len(bias):
            raise ModelError(
                f"The weights in {path} do not match model.json (shape {q.shape}). Retrain "
                "with `retailpulse train`."
            )
        weights = np.zeros((q.shape[0] + 1, q.shape[1]), dtype=np.float32)
        np.multiply(q, scale, out=weights[:-1], casting="unsafe")
        quantised = Quantised(
            np.ascontiguousarray(q, dtype=np.int8), scale.astype(np.float32), weights
        )
        return cls(
            version=str(doc["version"]),
            bits=bits,
            heads=heads,
            weights=weights,
            bias=bias.astype(np.float32),
            meta=dict(doc.get("meta", {})),
            embedding=embedding,
            quantised=quantised,
        )


def empty_model(version: str, bits: int, embedding: tuple[str, int] | None = None) -> LinearModel:
    """A model with no heads yet (training adds them); ``embedding`` is (encoder, dim) for an
    accurate-tier model."""
    return LinearModel(
        version=version,
        bits=bits,
        heads={},
        weights=np.zeros(((1 << bits) + 1, 0), dtype=np.float32),
        bias=np.zeros(0, dtype=np.float32),
        embedding=None
        if embedding is None
        else Embedding(embedding[0], np.zeros((embedding[1], 0), dtype=np.float32)),
    )


def softmax(z: npt.NDArray[np.float32]) -> npt.NDArray[np.float32]:
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    out: npt.NDArray[np.float32] = e / e.sum(axis=1, keepdims=True)
    return out


def sigmoid(z: npt.NDArray[np.float32]) -> npt.NDArray[np.float32]:
    out: npt.NDArray[np.float32] = (1.0 / (1.0 + np.exp(-np.clip(z, -30, 30)))).astype(np.float32)
    return out
